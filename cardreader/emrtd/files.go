package emrtd

import (
	"context"
	"errors"
	"fmt"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/tlv"
)

// MaxFileSize is the largest file the reader accepts: a header of 4 bytes
// and a two-byte length, which is what a CCCD's DG2 uses (75 82 LL LL).
// Offsets above 32767 are read with READ BINARY's odd INS (B1).
const MaxFileSize = 4 + 0xFFFF

// SelectFile selects an EF of the current application by FID (P2=0C: no
// FCI).
func (s *Session) SelectFile(ctx context.Context, fid uint16) error {
	op := "select " + lds.FileName(fid)
	r, err := s.Exchange(ctx, op, iso7816.Command{INS: 0xA4, P1: 0x02, P2: 0x0C, Data: []byte{byte(fid >> 8), byte(fid)}})
	if err != nil {
		return err
	}
	if r.Status != iso7816.StatusOK {
		return errStatus(op, r.Status)
	}
	return nil
}

// leLadder is where the read length falls when a card answers 6700 to a
// length it cannot serve: the JMRTD block size first, then smaller steps.
var leLadder = []int{224, 192, 160, 128, 96, 64, 32, 16, 8}

func lowerLe(le int) int {
	for _, n := range leLadder {
		if n < le {
			return n
		}
	}
	return 0
}

// ReadFile selects an EF and reads all of it. The first READ BINARY asks
// for a full Le, so a small file costs one APDU; the TLV header in it gives
// the file's length and the rest is read in full-Le chunks. 6Cxx is
// answered by asking again with the card's length; 6700 lowers the length
// for the rest of the session (or, on the first chunk of a file shorter
// than Le, is taken as the card refusing to read past the end). Failures
// are *FileError.
func (s *Session) ReadFile(ctx context.Context, fid uint16) ([]byte, error) {
	b, err := s.readFile(ctx, fid)
	if err != nil {
		return nil, &FileError{Name: lds.FileName(fid), FID: fid, Err: err}
	}
	return b, nil
}

func (s *Session) readFile(ctx context.Context, fid uint16) ([]byte, error) {
	if err := s.SelectFile(ctx, fid); err != nil {
		return nil, err
	}
	op := "read " + lds.FileName(fid)
	var (
		buf     []byte
		total   = -1 // unknown until the header is in
		next    int  // a one-off Le for the next chunk (6Cxx before the length is known)
		retries int
	)
	for total < 0 || len(buf) < total {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		off := len(buf)
		n := s.maxLe
		if total >= 0 && total-off < n {
			n = total - off
		}
		if next > 0 {
			n, next = next, 0
		}
		if off > 0x7FFF {
			// B1 wraps the data in DO'53': keep the whole answer within Le.
			n = min(n, s.maxLe-1-tlv.LengthLen(s.maxLe))
		}
		r, err := s.readBinary(ctx, op, off, n)
		if err != nil {
			return nil, err
		}
		switch sw := r.Status; {
		case sw == iso7816.StatusOK || sw == iso7816.StatusEndOfFileWarning:
			retries = 0
			if len(r.Data) > n {
				return nil, fmt.Errorf("%w: %d bytes for Le %d", ErrBadResponse, len(r.Data), n)
			}
			if len(r.Data) == 0 {
				return nil, fmt.Errorf("%w: no data at offset %d", ErrTruncatedFile, off)
			}
			buf = append(buf, r.Data...)
			if total < 0 {
				if total, err = fileLength(buf, len(r.Data) < n); err != nil {
					return nil, err
				}
				if total >= 0 && len(buf) > total {
					buf = buf[:total]
				}
			}
			if total >= 0 && len(buf) < total && len(r.Data) < n {
				return nil, fmt.Errorf("%w: %d of %d bytes", ErrTruncatedFile, len(buf), total)
			}
		case sw.SW1() == 0x6C:
			// Wrong Le, the card wants SW2. Before the length is known
			// that may only mean "this many bytes are left": ask again
			// once. When it cuts a chunk short of what remains, it is the
			// card's limit: keep it.
			retries++
			le := int(sw.SW2())
			if le == 0 {
				le = 256
			}
			if retries > 2 || le >= n {
				return nil, fmt.Errorf("%w: %w", ErrBadResponse, errStatus(op, sw))
			}
			if total >= 0 {
				s.maxLe = le
			} else {
				next = le
			}
		case sw == iso7816.StatusWrongLength && s.plain && s.sm != nil:
			// The card answered in plain: it could not parse the command
			// (an extended length APDU, or a length it cannot take) and
			// has ended secure messaging. Our counters no longer agree
			// with the card's, so never go on with these keys: open the
			// card again and continue with a length it takes.
			if s.reopen == nil {
				return nil, fmt.Errorf("%w: the card ended secure messaging over a length it cannot take: %w", ErrSecureMessaging, errStatus(op, sw))
			}
			retries++
			if n > 256 {
				s.maxLe = 256
			} else if s.maxLe = lowerLe(n); s.maxLe == 0 || retries > len(leLadder)+1 {
				return nil, errStatus(op, sw)
			}
			s.sm = nil
			if err := s.reopen(ctx); err != nil {
				return nil, err
			}
			if err := s.SelectFile(ctx, fid); err != nil {
				return nil, err
			}
		case sw == iso7816.StatusWrongLength:
			retries++
			if retries > len(leLadder)+1 {
				return nil, errStatus(op, sw)
			}
			if total < 0 && n > 8 {
				// Maybe the file is shorter than Le and the card will not
				// read past its end: learn the length from a short read.
				t, short, err := s.probeLength(ctx, op)
				if err != nil {
					return nil, err
				}
				if t >= n || !short {
					if s.maxLe = lowerLe(n); s.maxLe == 0 {
						return nil, errStatus(op, sw)
					}
				} else {
					total = t
				}
				continue
			}
			if s.maxLe = lowerLe(n); s.maxLe == 0 {
				return nil, errStatus(op, sw)
			}
		case sw == iso7816.StatusWrongP1P2:
			return nil, fmt.Errorf("%w: offset %d beyond the end: %w", ErrTruncatedFile, off, errStatus(op, sw))
		default:
			return nil, errStatus(op, sw)
		}
	}
	return buf[:total], nil
}

