package store

import (
	"encoding/binary"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/cardreader/cccd"
	"motcua/offline/portal"
)

func TestPendingStatsLifecycle(t *testing.T) {
	now := t0
	dir := t.TempDir()
	s := openStore(t, dir, Options{Now: func() time.Time { return now }})
	defer func() { s.Close() }()

	if b, err := s.PendingStats(); err != nil || b != nil {
		t.Fatalf("empty store: %+v %v", b, err)
	}
	s.AddRating(Rating{Score: 5, ProcedureCode: "1.004227", DossierID: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"})
	s.AddRating(Rating{Score: 2, DossierID: "not-a-uuid"})
	s.AddIndicator("d06.dossiers", 2)
	s.AddIndicator("d06.chip-verified", 1)

	b1, err := s.PendingStats()
	if err != nil || b1 == nil || len(b1.Ratings) != 2 || len(b1.Indicators) != 2 {
		t.Fatalf("first batch: %+v %v", b1, err)
	}
	if b1.Ratings[1].DossierID != "" {
		t.Error("a malformed dossier ID was sent")
	}
	// Frozen: more data meanwhile does not change it, and a crash (close,
	// reopen) gives back the very same batch.
	s.AddRating(Rating{Score: 4})
	s.AddIndicator("d06.dossiers", 1)
	s.Close()
	s = openStore(t, dir, Options{Now: func() time.Time { return now }})
	again, err := s.PendingStats()
	if err != nil || again.BatchID != b1.BatchID || len(again.Ratings) != 2 || again.Indicators[1].Value != 2 {
		t.Fatalf("after reopen: %+v %v", again, err)
	}
	if bl, _ := s.StatsBacklog(); bl.PendingBatch != b1.BatchID || bl.Ratings != 3 || bl.Indicators != 2 {
		t.Fatalf("backlog %+v", bl)
	}
	if err := s.MarkStatsSent(b1.BatchID); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkStatsSent(b1.BatchID); err != nil { // a second mark is harmless
		t.Fatal(err)
	}
	// Next: the one new rating, and only the total that changed since.
	b2, err := s.PendingStats()
	if err != nil || b2.BatchID == b1.BatchID || len(b2.Ratings) != 1 || b2.Ratings[0].Score != 4 ||
		len(b2.Indicators) != 1 || b2.Indicators[0] != (portal.IndicatorTotal{Day: cccd.DateOf(t0), Name: "d06.dossiers", Value: 3}) {
		t.Fatalf("second batch: %+v %v", b2, err)
	}
	s.MarkStatsSent(b2.BatchID)
	if b, err := s.PendingStats(); err != nil || b != nil {
		t.Fatalf("all sent, yet %+v %v", b, err)
	}
	if bl, _ := s.StatsBacklog(); !bl.Empty() {
		t.Fatalf("backlog %+v", bl)
	}
	// A new day's counter is a new total; yesterday's is not sent again.
	now = t0.AddDate(0, 0, 1)
	s.AddIndicator("d06.dossiers", 1)
	b3, _ := s.PendingStats()
	if b3 == nil || len(b3.Indicators) != 1 || b3.Indicators[0].Day != cccd.DateOf(now) || b3.Indicators[0].Value != 1 {
		t.Fatalf("next day: %+v", b3)
	}
	// The clerk's screen still sees every rating and the sum of all days.
	if rs, _ := s.Ratings(time.Time{}); len(rs) != 3 {
		t.Fatalf("%d ratings kept", len(rs))
	}
	if m, _ := s.Indicators(cccd.Date{}); m["d06.dossiers"] != 4 {
		t.Fatalf("indicators %v", m)
	}
}

func TestPendingStatsBounded(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{NoSync: true})
	defer s.Close()
	n := portal.MaxStatsRatings + 7
	for i := 0; i < n; i++ {
		if err := s.AddRating(Rating{Score: 1 + i%5}); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	for batches := 0; ; batches++ {
		b, err := s.PendingStats()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			if batches != 2 {
				t.Fatalf("%d batches, want 2", batches)
			}
			break
		}
		if len(b.Ratings) > portal.MaxStatsRatings {
			t.Fatalf("batch of %d ratings", len(b.Ratings))
		}
		got += len(b.Ratings)
		s.MarkStatsSent(b.BatchID)
	}
	if got != n {
		t.Fatalf("sent %d ratings, want %d", got, n)
	}
}

func TestRefusedStatsSetAside(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	s.AddRating(Rating{Score: 3})
	b, _ := s.PendingStats()
	if err := s.MarkStatsRefused("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 422, "not this batch"); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.PendingStats(); again.BatchID != b.BatchID {
		t.Fatal("refusing another batch ID moved the pending one")
	}
	if err := s.MarkStatsRefused(b.BatchID, 409, "khóa đã dùng"); err != nil {
		t.Fatal(err)
	}
	s.AddRating(Rating{Score: 5})
	next, _ := s.PendingStats()
	if next == nil || len(next.Ratings) != 1 || next.Ratings[0].Score != 5 {
		t.Fatalf("after a refusal: %+v", next)
	}
	rs, err := s.RefusedStatsBatches()
	if err != nil || len(rs) != 1 || rs[0].BatchID != b.BatchID || rs[0].HTTPStatus != 409 || rs[0].Ratings != 1 {
		t.Fatalf("refused %+v %v", rs, err)
	}
	if bl, _ := s.StatsBacklog(); bl.Refused != 1 {
		t.Fatalf("backlog %+v", bl)
	}
}

// Counters an older store accepted but the portal would refuse (a name
// with a space), and unreadable ratings, are stepped over, not sent and
// not left blocking.
func TestPendingStatsSkipsUnsendable(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	defer s.Close()
	s.db.Update(func(tx *bolt.Tx) error {
		tx.Bucket(bIndicators).Put([]byte("2026-03-06|old name"), binary.BigEndian.AppendUint64(nil, 4))
		tx.Bucket(bIndicators).Put([]byte("2026-02-30|d06.dossiers"), binary.BigEndian.AppendUint64(nil, 4))
		b := tx.Bucket(bRatings)
		seq, _ := b.NextSequence()
		return b.Put(binary.BigEndian.AppendUint64(nil, seq), []byte("{not json"))
	})
	if b, err := s.PendingStats(); err != nil || b != nil {
		t.Fatalf("unsendable data made a batch: %+v %v", b, err)
	}
	s.AddRating(Rating{Score: 4})
	b, err := s.PendingStats()
	if err != nil || len(b.Ratings) != 1 || len(b.Indicators) != 0 {
		t.Fatalf("batch %+v %v", b, err)
	}
	s.MarkStatsSent(b.BatchID)
	if bl, _ := s.StatsBacklog(); !bl.Empty() {
		t.Fatalf("backlog %+v", bl)
	}
	if err := s.AddIndicator("old name", 1); err == nil {
		t.Fatal("a name the portal refuses was accepted")
	}
}

// A schema-1 store (before statistics were delivered) is migrated, and its
// ratings and counters are all sent once.
func TestStatsMigrationFromSchema1(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	s.AddRating(Rating{Score: 5})
	s.AddIndicator("d06.dossiers", 6)
	s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bStats, bIndicatorsSent, bStatsRefused} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, []byte{1})
	})
	s.Close()
	s = openStore(t, dir, Options{})
	defer s.Close()
	if v, _ := s.Schema(); v != SchemaVersion || SchemaVersion < 2 {
		t.Fatalf("schema %d", v)
	}
	b, err := s.PendingStats()
	if err != nil || len(b.Ratings) != 1 || len(b.Indicators) != 1 || b.Indicators[0].Value != 6 {
		t.Fatalf("batch %+v %v", b, err)
	}
}
