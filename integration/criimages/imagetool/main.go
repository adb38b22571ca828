// Command imagetool makes the container images the CRI tests pull, offline:
//
//	imagetool build -out DIR -busybox /bin/busybox -helper PATH
//	imagetool serve -dir DIR -addr 127.0.0.1:0 -addr-file FILE
//
// build writes an OCI image layout (importable with `ctr images import`
// once tarred); serve is a read-only registry on a loopback address that
// containerd uses as the mirror of every registry critest names.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: imagetool build|serve [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var err error
	switch os.Args[1] {
	case "build":
		out := fs.String("out", "", "OCI layout directory to write")
		busybox := fs.String("busybox", "/bin/busybox", "static busybox binary")
		helper := fs.String("helper", "", "static helper program (pause, nnp, web server)")
		_ = fs.Parse(os.Args[2:])
		err = build(*out, *busybox, *helper)
	case "serve":
		dir := fs.String("dir", "", "OCI layout directory to serve")
		addr := fs.String("addr", "127.0.0.1:0", "loopback listen address")
		addrFile := fs.String("addr-file", "", "file to write the listening address to")
		_ = fs.Parse(os.Args[2:])
		err = serve(*dir, *addr, *addrFile)
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "imagetool %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
