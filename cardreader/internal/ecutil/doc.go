// Package ecutil holds the elliptic-curve chores that PACE and Chip
// Authentication share: the uncompressed point encoding of BSI TR-03111
// §3.2.1, its checked decoding, and drawing a private scalar.
//
// It works on crypto/elliptic curves because the eMRTD protocols need the
// Brainpool curves and the generic mapping, which crypto/ecdh does not offer.
package ecutil
