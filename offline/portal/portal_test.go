package portal

import (
	"errors"
	"testing"
	"time"

	"motcua/cardreader/cccd"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in   string
		want Code
		ok   bool
	}{
		{"000.00.01.H22-250704-0001", Code{"000.00.01.H22", cccd.Date{Year: 2025, Month: 7, Day: 4}, 1}, true},
		{"UBND_PBN-260229-12345", Code{}, false}, // 2026 is not a leap year
		{"UBND_PBN-240229-12345", Code{"UBND_PBN", cccd.Date{Year: 2024, Month: 2, Day: 29}, 12345}, true},
		{"-250704-0001", Code{}, false},
		{"A-250704-001", Code{}, false},
		{"A-2507041-0001", Code{}, false},
		{"A-251304-0001", Code{}, false},
		{"A-250704-0000", Code{}, false},
		{"A B-250704-0001", Code{}, false},
		{"", Code{}, false},
	}
	for _, tt := range tests {
		got, err := ParseCode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseCode(%q) = %+v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
		if !tt.ok && !errors.Is(err, ErrBadCode) {
			t.Errorf("ParseCode(%q) err = %v", tt.in, err)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		at   time.Time
		n    int
		want cccd.Date
	}{
		{time.Date(2026, 3, 6, 9, 0, 0, 0, Vietnam), 1, cccd.Date{Year: 2026, Month: 3, Day: 9}},    // Fri -> Mon
		{time.Date(2026, 3, 6, 9, 0, 0, 0, Vietnam), 7, cccd.Date{Year: 2026, Month: 3, Day: 17}},   // Fri + 7
		{time.Date(2026, 3, 7, 9, 0, 0, 0, Vietnam), 1, cccd.Date{Year: 2026, Month: 3, Day: 10}},   // Sat counts from Mon -> Tue
		{time.Date(2026, 3, 2, 9, 0, 0, 0, Vietnam), 3, cccd.Date{Year: 2026, Month: 3, Day: 5}},    // Mon -> Thu
		{time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC), 1, cccd.Date{Year: 2026, Month: 3, Day: 3}}, // Sunday UTC is Monday 00:30 in Hanoi
		{time.Date(2026, 12, 31, 9, 0, 0, 0, Vietnam), 2, cccd.Date{Year: 2027, Month: 1, Day: 4}},
	}
	for _, tt := range tests {
		if got := AddWorkingDays(tt.at, tt.n); got != tt.want {
			t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.at, tt.n, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	if StatusAccepted.Vietnamese() != "Được tiếp nhận" || StatusDelivered.String() != "result delivered" {
		t.Fatal("names")
	}
	for s := Status(0); s <= 11; s++ {
		if s.Valid() != (s >= 1 && s <= 10) {
			t.Errorf("Valid(%d)", s)
		}
	}
	for _, s := range []Status{StatusRefused, StatusStopped, StatusDelivered} {
		if !s.Final() {
			t.Errorf("%v not final", s)
		}
	}
	if StatusSupplement.Final() {
		t.Error("supplement is not final")
	}
}

const goodSubmit = `{"dossierId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","code":"000.00.01.H22-260306-0001","status":2,` +
	`"receipt":{"code":"000.00.01.H22-260306-0001","agency":"000.00.01.H22","procedureCode":"1.004227","procedureName":"Đăng ký thường trú",` +
	`"applicant":"Nguyễn Văn An","receivedAt":"2026-03-06T09:30:00+07:00","processingDays":7,"appointmentDate":"2026-03-17","documents":[],"channel":1}}`

func TestDecodeSubmitResponse(t *testing.T) {
	id := "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	r, err := DecodeSubmitResponse([]byte(goodSubmit), id)
	if err != nil || r.Receipt.AppointmentDate != (cccd.Date{Year: 2026, Month: 3, Day: 17}) {
		t.Fatalf("%+v %v", r, err)
	}
	bad := []string{
		`{}`,
		goodSubmit + `{}`,
		`{"dossierId":"` + id + `","code":"x","status":2}`,
		`{"dossierId":"` + id + `","code":"A-260306-0001","status":11,"receipt":{"code":"A-260306-0001"}}`,
		`{"dossierId":"` + id + `","code":"A-260306-0001","status":2,"receipt":{"code":"B-260306-0001"}}`,
		`[1,2]`,
	}
	for _, b := range bad {
		if _, err := DecodeSubmitResponse([]byte(b), id); !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: err = %v", b, err)
		}
	}
	if _, err := DecodeSubmitResponse([]byte(goodSubmit), "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"); !errors.Is(err, ErrBadResponse) {
		t.Error("answer for another dossier accepted")
	}
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		status    int
		permanent bool
		is        error
	}{
		{400, true, nil}, {401, false, ErrUnauthorized}, {403, false, ErrUnauthorized}, {404, true, ErrNotFound},
		{408, false, nil}, {409, true, ErrConflict}, {422, true, nil}, {429, false, nil},
		{500, false, nil}, {502, false, ErrUnavailable}, {503, false, ErrUnavailable},
	}
	for _, tt := range tests {
		e := &Error{HTTPStatus: tt.status}
		if e.Permanent() != tt.permanent {
			t.Errorf("%d: Permanent = %v", tt.status, e.Permanent())
		}
		if tt.is != nil && !errors.Is(e, tt.is) {
			t.Errorf("%d: not %v", tt.status, tt.is)
		}
	}
}

func FuzzDecodeSubmitResponse(f *testing.F) {
	f.Add([]byte(goodSubmit))
	f.Add([]byte(`{"dossierId":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeSubmitResponse(b, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
		if err == nil && (!r.Status.Valid() || r.Receipt.Code != r.Code) {
			t.Fatalf("accepted an invalid answer: %+v", r)
		}
	})
}

func FuzzDecodeStatusResponse(f *testing.F) {
	f.Add([]byte(`{"dossierId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","code":"A-260306-0001","status":5,"reason":"bổ sung","updatedAt":"2026-03-06T02:30:00Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeStatusResponse(b, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
		if err == nil && !r.Status.Valid() {
			t.Fatalf("accepted status %d", r.Status)
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	f.Add([]byte(`{"error":"refused","reason":"Thiếu giấy tờ"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := DecodeError(b)
		if len(r.Reason) > maxReason || len(r.Error) > 64 {
			t.Fatal("unbounded error text")
		}
	})
}

func FuzzParseCode(f *testing.F) {
	f.Add("000.00.01.H22-250704-0001")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		if c2, err := ParseCode(c.String()); err != nil || c2 != c {
			t.Fatalf("round trip %q -> %+v -> %v", s, c, err)
		}
	})
}
