package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"motcua/internal/vntime"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
	"motcua/offline/portalserver"
)

// Opener returns a fresh, empty store; the suite closes it (through the
// Server that wraps it, or directly).
type Opener func(t *testing.T) portalserver.Store

// Agency is the receiving agency of the suite's codes.
const Agency = "000.00.01.H22"

// Day is the suite's clock: Friday 6 March 2026, 09:30 in Hanoi.
var Day = time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam)

// Run runs the whole suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, portalserver.Store)
	}{
		{"IntakeReplayConflict", testIntake},
		{"CodesPerAgencyAndDay", testCodes},
		{"GapFreeUnderRace", testGapFree},
		{"FailedIntakeUsesNoNumber", testFailedIntake},
		{"Attachments", testAttachments},
		{"StatusLookup", testStatus},
		{"EachInCodeOrder", testEach},
		{"StatsExactlyOnce", testStats},
		{"Heartbeats", testHeartbeats},
		{"HTTP", testHTTP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
		})
	}
}

var ctx = context.Background()

// intake builds an Intake for dossier d from kiosk at now.
func intake(kiosk string, d *dossier.Dossier, now time.Time) portalserver.Intake {
	body, _ := json.Marshal(d)
	sum := sha256.Sum256(body)
	var atts []string
	for _, a := range d.Attachments {
		atts = append(atts, a.SHA256)
	}
	return portalserver.Intake{Kiosk: kiosk, DossierID: d.ID, BodyHash: hex.EncodeToString(sum[:]), Body: body,
		Attachments: atts, Agency: Agency, Now: now,
		Answer: func(code string) ([]byte, error) { return json.Marshal(map[string]string{"code": code}) }}
}

func codeOf(t *testing.T, resp []byte) string {
	t.Helper()
	var r struct{ Code string }
	if err := json.Unmarshal(resp, &r); err != nil || r.Code == "" {
		t.Fatalf("answer %q: %v", resp, err)
	}
	return r.Code
}

func testIntake(t *testing.T, st portalserver.Store) {
	d := testdossier.New(0, Day)
	in := intake("KIOSK-A", d, Day)
	resp, replay, err := st.Intake(ctx, in)
	if err != nil || replay {
		t.Fatalf("first: replay %v, %v", replay, err)
	}
	if got := codeOf(t, resp); got != Agency+"-260306-0001" {
		t.Fatalf("code %s", got)
	}
	again, replay, err := st.Intake(ctx, in)
	if err != nil || !replay || string(again) != string(resp) {
		t.Fatalf("retry: %q replay %v, %v; want the first answer replayed", again, replay, err)
	}
	changed := in
	changed.BodyHash = strings.Repeat("0", 64)
	if _, _, err := st.Intake(ctx, changed); !errors.Is(err, portalserver.ErrConflict) {
		t.Fatalf("other body: %v, want ErrConflict", err)
	}
	other, _, err := st.Intake(ctx, intake("KIOSK-B", d, Day))
	if err != nil || codeOf(t, other) != Agency+"-260306-0002" {
		t.Fatalf("same ID from another kiosk: %q %v", other, err)
	}
	c, err := st.Count(ctx)
	if err != nil || c != (portalserver.Counts{Dossiers: 2, DistinctKioskDossierIDs: 2}) {
		t.Fatalf("count %+v %v", c, err)
	}
	rec, err := st.Lookup(ctx, "KIOSK-A", d.ID)
	if err != nil || rec.Code != Agency+"-260306-0001" || rec.BodyHash != in.BodyHash || string(rec.Body) != string(in.Body) ||
		rec.Status != portal.StatusAccepted || string(rec.Response) != string(resp) || !rec.UpdatedAt.Equal(Day) {
		t.Fatalf("lookup %+v %v", rec, err)
	}
}

