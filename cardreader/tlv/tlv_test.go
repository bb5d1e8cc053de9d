package tlv

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		tag     uint32
		value   string
		rest    string
		wantErr error
	}{
		{"short", "0203010203ff", 0x02, "010203", "ff", nil},
		{"empty value", "0500", 0x05, "", "", nil},
		{"two-byte tag", "5f1f0141", 0x5F1F, "41", "", nil},
		{"three-byte tag", "5f8f01024142", 0x5F8F01, "4142", "", nil},
		{"long 81", "6181" + "80" + hex.EncodeToString(bytes.Repeat([]byte{7}, 128)), 0x61, hex.EncodeToString(bytes.Repeat([]byte{7}, 128)), "", nil},
		{"long 82", "75820003aabbcc", 0x75, "aabbcc", "", nil},
		{"long 83", "7783000001dd", 0x77, "dd", "", nil},
		{"empty input", "", 0, "", "", ErrTruncated},
		{"tag cut", "5f", 0, "", "", ErrTruncated},
		{"no length", "61", 0, "", "", ErrTruncated},
		{"length cut", "6182 01", 0, "", "", ErrTruncated},
		{"value cut", "6105 0102", 0, "", "", ErrTruncated},
		{"indefinite", "6180 0000", 0, "", "", ErrIndefiniteLength},
		{"84 length", "618400000001 00", 0, "", "", ErrLengthTooLarge},
		{"ff length", "61ff", 0, "", "", ErrLengthTooLarge},
		{"tag too long", "5f8182830401", 0, "", "", ErrTagTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := unhex(t, removeSpaces(tc.in))
			got, rest, err := Decode(in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Tag != tc.tag || hex.EncodeToString(got.Value) != tc.value || hex.EncodeToString(rest) != tc.rest {
				t.Fatalf("got %X %x rest %x", got.Tag, got.Value, rest)
			}
		})
	}
}

func removeSpaces(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)) }

func TestHeader(t *testing.T) {
	// Only the first bytes of a 0x1234-byte file are known.
	tag, h, l, err := Header(unhex(t, "6d82123430"))
	if err != nil || tag != 0x6D || h != 4 || l != 0x1234 {
		t.Fatalf("Header = %X %d %d %v", tag, h, l, err)
	}
	if _, _, _, err := Header(unhex(t, "6d82")); !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tag := range []uint32{0x02, 0x30, 0x5F1F, 0x7F61, 0x5F8F01, 0x5F818201} {
		for _, n := range []int{0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000} {
			v := bytes.Repeat([]byte{0xA5}, n)
			enc := Encode(tag, v)
			if len(enc) != TagLen(tag)+LengthLen(n)+n {
				t.Fatalf("tag %X len %d: encoded %d bytes", tag, n, len(enc))
			}
			got, rest, err := Decode(enc)
			if err != nil || got.Tag != tag || !bytes.Equal(got.Value, v) || len(rest) != 0 {
				t.Fatalf("tag %X len %d: %v", tag, n, err)
			}
			if !bytes.Equal(got.Encode(), enc) {
				t.Fatalf("re-encode differs")
			}
		}
	}
}

func TestFindAndNest(t *testing.T) {
	inner := Nest(0x7F61, Encode(0x02, []byte{1}), Nest(0x7F60, Encode(0x5F2E, []byte("face"))))
	file := Nest(0x75, inner)
	v, err := FindPath(file, 0x75, 0x7F61, 0x7F60, 0x5F2E)
	if err != nil || string(v) != "face" {
		t.Fatalf("FindPath = %q, %v", v, err)
	}
	if _, err := FindPath(file, 0x75, 0x7F62); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	all, err := DecodeAll(inner[3:])
	if err != nil || len(all) != 2 || !all[1].Constructed() || all[0].Constructed() {
		t.Fatalf("DecodeAll = %v, %v", all, err)
	}
	if _, _, err := Expect(file, 0x77); !errors.Is(err, ErrUnexpectedTag) {
		t.Fatalf("Expect err = %v", err)
	}
	if _, err := DecodeAll(unhex(t, "0201010203")); !errors.Is(err, ErrTruncated) {
		t.Fatalf("DecodeAll err = %v", err)
	}
}

func TestValueDoesNotGrowIntoRest(t *testing.T) {
	b := unhex(t, "0201aa0201bb")
	v, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(v.Value, 0xFF) // must not overwrite the next object
	if b[3] != 0x02 {
		t.Fatal("append through Value overwrote the input")
	}
}

func FuzzTLV(f *testing.F) {
	for _, s := range []string{"0203010203", "5f1f0141", "6180", "61840000000100", "7582000300", "6d8212"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tlvs, err := DecodeAll(b)
		if err != nil {
			return
		}
		var re []byte
		for _, x := range tlvs {
			re = append(re, x.Encode()...)
			if x.Constructed() {
				_, _ = x.Children()
			}
		}
		// Re-encoding uses minimal lengths, so it can only be shorter.
		if len(re) > len(b) {
			t.Fatalf("re-encoding grew: %d > %d", len(re), len(b))
		}
		again, err := DecodeAll(re)
		if err != nil || len(again) != len(tlvs) {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		for i := range again {
			if again[i].Tag != tlvs[i].Tag || !bytes.Equal(again[i].Value, tlvs[i].Value) {
				t.Fatalf("object %d differs after round trip", i)
			}
		}
	})
}

func BenchmarkDecodeAll(b *testing.B) {
	var in []byte
	for i := 0; i < 16; i++ {
		in = append(in, Encode(0x30, bytes.Repeat([]byte{1}, 40))...)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeAll(in); err != nil {
			b.Fatal(err)
		}
	}
}
