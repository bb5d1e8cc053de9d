package cccd

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"motcua/cardreader/tlv"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// sampleCitizen is fictional.
func sampleCitizen() Citizen {
	return Citizen{
		ID:               "079203001234",
		OldID:            "025123456",
		FullName:         "Phạm Minh Khoa",
		DateOfBirth:      Date{2003, 8, 15},
		Sex:              Male,
		Nationality:      "Việt Nam",
		Ethnicity:        "Kinh",
		Religion:         "Không",
		PlaceOfOrigin:    "Xã Ví Dụ, Huyện Mẫu, Tỉnh Giả Định",
		PlaceOfResidence: "Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh",
		IdentifyingMarks: "Nốt ruồi C:1cm trên trước mày phải",
		IssueDate:        Date{2021, 6, 1},
		ExpiryDate:       Date{2028, 8, 15},
		Father:           "Phạm Văn Bình",
		Mother:           "Nguyễn Thị Cúc",
	}
}

// handmadeDG13 is written byte by byte in the style public parsers quote
// from real cards (one-byte field headers such as 30 11 02 01 01 13 0C),
// independently of EncodeDG13.
func handmadeDG13(t *testing.T) []byte {
	t.Helper()
	f := func(n byte, inner ...[]byte) []byte {
		return tlv.Nest(0x30, append([][]byte{{0x02, 0x01, n}}, inner...)...)
	}
	p := func(s string) []byte { return append([]byte{0x13, byte(len(s))}, s...) }
	u := func(s string) []byte { return append([]byte{0x0C, byte(len(s))}, s...) }
	set := bytes.Join([][]byte{
		f(16, p("a1b2c3d4e5f60718")),
		f(1, p("079203001234")),
		f(2, u("Phạm Minh Khoa")),
		f(3, p("15/08/2003")),
		f(4, u("Nam")),
		f(5, u("Việt Nam")),
		f(6, u("Kinh")),
		f(7, u("Không")),
		f(8, u("Xã Ví Dụ, Huyện Mẫu, Tỉnh Giả Định")),
		f(9, u("Số 1 Đường Ví Dụ, Phường Mẫu, Quận Giả Định, TP Hồ Chí Minh")),
		f(10, u("Nốt ruồi C:1cm trên trước mày phải")),
		f(11, p("01/06/2021")),
		f(12, u("15/08/2028")),
		f(13, []byte{0x30, byte(len(u("Phạm Văn Bình")))}, u("Phạm Văn Bình"), []byte{0x30, byte(len(u("Nguyễn Thị Cúc")))}, u("Nguyễn Thị Cúc")),
		{0x30, 0x03, 0x02, 0x01, 0x0E},
		f(15, p("025123456")),
	}, nil)
	body := tlv.Nest(0x30, []byte{0x02, 0x01, 0x01}, []byte{0x06, 0x06, 0x28, 0xD3, 0x16, 0x01, 0x00, 0x08}, tlv.Nest(0x31, set))
	return tlv.Nest(0x6D, body)
}

