package portalserver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzAdminFaults: whatever the admin API is sent, it never panics, and
// settings it takes are always in range.
func FuzzAdminFaults(f *testing.F) {
	srv, err := Open(Config{Dir: f.TempDir(), NoSync: true, Tokens: map[string]string{"t": "K"}, AdminToken: "adm"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	h := srv.AdminHandler()
	for _, s := range []string{`{"failNext":3}`, `{"delay":1000000}`, `{"refuseNext":1,"refuseStatus":422,"refuseReason":"x"}`, `{}`, `[]`, `{"failStatus":1e99}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.Faults().Set(FaultSettings{})
		req := httptest.NewRequest("POST", "/admin/faults", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer adm")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := srv.Faults().Get()
		if err := got.Validate(); err != nil {
			t.Fatalf("stored settings out of range: %+v (%v)", got, err)
		}
		if rec.Code != http.StatusOK && got != (FaultSettings{}) {
			t.Fatalf("refused (%d) but changed: %+v", rec.Code, got)
		}
	})
}
