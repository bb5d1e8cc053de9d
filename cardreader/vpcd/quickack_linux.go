package vpcd

import (
	"net"
	"syscall"
)

// quickAck asks the kernel to ACK the next segment at once instead of
// delaying it. Linux clears the flag again after it fires, so it is set
// before every read.
func quickAck(c *net.TCPConn) {
	raw, err := c.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
