package main

import "strconv"

// The image names critest (sigs.k8s.io/cri-tools, pkg/validate and
// pkg/framework) pulls, rebuilt from busybox and the helper program. Where
// the original was built from a Dockerfile in cri-tools' images/ directory,
// the image here has what the test reads from it: the user, the groups, the
// marker file, the process name.
const (
	e2e     = "registry.k8s.io/e2e-test-images/"
	staging = "gcr.io/k8s-staging-cri-tools/"
	// SandboxImage is the pause image containerd is told to use for pods;
	// its own name, so critest removing registry.k8s.io/pause:3.9 leaves it.
	SandboxImage = "minirun.local/pause:3.10"
)

// image is one manifest and the names it is tagged with.
type image struct {
	names      []string
	busybox    bool              // the busybox layer (with /etc/passwd, /etc/group)
	helperAs   []string          // paths the helper is installed at (first is the file)
	setuid     bool              // install the helper setuid root
	marker     string            // an empty file making the image distinct
	files      map[string]string // extra files, path -> content
	entrypoint []string
	cmd        []string
	user       string
	env        []string
	ports      []int
}

const basePasswd = "root:x:0:0:root:/root:/bin/sh\n" +
	"daemon:x:1:1:daemon:/usr/sbin:/bin/false\n" +
	"www-data:x:33:33:www-data:/var/www:/bin/false\n" +
	"nobody:x:65534:65534:nobody:/home:/bin/false\n"

const baseGroup = "root:x:0:\ndaemon:x:1:\nwww-data:x:33:\nnogroup:x:65534:\n"

func catalog() []image {
	imgs := []image{
		{names: []string{e2e + "busybox:1.29-2"}, busybox: true, cmd: []string{"sh"}},
		{names: []string{e2e + "nginx:1.14-2"}, busybox: true, helperAs: []string{"/usr/sbin/nginx"},
			cmd: []string{"nginx", "-g", "daemon off;"}, ports: []int{80}},
		{names: []string{staging + "hostnet-nginx-amd64:latest"}, busybox: true, helperAs: []string{"/usr/sbin/nginx"},
			cmd: []string{"nginx", "-g", "daemon off;"}, env: []string{"WEB_PORT=12003"}, ports: []int{12003}},
		{names: []string{e2e + "httpd:2.4.39-4"}, busybox: true,
			helperAs: []string{"/usr/local/apache2/bin/httpd", "/usr/local/bin/httpd-foreground"},
			cmd:      []string{"httpd-foreground"}, ports: []int{80}},
		{names: []string{e2e + "nonewprivs:1.3"}, busybox: true, helperAs: []string{"/usr/local/bin/nnp"},
			setuid: true, entrypoint: []string{"/usr/local/bin/nnp"}},
		{names: []string{"registry.k8s.io/pause:3.9", "k8s.gcr.io/pause:3.9"},
			helperAs: []string{"/pause"}, entrypoint: []string{"/pause"}},
		{names: []string{SandboxImage}, helperAs: []string{"/pause"}, entrypoint: []string{"/pause"}},
		{names: []string{staging + "test-image-predefined-group:latest"}, busybox: true, user: "1000",
			files: map[string]string{
				"/etc/passwd": basePasswd + "default-user:x:1000:1000::/home/default-user:/bin/sh\n",
				"/etc/group":  baseGroup + "default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n",
			}},
		{names: []string{staging + "test-image-tags:1", staging + "test-image-tags:2", staging + "test-image-tags:3"},
			busybox: true, marker: "/same-image", cmd: []string{"sh"}},
	}
	for name, user := range map[string]string{
		"test-image-user-uid":            "1002",
		"test-image-user-username":       "www-data",
		"test-image-user-uid-group":      "1003:1004",
		"test-image-user-username-group": "www-data:1004",
	} {
		imgs = append(imgs, image{names: []string{staging + name + ":latest"}, busybox: true, user: user, cmd: []string{"sh"}})
	}
	// test-image-digest is pulled by a digest of the image built in
	// cri-tools' CI, which no rebuild can reproduce; it is served by tag.
	for _, name := range []string{"test-image-1", "test-image-2", "test-image-3", "test-image-latest", "test-image-digest"} {
		imgs = append(imgs, image{names: []string{staging + name + ":latest"}, busybox: true, marker: "/" + name, cmd: []string{"sh"}})
	}
	for _, tag := range []string{"test", "all"} {
		imgs = append(imgs, image{names: []string{staging + "test-image-tag:" + tag}, busybox: true, marker: "/" + tag, cmd: []string{"sh"}})
	}
	return imgs
}

func (im image) exposed() map[string]struct{} {
	if len(im.ports) == 0 {
		return nil
	}
	m := map[string]struct{}{}
	for _, p := range im.ports {
		m[strconv.Itoa(p)+"/tcp"] = struct{}{}
	}
	return m
}
