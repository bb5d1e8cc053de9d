// Package cmac implements the CMAC message authentication code (NIST SP
// 800-38B, RFC 4493) over any 64- or 128-bit block cipher.
//
// ICAO 9303 uses AES-CMAC for PACE authentication tokens and for AES secure
// messaging, where the MAC is the first 8 bytes of the 16-byte CMAC.
package cmac