func TestParseDG13Handmade(t *testing.T) {
	got, err := ParseDG13(handmadeDG13(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := sampleCitizen(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestDG13RoundTrip(t *testing.T) {
	long := sampleCitizen()
	long.PlaceOfResidence = strings.Repeat("Ấp Ănh Ẩn Ẵng Ặc, ", 10) + "Đồng Tháp"
	noExp := sampleCitizen()
	noExp.NoExpiry, noExp.ExpiryDate = true, Date{}
	yearOnly := sampleCitizen()
	yearOnly.DateOfBirth = Date{Year: 2003}
	married := sampleCitizen()
	married.Spouse = "Lê Thị Dung"
	noOld := sampleCitizen()
	noOld.OldID = ""
	female := sampleCitizen()
	female.Sex = Female
	tests := []struct {
		name string
		c    Citizen
		opts []DG13Option
		want func(Citizen) Citizen
	}{
		{"plain", sampleCitizen(), nil, nil},
		{"long address", long, nil, nil},
		{"no expiry", noExp, nil, nil},
		{"year-only birth", yearOnly, nil, nil},
		{"year-only birth as zeros", yearOnly, []DG13Option{WithYearOnlyAsZeros()}, nil},
		{"spouse", married, nil, nil},
		{"no old ID", noOld, nil, nil},
		{"female", female, nil, nil},
		{"nested parents", married, []DG13Option{WithNestedParents()}, nil},
		{"old ID in field 16", sampleCitizen(), []DG13Option{WithOldIDInField16()}, nil},
		{"opaque field 16", sampleCitizen(), []DG13Option{WithField16("0123456789abcdef")}, nil},
		{"reversed order", married, []DG13Option{WithFieldOrder(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)}, nil},
		{"NFD text", long, []DG13Option{WithDecomposedText()}, nil},
		{"missing fields", sampleCitizen(), []DG13Option{WithoutFields(DG13Religion, DG13Parents, DG13ExpiryDate)},
			func(c Citizen) Citizen { c.Religion, c.Father, c.Mother, c.ExpiryDate = "", "", "", Date{}; return c }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeDG13(tc.c, tc.opts...)
			got, err := ParseDG13(b)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.c
			if tc.want != nil {
				want = tc.want(want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDG13LongFormLength(t *testing.T) {
	c := sampleCitizen()
	c.PlaceOfResidence = strings.Repeat("Thôn Thượng, ", 12)
	b := EncodeDG13(c)
	// The residence field (over 127 bytes) must use an 81 length.
	if !bytes.Contains(b, []byte{0x0C, 0x81}) {
		t.Fatal("no long-form UTF8String length in the encoding")
	}
	if b[1] != 0x82 {
		t.Fatalf("container length form %X, want 82", b[1])
	}
}

func TestDG13Golden(t *testing.T) {
	c := sampleCitizen()
	c.Spouse = "Lê Thị Dung"
	got := hex.EncodeToString(EncodeDG13(c)) + "\n"
	path := filepath.Join("testdata", "dg13_sample.hex")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("EncodeDG13 differs from %s (run with -update if intended)", path)
	}
}

func TestParseDG13Errors(t *testing.T) {
	good := EncodeDG13(sampleCitizen())
	field := func(n byte, v []byte) []byte {
		set := tlv.Nest(0x30, []byte{0x02, 0x01, n}, v)
		return tlv.Nest(0x6D, tlv.Nest(0x30, []byte{0x02, 0x01, 0x01}, tlv.Nest(0x31, set)))
	}
	dup := tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Nest(0x31,
		tlv.Nest(0x30, []byte{0x02, 0x01, 0x01}, tlv.Encode(0x13, []byte("079203001234"))),
		tlv.Nest(0x30, []byte{0x02, 0x01, 0x01}, tlv.Encode(0x13, []byte("079203001235"))))))
	tests := []struct {
		name  string
		in    []byte
		field int
		is    error
	}{
		{"empty", nil, 0, tlv.ErrTruncated},
		{"wrong tag", append([]byte{0x6C}, good[1:]...), 0, tlv.ErrUnexpectedTag},
		{"truncated", good[:len(good)-5], 0, tlv.ErrTruncated},
		{"indefinite", []byte{0x6D, 0x80, 0x00, 0x00}, 0, tlv.ErrIndefiniteLength},
		{"bad date", field(3, tlv.Encode(0x13, []byte("31/02/2003"))), 3, ErrBadDate},
		{"bad expiry", field(12, tlv.Encode(0x0C, []byte("vĩnh viễn"))), 12, ErrBadDate},
		{"bad sex", field(4, tlv.Encode(0x0C, []byte("Khác"))), 4, ErrBadSex},
		{"bad utf8", field(2, tlv.Encode(0x0C, []byte{0xC3, 0x28})), 2, errNotText},
		{"non-ascii printable", field(1, tlv.Encode(0x13, []byte("0792030012ầ"))), 1, errNotText},
		{"duplicate", dup, 1, ErrDG13},
		{"no set", tlv.Nest(0x6D, tlv.Nest(0x30, []byte{0x02, 0x01, 0x01})), 0, ErrDG13},
		{"wrong OID", tlv.Nest(0x6D, tlv.Nest(0x30, []byte{0x06, 0x01, 0x2A}, tlv.Nest(0x31))), 0, ErrDG13},
		{"entry not a sequence", tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Nest(0x31, tlv.Encode(0x13, []byte("x"))))), 0, ErrDG13},
		{"field without number", tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Nest(0x31, tlv.Nest(0x30, tlv.Encode(0x13, []byte("x")))))), 0, tlv.ErrUnexpectedTag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDG13(tc.in)
			if !errors.Is(err, ErrDG13) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			var de *DG13Error
			if !errors.As(err, &de) || de.Field != tc.field {
				t.Fatalf("err = %#v, want field %d", err, tc.field)
			}
			for _, secret := range []string{"0792030012", "31/02", "Khác", "vĩnh"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q leaks a value", err)
				}
			}
		})
	}
}

func FuzzDG13(f *testing.F) {
	f.Add(EncodeDG13(sampleCitizen()))
	f.Add(EncodeDG13(sampleCitizen(), WithNestedParents(), WithOldIDInField16()))
	f.Add([]byte{0x6D, 0x03, 0x30, 0x01, 0x31})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseDG13(b)
		if err != nil {
			return
		}
		// What parsed must survive a re-encode, except that the encoder always
		// writes field 14 and uses canonical dates.
		again, err := ParseDG13(EncodeDG13(c))
		if err != nil {
			t.Fatalf("re-encoded DG13 does not parse: %v", err)
		}
		if again.ID != c.ID || again.FullName != c.FullName || again.DateOfBirth != c.DateOfBirth {
			t.Fatalf("round trip changed fields")
		}
	})
}

func BenchmarkParseDG13(b *testing.B) {
	c := sampleCitizen()
	c.Spouse = "Lê Thị Dung"
	in := EncodeDG13(c)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDG13(in); err != nil {
			b.Fatal(err)
		}
	}
}
