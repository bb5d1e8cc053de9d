//go:build !linux

package vpcd

import "net"

// quickAck is Linux-only; elsewhere round trips pay the delayed-ACK cost.
func quickAck(*net.TCPConn) {}