func testCodes(t *testing.T, st portalserver.Store) {
	var got []string
	for i, c := range []struct {
		agency string
		at     time.Time
	}{
		{Agency, time.Date(2026, 3, 6, 16, 59, 0, 0, time.UTC)}, // 23:59 in Hanoi
		{Agency, time.Date(2026, 3, 6, 16, 59, 30, 0, time.UTC)},
		{"000.00.02.H22", time.Date(2026, 3, 6, 16, 59, 40, 0, time.UTC)}, // another agency
		{Agency, time.Date(2026, 3, 6, 17, 0, 0, 0, time.UTC)},            // 00:00 next day in Hanoi
	} {
		in := intake("KIOSK-A", testdossier.New(i, c.at), c.at)
		in.Agency = c.agency
		resp, _, err := st.Intake(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, codeOf(t, resp))
	}
	want := []string{Agency + "-260306-0001", Agency + "-260306-0002", "000.00.02.H22-260306-0001", Agency + "-260307-0001"}
	if !slices.Equal(got, want) {
		t.Fatalf("codes %v, want %v", got, want)
	}
}

// Eight callers file 30 dossiers each, every dossier sent twice by two
// callers at once: each is stored once and the codes are 1..N, no gaps.
func testGapFree(t *testing.T, st portalserver.Store) {
	const callers, per = 8, 30
	ds := make([]*dossier.Dossier, callers*per/2)
	for i := range ds {
		ds[i] = testdossier.New(i, Day)
	}
	var wg sync.WaitGroup
	codes := make(chan string, callers*per)
	errs := make(chan error, callers*per)
	for c := range callers {
		wg.Go(func() {
			for i := range per {
				d := ds[(c/2*per+i)%len(ds)] // callers 2k and 2k+1 send the same dossiers
				resp, _, err := st.Intake(ctx, intake("KIOSK-A", d, Day))
				if err != nil {
					errs <- err
					return
				}
				var r struct{ Code string }
				json.Unmarshal(resp, &r)
				codes <- d.ID + " " + r.Code
			}
		})
	}
	wg.Wait()
	close(codes)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	byID := map[string]string{}
	used := map[string]string{}
	for l := range codes {
		id, code, _ := strings.Cut(l, " ")
		if prev, ok := byID[id]; ok && prev != code {
			t.Fatalf("dossier %s got two codes: %s and %s", id, prev, code)
		}
		if prev, ok := used[code]; ok && prev != id {
			t.Fatalf("code %s given to two dossiers", code)
		}
		byID[id], used[code] = code, id
	}
	checkGapFree(t, st, len(ds))
}

