package session_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"motcua/kiosk/session"
	"motcua/offline/dossier"
	"motcua/offline/store"
)

func bundleDossier(name string, now time.Time) dossier.Dossier {
	return dossier.Dossier{ID: dossier.NewID(now), ProcedureCode: "1.004227", ProcedureName: name,
		Applicants: []dossier.Applicant{{Role: "requester", ID: "001203004567", FullName: "Nguyễn Văn An"}},
		CreatedAt:  now, KioskID: "KIOSK-T", ClerkID: "CB-1"}
}

// Issue 13.4: the session's queue stores a bundle whole or not at
// all; a failure on the third dossier leaves nothing stored and an error.
func TestQueueSubmitBundleAtomic(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := &session.Queue{Store: st, KioskID: "KIOSK-T"}
	now := time.Now()
	taken := bundleDossier("đã có", now)
	if _, err := q.Submit(context.Background(), []dossier.Dossier{taken}, nil, session.Metrics{}); err != nil {
		t.Fatal(err)
	}
	clash := taken
	clash.ProcedureName = "khác" // the same ID with other content
	bundle := []dossier.Dossier{bundleDossier("một", now), bundleDossier("hai", now), clash}
	filed, err := q.Submit(context.Background(), bundle, nil, session.Metrics{})
	if !errors.Is(err, store.ErrExists) || filed != nil {
		t.Fatalf("bundle with a failing third dossier: %v %v", filed, err)
	}
	if s, _ := st.Stats(); s.Queued != 1 {
		t.Fatalf("%d dossiers stored, want only the first call's 1", s.Queued)
	}
	filed, err = q.Submit(context.Background(), bundle[:2], nil, session.Metrics{})
	if err != nil || len(filed) != 2 || filed[0].DossierID != bundle[0].ID || filed[1].DossierID != bundle[1].ID {
		t.Fatalf("whole bundle: %+v %v", filed, err)
	}
}

// Issue 15.3: a scanned part is streamed into the store while it is made
// (StagePart, here from a pipe as docpart writes one), filed with its
// dossier without bytes in the files map, and read back whole; a part the
// visit did not file is dropped; one past the portal's limit is refused at
// once.
func TestQueueStagedPart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{NoSync: true, MaxAttachment: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := &session.Queue{Store: st, KioskID: "KIOSK-T"}
	page := bytes.Repeat([]byte("%PDF-1.4 trang quét "), 1<<16) // 1.25 MiB
	pr, pw := io.Pipe()
	go func() {
		for range 3 {
			pw.Write(page)
		}
		pw.Close()
	}()
	sha, n, err := q.StagePart(pr, -1)
	if err != nil || n != int64(3*len(page)) {
		t.Fatalf("stage: %d bytes, %v", n, err)
	}
	if _, _, err := q.StagePart(bytes.NewReader(page[:1000]), 1000); err != nil {
		t.Fatal(err) // staged and never filed
	}
	d := bundleDossier("có bản quét", time.Now())
	d.Attachments = []dossier.Attachment{{Key: "scan", Name: "scan.pdf", Type: "application/pdf", SHA256: sha, Size: n}}
	filed, err := q.Submit(context.Background(), []dossier.Dossier{d}, nil, session.Metrics{})
	if err != nil || len(filed) != 1 {
		t.Fatalf("submit: %v %v", filed, err)
	}
	got, err := st.Attachment(sha)
	if err != nil || !bytes.Equal(got, bytes.Repeat(page, 3)) {
		t.Fatalf("stored part: %d bytes, %v", len(got), err)
	}
	if err := q.DropParts(); err != nil {
		t.Fatal(err)
	}
	if probs, err := st.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("check: %v %v", probs, err)
	}
	if _, _, err := q.StagePart(bytes.NewReader(nil), 300<<20); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("300 MB part: %v, want ErrTooLarge", err)
	}
}

func TestLocalCode(t *testing.T) {
	// 23:30 UTC on 22 Nov is 06:30 on 23 Nov in Vietnam: the code carries
	// the Vietnamese date.
	at := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)
	if got := session.LocalCode("KIOSK-01", "0190a0b0-0000-7000-8000-00000000abcd", at); got != "KIOSK-01-261123-00abcd" {
		t.Errorf("LocalCode = %q", got)
	}
}

func TestScores(t *testing.T) {
	// The three faces span the store's 1..5 scale, best is 5.
	if session.Scores[1] != 1 || session.Scores[3] != 5 || session.Scores[2] <= session.Scores[1] || session.Scores[2] >= session.Scores[3] {
		t.Errorf("Scores %v", session.Scores)
	}
}
