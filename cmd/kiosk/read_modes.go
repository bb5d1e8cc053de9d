package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/pcsc"
	"motcua/cardreader/qrcode"
	"motcua/cardreader/qrkey"
)

// readModes holds the flags of the PC/SC reader and QR read modes.
type readModes struct {
	reader  string        // "pcsc" or "pcsc:NAME"
	qrImage string        // PNG/JPEG with the card's QR code
	qrText  string        // the QR payload itself (from a keyboard-wedge scanner)
	timeout time.Duration // how long to wait for a card
	id      string        // typed key: 12-digit ID
	dob     string        // typed key: date of birth
	expiry  string        // typed key: expiry date, or "none"
}

// addReadModes registers the reader and QR flags on the read command.
func addReadModes(fs *flag.FlagSet) *readModes {
	m := &readModes{}
	fs.StringVar(&m.reader, "reader", "", "read the chip on a PC/SC reader: pcsc (first contactless reader) or pcsc:NAME")
	fs.StringVar(&m.qrImage, "qr", "", "the card's QR code in a PNG or JPEG `image`: opens the chip with --reader, else a QR-only (unverified) reading")
	fs.StringVar(&m.qrText, "qr-text", "", "the card's QR `payload` as text (e.g. from a handheld scanner); like --qr")
	fs.DurationVar(&m.timeout, "timeout", 30*time.Second, "with --reader: how long to wait for a card")
	fs.StringVar(&m.id, "id", "", "with --reader and no QR: the 12-digit ID number")
	fs.StringVar(&m.dob, "dob", "", "with --id: date of birth (DD/MM/YYYY, YYYY-MM-DD or YYYY)")
	fs.StringVar(&m.expiry, "expiry", "", "with --id: expiry date (DD/MM/YYYY or YYYY-MM-DD), or \"none\" for a card that does not expire")
	return m
}

// chosen reports whether one of these modes was asked for.
func (m *readModes) chosen() bool { return m.reader != "" || m.qrImage != "" || m.qrText != "" }

// read runs the chosen mode.
func (m *readModes) read(ctx context.Context, f *readFlags) (*cardreader.Reading, error) {
	if m.qrImage != "" && m.qrText != "" {
		return nil, errors.New("give --qr or --qr-text, not both")
	}
	var q *cccd.QRData
	if m.qrImage != "" || m.qrText != "" {
		text := m.qrText
		if m.qrImage != "" {
			var err error
			if text, err = qrcode.DecodeFile(m.qrImage); err != nil {
				return nil, err
			}
		}
		parsed, err := cccd.ParseQR(text)
		if err != nil {
			return nil, fmt.Errorf("the QR code is not a CCCD QR code: %w", err)
		}
		q = &parsed
	}
	if m.reader == "" {
		return qrkey.Reading(*q, time.Now()), nil
	}
	name, ok := strings.CutPrefix(m.reader, "pcsc")
	if !ok || (name != "" && name[0] != ':') {
		return nil, fmt.Errorf("--reader %q: use pcsc or pcsc:NAME", m.reader)
	}
	name = strings.TrimPrefix(name, ":")
	opts := emrtd.Options{MaxLe: f.maxLe, Progress: f.progress}
	if f.trust != "" {
		t, err := loadTrust(f.trust)
		if err != nil {
			return nil, err
		}
		opts.Trust = t
	}
	if q == nil {
		key, err := m.typedKey()
		if err != nil {
			return nil, err
		}
		opts.Key = key
	}

	wctx, cancel := context.WithTimeout(ctx, m.timeout)
	card, err := pcsc.WaitCard(wctx, name)
	cancel()
	if err != nil {
		if errors.Is(err, pcsc.ErrTimeout) && ctx.Err() == nil {
			// Say whether the reader itself was missing.
			if c, cerr := pcsc.NewClient(); cerr == nil {
				names, _ := c.ReaderNames()
				c.Close()
				if _, cerr := pcsc.Choose(names, name); cerr != nil {
					return nil, readerHint(cerr)
				}
			}
			return nil, fmt.Errorf("no card was presented within %v: %w", m.timeout, err)
		}
		return nil, readerHint(err)
	}
	defer card.Close()
	if q != nil {
		r, _, err := qrkey.Read(ctx, card, *q, opts)
		if errors.Is(err, qrkey.ErrNoKey) {
			return nil, fmt.Errorf("%w; the QR may belong to another card: give --id, --dob and --expiry from the card", err)
		}
		return r, readerHint(err)
	}
	r, err := emrtd.Read(ctx, card, opts)
	return r, readerHint(err)
}

// typedKey builds the access key from --id, --dob and --expiry.
func (m *readModes) typedKey() (emrtd.Key, error) {
	if m.id == "" || m.dob == "" || m.expiry == "" {
		return emrtd.Key{}, errors.New("to open the chip give the card's QR (--qr or --qr-text) or --id, --dob and --expiry")
	}
	if _, err := cccd.ParseID(m.id); err != nil {
		return emrtd.Key{}, err
	}
	dob, err := parseDate(m.dob)
	if err != nil {
		return emrtd.Key{}, fmt.Errorf("--dob: %w", err)
	}
	if strings.EqualFold(m.expiry, "none") {
		return emrtd.KeyFromID(m.id, dob, cccd.Date{}, true), nil
	}
	exp, err := parseDate(m.expiry)
	if err != nil {
		return emrtd.Key{}, fmt.Errorf("--expiry: %w", err)
	}
	return emrtd.KeyFromID(m.id, dob, exp, false), nil
}

func parseDate(s string) (cccd.Date, error) {
	if d, err := cccd.ParseISO(s); err == nil {
		return d, nil
	}
	return cccd.ParseDMY(s)
}
