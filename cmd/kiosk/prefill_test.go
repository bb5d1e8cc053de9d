package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
)

// writeReading saves a fictional chip read as JSON, as 'kiosk read --json' would.
func writeReading(t *testing.T, dir, name, id, fullName string, dob cccd.Date, sex cccd.Sex, passive cardreader.CheckStatus) string {
	t.Helper()
	rd := cardreader.Reading{
		Source: cardreader.SourceChip, Generation: cccd.CCCD2021, Access: cardreader.AccessBAC,
		Citizen: cccd.Citizen{ID: id, FullName: fullName, DateOfBirth: dob, Sex: sex, Nationality: "Việt Nam", Ethnicity: "Kinh",
			PlaceOfResidence: "Số 1 Phố Huế, Phường Hai Bà Trưng, Hà Nội", IssueDate: cccd.Date{Year: 2022, Month: 1, Day: 5}},
		Verification: cardreader.Verification{Passive: cardreader.Check{Status: passive}, Active: cardreader.Check{Status: cardreader.StatusPassed},
			Chip: cardreader.Check{Status: cardreader.StatusUnsupported}},
	}
	b, err := json.Marshal(rd)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProceduresJSON(t *testing.T) {
	code, out, errs := kioskRun(t, "procedures", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var list []procedureInfo
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	procs := 0
	for _, p := range list {
		if p.Kind == "procedure" {
			procs++
		}
		if p.Name.VI == "" || p.Name.EN == "" || p.Domain == "" || p.Fields == 0 {
			t.Errorf("incomplete entry %+v", p)
		}
	}
	if procs < 15 {
		t.Errorf("%d procedures listed, want at least 15", procs)
	}
	code, out, _ = kioskRun(t, "procedures", "--lang", "en", "--search", "khai sinh")
	if code != 0 || !strings.Contains(out, "Birth registration") || strings.Contains(out, "Marriage") {
		t.Errorf("search table:\n%s", out)
	}
}

// prefillJSON runs `kiosk prefill ARGS --json`, which must succeed, and
// returns its decoded output and the raw JSON.
func prefillJSON(t *testing.T, args ...string) (prefillOutput, string) {
	t.Helper()
	code, out, errs := kioskRun(t, append(append([]string{"prefill"}, args...), "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res prefillOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res, out
}

func TestPrefillTwoCards(t *testing.T) {
	dir := t.TempDir()
	groom := writeReading(t, dir, "groom.json", "001090012345", "NGUYỄN VĂN AN", cccd.Date{Year: 1990, Month: 3, Day: 15}, cccd.Male, cardreader.StatusPassed)
	bride := writeReading(t, dir, "bride.json", "001192034567", "TRẦN THỊ BÌNH", cccd.Date{Year: 1992, Month: 7, Day: 2}, cccd.Female, cardreader.StatusPassed)
	res, out := prefillJSON(t, "--procedure", "1.000894", "--reading", groom, "--reading", bride)
	if len(res.Cards) != 2 || res.Cards[0].Path != "husband" || res.Cards[1].Path != "wife" || !res.Cards[0].Verified {
		t.Fatalf("cards %+v", res.Cards)
	}
	if res.Metrics.IdentityTyped != 0 || res.Metrics.Prefilled == 0 || res.Metrics.FieldsTotal == 0 {
		t.Errorf("metrics %+v", res.Metrics)
	}
	for _, m := range res.Missing {
		if strings.HasSuffix(m.Path, ".fullName") || strings.HasSuffix(m.Path, ".idNumber") {
			t.Errorf("card field %s listed as missing", m.Path)
		}
	}
	// The raw JSON carries the metric names the issue asks for.
	for _, k := range []string{`"fieldsTotal"`, `"prefilled"`, `"typed"`, `"identityTyped"`} {
		if !strings.Contains(out, k) {
			t.Errorf("output lacks %s", k)
		}
	}
}

func TestPrefillBundleAndErrors(t *testing.T) {
	dir := t.TempDir()
	mother := writeReading(t, dir, "mother.json", "001192034567", "TRẦN THỊ BÌNH", cccd.Date{Year: 1992, Month: 7, Day: 2}, cccd.Female, cardreader.StatusNotChecked)
	res, _ := prefillJSON(t, "--procedure", "lien-thong-khai-sinh", "--reading", "mother="+mother)
	if len(res.Steps) != 3 || res.Cards[0].Verified || res.Cards[0].Path != "mother" {
		t.Fatalf("bundle output: %d steps, cards %+v", len(res.Steps), res.Cards)
	}
	if res.Steps[1].Metrics.Carried == 0 {
		t.Error("mother's block not carried into the residence step")
	}
	if code, _, _ := kioskRun(t, "prefill", "--procedure", "9.999999"); code != 1 {
		t.Errorf("unknown procedure exit %d", code)
	}
	if code, _, _ := kioskRun(t, "prefill"); code != 2 {
		t.Errorf("missing --procedure exit %d", code)
	}
	if code, out, _ := kioskRun(t, "prefill", "--procedure", "thuong-tru", "--reading", mother); code != 0 || !strings.Contains(out, "identityTyped=0") {
		t.Errorf("table output (exit %d):\n%s", code, out)
	}
}

// TestPrefillSimEveryProcedure runs the command as the issue shows it, on
// the virtual chip, for every catalog entry.
func TestPrefillSimEveryProcedure(t *testing.T) {
	code, out, _ := kioskRun(t, "procedures", "--json")
	if code != 0 {
		t.Fatal("procedures failed")
	}
	var list []procedureInfo
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	sim := filepath.Join("..", "..", "seeds", "cards", "nguyen-van-an.json")
	for _, p := range list {
		ref := p.Code
		if ref == "" {
			ref = p.Slug
		}
		code, out, errs := kioskRun(t, "prefill", "--procedure", ref, "--sim", sim, "--json")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", ref, code, errs)
			continue
		}
		var res prefillOutput
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if len(res.Cards) != 1 || !res.Cards[0].Verified || res.Metrics.IdentityTyped != 0 || res.Metrics.Prefilled == 0 {
			t.Errorf("%s: cards %+v metrics %+v", ref, res.Cards, res.Metrics)
		}
	}
}

func TestPrefillSimMarriage(t *testing.T) {
	cards := filepath.Join("..", "..", "seeds", "cards")
	res, _ := prefillJSON(t, "--procedure", "ket-hon", "--sim", filepath.Join(cards, "tran-thi-binh.json"),
		"--sim", filepath.Join(cards, "nguyen-van-an.json"))
	if len(res.Cards) != 2 || res.Cards[0].Path != "wife" || res.Cards[1].Path != "husband" {
		t.Fatalf("cards %+v", res.Cards)
	}
	if len(res.Missing) != 2 || res.Metrics.Prefilled != 14 || res.Metrics.IdentityTyped != 0 {
		t.Errorf("missing %+v, metrics %+v", res.Missing, res.Metrics)
	}
	if code, _, _ := kioskRun(t, "prefill", "--procedure", "ket-hon", "--sim", filepath.Join(cards, "no-such-person.json")); code != 1 {
		t.Errorf("missing fixture exit %d", code)
	}
}
