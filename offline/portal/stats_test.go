package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/cccd"
)

const batchID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

func goodBatch() StatsBatch {
	return StatsBatch{
		BatchID: batchID,
		Ratings: []Rating{{At: time.Date(2026, 3, 6, 2, 30, 0, 0, time.UTC), Score: 5, ProcedureCode: "1.004227",
			CounterID: "Q1", DossierID: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"}},
		Indicators: []IndicatorTotal{{Day: cccd.Date{Year: 2026, Month: 3, Day: 6}, Name: "d06.chip-verified", Value: 12}},
	}
}

func TestStatsBatchValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*StatsBatch)
		ok   bool
	}{
		{"good", func(*StatsBatch) {}, true},
		{"empty lists", func(b *StatsBatch) { b.Ratings, b.Indicators = nil, nil }, true},
		{"bad batch ID", func(b *StatsBatch) { b.BatchID = "batch-1" }, false},
		{"score 0", func(b *StatsBatch) { b.Ratings[0].Score = 0 }, false},
		{"score 6", func(b *StatsBatch) { b.Ratings[0].Score = 6 }, false},
		{"no time", func(b *StatsBatch) { b.Ratings[0].At = time.Time{} }, false},
		{"long counter", func(b *StatsBatch) { b.Ratings[0].CounterID = strings.Repeat("Q", 129) }, false},
		{"bad dossier ID", func(b *StatsBatch) { b.Ratings[0].DossierID = "001203004567" }, false},
		{"no dossier ID", func(b *StatsBatch) { b.Ratings[0].DossierID = "" }, true},
		{"year-only day", func(b *StatsBatch) { b.Indicators[0].Day = cccd.Date{Year: 2026} }, false},
		{"impossible day", func(b *StatsBatch) { b.Indicators[0].Day = cccd.Date{Year: 2026, Month: 2, Day: 30} }, false},
		{"name with NUL", func(b *StatsBatch) { b.Indicators[0].Name = "d06\x00x" }, false},
		{"name with space", func(b *StatsBatch) { b.Indicators[0].Name = "d06 x" }, false},
		{"repeated total", func(b *StatsBatch) { b.Indicators = append(b.Indicators, b.Indicators[0]) }, false},
		{"too many ratings", func(b *StatsBatch) {
			for len(b.Ratings) <= MaxStatsRatings {
				b.Ratings = append(b.Ratings, b.Ratings[0])
			}
		}, false},
	}
	for _, tt := range tests {
		b := goodBatch()
		tt.edit(&b)
		err := b.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrBadStats)) {
			t.Errorf("%s: Validate = %v", tt.name, err)
		}
	}
}

func TestValidIndicatorName(t *testing.T) {
	for s, want := range map[string]bool{
		"d06.dossiers": true, "d06.values-prefilled": true, "A_b-9": true, strings.Repeat("a", 64): true,
		"": false, strings.Repeat("a", 65): false, "a|b": false, "chỉ-số": false, "a/b": false,
	} {
		if ValidIndicatorName(s) != want {
			t.Errorf("ValidIndicatorName(%q) != %v", s, want)
		}
	}
}

func TestDecodeStatsResponse(t *testing.T) {
	b := goodBatch()
	r, err := DecodeStatsResponse([]byte(`{"batchId":"`+batchID+`","ratings":1,"indicators":1}`), &b)
	if err != nil || r.Ratings != 1 || r.Indicators != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	for _, bad := range []string{
		`{"batchId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c","ratings":1,"indicators":1}`,
		`{"batchId":"` + batchID + `","ratings":2,"indicators":1}`,
		`{"batchId":"` + batchID + `","ratings":-1,"indicators":1}`,
		`{"batchId":"` + batchID + `"} {}`,
		`[]`,
	} {
		if _, err := DecodeStatsResponse([]byte(bad), &b); !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

func TestDecodeStatsTotals(t *testing.T) {
	tt, err := DecodeStatsTotals([]byte(`{"kioskId":"K","day":"2026-03-06","ratings":3,"scores":[0,0,1,0,2],"indicators":{"d06.dossiers":4}}`))
	if err != nil || tt.Ratings != 3 || tt.Indicators["d06.dossiers"] != 4 || tt.Average() != 13.0/3 {
		t.Fatalf("%+v %v", tt, err)
	}
	for _, bad := range []string{
		`{"ratings":3,"scores":[0,0,1,0,1]}`,
		`{"ratings":0,"scores":[1,0,0,0,-1]}`,
		`{"day":"2026","ratings":0,"scores":[0,0,0,0,0]}`,
		`{"ratings":0,"scores":[0,0,0,0,0],"indicators":{"a b":1}}`,
	} {
		if _, err := DecodeStatsTotals([]byte(bad)); !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

func FuzzDecodeStatsResponse(f *testing.F) {
	f.Add([]byte(`{"batchId":"` + batchID + `","ratings":1,"indicators":1}`))
	f.Add([]byte(`{"batchId":"` + batchID + `","ratings":1e3}`))
	b := goodBatch()
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeStatsResponse(body, &b)
		if err == nil && (r.BatchID != b.BatchID || r.Ratings > len(b.Ratings) || r.Indicators > len(b.Indicators) || r.Ratings < 0) {
			t.Fatalf("accepted an answer that does not fit: %+v", r)
		}
	})
}

func FuzzDecodeStatsTotals(f *testing.F) {
	f.Add([]byte(`{"kioskId":"K","day":"2026-03-06","ratings":1,"scores":[0,0,0,0,1],"indicators":{"d06.dossiers":4}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tt, err := DecodeStatsTotals(body)
		if err != nil {
			return
		}
		sum := 0
		for _, n := range tt.Scores {
			sum += n
		}
		if sum != tt.Ratings || tt.Indicators == nil || tt.Average() < 0 || tt.Average() > 5 {
			t.Fatalf("accepted inconsistent totals: %+v", tt)
		}
	})
}

// FuzzStatsBatch is the portal's parse of a kiosk's batch: JSON, then
// Validate. A batch that passes must re-encode to bytes that parse and
// validate to the same encoding, since the portal hashes that encoding to
// tell a retry from a different batch.
func FuzzStatsBatch(f *testing.F) {
	b := goodBatch()
	good, _ := json.Marshal(&b)
	f.Add(good)
	f.Add([]byte(`{"batchId":"` + batchID + `","ratings":[{"at":"2026-03-06T09:30:00+07:00","score":3}],"indicators":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var b StatsBatch
		if json.Unmarshal(body, &b) != nil || b.Validate() != nil {
			return
		}
		enc, err := json.Marshal(&b)
		if err != nil {
			t.Fatal(err)
		}
		var again StatsBatch
		if err := json.Unmarshal(enc, &again); err != nil {
			t.Fatalf("re-encoding does not parse: %v", err)
		}
		if err := again.Validate(); err != nil {
			t.Fatalf("re-encoding does not validate: %v", err)
		}
		enc2, _ := json.Marshal(&again)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
