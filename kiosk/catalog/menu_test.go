package catalog

import (
	"reflect"
	"testing"
)

func TestNewMenu(t *testing.T) {
	proc := func(slug, code string, d Domain, vi, en, form string) *Procedure {
		return &Procedure{Slug: slug, Code: code, Domain: d, Name: Text{vi, en}, Form: Text{VI: form}}
	}
	tt := proc("thuong-tru", "1.004222", DomainResidence, "Đăng ký thường trú", "Permanent residence", "Mẫu CT01")
	tam := proc("tam-tru", "", DomainResidence, "Đăng ký tạm trú", "Temporary residence", "Mẫu CT01")
	ks := proc("khai-sinh", "1.001193", DomainCivilStatus, "Đăng ký khai sinh", "Birth registration", "")
	kh := proc("ket-hon", "", DomainCivilStatus, "Đăng ký kết hôn", "Marriage registration", "")
	ll := proc("ly-lich-tu-phap", "", DomainJustice, "Cấp Phiếu lý lịch tư pháp", "Criminal record certificate", "")
	all := []*Procedure{tt, tam, ks, kh, ll}
	slugs := func(ps []*Procedure) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Slug)
		}
		return out
	}
	type group struct {
		d     Domain
		slugs []string
	}
	tests := []struct {
		name   string
		ps     []*Procedure
		use    map[string]int
		query  string
		most   []string
		groups []group
	}{
		{"everything", all, nil, "", nil, []group{
			{DomainResidence, []string{"thuong-tru", "tam-tru"}},
			{DomainCivilStatus, []string{"khai-sinh", "ket-hon"}},
			{DomainJustice, []string{"ly-lich-tu-phap"}}}},
		{"blank query is everything", all, nil, "   ", nil, []group{
			{DomainResidence, []string{"thuong-tru", "tam-tru"}},
			{DomainCivilStatus, []string{"khai-sinh", "ket-hon"}},
			{DomainJustice, []string{"ly-lich-tu-phap"}}}},
		{"without diacritics", all, nil, "dang ky ket hon", nil, []group{{DomainCivilStatus, []string{"ket-hon"}}}},
		{"any case, every word", all, nil, "ĐĂNG TRÚ", nil, []group{{DomainResidence, []string{"thuong-tru", "tam-tru"}}}},
		{"english name", all, nil, "marriage", nil, []group{{DomainCivilStatus, []string{"ket-hon"}}}},
		{"national code", all, nil, "1.001193", nil, []group{{DomainCivilStatus, []string{"khai-sinh"}}}},
		{"official form", all, nil, "ct01", nil, []group{{DomainResidence, []string{"thuong-tru", "tam-tru"}}}},
		{"đ folds to d", all, nil, "dang ky khai sinh", nil, []group{{DomainCivilStatus, []string{"khai-sinh"}}}},
		{"no match", all, nil, "hộ chiếu", nil, nil},
		{"used today heads the list", []*Procedure{ks, tt, tam, kh, ll}, map[string]int{"1.001193": 3, "tam-tru": 1}, "",
			[]string{"khai-sinh", "tam-tru"}, []group{
				{DomainCivilStatus, []string{"khai-sinh", "ket-hon"}},
				{DomainResidence, []string{"thuong-tru", "tam-tru"}},
				{DomainJustice, []string{"ly-lich-tu-phap"}}}},
		{"most used only among matches", all, map[string]int{"1.001193": 3, "tam-tru": 1}, "tru", []string{"tam-tru"},
			[]group{{DomainResidence, []string{"thuong-tru", "tam-tru"}}}},
		{"at most five most used", all, map[string]int{"1.004222": 1, "tam-tru": 1, "1.001193": 1, "ket-hon": 1, "ly-lich-tu-phap": 1}, "",
			[]string{"thuong-tru", "tam-tru", "khai-sinh", "ket-hon", "ly-lich-tu-phap"}, []group{
				{DomainResidence, []string{"thuong-tru", "tam-tru"}},
				{DomainCivilStatus, []string{"khai-sinh", "ket-hon"}},
				{DomainJustice, []string{"ly-lich-tu-phap"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMenu(tc.ps, tc.use, tc.query)
			if got := slugs(m.MostUsed); !reflect.DeepEqual(got, tc.most) {
				t.Errorf("most used %v, want %v", got, tc.most)
			}
			var got []group
			for _, g := range m.Groups {
				got = append(got, group{g.Domain, slugs(g.Procedures)})
			}
			if !reflect.DeepEqual(got, tc.groups) {
				t.Errorf("groups %v, want %v", got, tc.groups)
			}
			if m.Empty() != (len(tc.groups) == 0) {
				t.Errorf("Empty() = %t", m.Empty())
			}
		})
	}
	six := append(all, proc("tam-vang", "", DomainResidence, "Khai báo tạm vắng", "Temporary absence", ""))
	use := map[string]int{}
	for _, p := range six {
		use[p.Ref()] = 1
	}
	if m := NewMenu(six, use, ""); len(m.MostUsed) != MostUsedMax {
		t.Errorf("%d most used, want %d", len(m.MostUsed), MostUsedMax)
	}
}
