//go:build linux && cgo

// Package nsenter links the C constructor that joins and creates namespaces
// before the Go runtime starts. Importing it is all a binary needs to do; the
// constructor stays dormant unless the _MINIRUN_BOOTSTRAP variable is set.
package nsenter

/*
#cgo CFLAGS: -Wall -Werror -O2
*/
import "C"