// checkGapFree checks the store holds n dossiers coded 0001..n for the suite's day.
func checkGapFree(t *testing.T, st portalserver.Store, n int) {
	t.Helper()
	var got []string
	if err := st.Each(ctx, func(r portalserver.Record) error { got = append(got, r.Code); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d dossiers stored, want %d", len(got), n)
	}
	for i, c := range got {
		if want := portalserver.Code(Agency, "260306", int64(i+1)); c != want {
			t.Fatalf("code #%d is %s, want %s (gap or duplicate)", i+1, c, want)
		}
	}
	c, err := st.Count(ctx)
	if err != nil || c.Dossiers != n || c.DistinctKioskDossierIDs != n {
		t.Fatalf("count %+v %v, want %d each", c, err, n)
	}
}

// An intake that fails (missing attachment, failing answer) stores
// nothing and uses no sequence number.
func testFailedIntake(t *testing.T, st portalserver.Store) {
	if _, _, err := st.Intake(ctx, intake("KIOSK-A", testdossier.New(0, Day), Day)); err != nil {
		t.Fatal(err)
	}
	missing := testdossier.New(1, Day)
	missing.Attachments = []dossier.Attachment{{Key: "x", SHA256: strings.Repeat("ab", 32)}}
	if _, _, err := st.Intake(ctx, intake("KIOSK-A", missing, Day)); !errors.Is(err, portalserver.ErrAttachmentMissing) {
		t.Fatalf("missing attachment: %v", err)
	}
	boom := errors.New("answer failed")
	bad := intake("KIOSK-A", testdossier.New(2, Day), Day)
	bad.Answer = func(string) ([]byte, error) { return nil, boom }
	if _, _, err := st.Intake(ctx, bad); !errors.Is(err, boom) {
		t.Fatalf("failing answer: %v", err)
	}
	resp, _, err := st.Intake(ctx, intake("KIOSK-A", testdossier.New(3, Day), Day))
	if err != nil || codeOf(t, resp) != Agency+"-260306-0002" {
		t.Fatalf("after failures: %q %v, want sequence 0002", resp, err)
	}
	checkGapFree(t, st, 2)
}

func testAttachments(t *testing.T, st portalserver.Store) {
	data := []byte("%PDF-1.4 giấy tờ")
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if _, err := st.Attachment(ctx, h); !errors.Is(err, portalserver.ErrUnknownAttachment) {
		t.Fatalf("unknown: %v", err)
	}
	for range 2 { // twice: a no-op the second time
		if err := st.PutAttachment(ctx, h, data); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Attachment(ctx, h)
	if err != nil || string(got) != string(data) {
		t.Fatalf("attachment %q %v", got, err)
	}
	d := testdossier.New(0, Day)
	d.Attachments = []dossier.Attachment{{Key: "k", SHA256: h}}
	if _, _, err := st.Intake(ctx, intake("KIOSK-A", d, Day)); err != nil {
		t.Fatalf("intake with a stored attachment: %v", err)
	}
}

func testStatus(t *testing.T, st portalserver.Store) {
	d := testdossier.New(0, Day)
	if _, err := st.Lookup(ctx, "KIOSK-A", d.ID); !errors.Is(err, portalserver.ErrUnknownDossier) {
		t.Fatalf("unknown: %v", err)
	}
	if err := st.SetStatus(ctx, "KIOSK-A", d.ID, portal.StatusSupplement, "x", Day); !errors.Is(err, portalserver.ErrUnknownDossier) {
		t.Fatalf("set unknown: %v", err)
	}
	if _, _, err := st.Intake(ctx, intake("KIOSK-A", d, Day)); err != nil {
		t.Fatal(err)
	}
	later := Day.Add(time.Hour)
	if err := st.SetStatus(ctx, "KIOSK-A", d.ID, portal.StatusSupplement, "Bổ sung bản sao giấy khai sinh", later); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Lookup(ctx, "KIOSK-A", d.ID)
	if err != nil || rec.Status != portal.StatusSupplement || rec.Reason != "Bổ sung bản sao giấy khai sinh" || !rec.UpdatedAt.Equal(later) {
		t.Fatalf("after SetStatus: %+v %v", rec, err)
	}
	if _, err := st.Lookup(ctx, "KIOSK-B", d.ID); !errors.Is(err, portalserver.ErrUnknownDossier) {
		t.Fatalf("another kiosk sees it: %v", err)
	}
}

func testEach(t *testing.T, st portalserver.Store) {
	for i := range 12 {
		if _, _, err := st.Intake(ctx, intake(fmt.Sprintf("KIOSK-%d", i%3), testdossier.New(i, Day), Day)); err != nil {
			t.Fatal(err)
		}
	}
	checkGapFree(t, st, 12)
	stop := errors.New("stop")
	n := 0
	err := st.Each(ctx, func(portalserver.Record) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Each did not stop at fn's error: n=%d err=%v", n, err)
	}
}

func batch(id string, at time.Time, scores []int, inds map[string]int64) *portal.StatsBatch {
	b := &portal.StatsBatch{BatchID: id, Ratings: []portal.Rating{}, Indicators: []portal.IndicatorTotal{}}
	for _, s := range scores {
		b.Ratings = append(b.Ratings, portal.Rating{At: at, Score: s, ProcedureCode: "1.004227"})
	}
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for k := range inds {
			if !yield(k) {
				return
			}
		}
	}) {
		b.Indicators = append(b.Indicators, portal.IndicatorTotal{Day: vntime.Today(at), Name: n, Value: inds[n]})
	}
	return b
}

func putStats(st portalserver.Store, kiosk string, b *portal.StatsBatch, hash string) ([]byte, bool, error) {
	return st.PutStats(ctx, portalserver.StatsIntake{Kiosk: kiosk, BatchID: b.BatchID, BodyHash: hash, Batch: b, At: Day,
		Response: []byte(`{"batchId":"` + b.BatchID + `"}`)})
}

