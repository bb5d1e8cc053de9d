package emrtd_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"image"
	"image/color"
	"image/jpeg"
	"sync"
	"testing"

	"motcua/cardreader/bac"
	"motcua/cardreader/cccd"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/lds"
	"motcua/cardreader/vchip"
)

// A fictional holder.
var holder = cccd.Citizen{
	ID:               "079203001234",
	OldID:            "271234567",
	FullName:         "Phạm Minh Khoa",
	DateOfBirth:      cccd.Date{Year: 2003, Month: 8, Day: 15},
	Sex:              cccd.Male,
	Nationality:      "Việt Nam",
	Ethnicity:        "Kinh",
	Religion:         "Không",
	PlaceOfOrigin:    "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
	PlaceOfResidence: "12 Đường Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh",
	IdentifyingMarks: "Nốt ruồi cách 2 cm trên đuôi mắt trái",
	IssueDate:        cccd.Date{Year: 2021, Month: 4, Day: 10},
	ExpiryDate:       cccd.Date{Year: 2028, Month: 8, Day: 15},
	Father:           "Phạm Văn Bình",
	Mother:           "Nguyễn Thị Lan",
}

var holderKey = emrtd.KeyFromID(holder.ID, holder.DateOfBirth, holder.ExpiryDate, false)

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	photoJPG []byte
)

func keys(t testing.TB) {
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		img := image.NewGray(image.Rect(0, 0, 240, 320))
		for i := range img.Pix {
			img.Pix[i] = byte(i * 7)
		}
		img.Set(0, 0, color.Gray{Y: 1})
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
			panic(err)
		}
		photoJPG = buf.Bytes()
	})
}

// files builds a card's LDS files (no SOD: passive authentication is the
// fixture package's business, tested in simreader).
func files(t testing.TB, aa crypto.Signer) map[uint16][]byte {
	keys(t)
	dg15, err := lds.EncodeDG15(aa.Public())
	if err != nil {
		t.Fatal(err)
	}
	com := &lds.COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 13, 15}}
	return map[uint16][]byte{
		lds.FIDCOM:  com.Encode(),
		lds.FIDDG1:  lds.EncodeDG1(lds.MRZFromCitizen(holder)),
		lds.FIDDG2:  lds.EncodeDG2(photoJPG, 240, 320),
		lds.FIDDG3:  {0x63, 0x00},
		lds.FIDDG13: cccd.EncodeDG13(holder),
		lds.FIDDG15: dg15,
	}
}

func newCard(t testing.TB, f vchip.Faults) *vchip.Card {
	keys(t)
	return vchip.New(vchip.Config{
		Files:  files(t, rsaKey),
		MRZ:    bac.NewMRZInfo(holder.ID, holder.DateOfBirth, holder.ExpiryDate, false),
		AAKey:  rsaKey,
		Faults: f,
	})
}
