package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
)

// PathStats is the statistics endpoint: POST a StatsBatch (Idempotency-Key:
// its BatchID); GET ?day=YYYY-MM-DD for the calling kiosk's totals.
const PathStats = "/v1/stats"

// Bounds of one StatsBatch; the portal refuses a larger one.
const (
	MaxStatsRatings    = 500
	MaxStatsIndicators = 500
	maxStatsText       = 128 // procedure code, counter ID
	maxIndicatorName   = 64
)

// Rating is one satisfaction rating as the portal receives it. It names no
// person: at most the dossier it was given for.
type Rating struct {
	At            time.Time `json:"at"`
	Score         int       `json:"score"` // 1 (very dissatisfied) … 5 (very satisfied)
	ProcedureCode string    `json:"procedureCode,omitempty"`
	CounterID     string    `json:"counterId,omitempty"`
	DossierID     string    `json:"dossierId,omitempty"`
}

// IndicatorTotal is a kiosk's running total of one named counter (a
// Decision 06 indicator such as "d06.chip-verified") for one day in
// Vietnam. Totals are absolute, not increments: the portal keeps the latest
// total per (kiosk, day, name), so sending one twice changes nothing.
type IndicatorTotal struct {
	Day   cccd.Date `json:"day"`
	Name  string    `json:"name"`
	Value int64     `json:"value"`
}

// StatsBatch is what a kiosk sends to POST /v1/stats: new ratings and the
// indicator totals that changed since its last batch. BatchID, a UUID the
// kiosk makes when it freezes the batch, is the Idempotency-Key: a resent
// batch is counted once.
type StatsBatch struct {
	BatchID    string           `json:"batchId"`
	Ratings    []Rating         `json:"ratings"`
	Indicators []IndicatorTotal `json:"indicators"`
}

// ErrBadStats is returned by StatsBatch.Validate.
var ErrBadStats = errors.New("portal: invalid statistics batch")

// Validate checks the batch as the portal will: a UUID batch ID, at most
// MaxStatsRatings ratings with scores 1–5 and a time, at most
// MaxStatsIndicators totals with a full date and a valid name, each
// (day, name) once.
func (b *StatsBatch) Validate() error {
	if !dossier.ValidID(b.BatchID) {
		return fmt.Errorf("%w: batch ID is not a UUID", ErrBadStats)
	}
	if len(b.Ratings) > MaxStatsRatings || len(b.Indicators) > MaxStatsIndicators {
		return fmt.Errorf("%w: more than %d ratings or %d indicators", ErrBadStats, MaxStatsRatings, MaxStatsIndicators)
	}
	for i, r := range b.Ratings {
		switch {
		case r.Score < 1 || r.Score > 5:
			return fmt.Errorf("%w: rating %d: score %d out of 1..5", ErrBadStats, i, r.Score)
		case r.At.IsZero():
			return fmt.Errorf("%w: rating %d: no time", ErrBadStats, i)
		case len(r.ProcedureCode) > maxStatsText || len(r.CounterID) > maxStatsText:
			return fmt.Errorf("%w: rating %d: text too long", ErrBadStats, i)
		case r.DossierID != "" && !dossier.ValidID(r.DossierID):
			return fmt.Errorf("%w: rating %d: dossier ID is not a UUID", ErrBadStats, i)
		}
	}
	seen := make(map[string]bool, len(b.Indicators))
	for i, in := range b.Indicators {
		if !fullDate(in.Day) || !ValidIndicatorName(in.Name) {
			return fmt.Errorf("%w: indicator %d: bad day or name", ErrBadStats, i)
		}
		k := in.Day.ISO() + "|" + in.Name
		if seen[k] {
			return fmt.Errorf("%w: indicator %d: (day, name) repeated", ErrBadStats, i)
		}
		seen[k] = true
	}
	return nil
}

// fullDate reports whether d is a real calendar day (not year-only).
func fullDate(d cccd.Date) bool {
	_, err := cccd.NewDate(d.Year, d.Month, d.Day)
	return err == nil && d.Month != 0
}

