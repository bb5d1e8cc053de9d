package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"motcua/cardreader/bac"
	"motcua/cardreader/cccd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/qrcode"
	"motcua/cardreader/vchip"
)

// loadCard builds the virtual chip of a fixture file.
func loadCard(path, pkiDir string) (iso7816.Card, string, error) {
	c, _, err := buildCard(path, pkiDir)
	if err != nil {
		return nil, "", err
	}
	chip, err := chipFor(c)
	if err != nil {
		return nil, "", err
	}
	return chip, c.Name, nil
}

// buildCard builds a fixture's files and keys with the test PKI (pkiDir ""
// finds seeds/pki from the fixture's path).
func buildCard(path, pkiDir string) (*fixture.Card, *fixture.PKI, error) {
	f, err := fixture.Load(path)
	if err != nil {
		return nil, nil, err
	}
	if pkiDir == "" {
		pkiDir = defaultPKI(path)
	}
	p, err := fixture.LoadPKI(pkiDir)
	if err != nil {
		return nil, nil, fmt.Errorf("test PKI: %w", err)
	}
	c, err := f.Build(p)
	if err != nil {
		return nil, nil, err
	}
	return c, p, nil
}

// chipFor makes a fresh virtual chip for a built fixture.
func chipFor(c *fixture.Card) (*vchip.Card, error) {
	var faults vchip.Faults
	if len(c.ChipFaults) > 0 {
		if err := json.Unmarshal(c.ChipFaults, &faults); err != nil {
			return nil, fmt.Errorf("fixture %s: chipFaults: %w", c.Name, err)
		}
	}
	return vchip.New(vchip.Config{
		Files:       c.Files,
		MRZ:         bac.MRZInfo{DocumentNumber: c.MRZ.DocumentNumber, DateOfBirth: c.MRZ.DateOfBirth, DateOfExpiry: c.MRZ.DateOfExpiry},
		CAN:         c.CAN,
		AAKey:       c.AAKey,
		AAHash:      c.AAHash,
		ChipAuthKey: c.CAKey,
		Faults:      faults,
	}), nil
}

// defaultPKI finds seeds/pki beside the seeds/cards directory that holds
// the fixture (fault fixtures live one level deeper, in seeds/cards/faults).
func defaultPKI(fixturePath string) string {
	dir := filepath.Dir(fixturePath)
	for range 3 {
		if p := filepath.Join(dir, "..", "pki"); isDir(p) {
			return p
		}
		dir = filepath.Join(dir, "..")
	}
	return filepath.Join("seeds", "pki")
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
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
