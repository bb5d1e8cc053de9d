package pgstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"motcua/internal/pgtest"
	"motcua/offline/portalserver"
	"motcua/offline/portalserver/storetest"
)

// The PostgreSQL store passes the same conformance suite as bbolt.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) portalserver.Store {
		st, err := Open(context.Background(), pgtest.NewDB(t))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// Two stores (two portal instances) on one database: the suite's race,
// split across them, still gives each dossier one code and no gaps.
func TestTwoPoolsOneDatabase(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx := context.Background()
	var stores []*Store
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 2 { // opened at once: the migrations must not race
		wg.Go(func() {
			st, err := Open(ctx, url)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			stores = append(stores, st)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(stores) != 2 {
		t.FailNow()
	}
	defer stores[0].Close()
	defer stores[1].Close()
	storetest.RaceTwo(t, stores[0], stores[1])
}

func TestMigrations(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := Connect(ctx, url); !errors.Is(err, ErrNotAPortal) {
		t.Fatalf("Connect to an empty database: %v, want ErrNotAPortal", err)
	}
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(ctx, url) // again: nothing to do
	if err != nil {
		t.Fatal(err)
	}
	if v, err := st.version(ctx); err != nil || v != len(migrations) {
		t.Fatalf("version %d %v", v, err)
	}
	// A newer schema (a later build ran) is refused, not downgraded.
	if _, err := st.pool.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, len(migrations)+1); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, url); !errors.Is(err, ErrSchema) {
		t.Fatalf("newer schema: %v, want ErrSchema", err)
	}
	if _, err := Connect(ctx, url); !errors.Is(err, ErrSchema) {
		t.Fatalf("Connect to a newer schema: %v, want ErrSchema", err)
	}
	if _, err := Open(ctx, "postgres://u:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=1"); err == nil || errors.Is(err, ErrSchema) {
		t.Fatalf("unreachable server: %v", err)
	} else if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error shows the password: %v", err)
	}
}