func testStats(t *testing.T, st portalserver.Store) {
	id1, id2 := dossier.NewID(Day), dossier.NewID(Day)
	b1 := batch(id1, Day, []int{5, 4, 5}, map[string]int64{"received": 3, "onTime": 2})
	if _, replay, err := putStats(st, "KIOSK-A", b1, "h1"); err != nil || replay {
		t.Fatalf("first: %v %v", replay, err)
	}
	if resp, replay, err := putStats(st, "KIOSK-A", b1, "h1"); err != nil || !replay || !strings.Contains(string(resp), id1) {
		t.Fatalf("retry: %q %v %v", resp, replay, err)
	}
	if _, _, err := putStats(st, "KIOSK-A", b1, "other"); !errors.Is(err, portalserver.ErrConflict) {
		t.Fatalf("conflict: %v", err)
	}
	// The next batch carries the day's new absolute totals.
	b2 := batch(id2, Day.Add(time.Hour), []int{1}, map[string]int64{"received": 5})
	if _, _, err := putStats(st, "KIOSK-A", b2, "h2"); err != nil {
		t.Fatal(err)
	}
	nextDay := Day.Add(24 * time.Hour)
	if _, _, err := putStats(st, "KIOSK-B", batch(dossier.NewID(nextDay), nextDay, []int{3}, map[string]int64{"received": 1}), "h3"); err != nil {
		t.Fatal(err)
	}
	day := cccd.DateOf(Day)
	for _, tc := range []struct {
		kiosk  string
		day    cccd.Date
		rating int
		scores [5]int
		inds   map[string]int64
	}{
		{"KIOSK-A", day, 4, [5]int{1, 0, 0, 1, 2}, map[string]int64{"received": 5, "onTime": 2}},
		{"", cccd.Date{}, 5, [5]int{1, 0, 1, 1, 2}, map[string]int64{"received": 6, "onTime": 2}},
		{"KIOSK-B", day, 0, [5]int{}, map[string]int64{}},
	} {
		got, err := st.Stats(ctx, tc.kiosk, tc.day)
		if err != nil || got.Ratings != tc.rating || got.Scores != tc.scores || len(got.Indicators) != len(tc.inds) {
			t.Fatalf("Stats(%q, %v) = %+v %v", tc.kiosk, tc.day, got, err)
		}
		for k, v := range tc.inds {
			if got.Indicators[k] != v {
				t.Fatalf("Stats(%q, %v) indicators %v, want %v", tc.kiosk, tc.day, got.Indicators, tc.inds)
			}
		}
	}
	c, err := st.Count(ctx)
	if err != nil || c.Ratings != 5 || c.StatsBatches != 3 {
		t.Fatalf("count %+v %v", c, err)
	}
}

