package portalserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/internal/testdossier"
	"motcua/offline/portal"
)

type fixture struct {
	srv    *Server
	ts     *httptest.Server
	client *portal.HTTPClient
	now    time.Time
}

// start runs a real server on 127.0.0.1 with a settable clock.
func start(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 3, 6, 9, 30, 0, 0, portal.Vietnam)} // a Friday
	srv, err := Open(Config{Dir: t.TempDir(), Tokens: map[string]string{"tok-a": "KIOSK-A", "tok-b": "KIOSK-B"},
		Agency: "000.00.01.H22", NoSync: true, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { f.ts.Close(); srv.Close() })
	f.client = f.clientFor("tok-a")
	return f
}

func (f *fixture) clientFor(token string) *portal.HTTPClient {
	c, err := portal.NewHTTPClient(f.ts.URL, token, portal.WithHTTPClient(&http.Client{Timeout: 2 * time.Second}))
	if err != nil {
		panic(err)
	}
	return c
}

func TestSubmitReceipt(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	d := testdossier.New(0, f.now)
	data := []byte("%PDF-1.4 giấy tờ chứng minh chỗ ở hợp pháp")
	sum := sha256.Sum256(data)
	d.Attachments = []dossier.Attachment{{Key: "proofOfResidence", Name: "Giấy tờ chỗ ở.pdf", Type: "application/pdf", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}}
	if err := f.client.PutAttachment(ctx, d.Attachments[0], bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	got, err := f.client.Submit(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	rc := got.Receipt
	want := portal.Receipt{Code: "000.00.01.H22-260306-0001", Agency: "000.00.01.H22", ProcedureCode: "1.004227",
		ProcedureName: "Đăng ký thường trú", Applicant: "Nguyễn Văn An", ProcessingDays: 7,
		AppointmentDate: cccd.Date{Year: 2026, Month: 3, Day: 17}, Channel: 1,
		Documents: []portal.Document{{Key: "proofOfResidence", Name: "Giấy tờ chỗ ở.pdf", SHA256: d.Attachments[0].SHA256}}}
	if !rc.ReceivedAt.Equal(f.now) {
		t.Errorf("received at %v, want %v", rc.ReceivedAt, f.now)
	}
	rc.ReceivedAt = time.Time{}
	if got.Code != want.Code || got.Status != portal.StatusAccepted || rc.Code != want.Code || rc.Applicant != want.Applicant ||
		rc.AppointmentDate != want.AppointmentDate || len(rc.Documents) != 1 || rc.Documents[0] != want.Documents[0] ||
		rc.ProcedureName != want.ProcedureName || rc.Agency != want.Agency || rc.Channel != 1 {
		t.Fatalf("receipt\n got %+v\nwant %+v", rc, want)
	}
}

// The receipt names the dossier's requester (dossier.Requester): the
// applicant with role requester wherever it stands, else the first
// applicant, even one without a name, never another applicant.
func TestReceiptNamesTheRequester(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		name       string
		applicants []dossier.Applicant
		want       string
	}{
		{"requester second", []dossier.Applicant{{Role: "subject", FullName: "Trần Thị Bích Ngọc"}, {Role: "requester", FullName: "Nguyễn Văn An"}}, "Nguyễn Văn An"},
		{"no requester role", []dossier.Applicant{{Role: "subject", FullName: "Lê Hoàng Yến Nhi"}, {Role: "member", FullName: "Phạm Đức Thắng"}}, "Lê Hoàng Yến Nhi"},
		{"first applicant unnamed", []dossier.Applicant{{Role: "subject"}, {Role: "member", FullName: "Phạm Đức Thắng"}}, ""},
	} {
		d := testdossier.New(0, f.now)
		d.Applicants = tc.applicants
		got, err := f.client.Submit(context.Background(), d)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.Receipt.Applicant != tc.want || got.Receipt.Applicant != d.Requester().FullName {
			t.Errorf("%s: receipt names %q, want %q (the requester)", tc.name, got.Receipt.Applicant, tc.want)
		}
	}
}

func TestIdempotency(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	d := testdossier.New(1, f.now)
	first, err := f.client.Submit(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.client.Submit(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if again.Code != first.Code {
		t.Fatalf("replay gave code %s, first %s", again.Code, first.Code)
	}
	// Same key, other body: conflict, nothing stored.
	changed := *d
	changed.ProcedureName = "Đăng ký tạm trú"
	if _, err := f.client.Submit(ctx, &changed); !errors.Is(err, portal.ErrConflict) {
		t.Fatalf("changed body: err = %v, want ErrConflict", err)
	}
	// Another kiosk may (by a miracle) use the same ID: a separate dossier.
	if _, err := f.clientFor("tok-b").Submit(ctx, d); err != nil {
		t.Fatal(err)
	}
	c, _ := f.srv.Count()
	if c.Dossiers != 2 || c.DistinctKioskDossierIDs != 2 {
		t.Fatalf("count = %+v", c)
	}
}

func TestSequenceResetsDaily(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	codes := []string{}
	for i, at := range []time.Time{
		time.Date(2026, 3, 6, 16, 59, 0, 0, time.UTC), // 23:59 in Hanoi
		time.Date(2026, 3, 6, 16, 59, 30, 0, time.UTC),
		time.Date(2026, 3, 6, 17, 0, 0, 0, time.UTC), // 00:00 next day in Hanoi
	} {
		f.now = at
		r, err := f.client.Submit(ctx, testdossier.New(i, at))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, r.Code)
	}
	want := []string{"000.00.01.H22-260306-0001", "000.00.01.H22-260306-0002", "000.00.01.H22-260307-0001"}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("codes %v, want %v", codes, want)
		}
	}
}