// ValidIndicatorName reports whether s can name an indicator: 1–64 ASCII
// letters, digits, '.', '-' or '_'.
func ValidIndicatorName(s string) bool {
	if s == "" || len(s) > maxIndicatorName {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// StatsResponse is the portal's answer to a StatsBatch (replayed as it was
// on a retry).
type StatsResponse struct {
	BatchID    string `json:"batchId"`    // echoed
	Ratings    int    `json:"ratings"`    // ratings counted from this batch
	Indicators int    `json:"indicators"` // indicator totals recorded from this batch
}

// StatsTotals is what the portal holds for one kiosk (or all, for the
// operator's view) on one day (zero Day: all days).
type StatsTotals struct {
	KioskID string    `json:"kioskId,omitempty"`
	Day     cccd.Date `json:"day,omitzero"`
	Ratings int       `json:"ratings"`
	// Scores counts ratings by score: Scores[0] is score 1, Scores[4] score 5.
	Scores     [5]int           `json:"scores"`
	Indicators map[string]int64 `json:"indicators"`
	Batches    int              `json:"batches,omitempty"` // statistics batches taken (operator's view)
}

// Average is the mean score, 0 without ratings.
func (t *StatsTotals) Average() float64 {
	if t.Ratings == 0 {
		return 0
	}
	sum := 0
	for i, n := range t.Scores {
		sum += (i + 1) * n
	}
	return float64(sum) / float64(t.Ratings)
}

// DecodeStatsResponse parses and checks the answer to batch b.
func DecodeStatsResponse(body []byte, b *StatsBatch) (*StatsResponse, error) {
	var r StatsResponse
	if err := decodeStrict(body, &r); err != nil {
		return nil, err
	}
	switch {
	case r.BatchID != b.BatchID:
		return nil, fmt.Errorf("%w: answer is for another batch", ErrBadResponse)
	case r.Ratings < 0 || r.Ratings > len(b.Ratings) || r.Indicators < 0 || r.Indicators > len(b.Indicators):
		return nil, fmt.Errorf("%w: counts do not fit the batch", ErrBadResponse)
	}
	return &r, nil
}

// DecodeStatsTotals parses and checks a totals answer.
func DecodeStatsTotals(body []byte) (*StatsTotals, error) {
	var t StatsTotals
	if err := decodeStrict(body, &t); err != nil {
		return nil, err
	}
	sum := 0
	for _, n := range t.Scores {
		if n < 0 {
			return nil, fmt.Errorf("%w: negative score count", ErrBadResponse)
		}
		sum += n
	}
	if sum != t.Ratings {
		return nil, fmt.Errorf("%w: score counts do not add up", ErrBadResponse)
	}
	if !t.Day.IsZero() && !fullDate(t.Day) {
		return nil, fmt.Errorf("%w: day", ErrBadResponse)
	}
	for name := range t.Indicators {
		if !ValidIndicatorName(name) {
			return nil, fmt.Errorf("%w: indicator name", ErrBadResponse)
		}
	}
	if t.Indicators == nil {
		t.Indicators = map[string]int64{}
	}
	return &t, nil
}

// SendStats implements Client with POST /v1/stats and the batch ID as the
// Idempotency-Key.
func (c *HTTPClient) SendStats(ctx context.Context, b *StatsBatch) (*StatsResponse, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	_, _, resp, err := c.do(ctx, http.MethodPost, PathStats, body, map[string]string{HeaderIdempotencyKey: b.BatchID})
	if err != nil {
		return nil, err
	}
	return DecodeStatsResponse(resp, b)
}

// Stats reads, with GET /v1/stats, what the portal holds from this kiosk
// for day (zero: all days). It is not part of Client: the kiosk never needs
// it to deliver; tests and the clerk's screen may.
func (c *HTTPClient) Stats(ctx context.Context, day cccd.Date) (*StatsTotals, error) {
	path := PathStats
	if !day.IsZero() {
		if !fullDate(day) {
			return nil, fmt.Errorf("portal: stats day must be a full date")
		}
		path += "?day=" + url.QueryEscape(day.ISO())
	}
	_, _, b, err := c.do(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	return DecodeStatsTotals(b)
}
