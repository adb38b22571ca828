package main

import (
	"fmt"
	"net"
	"os"
)

// sdNotifyMode sends msg to $NOTIFY_SOCKET as sd_notify(3) does (one
// datagram), for the NOTIFY_SOCKET proxy test.
func sdNotifyMode(msg string) {
	addr := os.Getenv("NOTIFY_SOCKET")
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err == nil {
		_, err = conn.Write([]byte(msg))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdnotify:", err)
		os.Exit(1)
	}
	fmt.Println("notified", addr)
	os.Exit(0)
}
