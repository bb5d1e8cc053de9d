package printing

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// IPP job states (RFC 8011 §5.3.7).
const (
	ippPending    = 3
	ippHeld       = 4
	ippProcessing = 5
	ippStopped    = 6
	ippCanceled   = 7
	ippAborted    = 8
	ippCompleted  = 9
)

// ErrIPP reports an IPP answer the kiosk cannot read.
var ErrIPP = errors.New("printing: unreadable IPP response")

// IPPJob is what Get-Job-Attributes says about a job.
type IPPJob struct {
	Status  uint16   // IPP status code; 0x0000–0x00ff is success
	State   int      // job-state
	Reasons []string // job-state-reasons
	Message string   // job-printer-state-message
}

// server returns where the scheduler listens: Client.Server, CUPS_SERVER,
// or the local defaults.
func (c *Client) server() string {
	if c.Server != "" {
		return c.Server
	}
	if s := os.Getenv("CUPS_SERVER"); s != "" {
		return s
	}
	for _, p := range []string{"/run/cups/cups.sock", "/var/run/cups/cups.sock"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "localhost:631"
}

// jobAttributes asks the scheduler about job n with IPP Get-Job-Attributes,
// over its Unix socket or TCP port: lpstat cannot tell a job that printed
// from one that was aborted or cancelled.
func (c *Client) jobAttributes(ctx context.Context, n int) (IPPJob, error) {
	srv := c.server()
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		if strings.HasPrefix(srv, "/") {
			return d.DialContext(ctx, "unix", srv)
		}
		addr := srv
		if !strings.Contains(addr, ":") {
			addr += ":631"
		}
		return d.DialContext(ctx, "tcp", addr)
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}, Timeout: 10 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://localhost/jobs/", bytes.NewReader(getJobAttributes(n)))
	if err != nil {
		return IPPJob{}, err
	}
	req.Header.Set("Content-Type", "application/ipp")
	resp, err := hc.Do(req)
	if err != nil {
		return IPPJob{}, fmt.Errorf("%w: %v", ErrNoCUPS, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return IPPJob{}, fmt.Errorf("%w: HTTP %d", ErrIPP, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return IPPJob{}, err
	}
	return ParseIPPJob(body)
}

// getJobAttributes encodes an IPP/1.1 Get-Job-Attributes request for job n.
func getJobAttributes(n int) []byte {
	var b bytes.Buffer
	b.Write([]byte{1, 1, 0, 9, 0, 0, 0, 1}) // version 1.1, operation 0x0009, request-id 1
	b.WriteByte(0x01)                       // operation-attributes-tag
	attr := func(tag byte, name, value string) {
		b.WriteByte(tag)
		binary.Write(&b, binary.BigEndian, uint16(len(name)))
		b.WriteString(name)
		binary.Write(&b, binary.BigEndian, uint16(len(value)))
		b.WriteString(value)
	}
	attr(0x47, "attributes-charset", "utf-8")
	attr(0x48, "attributes-natural-language", "en")
	attr(0x45, "job-uri", "ipp://localhost/jobs/"+strconv.Itoa(n))
	attr(0x42, "requesting-user-name", "motcua-kiosk")
	attr(0x44, "requested-attributes", "job-state")
	attr(0x44, "", "job-state-reasons")
	attr(0x44, "", "job-printer-state-message")
	b.WriteByte(0x03) // end-of-attributes-tag
	return b.Bytes()
}

// ParseIPPJob reads a Get-Job-Attributes response.
func ParseIPPJob(b []byte) (IPPJob, error) {
	if len(b) < 9 {
		return IPPJob{}, ErrIPP
	}
	j := IPPJob{Status: binary.BigEndian.Uint16(b[2:4])}
	p := b[8:]
	name := ""
	for len(p) > 0 {
		tag := p[0]
		p = p[1:]
		if tag == 0x03 {
			return j, nil // end-of-attributes
		}
		if tag < 0x10 {
			continue // the start of another attribute group
		}
		if len(p) < 2 {
			return IPPJob{}, ErrIPP
		}
		nl := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+nl+2 {
			return IPPJob{}, ErrIPP
		}
		if nl > 0 {
			name = string(p[2 : 2+nl])
		}
		p = p[2+nl:]
		vl := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+vl {
			return IPPJob{}, ErrIPP
		}
		v := p[2 : 2+vl]
		p = p[2+vl:]
		switch {
		case name == "job-state" && tag == 0x23 && len(v) == 4:
			j.State = int(binary.BigEndian.Uint32(v))
		case name == "job-state-reasons" && tag == 0x44:
			j.Reasons = append(j.Reasons, string(v))
		case name == "job-printer-state-message" && (tag == 0x41 || tag == 0x42):
			j.Message = string(v)
		}
	}
	return IPPJob{}, ErrIPP // no end-of-attributes
}

// jobNumber is the number of a job ID such as "PDF-12".
func jobNumber(id string) (int, bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return n, err == nil && n > 0
}
