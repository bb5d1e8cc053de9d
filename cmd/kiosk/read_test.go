package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSimJSON(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "face.jpg")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"read", "--sim", "../../seeds/cards/nguyen-van-an.json", "--json", "--photo", photo}, &env{stdout: &out, stderr: &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Citizen struct {
			ID, FullName, DateOfBirth, Sex, PlaceOfResidence string
		}
		Verification map[string]struct{ Status, Reason string }
		Stats        struct{ APDUs, Bytes int }
		Photo        map[string]any
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	c := got.Citizen
	if c.ID != "079090004217" || c.FullName != "Nguyễn Văn An" || c.DateOfBirth != "1990-03-12" || c.Sex != "male" || c.PlaceOfResidence == "" {
		t.Errorf("citizen %+v", c)
	}
	for _, k := range []string{"passive", "active"} {
		if got.Verification[k].Status != "passed" {
			t.Errorf("%s: %+v", k, got.Verification[k])
		}
	}
	if _, ok := got.Verification["chip"]; !ok || got.Stats.APDUs == 0 || got.Stats.Bytes == 0 {
		t.Errorf("verification %v stats %+v", got.Verification, got.Stats)
	}
	if _, ok := got.Photo["data"]; ok || strings.Contains(out.String(), "/9j/") {
		t.Error("photo bytes in the JSON")
	}
	if b, err := os.ReadFile(photo); err != nil || !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		t.Errorf("photo file: %v", err)
	}
}

func TestReadFailures(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"read"}, 2, "choose a card"},
		{[]string{"read", "--sim", "../../seeds/cards/faults/truncated-file.json", "--json"}, 1, "could not read DG13"},
		{[]string{"read", "--sim", "../../seeds/cards/none.json"}, 1, "none.json"},
		{[]string{"read", "--sim", "../../seeds/cards/nguyen-van-an.json", "--trust", "."}, 1, "no CSCA"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, &env{stdout: &out, stderr: &errb})
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		if code != tc.code || !strings.Contains(errb.String(), tc.msg) || (code == 1 && len(lines) != 1) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errb.String())
		}
		if strings.Contains(errb.String(), "079090004217") {
			t.Errorf("%v: error shows the ID", tc.args)
		}
	}
}

func TestReadText(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"read", "--sim", "../../seeds/cards/hoang-van-tho.json"}, &env{stdout: &out, stderr: &errb}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Không thời hạn", "Passive auth         passed", "BAC"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
