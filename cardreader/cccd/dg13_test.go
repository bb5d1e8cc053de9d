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
	tests := []struct {
		name string
		in   []byte
		is   error
	}{
		{"empty", nil, tlv.ErrTruncated},
		{"wrong tag", append([]byte{0x6C}, good[1:]...), tlv.ErrUnexpectedTag},
		{"truncated", good[:len(good)-5], tlv.ErrTruncated},
		{"indefinite", []byte{0x6D, 0x80, 0x00, 0x00}, tlv.ErrIndefiniteLength},
		{"no set", tlv.Nest(0x6D, tlv.Nest(0x30, []byte{0x02, 0x01, 0x01})), ErrDG13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDG13(tc.in)
			if !errors.Is(err, ErrDG13) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			var de *DG13Error
			if !errors.As(err, &de) || de.Field != 0 {
				t.Fatalf("err = %#v, want the container", err)
			}
		})
	}
}

// One odd field never fails the card: the field is marked unparsed with
// its reason and raw text, every other field is read.
func TestParseDG13FailSoft(t *testing.T) {
	base := sampleCitizen()
	one := func(n byte, v []byte) []byte {
		// the sample card with field n replaced by v
		d := EncodeDG13(base, WithoutFields(int(n)))
		body, _, _ := tlv.Expect(d, 0x6D)
		seq, _, _ := tlv.Expect(body, 0x30)
		items, _ := tlv.DecodeAll(seq)
		set := append(items[2].Value, tlv.Nest(0x30, []byte{0x02, 0x01, n}, v)...)
		return tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Encode(0x02, items[0].Value), tlv.Encode(0x06, items[1].Value), tlv.Nest(0x31, set)))
	}
	tests := []struct {
		name    string
		in      []byte
		path    string // the field marked unparsed, "" for none
		raw     string
		notes   int
		unknown []int
		check   func(Citizen) bool
	}{
		{"unknown date form", one(3, tlv.Encode(0x13, []byte("khoảng 1950"))), "citizen.dateOfBirth", "khoảng 1950", 0, nil, nil},
		{"impossible date", one(3, tlv.Encode(0x13, []byte("31/02/2003"))), "citizen.dateOfBirth", "31/02/2003", 0, nil, nil},
		{"odd expiry wording", one(12, tlv.Encode(0x0C, []byte("vĩnh viễn"))), "citizen.expiryDate", "vĩnh viễn", 0, nil, nil},
		{"unknown sex", one(4, tlv.Encode(0x0C, []byte("Khác"))), "citizen.sex", "Khác", 0, nil, nil},
		{"bad utf8", one(2, tlv.Encode(0x0C, []byte{'A', 0xC3, 0x28})), "citizen.fullName", "A(", 0, nil, nil},
		{"non-ascii printable", one(1, tlv.Encode(0x13, []byte("0792030012ầ"))), "citizen.id", "0792030012ầ", 0, nil, nil},
		{"repeated field, different values", EncodeDG13(base, WithExtraField(2, "Trần Văn B")), "citizen.fullName", base.FullName, 0, nil, nil},
		{"repeated field, same value", EncodeDG13(base, WithExtraField(7, base.Religion)), "", "", 0, nil, func(c Citizen) bool { return c.Religion == base.Religion }},
		{"unknown field number", EncodeDG13(base, WithExtraField(21, "mới")), "", "", 0, []int{21}, nil},
		{"unknown OID", EncodeDG13(base, WithEncodingOID([]byte{0x2A, 0x03})), "", "", 1, nil, nil},
		{"month-year birth", EncodeDG13(base, WithRawField(3, "00/03/1975")), "", "", 0, nil, func(c Citizen) bool { return c.DateOfBirth == Date{Year: 1975, Month: 3} }},
		{"month-year birth, short", EncodeDG13(base, WithRawField(3, "03/1975")), "", "", 0, nil, func(c Citizen) bool { return c.DateOfBirth == Date{Year: 1975, Month: 3} }},
		{"year-only birth, slash", EncodeDG13(base, WithRawField(3, "/1975")), "", "", 0, nil, func(c Citizen) bool { return c.DateOfBirth == Date{Year: 1975} }},
		{"Vô thời hạn", EncodeDG13(base, WithRawField(12, "VÔ THỜI HẠN")), "", "", 0, nil, func(c Citizen) bool { return c.NoExpiry && c.ExpiryDate.IsZero() }},
		{"khong thoi han", EncodeDG13(base, WithRawField(12, "khong thoi han")), "", "", 0, nil, func(c Citizen) bool { return c.NoExpiry }},
		{"far future", EncodeDG13(base, WithRawField(12, "31/12/2099")), "", "", 0, nil, func(c Citizen) bool { return c.NoExpiry && c.ExpiryDate.IsZero() }},
		{"entry not a sequence", tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Nest(0x31, tlv.Encode(0x13, []byte("x"))))), "", "", 1, nil, nil},
		{"field without number", tlv.Nest(0x6D, tlv.Nest(0x30, tlv.Nest(0x31, tlv.Nest(0x30, tlv.Encode(0x13, []byte("x")))))), "", "", 1, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DecodeDG13(tc.in)
			if err != nil {
				t.Fatalf("DecodeDG13: %v (one field must never fail the card)", err)
			}
			c := d.Citizen
			switch {
			case tc.path == "" && len(c.Unparsed) != 0:
				t.Fatalf("unparsed = %v, want none", c.Unparsed)
			case tc.path != "":
				u, ok := c.Unparsed[tc.path]
				if !ok || len(c.Unparsed) != 1 {
					t.Fatalf("unparsed = %v, want only %s", c.Unparsed, tc.path)
				}
				if u.Raw != tc.raw || u.Reason == "" || strings.Contains(u.Reason, tc.raw) {
					t.Fatalf("unparsed %s = %+v, want raw %q and a reason without it", tc.path, u, tc.raw)
				}
				if f, _ := Field(tc.path); f.Value(&c, CCCD2021) != "" && tc.path != "citizen.fullName" {
					t.Fatalf("an unparsed field has a value")
				}
			}
			if len(d.Notes) != tc.notes {
				t.Fatalf("notes = %q, want %d", d.Notes, tc.notes)
			}
			if !reflect.DeepEqual(d.Unknown, tc.unknown) {
				t.Fatalf("unknown = %v, want %v", d.Unknown, tc.unknown)
			}
			if tc.check != nil && !tc.check(c) {
				t.Fatalf("citizen = %+v", c)
			}
			if len(tc.in) > 200 && tc.path != "citizen.fullName" && c.FullName != base.FullName {
				t.Fatalf("the other fields were not read: name %q", c.FullName)
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

// Every row of the card field table is complete for its kind, and DG13
// field numbers and QR positions are not claimed twice.
func TestCardFieldTable(t *testing.T) {
	dg13 := map[[2]int]string{}
	qr := map[int]string{}
	for _, f := range CardFields {
		switch f.Kind {
		case KindText, KindID, KindOldID:
			if f.text == nil {
				t.Errorf("%s: %s row without a text accessor", f.Path, f.Kind)
			}
		case KindDate:
			if f.date == nil {
				t.Errorf("%s: date row without a date accessor", f.Path)
			}
		case KindCard:
			if f.get == nil || !f.Implied {
				t.Errorf("%s: card row must be implied, with an accessor", f.Path)
			}
		case KindSex, KindExpiry:
		default:
			t.Errorf("%s: unknown kind %q", f.Path, f.Kind)
		}
		if f.DG13 != 0 {
			k := [2]int{f.DG13, f.DG13Part}
			if p, dup := dg13[k]; dup {
				t.Errorf("%s and %s both claim DG13 field %d part %d", p, f.Path, f.DG13, f.DG13Part)
			}
			dg13[k] = f.Path
		}
		if f.QR != 0 {
			if p, dup := qr[f.QR]; dup {
				t.Errorf("%s and %s both claim QR position %d", p, f.Path, f.QR)
			}
			qr[f.QR] = f.Path
		}
		if g, ok := Field(f.Path); !ok || g.Path != f.Path {
			t.Errorf("Field(%q) does not find its row", f.Path)
		}
	}
	// Every field of the sample survives encode and decode through the table.
	c := sampleCitizen()
	back, err := ParseDG13(EncodeDG13(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range CardFields {
		if got, want := f.Value(&back, CCCD2021), f.Value(&c, CCCD2021); got != want {
			t.Errorf("%s: %q after the round trip, want %q", f.Path, got, want)
		}
	}
}

func TestGenerationOn(t *testing.T) {
	for _, tc := range []struct {
		issue Date
		want  Generation
	}{
		{Date{}, GenerationUnknown},
		{Date{2012, 5, 1}, GenerationUnknown},
		{Date{2021, 3, 1}, CCCD2021},
		{Date{2024, 6, 30}, CCCD2021},
		{Date{2024, 7, 1}, CanCuoc2024},
		{Date{2025, 1, 15}, CanCuoc2024},
	} {
		if got := GenerationOn(tc.issue); got != tc.want {
			t.Errorf("GenerationOn(%v) = %v, want %v", tc.issue, got, tc.want)
		}
	}
	if CanCuoc2024.Info().DocumentType != "Căn cước" || len(Milestones(CanCuoc2024)) != 4 || len(Milestones(GenerationUnknown)) != 3 {
		t.Error("generation table rows are wrong")
	}
}
