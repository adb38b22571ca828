package cgroups

import (
	"reflect"
	"testing"
)

// What delete removes is decided from the record alone: per hierarchy,
// only where minirun made something, its directory and the parents it
// made up to the recorded top, nothing of a record minirun did not write.
func TestRemovalsOnlyWhatMinirunMade(t *testing.T) {
	l := Layout{V1: map[string]string{"pids": "/cg/pids", "memory": "/cg/memory", "cpu": "/cg/cpu"}, Unified: "/cg/unified"}
	cases := []struct {
		name    string
		path    string
		created map[string]string
		want    []removal
	}{
		{"own directory and a parent made for it", "/p/a",
			map[string]string{"pids": "/cg/pids/p", "memory": "/cg/memory/p/a"},
			[]removal{{dir: "/cg/memory/p/a"}, {dir: "/cg/pids/p/a", parents: []string{"/cg/pids/p"}}}},
		{"pre-existing everywhere", "/p/a", map[string]string{}, nil},
		{"an adopted sibling's parents, nearest first", "/p/q/a",
			map[string]string{"pids": "/cg/pids/p"},
			[]removal{{dir: "/cg/pids/p/q/a", parents: []string{"/cg/pids/p/q", "/cg/pids/p"}}}},
		{"top beside the directory", "/p/a", map[string]string{"pids": "/cg/pids/q"}, nil},
		{"top below the directory", "/p/a", map[string]string{"pids": "/cg/pids/p/a/x"}, nil},
		{"top in another hierarchy's mount", "/p/a", map[string]string{"pids": "/cg/memory/p"}, nil},
		{"a hierarchy the layout lacks", "/p/a", map[string]string{"blkio": "/cg/blkio/p/a"}, nil},
		// The unified directory exists only for a container that needed it.
		{"hybrid unified not the container's", "/p/a", map[string]string{"": "/cg/unified/p/a"}, nil},
	}
	for _, tc := range cases {
		s := &State{Layout: l, Path: tc.path, Created: tc.created}
		if got := s.removals(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	// exec --cgroup's narrowed State (Sub) has no Created: it places,
	// never removes.
	sub := &State{Layout: l, Path: "/p/a/sub"}
	if got := sub.removals(); got != nil {
		t.Fatalf("a placement-only State removes %+v", got)
	}
}
