package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"motcua/kiosk/address"
)

func TestAddressConvert(t *testing.T) {
	for _, c := range []struct {
		args   []string
		stdin  string
		code   int
		status []address.Status // one per output line (JSON)
		text   string           // in the output
	}{
		{[]string{"address", "convert", "Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh", "--json"}, "", 0,
			[]address.Status{address.Converted}, "Phường An Lạc, Thành phố Hồ Chí Minh"},
		{[]string{"address", "convert", "--json", "Phường Kim Mã, Quận Ba Đình, Hà Nội"}, "", 0,
			[]address.Status{address.Ambiguous}, "Phường Giảng Võ"},
		{[]string{"address", "convert", "--stdin", "--json"},
			"Phường Ba Đình, Thành phố Hà Nội\nnowhere at all\r\nKhu 3, Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu\n\n", 0,
			[]address.Status{address.AlreadyNew, address.Unmatched, address.Converted, address.Unmatched}, "Đặc khu Côn Đảo"},
		{[]string{"address", "convert", "Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh"}, "", 0, nil, "trên thẻ / on the card"},
		{[]string{"address", "convert"}, "", 2, nil, ""},
		{[]string{"address", "convert", "a", "b"}, "", 2, nil, ""},
		{[]string{"address", "convert", "--stdin", "a"}, "", 2, nil, ""},
		{[]string{"address"}, "", 2, nil, ""},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, &env{stdout: &out, stderr: &errb, stdin: strings.NewReader(c.stdin)})
		if code != c.code {
			t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.code, errb.String())
			continue
		}
		if !strings.Contains(out.String(), c.text) {
			t.Errorf("%q: output lacks %q:\n%s", c.args, c.text, out.String())
		}
		if c.status == nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(c.status) {
			t.Fatalf("%q: %d lines, want %d:\n%s", c.args, len(lines), len(c.status), out.String())
		}
		for i, l := range lines {
			var r address.Result
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			if r.Status != c.status[i] {
				t.Errorf("%q line %d: status %s, want %s", c.args, i, r.Status, c.status[i])
			}
		}
	}
}

// `kiosk prefill --json` shows how each card address was converted.
func TestPrefillShowsAddressConversion(t *testing.T) {
	cards := filepath.Join("..", "..", "seeds", "cards")
	res, _ := prefillJSON(t, "--procedure", "ket-hon", "--sim", filepath.Join(cards, "tran-thi-binh.json"),
		"--sim", filepath.Join(cards, "nguyen-van-an.json"))
	got := map[string]*address.Result{}
	for _, v := range res.Values {
		if v.Address != nil {
			got[v.Path] = v.Address
			if v.Value != v.Address.Text {
				t.Errorf("%s: value %q, converted %q", v.Path, v.Value, v.Address.Text)
			}
		}
	}
	h := got["husband.placeOfResidence"]
	if len(got) != 2 || h == nil || h.Status != address.Converted || h.New == nil || h.New.Name != "Phường An Lạc" {
		t.Errorf("address conversions %+v", got)
	}
}
