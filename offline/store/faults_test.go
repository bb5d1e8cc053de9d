package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/seal"
)

// storeWithOne makes a data directory holding a store with one queued
// dossier and its key, closed; it returns the directory and the dossier ID.
func storeWithOne(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	d := testdossier.New(0, t0)
	if _, _, err := s.Enqueue(d, withAttachment(d, 0)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dir, d.ID
}

// Issue 13.1 and 13.2: a key or a store that is missing, emptied or
// another's is refused with a typed error and nothing is created or
// replaced.
func TestKeyAndStoreFaults(t *testing.T) {
	other := t.TempDir()
	openStore(t, other, Options{}).Close() // another kiosk's store and key
	tests := []struct {
		name  string
		fault func(t *testing.T, dir string)
		opt   Options
		want  error
	}{
		{"key file deleted", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "data.key")) }, Options{}, ErrKeyMissing},
		{"another kiosk's key", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(other, "data.key"))
			os.WriteFile(filepath.Join(dir, "data.key"), b, 0o600)
		}, Options{}, ErrKeyMismatch},
		{"another kiosk's key, store from before check values", func(t *testing.T, dir string) {
			db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(keyCheck) })
			db.Close()
			b, _ := os.ReadFile(filepath.Join(other, "data.key"))
			os.WriteFile(filepath.Join(dir, "data.key"), b, 0o600)
		}, Options{}, ErrKeyMismatch},
		{"store deleted", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, FileName)) }, Options{}, ErrStoreMissing},
		{"store truncated to zero", func(t *testing.T, dir string) { os.Truncate(filepath.Join(dir, FileName), 0) }, Options{}, ErrStoreMissing},
		{"store replaced by an empty database", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, FileName))
			db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			db.Close()
		}, Options{}, ErrStoreMissing},
		{"store overwritten with garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, FileName), bytes.Repeat([]byte("không phải bbolt "), 2000), 0o600)
		}, Options{}, ErrCorrupt},
		{"meta pages zeroed", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, FileName), os.O_RDWR, 0)
			f.WriteAt(make([]byte, 8192), 0)
			f.Close()
		}, Options{}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := storeWithOne(t)
			tt.fault(t, dir)
			before := snapshotDir(t, dir)
			_, err := OpenDir(dir, filepath.Join(dir, "data.key"), tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("open: %v, want %v", err, tt.want)
			}
			if MessageKey(err) == "" {
				t.Errorf("no message key for %v", err)
			}
			if after := snapshotDir(t, dir); after != before {
				t.Errorf("the refused open changed the directory:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// snapshotDir lists the directory's files with their sizes and contents'
// first bytes, so a test can tell nothing was created or replaced.
func snapshotDir(t *testing.T, dir string) string {
	ents, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range ents {
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		b.WriteString(e.Name() + " " + string(rune(len(raw))) + " " + string(raw[:min(len(raw), 64)]) + "\n")
	}
	return b.String()
}

// Issue 13.2: starting afresh is explicit (Options.Create) and works.
func TestCreateNewStoreExplicitly(t *testing.T) {
	dir, _ := storeWithOne(t)
	os.Remove(filepath.Join(dir, FileName))
	s, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(); st.Queued != 0 {
		t.Fatalf("new store holds %+v", st)
	}
}

// Issue 13.3: a damaged record never makes the sync loop: Load says
// ErrCorrupt, SetAside takes it out of the outbox, Check reports it.
func TestDamagedRecordSetAside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(tx *bolt.Tx, id string) error
		state  State // "" when the record itself is unreadable
	}{
		{"record does not parse", func(tx *bolt.Tx, id string) error {
			return tx.Bucket(bDossiers).Put([]byte(id), []byte("{\"id\": garbage"))
		}, ""},
		{"sealed dossier flipped", func(tx *bolt.Tx, id string) error {
			v := append([]byte(nil), tx.Bucket(bPersonal).Get([]byte(id))...)
			v[len(v)-1] ^= 1
			return tx.Bucket(bPersonal).Put([]byte(id), v)
		}, NeedsAttention},
		{"attachment gone", func(tx *bolt.Tx, id string) error {
			c := tx.Bucket(bAttach).Cursor()
			k, _ := c.First()
			return tx.Bucket(bAttach).Delete(k)
		}, NeedsAttention},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, id := storeWithOne(t)
			s := openStore(t, dir, Options{})
			defer s.Close()
			if err := s.db.Update(func(tx *bolt.Tx) error { return tc.damage(tx, id) }); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load(id)
			if err == nil {
				t.Fatal("damaged dossier loads")
			}
			if err := s.SetAside(id, err); err != nil {
				t.Fatal(err)
			}
			if due, _ := s.Due(t0.Add(time.Hour), "", 10); len(due) != 0 || s.OutboxLen() != 0 {
				t.Fatalf("still due after being set aside: %v", due)
			}
			if tc.state != "" {
				if r, _ := s.Get(id); r.State != tc.state || r.ReasonCode != CodeLocal {
					t.Fatalf("record %+v", r)
				}
			}
			// The rest of the store stays usable: lists and counts go on.
			if _, err := s.List(Filter{}); err != nil {
				t.Fatalf("list with a damaged record: %v", err)
			}
			if st, err := s.Stats(); err != nil || (tc.state == "" && st.Damaged != 1) {
				t.Fatalf("stats with a damaged record: %+v %v", st, err)
			}
			probs, err := s.Check()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range probs {
				found = found || p.ID == id
			}
			if !found {
				t.Fatalf("check does not name the damaged dossier: %v", probs)
			}
		})
	}
}

