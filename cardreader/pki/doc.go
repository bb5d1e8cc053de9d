// Package pki decides whether an EF.SOD can be trusted: passive
// authentication of ICAO 9303 Part 11 §5.1. It checks each data group's hash,
// the CMS signature of the Document Signer (RSA PKCS #1 v1.5, RSA-PSS, ECDSA
// on NIST and Brainpool curves) and the Document Signer certificate's chain
// to a CSCA in a TrustStore loaded from DER/PEM certificates and ICAO master
// lists.
//
// crypto/x509 refuses Brainpool keys, which the Vietnamese CSCA uses, so
// certificates are read (and, for test PKIs, written) with a small parser of
// our own that keeps the raw bytes the signatures cover.
package pki
