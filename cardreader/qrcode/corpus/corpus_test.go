package corpus

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDeterministic(t *testing.T) {
	for _, i := range []int{0, 7} {
		a, err := Make(HeldOut, i)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Make(HeldOut, i)
		if !bytes.Equal(a.JPEG, b.JPEG) || a.Payload != b.Payload {
			t.Errorf("frame %d differs between two runs", i)
		}
		c, _ := Make(Tune, i)
		if bytes.Equal(a.JPEG, c.JPEG) {
			t.Errorf("frame %d is the same in the tuning and held-out sets", i)
		}
	}
}

func TestFrames(t *testing.T) {
	kinds := map[string]int{}
	for i := range 12 {
		f, err := Make(Tune, i)
		if err != nil {
			t.Fatal(err)
		}
		kinds[f.Kind]++
		img, err := f.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if img.Rect.Dx() != Width || img.Rect.Dy() != Height {
			t.Errorf("%s: %v", f.Name, img.Rect)
		}
		if f.Payload == "" {
			continue
		}
		if !utf8.ValidString(f.Payload) {
			t.Errorf("%s: payload not UTF-8", f.Name)
		}
		fields := strings.Split(f.Payload, "|")
		if len(fields) < 7 || len(fields[0]) != 12 || len(fields[3]) != 8 {
			t.Errorf("%s: payload not shaped like a card QR: %q", f.Name, f.Payload)
		}
		if f.Kind == "2024" && len(f.Payload) < 250 {
			t.Errorf("%s: a 2024 payload of only %d bytes", f.Name, len(f.Payload))
		}
		if f.PxPerModule < 2.5 || f.PxPerModule > 9 || f.TiltDeg < 0 || f.TiltDeg > 45 || f.Quality < 35 || f.Quality > 95 {
			t.Errorf("%s: conditions out of range: %+v", f.Name, f)
		}
	}
	if kinds["2021"] == 0 || kinds["2024"] == 0 {
		t.Errorf("kinds %v: want both card generations", kinds)
	}
}
