package dossier

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"
	"time"
)

func sample() Dossier {
	return Dossier{
		ID:            "01936b2e-7c00-7abc-8def-0123456789ab",
		ProcedureCode: "1.004194",
		ProcedureName: "Đăng ký thường trú",
		Applicants: []Applicant{{
			Role: "requester", ID: "079203001234", FullName: "Phạm Minh Khoa",
			Values:       map[string]Value{"phone": {"0912345678", Typed}},
			Verification: Verification{Source: "chip", Access: "BAC", Passive: "passed", Active: "passed", Chip: "not-checked"},
		}},
		Values: map[string]Value{
			"reason":  {"Chuyển đến ở cùng gia đình", Typed},
			"address": {"Số 1 Đường Ví Dụ <&>", FromChip},
		},
		Attachments: []Attachment{
			{Key: "b", Name: "b.pdf", Type: "application/pdf", SHA256: "bb", Size: 2},
			{Key: "a", Name: "a.pdf", Type: "application/pdf", SHA256: "aa", Size: 1},
		},
		CreatedAt: time.Date(2026, 11, 22, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		KioskID:   "KIOSK-01",
	}
}

func TestCanonicalIsStable(t *testing.T) {
	d := sample()
	a, err := d.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	// Same dossier built in another order, another zone: same bytes.
	e := sample()
	e.Attachments[0], e.Attachments[1] = e.Attachments[1], e.Attachments[0]
	e.CreatedAt = e.CreatedAt.UTC()
	b, _ := e.Canonical()
	if !bytes.Equal(a, b) {
		t.Fatalf("canonical differs:\n%s\n%s", a, b)
	}
	if bytes.Contains(a, []byte(`\u003c`)) || bytes.HasSuffix(a, []byte("\n")) {
		t.Errorf("canonical JSON escapes HTML or ends in newline: %s", a)
	}
	if !bytes.Contains(a, []byte(`"createdAt":"2026-11-22T01:30:00Z"`)) {
		t.Errorf("createdAt not in UTC: %s", a)
	}
	h1, _ := d.Hash()
	e.Values["reason"] = Value{"khác", Typed}
	h2, _ := e.Hash()
	if h1 == h2 || len(h1) != 64 {
		t.Errorf("hash did not change with content: %s %s", h1, h2)
	}
	// The canonical form is valid JSON that decodes to the same dossier.
	var back Dossier
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	c, _ := back.Canonical()
	if !bytes.Equal(a, c) {
		t.Errorf("decode/encode changed canonical bytes")
	}
	// The caller's attachments are not reordered in place.
	if d.Attachments[0].Key != "b" {
		t.Error("Canonical mutated the caller's slice")
	}
}

func TestNewID(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ids := make([]string, 100)
	seen := map[string]bool{}
	for i := range ids {
		ids[i] = NewID(now.Add(time.Duration(i) * time.Millisecond))
		if !ValidID(ids[i]) {
			t.Fatalf("invalid id %q", ids[i])
		}
		if ids[i][14] != '7' || !bytes.ContainsRune([]byte("89ab"), rune(ids[i][19])) {
			t.Fatalf("not a v7 RFC 9562 UUID: %s", ids[i])
		}
		if seen[ids[i]] {
			t.Fatal("duplicate id")
		}
		seen[ids[i]] = true
	}
	if !sort.StringsAreSorted(ids) {
		t.Error("IDs made later do not sort later")
	}
	for _, bad := range []string{"", "01936b2e-7c00-7abc-8def-0123456789aB", "01936b2e7c00-7abc-8def-0123456789abc"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	d := sample()
	for b.Loop() {
		if _, err := d.Hash(); err != nil {
			b.Fatal(err)
		}
	}
}
