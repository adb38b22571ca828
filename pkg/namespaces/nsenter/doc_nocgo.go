//go:build !cgo

// Package nsenter needs cgo; without it the runtime cannot join namespaces
// and `minirun init` reports that the bootstrap never ran.
package nsenter