func testHeartbeats(t *testing.T, st portalserver.Store) {
	hb := func(kiosk string, n int) portalserver.Heartbeat {
		return portalserver.Heartbeat{KioskID: kiosk, ReceivedAt: Day.Add(time.Duration(n) * 30 * time.Second).UTC(),
			Body: []byte(fmt.Sprintf(`{"seq":%d}`, n))}
	}
	if h, err := st.History(ctx, "KIOSK-A"); err != nil || len(h) != 0 {
		t.Fatalf("history before any: %v %v", h, err)
	}
	total := portalserver.HistoryLen + 20
	for i := 1; i <= total; i++ {
		if err := st.PutHeartbeat(ctx, hb("KIOSK-A", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutHeartbeat(ctx, hb("KIOSK-B", 1)); err != nil {
		t.Fatal(err)
	}
	fleet, err := st.Fleet(ctx)
	if err != nil || len(fleet) != 2 || fleet[0].KioskID != "KIOSK-A" || string(fleet[0].Body) != fmt.Sprintf(`{"seq":%d}`, total) ||
		!fleet[0].ReceivedAt.Equal(hb("", total).ReceivedAt) || fleet[1].KioskID != "KIOSK-B" {
		t.Fatalf("fleet %v %v", fleet, err)
	}
	h, err := st.History(ctx, "KIOSK-A")
	if err != nil || len(h) != portalserver.HistoryLen {
		t.Fatalf("history: %d entries, %v; want %d", len(h), err, portalserver.HistoryLen)
	}
	for i, e := range h {
		if want := fmt.Sprintf(`{"seq":%d}`, total-i); string(e.Body) != want {
			t.Fatalf("history[%d] = %s, want %s (newest first)", i, e.Body, want)
		}
	}
	if h, err := st.History(ctx, "KIOSK-B"); err != nil || len(h) != 1 {
		t.Fatalf("KIOSK-B history %v %v", h, err)
	}
}

// testHTTP runs the portal's API over the store: the same client calls
// give the same answers whatever the store.
func testHTTP(t *testing.T, st portalserver.Store) {
	now := Day
	srv, err := portalserver.Open(portalserver.Config{Store: st, Tokens: map[string]string{"tok-a": "KIOSK-A", "tok-b": "KIOSK-B"},
		Agency: Agency, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close) // before the store closes: cleanups run last first
	ca, _ := portal.NewHTTPClient(ts.URL, "tok-a")
	cb, _ := portal.NewHTTPClient(ts.URL, "tok-b")
	data := []byte("%PDF-1.4 chỗ ở")
	sum := sha256.Sum256(data)
	d := testdossier.New(0, now)
	d.Attachments = []dossier.Attachment{{Key: "proofOfResidence", Name: "a.pdf", Type: "application/pdf", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}}
	if err := ca.PutAttachment(ctx, d.Attachments[0], bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	first, err := ca.Submit(ctx, d)
	if err != nil || first.Code != Agency+"-260306-0001" || first.Receipt.Applicant != "Nguyễn Văn An" || len(first.Receipt.Documents) != 1 {
		t.Fatalf("submit %+v %v", first, err)
	}
	again, err := ca.Submit(ctx, d)
	if err != nil || again.Code != first.Code {
		t.Fatalf("replay %+v %v", again, err)
	}
	changed := *d
	changed.ProcedureName = "Đăng ký tạm trú"
	if _, err := ca.Submit(ctx, &changed); !errors.Is(err, portal.ErrConflict) {
		t.Fatalf("conflict: %v", err)
	}
	if err := srv.SetStatus("KIOSK-A", d.ID, portal.StatusResultReady, ""); err != nil {
		t.Fatal(err)
	}
	if s, err := ca.Status(ctx, d.ID); err != nil || s.Status != portal.StatusResultReady {
		t.Fatalf("status %+v %v", s, err)
	}
	if _, err := cb.Status(ctx, d.ID); !errors.Is(err, portal.ErrNotFound) {
		t.Fatalf("other kiosk: %v", err)
	}
	// Concurrent kiosks through HTTP: still gap-free.
	var wg sync.WaitGroup
	for k := range 4 {
		c := ca
		if k%2 == 1 {
			c = cb
		}
		wg.Go(func() {
			for i := range 10 {
				if _, err := c.Submit(ctx, testdossier.New(k*10+i, now)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkGapFree(t, st, 41)
}

// RaceTwo files dossiers through two stores on the same database (two
// portal instances) at once, each dossier sent to both: every dossier is
// stored once and the codes are gap-free.
func RaceTwo(t *testing.T, a, b portalserver.Store) {
	const n = 60
	ds := make([]*dossier.Dossier, n)
	for i := range ds {
		ds[i] = testdossier.New(i, Day)
	}
	var wg sync.WaitGroup
	codes := make([][]string, 4)
	for w, st := range []portalserver.Store{a, b, a, b} {
		codes[w] = make([]string, n)
		wg.Go(func() {
			for i := range n {
				k := i
				if w >= 2 {
					k = n - 1 - i // the other pair goes backwards: real races
				}
				resp, _, err := st.Intake(ctx, intake("KIOSK-A", ds[k], Day))
				if err != nil {
					t.Error(err)
					return
				}
				var r struct{ Code string }
				json.Unmarshal(resp, &r)
				codes[w][k] = r.Code
			}
		})
	}
	wg.Wait()
	for i := range n {
		for w := 1; w < 4; w++ {
			if codes[w][i] != codes[0][i] {
				t.Fatalf("dossier %d: codes %s and %s from two instances", i, codes[0][i], codes[w][i])
			}
		}
	}
	checkGapFree(t, a, n)
}
