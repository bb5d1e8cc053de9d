package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"motcua/cardreader/cccd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/qrcode"
)

// TestCommittedQRs checks that seeds/cards/qr holds, for every fixture, the
// PNG --write-qr makes now, and that each decodes to the fixture's payload.
// Regenerate with: go run ./cmd/cardsim --write-qr seeds/cards/qr
func TestCommittedQRs(t *testing.T) {
	files, err := filepath.Glob("../../seeds/cards/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	dir := t.TempDir()
	var log bytes.Buffer
	if err := writeQRs(files, dir, &log); err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		f, err := fixture.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(f.Name, func(t *testing.T) {
			fresh, err := os.ReadFile(filepath.Join(dir, f.Name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join("../../seeds/cards/qr", f.Name+".png"))
			if err != nil {
				t.Fatalf("%v (regenerate: go run ./cmd/cardsim --write-qr seeds/cards/qr)", err)
			}
			if !bytes.Equal(fresh, committed) {
				t.Fatal("seeds/cards/qr is stale (regenerate: go run ./cmd/cardsim --write-qr seeds/cards/qr)")
			}
			text, err := qrcode.DecodeReader(bytes.NewReader(committed))
			if err != nil {
				t.Fatal(err)
			}
			q, err := cccd.ParseQR(text)
			if err != nil {
				t.Fatal(err)
			}
			want := cccd.QRFromCitizen(f.Person)
			want.FullName = cccd.NormalizeText(want.FullName)
			want.Address = cccd.NormalizeText(want.Address)
			if q.String() != want.String() {
				t.Fatal("decoded QR differs from the fixture")
			}
		})
	}
}
