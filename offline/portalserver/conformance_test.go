package portalserver_test

import (
	"testing"

	"motcua/offline/portalserver"
	"motcua/offline/portalserver/storetest"
)

// The bbolt store passes the Store conformance suite.
func TestBoltConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) portalserver.Store {
		st, err := portalserver.OpenBolt(t.TempDir(), true)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
