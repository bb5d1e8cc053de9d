package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// TestStatsEndToEnd: a kiosk store's ratings and indicators go through the
// sync worker to `portal serve`, and `portal count` and `portal stats` read
// them back from the stopped portal's store.
func TestStatsEndToEnd(t *testing.T) {
	pdir, kdir := t.TempDir(), t.TempDir()
	url, stop := startPortal(t, "--data", pdir, "--token", "tok-a=KIOSK-A", "--nosync")
	at := time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam)
	st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{NoSync: true, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, sc := range []int{5, 5, 4, 1} {
		st.AddRating(store.Rating{Score: sc, ProcedureCode: "1.004227"})
	}
	st.AddIndicator("d06.dossiers", 4)
	st.AddIndicator("d06.chip-verified", 3)
	client, _ := portal.NewHTTPClient(url, "tok-a")
	w, err := osync.New(osync.Config{Store: st, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := w.Drain(context.Background()); err != nil || res.Stats != 1 {
		t.Fatalf("drain %+v %v", res, err)
	}
	stop()

	var out bytes.Buffer
	if err := run(context.Background(), []string{"count", "--data", pdir, "--json"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"ratings":4`) || !strings.Contains(out.String(), `"statsBatches":1`) {
		t.Fatalf("count: %s", out.String())
	}
	day := cccd.DateOf(at).ISO()
	out.Reset()
	if err := run(context.Background(), []string{"stats", "--data", pdir, "--day", day, "--kiosk", "KIOSK-A", "--json"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got portal.StatsTotals
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Indicators["d06.dossiers"] != 4 ||
		got.Indicators["d06.chip-verified"] != 3 || got.KioskID != "KIOSK-A" {
		t.Fatalf("stats: %s (%v)", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"stats", "--data", pdir}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := "ratings: 4 (average 3.75; by score 1..5: [1 0 0 1 2])\nd06.chip-verified: 3\nd06.dossiers: 4\n"; out.String() != want {
		t.Fatalf("stats text:\n%s\nwant\n%s", out.String(), want)
	}
	for _, args := range [][]string{{"stats"}, {"stats", "--data", pdir, "--day", "2026"}, {"stats", "--data", pdir, "x"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("%v: err = %v, want usage", args, err)
		}
	}
}
