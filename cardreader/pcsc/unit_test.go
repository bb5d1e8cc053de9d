package pcsc

import (
	"errors"
	"slices"
	"testing"

	"github.com/ebfe/scard"

	"motcua/cardreader/iso7816"
)

func TestParseATR(t *testing.T) {
	for _, tc := range []struct {
		name      string
		atr       []byte
		valid     bool
		protocols []int
		hist      []byte
		extended  bool
	}{
		{"vpcd T=1, no historical bytes", []byte{0x3B, 0x80, 0x80, 0x01, 0x01}, true, []int{0, 1}, []byte{}, false},
		// PC/SC part 3 contactless ATR with historical bytes holding a card
		// capabilities object (73 ...) whose third byte has bit 0x40 set.
		{"capabilities: extended", []byte{0x3B, 0x88, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00}, true, []int{0, 1}, []byte{0x80, 0x73, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00}, true},
		{"capabilities: short only", []byte{0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x00, 0x00}, true, []int{0, 1}, []byte{0x80, 0x73, 0x00, 0x00, 0x00}, false},
		{"category 00 with status trailer", []byte{0x3B, 0x88, 0x80, 0x01, 0x00, 0x73, 0xC0, 0x00, 0xC0, 0x90, 0x00, 0x00, 0x00}, true, []int{0, 1}, []byte{0x00, 0x73, 0xC0, 0x00, 0xC0, 0x90, 0x00, 0x00}, true},
		{"proprietary historical bytes", []byte{0x3B, 0x83, 0x80, 0x01, 0x11, 0x22, 0x33, 0x00}, true, []int{0, 1}, []byte{0x11, 0x22, 0x33}, false},
		{"TA1 TB1 TC1 then T=0", []byte{0x3B, 0x70, 0x11, 0x00, 0xFF}, true, nil, []byte{}, false},
		{"truncated historical", []byte{0x3B, 0x8F, 0x80, 0x01, 0x80}, false, []int{0, 1}, nil, false},
		{"truncated interface", []byte{0x3B, 0x80}, false, nil, nil, false},
		{"empty", nil, false, nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseATR(tc.atr)
			if got.Valid != tc.valid || got.ExtendedLength != tc.extended || !slices.Equal(got.Protocols, tc.protocols) ||
				(tc.hist != nil && !slices.Equal(got.Historical, tc.hist)) {
				t.Fatalf("ParseATR(% X) = %+v", tc.atr, got)
			}
		})
	}
}

func FuzzParseATR(f *testing.F) {
	f.Add([]byte{0x3B, 0x80, 0x80, 0x01, 0x01})
	f.Add([]byte{0x3B, 0x88, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, atr []byte) {
		info := ParseATR(atr)
		if info.Valid && len(info.Historical) > len(atr) {
			t.Fatal("historical bytes longer than the ATR")
		}
	})
}

func TestChoose(t *testing.T) {
	acs := []string{"ACS ACR1252 1S CL Reader [ACR1252 1S CL Reader SAM] 00 00", "ACS ACR1252 1S CL Reader [ACR1252 1S CL Reader PICC] 01 00"}
	vpcd := []string{"Virtual PCD 00 00", "Virtual PCD 00 01"}
	contact := []string{"Generic Smart Card Reader Interface [Smart Card Reader Interface] 00 00"}
	two := []string{"Alcor Micro AU9540 00 00", "Gemalto PC Twin Reader 00 00"}
	for _, tc := range []struct {
		name    string
		readers []string
		want    string
		got     string
		err     error
	}{
		{"first contactless: ACS PICC slot, not SAM", acs, "", acs[1], nil},
		{"first contactless: vpcd", vpcd, "", vpcd[0], nil},
		{"only reader, even if contact", contact, "", contact[0], nil},
		{"exact name", vpcd, "Virtual PCD 00 01", vpcd[1], nil},
		{"substring, any case", vpcd, "pcd 00 01", vpcd[1], nil},
		{"no readers", nil, "", "", ErrNoReader},
		{"no contactless among several", two, "", "", ErrNoReader},
		{"no match", vpcd, "ACR122", "", ErrNoReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Choose(tc.readers, tc.want)
			if got != tc.got || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("Choose = %q, %v; want %q, %v", got, err, tc.got, tc.err)
			}
		})
	}
}

func TestMapError(t *testing.T) {
	for _, tc := range []struct {
		in   scard.Error
		want error
	}{
		{scard.ErrNoService, ErrServiceNotRunning},
		{scard.ErrServiceStopped, ErrServiceNotRunning},
		{scard.ErrNoReadersAvailable, ErrNoReader},
		{scard.ErrReaderUnavailable, ErrReaderGone},
		{scard.ErrUnknownReader, ErrReaderGone},
		{scard.ErrNoSmartcard, iso7816.ErrNoCard},
		{scard.ErrRemovedCard, iso7816.ErrCardRemoved},
		{scard.ErrNotTransacted, iso7816.ErrCardRemoved},
		{scard.ErrResetCard, ErrCardReset},
		{scard.ErrSharingViolation, ErrSharingViolation},
		{scard.ErrTimeout, ErrTimeout},
		{scard.ErrUnresponsiveCard, ErrCardUnresponsive},
	} {
		err := mapError("op", tc.in)
		if !errors.Is(err, tc.want) || !errors.Is(err, tc.in) {
			t.Errorf("mapError(%v) = %v, want it to match %v and keep the code", tc.in, err, tc.want)
		}
	}
	if mapError("op", nil) != nil {
		t.Error("mapError(nil) != nil")
	}
}
