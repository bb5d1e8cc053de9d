package qrcode

import (
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/cardreader/cccd"
	"motcua/cardreader/fixture"
)

// TestFixtureQRsDecode decodes every fixture's committed card QR
// (seeds/cards/qr) plain and after the damage a counter camera sees, and
// checks each against the QR payload the fixture's holder should carry.
func TestFixtureQRsDecode(t *testing.T) {
	pngs, err := filepath.Glob("../../seeds/cards/qr/*.png")
	if err != nil || len(pngs) == 0 {
		t.Fatalf("no committed fixture QRs: %v", err)
	}
	for _, path := range pngs {
		name := strings.TrimSuffix(filepath.Base(path), ".png")
		t.Run(name, func(t *testing.T) {
			f, err := fixture.Load(filepath.Join("../../seeds/cards", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			want := cccd.QRFromCitizen(f.Person).String()
			r, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			img, _, err := image.Decode(r)
			if err != nil {
				t.Fatal(err)
			}
			code := toGray(img)
			for _, tc := range []struct {
				name string
				img  image.Image
			}{
				{"plain", code},
				{"rotated 90", rotate(code, 90)},
				{"rotated 15", rotate(code, 15)},
				{"box blur r=2", boxBlur(code, 2)},
				{"rotated -15 and blurred", boxBlur(rotate(code, -15), 1)},
				{"low contrast 110-150", squeeze(code, 110, 150)},
				{"glare patch", glare(code, 0.55, 0.45, 0.18)},
				// A long address makes a dense code (version 14, 73 modules):
				// decoding needs about 4 px per module, so the camera must see
				// the card's QR at least ~320 px wide; here it is 400 px.
				{"1280x720 noisy frame", frame(code, 7)},
			} {
				got, err := Decode(tc.img)
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
					continue
				}
				if got != want {
					t.Errorf("%s: decoded payload differs from the fixture's QR", tc.name)
				}
				if _, err := cccd.ParseQR(got); err != nil {
					t.Errorf("%s: decoded payload does not parse: %v", tc.name, err)
				}
			}
		})
	}
}

func toGray(img image.Image) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}
