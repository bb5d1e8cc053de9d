package scanner

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"testing"
)

func TestDecodePNM(t *testing.T) {
	tests := []struct {
		name string
		in   string
		w, h int
		at   [3]int // x, y, want grey (or red) value
	}{
		{"grey", "P5\n2 2\n255\n" + "\x00\x10\x20\x30", 2, 2, [3]int{1, 1, 0x30}},
		{"grey with comment", "P5\n# SANE data follows\n2 1\n255\n\x05\x06", 2, 1, [3]int{1, 0, 6}},
		{"colour", "P6\n1 2\n255\n\x01\x02\x03\x04\x05\x06", 1, 2, [3]int{0, 1, 4}},
		{"bitmap", "P4\n9 1\n\x80\x00", 9, 1, [3]int{0, 0, 0}},
		{"bitmap white", "P4\n9 1\n\x80\x00", 9, 1, [3]int{8, 0, 0xff}},
	}
	for _, tt := range tests {
		img, err := DecodePNM(bufio.NewReader(bytes.NewReader([]byte(tt.in))))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Errorf("%s: size %v", tt.name, b)
		}
		var got int
		switch m := img.(type) {
		case *image.Gray:
			got = int(m.GrayAt(tt.at[0], tt.at[1]).Y)
		case *image.RGBA:
			got = int(m.RGBAAt(tt.at[0], tt.at[1]).R)
		}
		if got != tt.at[2] {
			t.Errorf("%s: pixel %v = %d", tt.name, tt.at, got)
		}
	}
	for _, bad := range []string{"", "P3\n1 1\n255\n0", "P5\n0 1\n255\n", "P5\n99999 99999\n255\n",
		"P5\n2 2\n65535\n", "P5\n2 2\n255\n\x00", "P5\n2 x\n255\n", "P5\n1111111111111111111 1\n255\n"} {
		if _, err := DecodePNM(bufio.NewReader(bytes.NewReader([]byte(bad)))); !errors.Is(err, ErrBadImage) {
			t.Errorf("%q: err = %v, want ErrBadImage", bad, err)
		}
	}
}

func TestDecodePNMStream(t *testing.T) {
	// Two images back to back, as a batch would send them.
	r := bufio.NewReader(bytes.NewReader([]byte("P5\n1 1\n255\n\x07P5\n1 1\n255\n\x08")))
	for _, want := range []uint8{7, 8} {
		img, err := DecodePNM(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.(*image.Gray).Pix[0]; got != want {
			t.Errorf("got %d want %d", got, want)
		}
	}
}

func FuzzDecodePNM(f *testing.F) {
	f.Add([]byte("P5\n2 2\n255\n\x00\x10\x20\x30"))
	f.Add([]byte("P6\n1 1\n255\n\x01\x02\x03"))
	f.Add([]byte("P4\n9 1\n\x80\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodePNM(bufio.NewReader(bytes.NewReader(b)))
		if err != nil {
			if !errors.Is(err, ErrBadImage) {
				t.Fatalf("error not ErrBadImage: %v", err)
			}
			return
		}
		if r := img.Bounds(); r.Dx() <= 0 || r.Dy() <= 0 || r.Dx() > maxSide || r.Dy() > maxSide {
			t.Fatalf("bounds %v", r)
		}
	})
}
