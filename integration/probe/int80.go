package main

import (
	"fmt"
	"os"
)

func int80(nr uintptr) uintptr

// int80Mode makes the i386 getpid call (number 20) and prints its result,
// so tests can see whether a filter lets 32-bit syscalls through.
func int80Mode() {
	fmt.Println("int80 getpid:", int(int80(20)))
	os.Exit(0)
}
