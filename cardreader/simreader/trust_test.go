package simreader_test

import "motcua/cardreader/pki"

func emptyStore() *pki.TrustStore { return pki.NewTrustStore() }
