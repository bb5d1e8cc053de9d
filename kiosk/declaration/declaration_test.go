package declaration

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"motcua/kiosk/form"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/pdftest"
	"motcua/kiosk/catalog"
	"motcua/offline/dossier"
)

var docsDir = flag.String("docs", "", "write PNG renders of sample declarations into this directory (docs/documents)")

func load(t testing.TB) (*catalog.Catalog, *Layouts) {
	t.Helper()
	c, err := catalog.Embedded(form.Types)
	if err != nil {
		t.Fatal(err)
	}
	l, err := EmbeddedLayouts(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, l
}

// Names of fictional people, decomposed (NFD) on purpose: the PDF must
// carry them precomposed.
var people = []string{"NGUYỄN VĂN AN", "TRẦN THỊ BÌNH", "LÝ THỊ MAI", "PHẠM ĐỨC THẮNG", "ĐẶNG THỊ HOÀ", "VÕ MINH KHANG"}

// realistic values for the renders in docs/documents.
var realistic = map[string]string{"recipient": "Công an phường Ba Đình", "ethnicity": "Kinh", "nationality": "Việt Nam", "religion": "Không",
	"placeOfOrigin": "Xã Đông Hội, Hà Nội", "documentType": "Căn cước", "issuer": "Bộ Công an", "relationToDeceased": "Con"}

// sample fills every field of p with a value of its type, two rows per
// table; identity fields come from a verified chip.
func sample(p *catalog.Procedure) dossier.Dossier {
	d := dossier.Dossier{ID: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", ProcedureCode: p.Ref(), ProcedureName: p.Name.VI,
		Values: map[string]dossier.Value{}, CreatedAt: time.Date(2026, 12, 2, 2, 30, 0, 0, time.UTC), KioskID: "KIOSK-01"}
	n := 0
	val := func(f *catalog.Field) dossier.Value {
		prov := dossier.Typed
		if f.Identity() {
			prov = dossier.FromChip
		}
		var v string
		switch f.Type {
		case catalog.TypeDate:
			v = "1990-03-15"
		case catalog.TypeChoice:
			v = f.Options[len(f.Options)-1].Value
		case catalog.TypeIDNumber:
			v = fmt.Sprintf("00109001234%d", n%10)
		case catalog.TypePhone:
			v = "0912345678"
		case catalog.TypeEmail:
			v = "an@example.vn"
		case catalog.TypeNumber:
			v = "2"
		case catalog.TypeBool:
			v = "true"
		case catalog.TypeAttachment:
			return dossier.Value{}
		default:
			switch {
			case f.Key == "fullName":
				v = norm.NFD.String(people[n%len(people)])
			case realistic[f.Key] != "":
				v = realistic[f.Key]
			case f.Type == catalog.TypeAddress:
				v = "Số 12 Phố Đội Cấn, Phường Ba Đình, Hà Nội"
			default:
				v = f.Label.VI + " mẫu"
			}
		}
		return dossier.Value{Value: v, Provenance: prov}
	}
	person := func(f *catalog.Field) dossier.Applicant {
		a := dossier.Applicant{Role: f.Role, Values: map[string]dossier.Value{}}
		for i := range f.Fields {
			if v := val(&f.Fields[i]); v.Value != "" {
				a.Values[f.Fields[i].Key] = v
			}
		}
		a.FullName, a.ID = a.Values["fullName"].Value, a.Values["idNumber"].Value
		n++
		return a
	}
	for si := range p.Sections {
		for fi := range p.Sections[si].Fields {
			f := &p.Sections[si].Fields[fi]
			switch f.Type {
			case catalog.TypePerson:
				d.Applicants = append(d.Applicants, person(f))
			case catalog.TypePersonTable:
				d.Applicants = append(d.Applicants, person(f), person(f))
			case catalog.TypeTable:
				for row := range 2 {
					for ci := range f.Fields {
						if v := val(&f.Fields[ci]); v.Value != "" {
							d.Values[fmt.Sprintf("%s[%d].%s", f.Key, row, f.Fields[ci].Key)] = v
						}
					}
				}
			default:
				if v := val(f); v.Value != "" {
					d.Values[f.Key] = v
				}
			}
		}
	}
	return d
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// Every procedure of the catalog has a layout, and its declaration renders
// as an A4 text PDF whose text holds the title, every person's name in NFC
// and the chip footnote.
func TestEveryProcedureRenders(t *testing.T) {
	c, ls := load(t)
	count := 0
	for _, p := range c.All() {
		if p.Kind != catalog.KindProcedure {
			continue
		}
		count++
		t.Run(p.Slug, func(t *testing.T) {
			l, ok := ls.Get(p.Slug)
			if !ok {
				t.Fatalf("no layout seeds/procedures/forms/%s.json", p.Slug)
			}
			d := sample(p)
			b, err := Render(&d, p, l, Options{Recipient: "UBND phường Mẫu"})
			if err != nil {
				t.Fatal(err)
			}
			in := pdftest.Inspect(t, b)
			if in.Pages < 1 || math.Abs(in.WidthMM-210) > 0.5 || math.Abs(in.HeightMM-297) > 0.5 {
				t.Errorf("%d page(s) %.1f × %.1f mm", in.Pages, in.WidthMM, in.HeightMM)
			}
			raw := pdftest.Text(t, b)
			txt := flat(raw)
			want := []string{flat(l.Title), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ngày 02 tháng 12 năm 2026"}
			for _, a := range d.Applicants {
				if a.FullName != "" {
					want = append(want, norm.NFC.String(a.FullName))
				}
			}
			for _, w := range want {
				if !strings.Contains(txt, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			if !norm.NFC.IsNormalString(raw) {
				t.Error("the text layer is not NFC")
			}
			if strings.Contains(raw, "chip") != hasChipValue(l, p, &d) {
				t.Errorf("chip footnote present=%v, want %v", strings.Contains(raw, "chip"), hasChipValue(l, p, &d))
			}
		})
	}
	if count < 20 || len(ls.Slugs()) != count {
		t.Errorf("%d procedures, %d layouts", count, len(ls.Slugs()))
	}
}

// hasChipValue reports whether the layout prints any identity field.
func hasChipValue(l *Layout, p *catalog.Procedure, d *dossier.Dossier) bool {
	ids := map[string]bool{}
	p.Walk(func(path string, f *catalog.Field, parent *catalog.Field) {
		if f.Identity() {
			ids[strings.Replace(path, "[]", "", 1)] = true
		}
	})
	for _, path := range l.Paths() {
		if ids[strings.Replace(path, "[]", "", 1)] {
			return true
		}
	}
	return false
}

// The marriage form prints the two parties side by side, and a household
// table prints one row per member.
func TestLayoutShapes(t *testing.T) {
	c, ls := load(t)
	for _, tc := range []struct {
		slug string
		want []string
	}{
		{"ket-hon", []string{"Bên nữ Bên nam", "Họ, chữ đệm, tên TRẦN THỊ BÌNH", "NGUYỄN VĂN AN", "UBND phường Ba Đình", "Kết hôn lần thứ mấy", "BÊN NỮ", "BÊN NAM", "Tờ khai đăng ký kết hôn"}},
		{"thuong-tru", []string{"Mẫu CT01", "66/2023/TT-BCA", "Kính gửi", "1. Họ, chữ đệm và tên", "11. Những thành viên trong hộ gia đình cùng thay đổi",
			"Mối quan hệ với chủ hộ", "NGƯỜI KÊ KHAI", "Ý KIẾN CỦA CHỦ HỘ", "15/03/1990"}},
		{"ly-lich-tu-phap", []string{"Kính gửi: Sở Tư pháp / Trung tâm Lý lịch tư pháp quốc gia", "18. Số lượng Phiếu lý lịch tư pháp yêu cầu cấp: 2 Phiếu",
			// The residence history is the paper form's table: header, then a line per row.
			"14. Quá trình cư trú, nghề nghiệp, nơi làm việc (từ đủ 14 tuổi):", "Nơi thường trú/tạm trú", "Nơi làm việc mẫu"}},
		{"khai-sinh", []string{"04/2024/TT-BTP", "ghi bằng chữ: ngày", "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây", "NGƯỜI YÊU CẦU"}},
	} {
		p, _ := c.Lookup(tc.slug)
		l, _ := ls.Get(tc.slug)
		d := sample(p)
		// The form engine's golden dossier, when there is one: real
		// fixture people in their real roles.
		if g, err := os.ReadFile("../form/testdata/" + tc.slug + ".golden.json"); err == nil {
			d = dossier.Dossier{}
			if err := json.Unmarshal(g, &d); err != nil {
				t.Fatal(err)
			}
		}
		b, err := Render(&d, p, l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		txt := flat(pdftest.Text(t, b))
		for _, w := range tc.want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s: text lacks %q", tc.slug, w)
			}
		}
		if *docsDir != "" && tc.slug != "ly-lich-tu-phap" {
			png := pdftest.PNG(t, b, 90)
			if err := os.WriteFile(filepath.Join(*docsDir, "declaration-"+tc.slug+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A layout that names a missing field, forgets one, or omits one without a
// reason is refused with the file and the problem.
func TestLayoutChecks(t *testing.T) {
	c, ls := load(t)
	good, _ := ls.Get("tam-vang")
	var buf bytes.Buffer
	buf.WriteString(`{"schema":1,"procedure":"tam-vang","title":"X","blocks":[{"type":"item","label":"a","value":"subject.nope"}],"signatures":[{"title":"S"}],"omit":["reason"]}`)
	_, err := LoadLayouts(fstest.MapFS{"tam-vang.json": {Data: buf.Bytes()}}, c)
	if !errors.Is(err, ErrLayout) {
		t.Fatalf("err %v", err)
	}
	for _, w := range []string{"tam-vang.json", "subject.nope is not a field", "omit reason: give the reason", "field subject.fullName is neither printed nor omitted"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	for _, bad := range []string{`{"schema":2,"procedure":"x","title":"t"}`, `{"schema":1,"procedure":"tam-vang","title":"t","bogus":1}`, `{}`} {
		if _, err := ParseLayout([]byte(bad)); err == nil {
			t.Errorf("ParseLayout(%s) accepted", bad)
		}
	}
	p, _ := c.Lookup("tam-vang")
	d := sample(p)
	other, _ := c.Lookup("tam-tru")
	if _, err := Render(&d, other, good, Options{}); !errors.Is(err, ErrMismatch) {
		t.Errorf("mismatch: %v", err)
	}
}

func FuzzParseLayout(f *testing.F) {
	b, _ := os.ReadFile("../../seeds/procedures/forms/thuong-tru.json")
	f.Add(b)
	f.Add([]byte(`{"schema":1,"procedure":"a","title":"b"}`))
	c, err := catalog.Embedded(form.Types)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLayout(b)
		if err != nil {
			return
		}
		_ = Check(l, c)
		_ = l.Paths()
	})
}

func BenchmarkRender(b *testing.B) {
	c, ls := load(b)
	for _, slug := range []string{"thuong-tru", "ket-hon"} {
		p, _ := c.Lookup(slug)
		l, _ := ls.Get(slug)
		d := sample(p)
		b.Run(slug, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(&d, p, l, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestDateWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-03-15", "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi tư"},
		{"1990-01-21", "ngày hai mươi mốt tháng một năm một nghìn chín trăm chín mươi"},
		{"2005-12-10", "ngày mười tháng mười hai năm hai nghìn không trăm linh năm"},
		{"1905-11-25", "ngày hai mươi lăm tháng mười một năm một nghìn chín trăm linh năm"},
		{"2000-02-30", "ngày ba mươi tháng hai năm hai nghìn"},
		{"1950", "năm một nghìn chín trăm năm mươi"},
		{"2026-13-01", "2026-13-01"},
		{"abc", "abc"},
	} {
		if got := dateWords(tc.in); got != tc.want {
			t.Errorf("dateWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
