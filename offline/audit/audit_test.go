package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedKey is a MACer with a constant key so golden files are stable.
type fixedKey []byte

func (k fixedKey) MAC(b []byte) []byte {
	m := hmac.New(sha256.New, k)
	m.Write(b)
	return m.Sum(nil)
}

func newTrail(t *testing.T, n int) (*Trail, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tr, err := New(db, fixedKey("test key"))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	actions := []Action{ReadCard, Enqueue, Send, ViewDossier, Purge}
	for i := 0; i < n; i++ {
		_, err := tr.Record(Event{Clerk: "CB-007", Kiosk: "KIOSK-01", Action: actions[i%len(actions)],
			CitizenID: "001203004567", Dossier: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
			Purpose: "đăng ký khai sinh", Time: base.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
	}
	return tr, db
}

func TestVerifyIntact(t *testing.T) {
	tr, _ := newTrail(t, 7)
	n, err := tr.Verify()
	if err != nil || n != 7 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestEmptyTrailVerifies(t *testing.T) {
	tr, _ := newTrail(t, 0)
	if n, err := tr.Verify(); err != nil || n != 0 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestTamperDetected(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(b, hb *bolt.Bucket)
		wantSeq uint64
	}{
		{"edit purpose", func(b, _ *bolt.Bucket) {
			var e Entry
			json.Unmarshal(b.Get(seqKey(3)), &e)
			e.Purpose = "something else"
			raw, _ := json.Marshal(e)
			b.Put(seqKey(3), raw)
		}, 3},
		{"edit and rehash without key", func(b, _ *bolt.Bucket) {
			var e Entry
			json.Unmarshal(b.Get(seqKey(2)), &e)
			e.Clerk = "CB-999"
			other := &Trail{mac: fixedKey("guessed key")}
			e.Hash = other.entryHash(e)
			raw, _ := json.Marshal(e)
			b.Put(seqKey(2), raw)
		}, 2},
		{"delete middle", func(b, _ *bolt.Bucket) { b.Delete(seqKey(4)) }, 4},
		{"delete first", func(b, _ *bolt.Bucket) { b.Delete(seqKey(1)) }, 1},
		{"delete last", func(b, _ *bolt.Bucket) { b.Delete(seqKey(6)) }, 6},
		{"delete last and rewind head", func(b, hb *bolt.Bucket) {
			var e Entry
			json.Unmarshal(b.Get(seqKey(5)), &e)
			b.Delete(seqKey(6))
			raw, _ := json.Marshal(head{Seq: 5, Hash: e.Hash, MAC: "00"})
			hb.Put(keyHead, raw)
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, db := newTrail(t, 6)
			db.Update(func(tx *bolt.Tx) error {
				tt.tamper(tx.Bucket(bucketEntries), tx.Bucket(bucketHead))
				return nil
			})
			_, err := tr.Verify()
			var be *BrokenError
			if !errors.As(err, &be) || !errors.Is(err, ErrBroken) {
				t.Fatalf("Verify = %v, want a BrokenError", err)
			}
			if be.Seq != tt.wantSeq {
				t.Fatalf("broken at %d (%s), want %d", be.Seq, be.Reason, tt.wantSeq)
			}
		})
	}
}

func TestCitizenIDNotStored(t *testing.T) {
	tr, db := newTrail(t, 3)
	db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEntries).ForEach(func(_, v []byte) error {
			if bytes.Contains(v, []byte("001203004567")) {
				t.Fatalf("raw citizen ID in entry %s", v)
			}
			return nil
		})
	})
	if tr.CitizenRef("001203004567") == tr.CitizenRef("001203004568") {
		t.Fatal("different IDs share a pseudonym")
	}
	if tr.CitizenRef("") != "" {
		t.Fatal("empty ID should have no pseudonym")
	}
}

func TestExportGolden(t *testing.T) {
	tr, _ := newTrail(t, 3)
	for _, f := range []struct {
		name string
		fn   func(*bytes.Buffer) error
	}{
		{"export.csv", func(b *bytes.Buffer) error { return tr.ExportCSV(b) }},
		{"export.json", func(b *bytes.Buffer) error { return tr.ExportJSON(b) }},
	} {
		var buf bytes.Buffer
		if err := f.fn(&buf); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", f.name)
		if *update {
			os.WriteFile(golden, buf.Bytes(), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from golden:\n%s", f.name, buf.String())
		}
	}
	var arr []Entry
	var buf bytes.Buffer
	tr.ExportJSON(&buf)
	if err := json.Unmarshal(buf.Bytes(), &arr); err != nil || len(arr) != 3 {
		t.Fatalf("JSON export does not parse back: %v", err)
	}
	if !strings.HasPrefix(arr[1].Prev, arr[0].Hash) {
		t.Fatal("chain link missing in export")
	}
}

func BenchmarkRecord(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "a.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tr, _ := New(db, fixedKey("k"))
	for b.Loop() {
		tr.Record(Event{Clerk: "CB-1", Action: ReadCard, CitizenID: "001203004567", Purpose: "p"})
	}
}

func TestCSVCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"-2":                "'-2",
		"@SUM(A1)":          "'@SUM(A1)",
		"clerk-07":          "clerk-07",
		"":                  "",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
