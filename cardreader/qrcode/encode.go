package qrcode

import (
	"fmt"

	qr "github.com/skip2/go-qrcode"
)

// EncodePNG draws text as a QR code, size pixels square, with medium error
// correction (15%, as printed cards use) and the standard quiet zone. The
// CCCD payload (about 135 bytes) becomes version 7, 45×45 modules.
func EncodePNG(text string, size int) ([]byte, error) {
	png, err := qr.Encode(text, qr.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qrcode: encode: %w", err)
	}
	return png, nil
}
