package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/offline/dossier"
	"motcua/offline/portalserver"
	"motcua/offline/store"
)

// kioskRun runs a kiosk subcommand in-process and returns its exit code,
// stdout and stderr.
func kioskRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// testPortal starts the reference portal (bbolt, no fsync) behind a
// loopback HTTP server that takes the token "tok" for KIOSK-01, and
// returns it with its URL; both stop when t ends.
func testPortal(t *testing.T) (*portalserver.Server, string) {
	t.Helper()
	srv, err := portalserver.Open(portalserver.Config{Dir: t.TempDir(), Tokens: map[string]string{"tok": "KIOSK-01"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

func cliDossier(i int) *dossier.Dossier {
	names := []string{"Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Yến Nhi"}
	ids := []string{"001203004567", "079198012345", "048305006789"}
	return &dossier.Dossier{ID: dossier.NewID(time.Now()), ProcedureCode: "1.004227", ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{Role: "requester", ID: ids[i%3], FullName: names[i%3]}},
		Values:     map[string]dossier.Value{}, CreatedAt: time.Now(), KioskID: "KIOSK-01", ClerkID: "CB-007", ProcessingDays: 5}
}

func TestQueueSyncAuditCLI(t *testing.T) {
	data := t.TempDir()
	st, err := store.OpenDir(data, filepath.Join(data, "data.key"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, _, err := st.Enqueue(cliDossier(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	common := []string{"--data", data}

	// Portal down: sync --once fails and leaves everything.
	code, out, _ := kioskRun(t, append([]string{"sync", "--once", "--portal", "http://127.0.0.1:1", "--token", "tok"}, common...)...)
	if code != 1 || !strings.Contains(out, "left in outbox 3") {
		t.Fatalf("offline sync: code %d, %s", code, out)
	}

	code, out, _ = kioskRun(t, append([]string{"queue", "list", "--json"}, common...)...)
	var recs []store.Record
	if code != 0 || json.Unmarshal([]byte(out), &recs) != nil || len(recs) != 3 {
		t.Fatalf("list: %d %s", code, out)
	}
	for _, name := range []string{"Nguyễn", "001203004567", "Bích Ngọc"} {
		if strings.Contains(out, name) {
			t.Fatalf("queue list shows personal data %q", name)
		}
	}

	srv, portalURL := testPortal(t)
	srv.Faults().Set(portalserver.FaultSettings{RefuseNext: 1, RefuseReason: "Thiếu giấy tờ"})
	code, out, _ = kioskRun(t, append([]string{"sync", "--once", "--portal", portalURL, "--token", "tok"}, common...)...)
	if code != 1 || !strings.Contains(out, "sent 2") || !strings.Contains(out, "needing attention 1") {
		t.Fatalf("sync with a refusal: code %d, %s", code, out)
	}
	code, out, _ = kioskRun(t, append([]string{"queue", "list", "--state", "needs-attention", "--json"}, common...)...)
	json.Unmarshal([]byte(out), &recs)
	if code != 0 || len(recs) != 1 || !recs[0].HasReason || recs[0].ReasonCode != "refused" || strings.Contains(out, "Thiếu giấy tờ") {
		t.Fatalf("needs attention: %s", out)
	}
	id := recs[0].ID
	if code, out, _ = kioskRun(t, append([]string{"queue", "show", id}, common...)...); code != 0 || !strings.Contains(out, "Thiếu giấy tờ") {
		t.Fatalf("show: %d %s", code, out)
	}
	if code, _, _ = kioskRun(t, append([]string{"queue", "retry", id}, common...)...); code != 0 {
		t.Fatal("retry failed")
	}
	code, out, _ = kioskRun(t, append([]string{"sync", "--once", "--portal", portalURL, "--token", "tok"}, common...)...)
	if code != 0 || !strings.Contains(out, "sent 1") {
		t.Fatalf("sync after retry: code %d, %s", code, out)
	}
	if c, _ := srv.Count(); c.Dossiers != 3 || c.DistinctKioskDossierIDs != 3 {
		t.Fatalf("portal count %+v", c)
	}

	for _, args := range [][]string{{"queue", "purge"}, {"queue", "rotate-key"}, {"queue", "check"}, {"audit", "verify"}} {
		if code, out, errs := kioskRun(t, append(args, common...)...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errs)
		}
	}
	code, out, _ = kioskRun(t, append([]string{"audit", "export", "--format", "csv"}, common...)...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 8 || rows[0][0] != "seq" {
		t.Fatalf("export csv: %d rows, %v", len(rows), err)
	}
	if strings.Contains(out, "001203004567") {
		t.Fatal("audit export holds a raw ID number")
	}
	code, out, _ = kioskRun(t, append([]string{"audit", "export", "--format", "json"}, common...)...)
	var entries []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != len(rows) { // + the csv export's own entry
		t.Fatalf("export json: %d entries vs %d csv rows", len(entries), len(rows))
	}
	if code, _, _ := kioskRun(t, "queue"); code != 2 {
		t.Fatalf("bare queue: exit %d, want 2", code)
	}
	if code, _, _ := kioskRun(t, append([]string{"audit", "export", "--format", "xml"}, common...)...); code != 2 {
		t.Fatal("bad format accepted")
	}
}

func TestSubmitCLI(t *testing.T) {
	data := t.TempDir()
	vals := filepath.Join(t.TempDir(), "values.json")
	os.WriteFile(vals, []byte(`{"requesterIsSubject":"self","maritalStatus":"single","purpose":"Xin việc"}`), 0o600)
	card := findUp(t, filepath.Join("seeds", "cards", "nguyen-van-an.json"))

	if code, _, errs := kioskRun(t, "submit", "--data", data, "--procedure", "xac-nhan-hon-nhan", "--sim", card, "--json"); code != 1 || !strings.Contains(errs, "purpose (required)") {
		t.Fatalf("incomplete form: exit %d\n%s", code, errs)
	}
	code, out, errs := kioskRun(t, "submit", "--data", data, "--procedure", "1.004873", "--sim", card, "--values", vals, "--json")
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, errs)
	}
	var got submitOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil || !dossier.ValidID(got.ID) || got.Status != "queued" || got.ProcedureCode != "1.004873" {
		t.Fatalf("submit output %s (%v)", out, err)
	}
	if strings.Contains(out, "Nguyễn") {
		t.Fatal("submit output holds the name")
	}
	code, out, _ = kioskRun(t, "queue", "list", "--json", "--data", data)
	var recs []store.Record
	if code != 0 || json.Unmarshal([]byte(out), &recs) != nil || len(recs) != 1 || recs[0].ID != got.ID {
		t.Fatalf("queue after submit: %s", out)
	}
	// The card read and the enqueue are both in the audit trail.
	code, out, _ = kioskRun(t, "audit", "export", "--format", "csv", "--data", data)
	if code != 0 || !strings.Contains(out, ",read-card,") || !strings.Contains(out, ",enqueue,") {
		t.Fatalf("audit after submit:\n%s", out)
	}
	if code, _, _ := kioskRun(t, "submit", "--data", data, "--procedure", "1.004873"); code != 2 {
		t.Fatal("submit without --sim accepted")
	}
}

// findUp finds rel in the working directory or one of its parents (the
// module root holds seeds/).
func findUp(t *testing.T, rel string) string {
	t.Helper()
	dir := "."
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Join(dir, "..")
	}
	t.Fatalf("%s not found", rel)
	return ""
}

// TestSyncKeepsRunning: `kiosk sync` without --once drains and keeps running
// until the context ends (Ctrl-C in main); the next run sends what was
// queued in between. (The store is one process's at a time: bbolt locks the
// file, so the app runs the worker in-process rather than beside `kiosk sync`.)
func TestSyncKeepsRunning(t *testing.T) {
	data := t.TempDir()
	srv, portalURL := testPortal(t)
	enqueue := func(i int) {
		st, err := store.OpenDir(data, filepath.Join(data, "data.key"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, _, err := st.Enqueue(cliDossier(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	enqueue(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"sync", "--data", data, "--portal", portalURL, "--token", "tok"}, &env{stdout: io.Discard, stderr: &errb})
	}()
	waitCount := func(n int) {
		for i := 0; i < 6000; i++ {
			if c, _ := srv.Count(); c.Dossiers == n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("portal never reached %d dossiers", n)
	}
	waitCount(1)
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("sync exit %d: %s", code, errb.String())
	}
	// A second run picks up what was queued in between.
	enqueue(1)
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		done <- run(ctx, []string{"sync", "--data", data, "--portal", portalURL, "--token", "tok"}, &env{stdout: io.Discard, stderr: io.Discard})
	}()
	waitCount(2)
	cancel()
	<-done
	if c, _ := srv.Count(); c.DistinctKioskDossierIDs != 2 {
		t.Fatalf("count %+v", c)
	}
}
