//go:build !cgo

package main

// minirun cannot work without cgo: joining namespaces needs the C
// bootstrap in pkg/namespaces/nsenter, which runs before the Go runtime
// starts. Without it `create` had nothing to answer the bootstrap, so
// this build fails on purpose, naming the cause.
var _ = minirun_needs_cgo__build_with_CGO_ENABLED_1
