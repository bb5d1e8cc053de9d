package portalserver

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/portal"
)

func (f *fixture) batch(ratings []int, totals map[string]int64) *portal.StatsBatch {
	b := &portal.StatsBatch{BatchID: dossier.NewID(f.now), Ratings: []portal.Rating{}, Indicators: []portal.IndicatorTotal{}}
	for _, sc := range ratings {
		b.Ratings = append(b.Ratings, portal.Rating{At: f.now, Score: sc, ProcedureCode: "1.004227", CounterID: "Q1"})
	}
	for name, v := range totals {
		b.Indicators = append(b.Indicators, portal.IndicatorTotal{Day: cccd.DateOf(f.now), Name: name, Value: v})
	}
	return b
}

func TestStatsIntakeAndTotals(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	day := cccd.DateOf(f.now)
	b1 := f.batch([]int{5, 4, 5}, map[string]int64{"d06.dossiers": 3, "d06.chip-verified": 2})
	r, err := f.client.SendStats(ctx, b1)
	if err != nil || r.Ratings != 3 || r.Indicators != 2 {
		t.Fatalf("first batch: %+v %v", r, err)
	}
	// A retry of the same batch is answered the same and counts nothing.
	if r2, err := f.client.SendStats(ctx, b1); err != nil || *r2 != *r {
		t.Fatalf("replay: %+v %v", r2, err)
	}
	// A later batch: one more rating, the day's totals grown (absolute).
	b2 := f.batch([]int{1}, map[string]int64{"d06.dossiers": 5})
	if _, err := f.client.SendStats(ctx, b2); err != nil {
		t.Fatal(err)
	}
	// Another kiosk's numbers are its own.
	if _, err := f.clientFor("tok-b").SendStats(ctx, f.batch([]int{2}, map[string]int64{"d06.dossiers": 7})); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		kiosk   string
		day     cccd.Date
		ratings int
		scores  [5]int
		ind     map[string]int64
	}{
		{"KIOSK-A", day, 4, [5]int{1, 0, 0, 1, 2}, map[string]int64{"d06.dossiers": 5, "d06.chip-verified": 2}},
		{"KIOSK-A", cccd.Date{}, 4, [5]int{1, 0, 0, 1, 2}, map[string]int64{"d06.dossiers": 5, "d06.chip-verified": 2}},
		{"KIOSK-B", day, 1, [5]int{0, 1, 0, 0, 0}, map[string]int64{"d06.dossiers": 7}},
		{"", day, 5, [5]int{1, 1, 0, 1, 2}, map[string]int64{"d06.dossiers": 12, "d06.chip-verified": 2}},
		{"KIOSK-A", day.AddYears(-1), 0, [5]int{}, map[string]int64{}},
	}
	for _, tt := range tests {
		got, err := f.srv.Stats(tt.kiosk, tt.day)
		if err != nil || got.Ratings != tt.ratings || got.Scores != tt.scores || !sameTotals(got.Indicators, tt.ind) {
			t.Errorf("Stats(%q, %v) = %+v, %v", tt.kiosk, tt.day, got, err)
		}
	}
	// Over HTTP a kiosk sees its own numbers.
	got, err := f.client.Stats(ctx, day)
	if err != nil || got.KioskID != "KIOSK-A" || got.Ratings != 4 || got.Indicators["d06.dossiers"] != 5 {
		t.Fatalf("GET /v1/stats: %+v %v", got, err)
	}
	c, err := f.srv.Count()
	if err != nil || c.Ratings != 5 || c.StatsBatches != 3 {
		t.Fatalf("count %+v %v", c, err)
	}
}

