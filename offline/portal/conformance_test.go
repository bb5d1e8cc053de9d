package portal_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"motcua/offline/portal"
	"motcua/offline/portal/portaltest"
	"motcua/offline/portalserver"
)

// The reference client passes the conformance suite against the reference
// server over loopback.
func TestReferenceConformance(t *testing.T) {
	portaltest.Run(t, func(t *testing.T) portaltest.Env {
		srv, err := portalserver.Open(portalserver.Config{Dir: t.TempDir(), Tokens: map[string]string{"tok": "KIOSK-T"}, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		down := httptest.NewServer(nil)
		downURL := down.URL
		down.Close() // nothing listens there any more
		t.Cleanup(func() { ts.Close(); srv.Close() })
		mk := func(url, tok string) portal.Client {
			c, err := portal.New(portal.Settings{Kind: portal.KindReference, URL: url, Token: tok})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		return portaltest.Env{
			Client:   mk(ts.URL, "tok"),
			BadToken: mk(ts.URL, "not-a-token"),
			Down:     mk(downURL, "tok"),
			Refuse: func(n int, reason string) {
				srv.Faults().Update(func(f *portalserver.FaultSettings) { f.RefuseNext, f.RefuseReason = n, reason })
			},
			Fail: func(n int) {
				srv.Faults().Update(func(f *portalserver.FaultSettings) { f.FailNext, f.FailStatus = n, 500 })
			},
			SetStatus: func(id string, st portal.Status, reason string) error {
				return srv.SetStatus("KIOSK-T", id, st, reason)
			},
			Held: func(sha string) (io.ReadCloser, error) {
				b, err := srv.Store().Attachment(context.Background(), sha)
				if err != nil {
					return nil, err
				}
				return io.NopCloser(bytes.NewReader(b)), nil
			},
			MaxAttachment: 20 << 20, // the reference server's limit for one document
		}
	})
}