// readBinary reads n bytes at off: with the offset in P1-P2 up to 32767,
// beyond with the odd INS B1, whose offset travels in DO'54' and whose data
// comes back in DO'53' (ISO 7816-4 §11.3.3).
func (s *Session) readBinary(ctx context.Context, op string, off, n int) (iso7816.Response, error) {
	if off <= 0x7FFF {
		return s.Exchange(ctx, op, iso7816.Command{INS: 0xB0, P1: byte(off >> 8), P2: byte(off), Ne: n})
	}
	offset := []byte{byte(off >> 16), byte(off >> 8), byte(off)}
	if offset[0] == 0 {
		offset = offset[1:]
	}
	hdr := 1 + tlv.LengthLen(n)
	r, err := s.Exchange(ctx, op, iso7816.Command{INS: 0xB1, Data: tlv.Encode(0x54, offset), Ne: n + hdr})
	if err != nil || (r.Status != iso7816.StatusOK && r.Status != iso7816.StatusEndOfFileWarning) {
		if r.Status.SW1() == 0x6C { // the card's Le counts the DO'53' header
			r.Status = iso7816.Status(0x6C00 | max(int(r.Status.SW2())-hdr, 1))
		}
		return r, err
	}
	v, rest, err := tlv.Expect(r.Data, 0x53)
	if err != nil || len(rest) != 0 {
		return iso7816.Response{}, fmt.Errorf("%w: READ BINARY (B1) answer is not one DO'53'", ErrBadResponse)
	}
	r.Data = v
	return r, nil
}

// probeLength reads the first 8 bytes to learn a file's length after a
// 6700 on its first chunk, which means either "Le too long for me" (the
// file is at least Le long: lower Le) or "past the end" (keep Le, ask for
// exactly the file). ok is false when even the probe failed. The probe's
// bytes are read again; this costs one APDU, only on cards that answer
// 6700 in that case.
func (s *Session) probeLength(ctx context.Context, op string) (total int, ok bool, err error) {
	r, err := s.Exchange(ctx, op, iso7816.Command{INS: 0xB0, Ne: 8})
	if err != nil {
		return 0, false, err
	}
	if r.Status != iso7816.StatusOK && r.Status != iso7816.StatusEndOfFileWarning {
		return 0, false, nil
	}
	total, err = fileLength(r.Data, true)
	if err != nil {
		return 0, false, err
	}
	return total, true, nil
}

// fileLength reads the TLV header at the start of a file: the file's size
// is the header plus the value length. It returns -1 when more bytes are
// needed to tell (and the card has more), an error for a header that is
// not valid or announces too much.
func fileLength(b []byte, complete bool) (int, error) {
	_, hl, vl, err := tlv.Header(b)
	switch {
	case errors.Is(err, tlv.ErrTruncated) && !complete:
		return -1, nil
	case errors.Is(err, tlv.ErrLengthTooLarge):
		return 0, fmt.Errorf("%w: %w", ErrFileTooLarge, err)
	case err != nil:
		return 0, fmt.Errorf("%w: %w", ErrMalformedFile, err)
	}
	if hl+vl > MaxFileSize {
		return 0, fmt.Errorf("%w: length field says %d bytes", ErrFileTooLarge, hl+vl)
	}
	return hl + vl, nil
}
