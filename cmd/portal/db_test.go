package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/offline/portal"
	"motcua/offline/store"
	osync "motcua/offline/sync"
)

// The same kiosk traffic into a bbolt portal and a PostgreSQL portal:
// `portal count --json` and `portal stats --json` print the same bytes.
func TestCountSameOnBothStores(t *testing.T) {
	db := pgtest.NewDB(t)
	at := time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam)
	stores := map[string][]string{"bbolt": {"--data", t.TempDir()}, "postgres": {"--db", db}}
	out := map[string][2]string{}
	for name, where := range stores {
		url, stop := startPortal(t, append([]string{"--token", "tok-a=KIOSK-A", "--token", "tok-b=KIOSK-B", "--nosync"}, where...)...)
		for _, tok := range []string{"tok-a", "tok-b"} {
			c, _ := portal.NewHTTPClient(url, tok)
			for range 2 {
				d := testDossier()
				for range 2 { // the second is a replay
					if _, err := c.Submit(context.Background(), d); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
			}
		}
		kdir := t.TempDir()
		st, err := store.OpenDir(kdir, filepath.Join(kdir, "data.key"), store.Options{NoSync: true, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range []int{5, 4, 1} {
			st.AddRating(store.Rating{Score: sc, ProcedureCode: "1.004227"})
		}
		st.AddIndicator("d06.dossiers", 4)
		client, _ := portal.NewHTTPClient(url, "tok-a")
		w, _ := osync.New(osync.Config{Store: st, Client: client})
		if res, err := w.Drain(context.Background()); err != nil || res.Stats != 1 {
			t.Fatalf("%s: drain %+v %v", name, res, err)
		}
		st.Close()
		stop()
		var count, stats bytes.Buffer
		if err := run(context.Background(), append([]string{"count", "--json"}, where...), &count, io.Discard); err != nil {
			t.Fatalf("%s: count: %v", name, err)
		}
		if err := run(context.Background(), append([]string{"stats", "--json", "--day", "2026-03-06"}, where...), &stats, io.Discard); err != nil {
			t.Fatalf("%s: stats: %v", name, err)
		}
		out[name] = [2]string{count.String(), stats.String()}
	}
	if out["bbolt"] != out["postgres"] {
		t.Fatalf("bbolt and PostgreSQL differ:\n bbolt    %q\n postgres %q", out["bbolt"], out["postgres"])
	}
	if want := `{"dossiers":4,"distinctKioskDossierIDs":4,"ratings":3,"statsBatches":1}` + "\n"; out["bbolt"][0] != want {
		t.Fatalf("count %q, want %q", out["bbolt"][0], want)
	}
	t.Logf("count: %s stats: %s", out["bbolt"][0], out["bbolt"][1])
}

func TestDBUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--data", "x", "--db", "postgres://h/db", "--token", "t"}, // both
		{"count", "--data", "x", "--db", "postgres://h/db"},
		{"stats"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("%v: err = %v, want usage", args, err)
		}
	}
}
