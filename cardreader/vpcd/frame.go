package vpcd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Control codes pcscd sends as 1-byte messages.
const (
	ctrlOff    = 0x00
	ctrlOn     = 0x01
	ctrlReset  = 0x02
	ctrlGetATR = 0x04
)

// MaxFrame is the largest payload a frame can carry (uint16 length).
const MaxFrame = 0xFFFF

// ErrEmptyFrame reports a zero-length message from pcscd, which the
// protocol does not define in that direction.
var ErrEmptyFrame = errors.New("vpcd: empty frame")

// readFrame reads one length-prefixed message into buf (grown as needed)
// and returns the payload.
func readFrame(r io.Reader, buf []byte) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(hdr[:]))
	if n == 0 {
		return nil, ErrEmptyFrame
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("vpcd: truncated frame: %w", err)
	}
	return buf, nil
}

// appendFrame appends the length-prefixed form of payload to dst. One write
// of the whole frame keeps the header and payload in one TCP segment.
func appendFrame(dst, payload []byte) ([]byte, error) {
	if len(payload) > MaxFrame {
		return dst, fmt.Errorf("vpcd: reply of %d bytes exceeds the frame limit", len(payload))
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(payload)))
	return append(dst, payload...), nil
}
