package adapt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"motcua/kiosk/session"
	"motcua/kiosk/session/adapt"
	"motcua/offline/dossier"
	"motcua/offline/store"
)

func bundleDossier(name string, now time.Time) dossier.Dossier {
	return dossier.Dossier{ID: dossier.NewID(now), ProcedureCode: "1.004227", ProcedureName: name,
		Applicants: []dossier.Applicant{{Role: "requester", ID: "001203004567", FullName: "Nguyễn Văn An"}},
		CreatedAt:  now, KioskID: "KIOSK-T", ClerkID: "CB-1"}
}

// Issue 13.4: the session's queue port stores a bundle whole or not at
// all; a failure on the third dossier leaves nothing stored and an error.
func TestQueueSubmitBundleAtomic(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenDir(dir, filepath.Join(dir, "data.key"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := &adapt.Queue{Store: st, KioskID: "KIOSK-T"}
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