// Issue 13.3: a damaged page gives errors, never a crash: each page of a
// store in turn gets its header scribbled over; opening it, every read
// path and Check answer with an error or a value, and Check (or the open)
// reports the damage.
func TestDamagedPageNoPanic(t *testing.T) {
	src := t.TempDir()
	s := openStore(t, src, Options{NoSync: true})
	for i := range 80 {
		d := testdossier.New(i, t0)
		if _, _, err := s.Enqueue(d, withAttachment(d, i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	clean, _ := os.ReadFile(filepath.Join(src, FileName))
	key, _ := os.ReadFile(filepath.Join(src, "data.key"))
	ps := os.Getpagesize()
	pages := len(clean) / ps
	refused, reported := 0, 0
	for pg := 2; pg < pages; pg++ {
		raw := append([]byte(nil), clean...)
		off := pg * ps
		raw[off+8] ^= 0x7                                        // page flags
		copy(raw[off+16:off+48], bytes.Repeat([]byte{0xA5}, 32)) // first element headers
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), raw, 0o600)
		os.WriteFile(filepath.Join(dir, "data.key"), key, 0o600)
		s2, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{NoSync: true})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("page %d: open: %v, want ErrCorrupt", pg, err)
			}
			refused++
			continue
		}
		s2.List(Filter{})
		s2.Stats()
		s2.Due(t0, "", 100)
		s2.NextDue()
		if ids, _ := s2.Due(t0, "", 1); len(ids) == 1 {
			s2.Load(ids[0])
		}
		probs, err := s2.Check()
		if err != nil {
			t.Fatalf("page %d: check: %v", pg, err)
		}
		if len(probs) > 0 {
			reported++
		}
		s2.Close()
	}
	t.Logf("%d pages damaged one at a time: open refused %d, check reported %d, unused pages %d", pages-2, refused, reported, pages-2-refused-reported)
	if refused+reported == 0 {
		t.Fatal("no damage was noticed at all")
	}
}

// Issue 13.5: a retry scheduled by a clock that has since gone back is
// due at once, and nothing is scheduled further ahead than MaxAhead.
func TestClockGoesBack(t *testing.T) {
	now := t0
	dir := t.TempDir()
	s := openStore(t, dir, Options{Now: func() time.Time { return now }, MaxAhead: 10 * time.Minute})
	defer s.Close()
	d := testdossier.New(0, t0)
	s.Enqueue(d, nil)
	if err := s.MarkRetry(d.ID, "transient", now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.Due(now, "", 10); len(due) != 0 {
		t.Fatalf("due before its backoff: %v", due)
	}
	now = now.Add(-48 * time.Hour) // the clock is set back two days
	if due, _ := s.Due(now, "", 10); len(due) != 1 {
		t.Fatalf("not due after the clock went back: %v", due)
	}
	if send, _, ok := s.NextDue(); !ok || send.After(now) {
		t.Fatalf("next send %v after now %v", send, now)
	}
	// A retry asked for a year ahead is kept within MaxAhead.
	s.MarkRetry(d.ID, "transient", now.AddDate(1, 0, 0))
	if r, _ := s.Get(d.ID); r.NextAttempt.After(now.Add(10 * time.Minute)) {
		t.Fatalf("scheduled at %v, more than MaxAhead after %v", r.NextAttempt, now)
	}
	// A new dossier is due at once whatever the clock says.
	d2 := testdossier.New(1, t0)
	s.Enqueue(d2, nil)
	if due, _ := s.Due(now.Add(-time.Hour), "", 10); !slices.Contains(due, d2.ID) {
		t.Fatalf("new dossier not due at once: %v", due)
	}
}

// Issue 13.8: a portal reason naming a person is sealed: not in the file in
// clear, not in the audit trail, which gets only the code.
func TestRefusalReasonSealed(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{NoSync: true})
	d := testdossier.New(0, t0)
	s.Enqueue(d, nil)
	const reason = "Ông Trần Thị Bích Ngọc chưa ký tờ khai"
	if err := s.MarkNeedsAttention(d.ID, "missing-signature", reason); err != nil {
		t.Fatal(err)
	}
	d2 := testdossier.New(1, t0)
	s.Enqueue(d2, nil)
	s.MarkFiled(d2.ID, filedResponse(d2.ID, 1), t0)
	s.MarkStatus(d2.ID, &portal.StatusResponse{DossierID: d2.ID, Status: portal.StatusSupplement, Reason: "Bà Lê Thị Hoa bổ sung giấy khai sinh"}, t0)
	var trail bytes.Buffer
	if err := s.Audit().ExportJSON(&trail); err != nil {
		t.Fatal(err)
	}
	recs, _ := s.List(Filter{})
	listed, _ := json.Marshal(recs)
	if got, _ := s.Reason(d.ID, Actor{Clerk: "CB-1"}); got != reason {
		t.Fatalf("reason %q", got)
	}
	s.Close()
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, name := range []string{"Bích Ngọc", "Lê Thị Hoa"} {
		for what, b := range map[string][]byte{"database file": raw, "audit trail": trail.Bytes(), "record list": listed} {
			if bytes.Contains(b, []byte(name)) {
				t.Errorf("%s holds %q in clear", what, name)
			}
		}
	}
	if !bytes.Contains(trail.Bytes(), []byte("missing-signature")) {
		t.Error("audit trail lacks the refusal code")
	}
}

