package main

import (
	"fmt"
	"os"
	"path/filepath"

	"motcua/cardreader/cccd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/qrcode"
	"motcua/cardreader/simreader"
)

// loadCard builds the virtual chip of a fixture file, signed by the test
// PKI in pkiDir ("" finds seeds/pki beside the fixture).
func loadCard(path, pkiDir string) (iso7816.Card, string, error) {
	sim, err := simreader.Open(path, simreader.Options{PKIDir: pkiDir})
	if err != nil {
		return nil, "", err
	}
	return sim.Card, sim.Built.Name, nil
}

// writeQRs writes the printed QR code of each fixture as DIR/NAME.png.
func writeQRs(files []string, dir string, out interface{ Write([]byte) (int, error) }) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, path := range files {
		f, err := fixture.Load(path)
		if err != nil {
			return err
		}
		png, err := qrcode.EncodePNG(cccd.QRFromCitizen(f.Person).String(), 400)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, f.Name+".png")
		if err := os.WriteFile(dst, png, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", dst)
	}
	return nil
}