func TestErrors(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	missing := testdossier.New(2, f.now)
	missing.Attachments = []dossier.Attachment{{Key: "x", SHA256: strings.Repeat("ab", 32)}}
	noProc := testdossier.New(3, f.now)
	noProc.ProcedureCode = ""
	tests := []struct {
		name      string
		client    *portal.HTTPClient
		d         *dossier.Dossier
		want      error
		permanent bool
	}{
		{"bad token", f.clientFor("nope"), testdossier.New(0, f.now), portal.ErrUnauthorized, false},
		{"attachment not uploaded", f.client, missing, nil, true},
		{"no procedure", f.client, noProc, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.Submit(ctx, tt.d)
			var pe *portal.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *portal.Error", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if pe.Permanent() != tt.permanent || (tt.permanent && pe.Reason == "") {
				t.Fatalf("permanent = %v reason %q", pe.Permanent(), pe.Reason)
			}
		})
	}
	c, _ := f.srv.Count()
	if c.Dossiers != 0 {
		t.Fatalf("refused dossiers were stored: %+v", c)
	}
}

func TestFaults(t *testing.T) {
	f := start(t)
	ctx := context.Background()

	f.srv.Faults().Set(FaultSettings{FailNext: 2})
	d := testdossier.New(0, f.now)
	for i := 0; i < 2; i++ {
		if _, err := f.client.Submit(ctx, d); !errors.Is(err, portal.ErrUnavailable) {
			t.Fatalf("try %d: err = %v, want ErrUnavailable", i, err)
		}
	}
	if _, err := f.client.Submit(ctx, d); err != nil {
		t.Fatalf("after faults: %v", err)
	}

	f.srv.Faults().Set(FaultSettings{RefuseNext: 1, RefuseReason: "Thiếu giấy tờ chứng minh chỗ ở"})
	_, err := f.client.Submit(ctx, testdossier.New(1, f.now))
	var pe *portal.Error
	if !errors.As(err, &pe) || !pe.Permanent() || pe.Reason != "Thiếu giấy tờ chứng minh chỗ ở" {
		t.Fatalf("refusal: %v", err)
	}

	// Drop after commit: the kiosk hears nothing and retries. (Go's
	// transport itself retries a request that carries an Idempotency-Key
	// when a reused connection drops, so the first call may already
	// succeed.) Either way there is one dossier.
	f.srv.Faults().Set(FaultSettings{DropAfterCommitNext: 1})
	d2 := testdossier.New(2, f.now)
	if _, err := f.client.Submit(ctx, d2); err != nil && !errors.Is(err, portal.ErrUnreachable) {
		t.Fatalf("dropped: err = %v, want nil or ErrUnreachable", err)
	}
	if f.srv.Faults().Get().DropAfterCommitNext != 0 {
		t.Fatal("drop fault not used")
	}
	if _, err := f.client.Submit(ctx, d2); err != nil {
		t.Fatal(err)
	}
	c, _ := f.srv.Count()
	if c.Dossiers != 2 || c.DistinctKioskDossierIDs != 2 {
		t.Fatalf("count after drop and retry = %+v, want 2/2", c)
	}

	f.srv.Faults().Set(FaultSettings{Delay: 3 * time.Second}) // client timeout is 2 s
	if err := f.client.Probe(ctx); !errors.Is(err, portal.ErrUnreachable) {
		t.Fatalf("slow: err = %v, want ErrUnreachable (timeout)", err)
	}
	f.srv.Faults().Set(FaultSettings{Unavailable: true})
	if err := f.client.Probe(ctx); !errors.Is(err, portal.ErrUnavailable) {
		t.Fatalf("unavailable: err = %v", err)
	}
	f.srv.Faults().Set(FaultSettings{})
	if err := f.client.Probe(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStatusLookup(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	d := testdossier.New(0, f.now)
	if _, err := f.client.Status(ctx, d.ID); !errors.Is(err, portal.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := f.client.Submit(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetStatus("KIOSK-A", d.ID, portal.StatusSupplement, "Bổ sung bản sao giấy khai sinh"); err != nil {
		t.Fatal(err)
	}
	st, err := f.client.Status(ctx, d.ID)
	if err != nil || st.Status != portal.StatusSupplement || st.Reason != "Bổ sung bản sao giấy khai sinh" {
		t.Fatalf("status = %+v, %v", st, err)
	}
	// Another kiosk cannot see it.
	if _, err := f.clientFor("tok-b").Status(ctx, d.ID); !errors.Is(err, portal.ErrNotFound) {
		t.Fatalf("other kiosk: %v", err)
	}
}

func TestAttachmentHashChecked(t *testing.T) {
	f := start(t)
	err := f.client.PutAttachment(context.Background(), dossier.Attachment{SHA256: strings.Repeat("00", 32), Size: 1}, strings.NewReader("x"))
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.HTTPStatus != 400 {
		t.Fatalf("err = %v", err)
	}
}

func TestAdminEndpoints(t *testing.T) {
	srv, err := Open(Config{Dir: t.TempDir(), Tokens: map[string]string{"t": "K"}, AdminToken: "adm", NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	kiosk := httptest.NewServer(srv.Handler())
	defer kiosk.Close()
	admin := httptest.NewServer(srv.AdminHandler())
	defer admin.Close()
	id := testdossier.New(0, time.Now()).ID
	for _, tc := range []struct {
		name, base, path, tok, body string
		want                        int
	}{
		{"not on the kiosk listener", kiosk.URL, "/admin/faults", "adm", `{"failNext":3}`, 404},
		{"kiosk token", admin.URL, "/admin/faults", "t", `{"failNext":3}`, 401},
		{"no token", admin.URL, "/admin/faults", "", `{"failNext":3}`, 401},
		{"not JSON", admin.URL, "/admin/faults", "adm", `failNext=3`, 400},
		{"unknown field", admin.URL, "/admin/faults", "adm", `{"failNxt":3}`, 400},
		{"trailing data", admin.URL, "/admin/faults", "adm", `{"failNext":3} {}`, 400},
		{"negative count", admin.URL, "/admin/faults", "adm", `{"failNext":-1}`, 422},
		{"odd failure status", admin.URL, "/admin/faults", "adm", `{"failNext":1,"failStatus":418}`, 422},
		{"refusal as 401", admin.URL, "/admin/faults", "adm", `{"refuseNext":1,"refuseStatus":401}`, 422},
		{"day-long delay", admin.URL, "/admin/faults", "adm", `{"delay":86400000000000}`, 422},
		{"status out of range", admin.URL, "/admin/status/K/" + id, "adm", `{"status":99}`, 422},
		{"dossier ID not a UUID", admin.URL, "/admin/status/K/abc", "adm", `{"status":2}`, 400},
		{"unknown dossier", admin.URL, "/admin/status/K/" + id, "adm", `{"status":2}`, 404},
		{"valid faults", admin.URL, "/admin/faults", "adm", `{"failNext":3}`, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", tc.base+tc.path, bytes.NewBufferString(tc.body))
			if tc.tok != "" {
				req.Header.Set("Authorization", "Bearer "+tc.tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("%d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	if srv.Faults().Get().FailNext != 3 {
		t.Fatal("fault not set")
	}
}

func TestCountDirAfterClose(t *testing.T) {
	f := start(t)
	for i := 0; i < 3; i++ {
		if _, err := f.client.Submit(context.Background(), testdossier.New(i, f.now)); err != nil {
			t.Fatal(err)
		}
	}
	dir := f.srv.cfg.Dir
	f.ts.Close()
	f.srv.Close()
	c, err := CountDir(dir)
	if err != nil || c != (Counts{Dossiers: 3, DistinctKioskDossierIDs: 3}) {
		t.Fatalf("CountDir = %+v, %v", c, err)
	}
}