// Issue 13.10: the data directory and the store file are made private
// whatever their mode was.
func TestFileModes(t *testing.T) {
	dir, _ := storeWithOne(t)
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Join(dir, FileName), 0o644)
	s := openStore(t, dir, Options{})
	s.Close()
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, FileName): 0o600} {
		if st, _ := os.Stat(path); st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", filepath.Base(path), st.Mode().Perm(), want)
		}
	}
	// A key file others can read is refused (seal.ErrKeyFileMode).
	os.Chmod(filepath.Join(dir, "data.key"), 0o644)
	if _, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{}); !errors.Is(err, seal.ErrKeyFileMode) {
		t.Fatalf("world-readable key: %v", err)
	}
}

// Issue 13.4: a bundle is stored whole or not at all: when a later
// dossier fails inside the transaction, the earlier ones are not stored.
func TestBundleAllOrNothing(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{NoSync: true})
	defer s.Close()
	clash := testdossier.New(9, t0)
	s.Enqueue(clash, nil)
	changed := *clash
	changed.ProcedureName = "khác"
	a, b := testdossier.New(1, t0), testdossier.New(2, t0)
	noData := testdossier.New(3, t0)
	withAttachment(noData, 3) // names an attachment whose bytes are not given
	for _, tc := range []struct {
		name string
		ds   []*dossier.Dossier
		want error
	}{
		{"third reuses an ID with other content", []*dossier.Dossier{a, b, &changed}, ErrExists},
		{"second lacks its attachment's bytes", []*dossier.Dossier{a, noData, b}, ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.Stats()
			trail, _ := s.Audit().Verify()
			if _, _, err := s.EnqueueBundle(tc.ds, nil); !errors.Is(err, tc.want) {
				t.Fatalf("bundle: %v, want %v", err, tc.want)
			}
			after, _ := s.Stats()
			if after != before {
				t.Fatalf("a failed bundle stored something: %+v -> %+v", before, after)
			}
			if n, _ := s.Audit().Verify(); n != trail {
				t.Fatalf("audit trail grew from %d to %d entries", trail, n)
			}
		})
	}
	recs, _, err := s.EnqueueBundle([]*dossier.Dossier{a, b}, nil)
	if err != nil || len(recs) != 2 || recs[0].ID != a.ID || recs[1].ID != b.ID {
		t.Fatalf("whole bundle: %v %v", recs, err)
	}
}

// Issue 13.6: an attachment over the portal's limit is refused at intake.
func TestAttachmentLimit(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{NoSync: true, MaxAttachment: 64})
	defer s.Close()
	d := testdossier.New(0, t0)
	data := withAttachment(d, 0) // over 64 bytes
	if _, _, err := s.Enqueue(d, data); !errors.Is(err, ErrTooLarge) || MessageKey(err) == "" {
		t.Fatalf("large attachment: %v", err)
	}
	if s.OutboxLen() != 0 {
		t.Fatal("stored anyway")
	}
}
