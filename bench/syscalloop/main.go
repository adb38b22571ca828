// Command syscalloop is the audit benchmark's workload: it makes N calls
// of one syscall as fast as it can, so the cost per call of a seccomp
// notification shows. Built static and copied into the bench rootfs.
package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: syscalloop unshare|getppid N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; i < n; i++ {
		switch os.Args[1] {
		case "unshare":
			// unshare(0) changes nothing and is one of the audited calls.
			unix.Unshare(0)
		default:
			unix.Getppid()
		}
	}
}