func sameTotals(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestStatsRefusals(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	b := f.batch([]int{5}, nil)
	if _, err := f.client.SendStats(ctx, b); err != nil {
		t.Fatal(err)
	}
	// The same key with other content is a conflict, never a second count.
	other := f.batch([]int{1, 1}, nil)
	other.BatchID = b.BatchID
	if _, err := f.client.SendStats(ctx, other); !errors.Is(err, portal.ErrConflict) {
		t.Fatalf("conflict: %v", err)
	}
	// The same key from another kiosk is another batch.
	if _, err := f.clientFor("tok-b").SendStats(ctx, other); err != nil {
		t.Fatalf("other kiosk, same key: %v", err)
	}

	post := func(key, token string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, f.ts.URL+portal.PathStats, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if key != "" {
			req.Header.Set(portal.HeaderIdempotencyKey, key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	id := dossier.NewID(f.now)
	tests := []struct {
		name, key, token, body string
		want                   int
	}{
		{"no token", id, "", `{"batchId":"` + id + `"}`, 401},
		{"no key", "", "tok-a", `{"batchId":"` + id + `"}`, 400},
		{"key differs", dossier.NewID(f.now), "tok-a", `{"batchId":"` + id + `"}`, 400},
		{"not JSON", id, "tok-a", `{"batchId":`, 400},
		{"bad score", id, "tok-a", `{"batchId":"` + id + `","ratings":[{"at":"2026-03-06T02:30:00Z","score":9}]}`, 422},
		{"bad name", id, "tok-a", `{"batchId":"` + id + `","indicators":[{"day":"2026-03-06","name":"a\u0000b","value":1}]}`, 422},
		{"good", id, "tok-a", `{"batchId":"` + id + `","indicators":[{"day":"2026-03-06","name":"d06.dossiers","value":1}]}`, 201},
		{"replayed with other spacing", id, "tok-a", `{ "batchId" : "` + id + `", "indicators":[{"day":"2026-03-06","name":"d06.dossiers","value":1}]}`, 200},
	}
	for _, tt := range tests {
		if got := post(tt.key, tt.token, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
	if c, _ := f.srv.Count(); c.Ratings != 3 || c.StatsBatches != 3 {
		t.Fatalf("count %+v", c)
	}
}

func TestStatsDropAfterCommitCountedOnce(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	b := f.batch([]int{3, 4}, map[string]int64{"d06.no-id-papers": 2})
	f.srv.Faults().Set(FaultSettings{StatsDropAfterCommitNext: 1, StatsFailNext: 1})
	if _, err := f.client.SendStats(ctx, b); !errors.Is(err, portal.ErrUnavailable) {
		t.Fatalf("simulated outage: %v", err)
	}
	if c, _ := f.srv.Count(); c.Ratings != 0 {
		t.Fatalf("an outage stored %d ratings", c.Ratings)
	}
	// Committed, then the connection drops. Go's transport may itself
	// resend a request that carries an Idempotency-Key and get the replay;
	// either way nothing may count twice.
	if _, err := f.client.SendStats(ctx, b); err != nil && !errors.Is(err, portal.ErrUnreachable) {
		t.Fatalf("dropped connection: %v", err)
	}
	if f.srv.Faults().Get().StatsDropAfterCommitNext != 0 {
		t.Fatal("the drop fault was not used")
	}
	r, err := f.client.SendStats(ctx, b)
	if err != nil || r.Ratings != 2 {
		t.Fatalf("retry: %+v %v", r, err)
	}
	if c, _ := f.srv.Count(); c.Ratings != 2 || c.StatsBatches != 1 {
		t.Fatalf("count %+v", c)
	}
}

func TestStatsDirAfterClose(t *testing.T) {
	f := start(t)
	if _, err := f.client.SendStats(context.Background(), f.batch([]int{5}, map[string]int64{"d06.dossiers": 1})); err != nil {
		t.Fatal(err)
	}
	dir := f.srv.cfg.Dir
	f.ts.Close()
	f.srv.Close()
	got, err := StatsDir(dir, "", cccd.DateOf(f.now))
	if err != nil || got.Ratings != 1 || got.Indicators["d06.dossiers"] != 1 {
		t.Fatalf("StatsDir = %+v, %v", got, err)
	}
	if c, err := CountDir(dir); err != nil || c.Ratings != 1 || c.StatsBatches != 1 {
		t.Fatalf("CountDir = %+v, %v", c, err)
	}
}

// A rating given just after midnight in Vietnam (still the previous day in
// UTC) counts on the Vietnamese day.
func TestStatsRatingDayInVietnam(t *testing.T) {
	f := start(t)
	f.now = time.Date(2026, 3, 6, 17, 30, 0, 0, time.UTC) // 00:30 on 7 March in Hanoi
	if _, err := f.client.SendStats(context.Background(), f.batch([]int{4}, nil)); err != nil {
		t.Fatal(err)
	}
	for day, want := range map[cccd.Date]int{{Year: 2026, Month: 3, Day: 7}: 1, {Year: 2026, Month: 3, Day: 6}: 0} {
		if got, _ := f.srv.Stats("KIOSK-A", day); got.Ratings != want {
			t.Errorf("%v: %d ratings, want %d", day, got.Ratings, want)
		}
	}
}
