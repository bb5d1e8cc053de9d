package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"motcua/cardreader/cccd"
	"motcua/offline/audit"
	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/seal"
)

var t0 = time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam) // a Friday

func openStore(t testing.TB, dir string, opt Options) *Store {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return t0 }
	}
	s, err := OpenDir(dir, filepath.Join(dir, "data.key"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withAttachment gives d one attachment whose content names the citizen.
func withAttachment(d *dossier.Dossier, i int) map[string][]byte {
	p := testdossier.People[i%len(testdossier.People)]
	data := []byte("Giấy xác nhận chỗ ở hợp pháp của " + p.Name + ", số định danh " + p.ID + ", địa chỉ " + p.Address)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	d.Attachments = []dossier.Attachment{{Key: "proofOfResidence", Name: "xac-nhan-" + p.Name + ".pdf", Type: "application/pdf", SHA256: sha, Size: int64(len(data))}}
	return map[string][]byte{sha: data}
}

func filedResponse(id string, seq int) *portal.SubmitResponse {
	code := portal.Code{Agency: "000.00.01.H22", Date: cccd.Date{Year: 2026, Month: 3, Day: 6}, Seq: seq}.String()
	return &portal.SubmitResponse{DossierID: id, Code: code, Status: portal.StatusAccepted,
		Receipt: portal.Receipt{Code: code, Applicant: "from portal", ProcedureCode: "1.004227", Documents: []portal.Document{{Key: "k", Name: "n"}}}}
}

func TestEnqueueAndLoad(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{KioskID: "KIOSK-01"})
	defer s.Close()
	d := testdossier.New(0, t0)
	data := withAttachment(d, 0)
	rec, rc, err := s.Enqueue(d, data)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := d.Hash()
	if rec.State != Queued || rec.Hash != want || rec.MaskedID != "••••••••4567" || !rec.PersonalData {
		t.Fatalf("record %+v", rec)
	}
	if rc.Applicant != "Nguyễn Văn An" || rc.Code != "" || rc.AppointmentDate != (cccd.Date{Year: 2026, Month: 3, Day: 17}) || len(rc.Documents) != 1 {
		t.Fatalf("provisional receipt %+v", rc)
	}
	out, err := s.Load(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := out.Dossier.Hash(); h != want {
		t.Fatal("loaded dossier differs")
	}
	ar, n, err := out.OpenAttachment(d.Attachments[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(ar)
	ar.Close()
	if err != nil || n != int64(len(got)) || !bytes.Equal(got, data[d.Attachments[0].SHA256]) {
		t.Fatal("attachment differs")
	}
	ids, _ := s.Due(t0, "", 10)
	if len(ids) != 1 || ids[0] != d.ID || s.OutboxLen() != 1 {
		t.Fatalf("due %v", ids)
	}
	// A new dossier is due at once, even when the clock has gone back.
	if ids, _ := s.Due(t0.Add(-24*time.Hour), "", 10); len(ids) != 1 {
		t.Fatalf("new dossier not due after the clock went back: %v", ids)
	}
	// Same dossier again: same record. Changed under the same ID: refused.
	if again, _, err := s.Enqueue(d, data); err != nil || again.ID != d.ID {
		t.Fatalf("re-enqueue: %v", err)
	}
	d2 := *d
	d2.ProcedureName = "khác"
	if _, _, err := s.Enqueue(&d2, data); !errors.Is(err, ErrExists) {
		t.Fatalf("changed dossier: %v", err)
	}
	select {
	case <-s.Enqueued():
	default:
		t.Fatal("no enqueue signal")
	}
	var actions []audit.Action
	s.Audit().Each(func(e audit.Entry) error { actions = append(actions, e.Action); return nil })
	if len(actions) != 1 || actions[0] != audit.Enqueue {
		t.Fatalf("audit %v", actions)
	}
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("check: %v %v", probs, err)
	}
}

func TestEnqueueInvalid(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	noApplicant := testdossier.New(0, t0)
	noApplicant.Applicants = nil
	badID := testdossier.New(0, t0)
	badID.ID = "x"
	badHash := testdossier.New(0, t0)
	withAttachment(badHash, 0)
	missing := testdossier.New(0, t0)
	withAttachment(missing, 0)
	tests := []struct {
		name string
		d    *dossier.Dossier
		data map[string][]byte
	}{
		{"no applicant", noApplicant, nil},
		{"bad id", badID, nil},
		{"attachment hash mismatch", badHash, map[string][]byte{badHash.Attachments[0].SHA256: []byte("other")}},
		{"attachment missing", missing, nil},
	}
	for _, tt := range tests {
		if _, _, err := s.Enqueue(tt.d, tt.data); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	if s.OutboxLen() != 0 {
		t.Fatal("invalid dossier queued")
	}
}

// TestNoPersonalDataInFile is the encryption-at-rest proof: after queueing
// dossiers of every fixture person (with attachments and receipts naming
// them), the database file's bytes contain none of their names, ID numbers,
// addresses or parents' names, in NFC, NFD, upper case or without accents.
func TestNoPersonalDataInFile(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{Retention: Keep})
	for i := range testdossier.People {
		d := testdossier.New(i, t0)
		data := withAttachment(d, i)
		if _, _, err := s.Enqueue(d, data); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			resp := filedResponse(d.ID, i+1)
			resp.Receipt.Applicant = testdossier.People[i].Name
			if err := s.MarkFiled(d.ID, resp, t0); err != nil {
				t.Fatal(err)
			}
		}
		s.RecordRead(Actor{Clerk: "CB-007", Purpose: "đọc thẻ"}, testdossier.People[i].ID, d.ID)
	}
	if _, err := s.Dossier(mustFirst(t, s), Actor{Clerk: "CB-007", Purpose: "xem"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	// Guard against a vacuous pass: the file does hold the metadata.
	if !bytes.Contains(raw, []byte("1.004227")) || !bytes.Contains(raw, []byte("••••••••4567")) {
		t.Fatal("metadata not found: is this the right file?")
	}
	for _, p := range testdossier.People {
		secrets := []string{p.ID, p.ID[:8], p.Name, p.Address, p.Father, p.Mother, p.DOB, "thường trú của " + p.Name}
		for _, sec := range secrets {
			for _, v := range variants(sec) {
				if bytes.Contains(raw, []byte(v)) {
					t.Errorf("database file contains %q", v)
				}
			}
		}
	}
}

func mustFirst(t *testing.T, s *Store) string {
	recs, err := s.List(Filter{})
	if err != nil || len(recs) == 0 {
		t.Fatal("no records", err)
	}
	return recs[0].ID
}

// variants of a string as it might be stored: NFC, NFD, upper, no accents.
func variants(s string) []string {
	up := strings.ToUpper(s)
	out := []string{norm.NFC.String(s), norm.NFD.String(s), norm.NFC.String(up), norm.NFD.String(up), stripAccents(s)}
	// A name's distinctive part on its own (e.g. "Văn An").
	if f := strings.Fields(s); len(f) >= 3 && !strings.ContainsAny(s, "0123456789") {
		out = append(out, strings.Join(f[len(f)-2:], " "))
	}
	return out
}

func stripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		case r >= 0x300 && r <= 0x36F:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestRetentionDeleteOnReceipt(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	defer s.Close()
	d := testdossier.New(1, t0)
	data := withAttachment(d, 1)
	// A second dossier shares the attachment: it must survive the first purge.
	d2 := testdossier.New(1, t0.Add(time.Millisecond))
	d2.Attachments = d.Attachments
	for _, x := range []*dossier.Dossier{d, d2} {
		if _, _, err := s.Enqueue(x, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkFiled(d.ID, filedResponse(d.ID, 1), t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	rec, _ := s.Get(d.ID)
	if rec.State != Filed || rec.PersonalData || rec.Code != "000.00.01.H22-260306-0001" || rec.Hash == "" {
		t.Fatalf("after filing: %+v", rec)
	}
	if _, err := s.Load(d.ID); !errors.Is(err, ErrState) {
		t.Fatalf("Load filed: %v", err)
	}
	if _, err := s.Dossier(d.ID, Actor{}); !errors.Is(err, ErrPurged) {
		t.Fatalf("Dossier after purge: %v", err)
	}
	rc, err := s.Receipt(d.ID, Actor{Clerk: "CB-007", Purpose: "in lại"})
	if err != nil || rc.Applicant != "••••••••2345" || rc.Code != rec.Code || rc.Documents[0].Name != "" {
		t.Fatalf("receipt after purge: %+v %v", rc, err)
	}
	if _, err := s.Attachment(d.Attachments[0].SHA256); err != nil {
		t.Fatalf("shared attachment deleted: %v", err)
	}
	if err := s.MarkFiled(d2.ID, filedResponse(d2.ID, 2), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attachment(d.Attachments[0].SHA256); !errors.Is(err, ErrPurged) {
		t.Fatalf("attachment kept after last purge: %v", err)
	}
	// A replayed answer changes nothing.
	if err := s.MarkFiled(d.ID, filedResponse(d.ID, 9), t0); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(d.ID); r.Code != rec.Code {
		t.Fatal("replay overwrote the code")
	}
	hist, _ := s.History(d.ID)
	if len(hist) != 2 || hist[0].State != Queued || hist[1].State != Filed {
		t.Fatalf("history %+v", hist)
	}
	if probs, _ := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
}

func TestRetentionKeepAndPurge(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{Retention: Keep})
	defer s.Close()
	d, q := testdossier.New(0, t0), testdossier.New(1, t0)
	for _, x := range []*dossier.Dossier{d, q} {
		if _, _, err := s.Enqueue(x, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.MarkFiled(d.ID, filedResponse(d.ID, 1), t0)
	if got, err := s.Dossier(d.ID, Actor{Clerk: "CB-007"}); err != nil || got.Applicants[0].FullName != "Nguyễn Văn An" {
		t.Fatalf("kept dossier: %v", err)
	}
	n, err := s.Purge(Actor{Clerk: "CB-007", Purpose: "dọn dẹp"})
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v", n, err)
	}
	if _, err := s.Dossier(d.ID, Actor{}); !errors.Is(err, ErrPurged) {
		t.Fatal("purged dossier still readable")
	}
	if _, err := s.Load(q.ID); err != nil {
		t.Fatalf("purge touched an undelivered dossier: %v", err)
	}
	if probs, _ := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
}

func TestNeedsAttentionRetryAndStatus(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	d := testdossier.New(2, t0)
	s.Enqueue(d, nil)
	if err := s.MarkRetry(d.ID, "portal: unreachable", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(d.ID); r.Attempts != 1 || r.LastError != "portal: unreachable" {
		t.Fatalf("%+v", r)
	}
	if err := s.MarkNeedsAttention(d.ID, "refused", "Thiếu giấy tờ chứng minh chỗ ở"); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Get(d.ID)
	if r.State != NeedsAttention || r.Reason != "" || !r.HasReason || r.ReasonCode != "refused" || s.OutboxLen() != 0 || !r.PersonalData {
		t.Fatalf("%+v", r)
	}
	if why, err := s.Reason(d.ID, Actor{Clerk: "CB-007"}); err != nil || why != "Thiếu giấy tờ chứng minh chỗ ở" {
		t.Fatalf("reason %q %v", why, err)
	}
	if err := s.Retry(d.ID, Actor{Clerk: "CB-007", Purpose: "đã bổ sung"}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(d.ID); r.State != Queued || r.Attempts != 0 || s.OutboxLen() != 1 {
		t.Fatalf("after retry %+v", r)
	}
	s.MarkFiled(d.ID, filedResponse(d.ID, 3), t0)
	if err := s.Retry(d.ID, Actor{}); !errors.Is(err, ErrState) {
		t.Fatalf("retry filed: %v", err)
	}
	if ids, _ := s.PollDue(t0, "", 10); len(ids) != 1 {
		t.Fatalf("poll due %v", ids)
	}
	st := &portal.StatusResponse{DossierID: d.ID, Code: "c", Status: portal.StatusSupplement, Reason: "bổ sung"}
	s.MarkStatus(d.ID, st, t0.Add(time.Hour))
	if r, _ := s.Get(d.ID); r.State != Filed || r.PortalStatus != portal.StatusSupplement {
		t.Fatalf("%+v", r)
	}
	st.Status = portal.StatusDelivered
	s.MarkStatus(d.ID, st, t0)
	if r, _ := s.Get(d.ID); r.State != Closed {
		t.Fatalf("%+v", r)
	}
	if ids, _ := s.PollDue(t0.Add(24*time.Hour), "", 10); len(ids) != 0 {
		t.Fatal("closed dossier still polled")
	}
	if probs, _ := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
	if n, err := s.Audit().Verify(); err != nil || n < 5 {
		t.Fatalf("audit %d %v", n, err)
	}
}

func TestRotateKey(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{Retention: Keep})
	var ids []string
	for i := 0; i < 7; i++ {
		d := testdossier.New(i, t0.Add(time.Duration(i)*time.Millisecond))
		if _, _, err := s.Enqueue(d, withAttachment(d, i)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	s.MarkFiled(ids[0], filedResponse(ids[0], 1), t0)
	n, err := s.RotateKey(Actor{Clerk: "CB-ADMIN", Purpose: "định kỳ"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 7+1+5 { // dossiers, the filed one's receipt, distinct attachments
		t.Fatalf("re-sealed %d", n)
	}
	s.Close()
	kr, err := seal.LoadOrCreate(filepath.Join(dir, "data.key"))
	if err != nil || len(kr.KeyIDs()) != 1 || kr.Current() != 2 {
		t.Fatalf("key file after rotation: %v %v", kr.KeyIDs(), err)
	}
	s = openStore(t, dir, Options{Retention: Keep})
	defer s.Close()
	for _, id := range ids {
		if _, err := s.Dossier(id, Actor{Clerk: "CB-007"}); err != nil {
			t.Fatalf("%s unreadable after rotation: %v", id, err)
		}
	}
	if probs, _ := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
}

func TestSchemaAndLock(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	if v, _ := s.Schema(); v != SchemaVersion {
		t.Fatalf("schema %d", v)
	}
	if _, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{Timeout: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keySchema, []byte{99}) })
	s.Close()
	if _, err := OpenDir(dir, filepath.Join(dir, "data.key"), Options{}); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	d := testdossier.New(0, t0)
	s.Enqueue(d, nil)
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bOutbox).Delete([]byte(d.ID)) })
	probs, err := s.Check()
	if err != nil || len(probs) != 1 || probs[0].ID != d.ID {
		t.Fatalf("check = %v, %v", probs, err)
	}
}

func TestSettingsRatingsIndicators(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	if _, ok, _ := s.Setting("language"); ok {
		t.Fatal("unset setting found")
	}
	s.SetSetting("language", "vi")
	if v, ok, _ := s.Setting("language"); !ok || v != "vi" {
		t.Fatal("setting lost")
	}
	for _, sc := range []int{5, 4} {
		if err := s.AddRating(Rating{Score: sc, ProcedureCode: "1.004227"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddRating(Rating{Score: 6}); err == nil {
		t.Fatal("score 6 accepted")
	}
	if rs, _ := s.Ratings(time.Time{}); len(rs) != 2 || rs[0].Score != 5 {
		t.Fatalf("ratings %+v", rs)
	}
	s.AddIndicator("dossiers.chip-prefilled", 1)
	s.AddIndicator("dossiers.chip-prefilled", 2)
	today := cccd.DateOf(t0)
	if m, _ := s.Indicators(today); m["dossiers.chip-prefilled"] != 3 {
		t.Fatalf("indicators %v", m)
	}
	if m, _ := s.Indicators(cccd.Date{Year: 2020, Month: 1, Day: 1}); len(m) != 0 {
		t.Fatalf("other day %v", m)
	}
	if err := s.AddIndicator("a|b", 1); err == nil {
		t.Fatal("bad name accepted")
	}
}

func TestToday(t *testing.T) {
	now := t0
	dir := t.TempDir()
	s := openStore(t, dir, Options{Now: func() time.Time { return now }})
	defer s.Close()
	s.Enqueue(testdossier.New(0, now), nil)
	now = t0.AddDate(0, 0, 1)
	s.Enqueue(testdossier.New(1, now), nil)
	recs, err := s.Today()
	if err != nil || len(recs) != 1 || recs[0].MaskedID != "••••••••2345" {
		t.Fatalf("today %+v %v", recs, err)
	}
}
