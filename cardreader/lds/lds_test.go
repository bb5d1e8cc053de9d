package lds

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/cccd"
	"motcua/cardreader/tlv"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	text := hex.EncodeToString(got) + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Fatalf("%s differs from the golden file (run with -update if intended)", name)
	}
}

func TestDGNumbers(t *testing.T) {
	for n := 1; n <= 16; n++ {
		fid, _ := DGFID(n)
		tag, _ := DGTag(n)
		if m, ok := DGFromFID(fid); !ok || m != n {
			t.Errorf("DGFromFID(%04X) = %d", fid, m)
		}
		if m, ok := DGFromTag(tag); !ok || m != n {
			t.Errorf("DGFromTag(%X) = %d", tag, m)
		}
	}
	if fid, _ := DGFID(13); fid != FIDDG13 || FileName(fid) != "DG13" || FileName(FIDSOD) != "EF.SOD" {
		t.Error("DG13 file identifier or name wrong")
	}
}

func TestCOM(t *testing.T) {
	c := &COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 13, 14, 15}}
	b := c.Encode()
	golden(t, "com.hex", b)
	got, err := ParseCOM(b)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("ParseCOM = %+v, %v", got, err)
	}
	for _, bad := range [][]byte{nil, {0x60, 0x02, 0x5F, 0x01}, tlv.Nest(0x60, tlv.Encode(0x5C, []byte{0x99})), tlv.Nest(0x60)} {
		if _, err := ParseCOM(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseCOM(%x) err = %v", bad, err)
		}
	}
}

// The fictional example of docs/reference/cccd-tech.md §2.1.
const exampleMRZ = "IDVNM2030012345079203001234<<5" + "0308153M2808152VNM<<<<<<<<<<<8" + "PHAM<<MINH<KHOA<<<<<<<<<<<<<<<"

func exampleCitizen() cccd.Citizen {
	return cccd.Citizen{ID: "079203001234", FullName: "Phạm Minh Khoa", DateOfBirth: cccd.Date{Year: 2003, Month: 8, Day: 15},
		Sex: cccd.Male, ExpiryDate: cccd.Date{Year: 2028, Month: 8, Day: 15}}
}

func TestParseTD1Example(t *testing.T) {
	m, err := ParseTD1(exampleMRZ)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID() != "079203001234" || m.DocumentNumber != "203001234" || m.Sex != 'M' {
		t.Fatalf("fields: %+v", m)
	}
	if got := m.BACKeySeedInput(); got != "203001234"+"5"+"030815"+"3"+"280815"+"2" {
		t.Fatalf("BACKeySeedInput = %s", got)
	}
	dob, err := m.BirthDate(30)
	if err != nil || dob != (cccd.Date{Year: 2003, Month: 8, Day: 15}) {
		t.Fatalf("BirthDate = %v, %v", dob, err)
	}
	exp, ok, err := m.ExpiryDate()
	if err != nil || !ok || exp != (cccd.Date{Year: 2028, Month: 8, Day: 15}) {
		t.Fatalf("ExpiryDate = %v %v %v", exp, ok, err)
	}
	if sur, giv := m.NameParts(); sur != "PHAM" || giv != "MINH KHOA" {
		t.Fatalf("NameParts = %q %q", sur, giv)
	}
	// Built from the citizen, the MRZ is the same, character for character.
	if got := MRZFromCitizen(exampleCitizen()); strings.ReplaceAll(got.String(), "\n", "") != exampleMRZ {
		t.Fatalf("MRZFromCitizen =\n%s", got)
	}
}

func TestParseTD1Errors(t *testing.T) {
	flip := func(i int, c byte) string { b := []byte(exampleMRZ); b[i] = c; return string(b) }
	tests := []struct {
		name, in, field string
		is              error
	}{
		{"short", exampleMRZ[:89], FieldLayout, ErrMRZ},
		{"lower case", strings.ToLower(exampleMRZ), FieldLayout, ErrMRZ},
		{"document number", flip(5, '3'), FieldDocumentNumber, ErrCheckDigit},
		{"birth", flip(31, '4'), FieldDateOfBirth, ErrCheckDigit},
		{"expiry", flip(39, '9'), FieldDateOfExpiry, ErrCheckDigit},
		{"composite", flip(59, '1'), FieldComposite, ErrCheckDigit},
		{"id check digit", flip(29, '6'), FieldComposite, ErrCheckDigit},
		{"sex", flip(37, 'X'), "sex", ErrMRZ},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTD1(tc.in)
			var me *MRZError
			if !errors.As(err, &me) || me.Field != tc.field || !errors.Is(err, tc.is) || !errors.Is(err, ErrMRZ) {
				t.Fatalf("err = %v, want field %q", err, tc.field)
			}
			if strings.Contains(err.Error(), "203001234") {
				t.Fatal("error leaks the document number")
			}
		})
	}
}

func TestMRZFromCitizen(t *testing.T) {
	yearOnly := exampleCitizen()
	yearOnly.DateOfBirth = cccd.Date{Year: 1958}
	yearOnly.ID = "001058004321"
	yearOnly.NoExpiry, yearOnly.ExpiryDate = true, cccd.Date{}
	female := exampleCitizen()
	female.Sex, female.FullName, female.ID = cccd.Female, "Đặng Thị Ánh Nguyệt Ơn Ưng Ấu", "079303001234"
	for _, c := range []cccd.Citizen{exampleCitizen(), yearOnly, female} {
		m := MRZFromCitizen(c)
		back, err := ParseDG1(EncodeDG1(m))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if back.ID() != c.ID || back.Sex != c.Sex.MRZ() {
			t.Fatalf("round trip: %+v", back)
		}
		dob, err := back.BirthDate(30)
		if err != nil || dob != c.DateOfBirth {
			t.Fatalf("BirthDate = %v, %v", dob, err)
		}
		exp, ok, err := back.ExpiryDate()
		if err != nil || ok == c.NoExpiry || exp != c.ExpiryDate {
			t.Fatalf("ExpiryDate = %v %v %v", exp, ok, err)
		}
	}
	for in, want := range map[string]string{
		"Đặng Thị Ánh Nguyệt":  "DANG<<THI<ANH<NGUYET",
		"  Ly   Seo Chứ ":      "LY<<SEO<CHU",
		"Giàng A Páo":          "GIANG<<A<PAO",
		"H'Mông Thị Lò-Vàng":   "HMONG<<THI<LO<VANG",
		"Nguyễn Thị Ưng Ửng Ự": "NGUYEN<<THI<UNG<UNG<U",
		"":                     "",
	} {
		if got := TransliterateName(in); got != want {
			t.Errorf("TransliterateName(%q) = %s, want %s", in, got, want)
		}
	}
	if got := MRZFromCitizen(female).Name; len(got) != 30 || !strings.HasPrefix(got, "DANG<<THI<ANH<NGUYET<ON<UNG<AU") {
		t.Fatalf("Name = %s", got)
	}
}

func testJPEG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDG2(t *testing.T) {
	jpg := testJPEG(t, 48, 64)
	jp2 := append([]byte{0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}, make([]byte, 40)...)
	for _, tc := range []struct {
		img    []byte
		format string
	}{{jpg, FormatJPEG}, {jp2, FormatJPEG2000}, {[]byte{0xFF, 0x4F, 0xFF, 0x51, 0, 0}, FormatJPEG2000}} {
		f, err := ParseDG2(EncodeDG2(tc.img, 48, 64))
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != tc.format || f.Width != 48 || f.Height != 64 || !bytes.Equal(f.Image, tc.img) {
			t.Fatalf("ParseDG2 = %s %dx%d, %d bytes", f.Format, f.Width, f.Height, len(f.Image))
		}
	}
	bad := EncodeDG2([]byte("not an image"), 1, 1)
	if _, err := ParseDG2(bad); !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v", err)
	}
	good := EncodeDG2(jpg, 48, 64)
	if _, err := ParseDG2(good[:len(good)-10]); !errors.Is(err, tlv.ErrTruncated) {
		t.Fatalf("truncated err = %v", err)
	}
}

func TestDG15(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	var keys []crypto.PublicKey
	keys = append(keys, &rsaKey.PublicKey)
	for _, c := range Curves {
		k, err := ecdsa.GenerateKey(c.Curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, &k.PublicKey)
	}
	for _, pub := range keys {
		b, err := EncodeDG15(pub)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDG15(b)
		if err != nil {
			t.Fatal(err)
		}
		switch want := pub.(type) {
		case *rsa.PublicKey:
			if !want.Equal(got) {
				t.Fatal("RSA key differs")
			}
		case *ecdsa.PublicKey:
			g := got.(*ecdsa.PublicKey)
			if g.Curve.Params().Name != want.Curve.Params().Name || g.X.Cmp(want.X) != 0 || g.Y.Cmp(want.Y) != 0 {
				t.Fatalf("EC key on %s differs", want.Curve.Params().Name)
			}
		}
	}
}

// TestExplicitECParameters parses a brainpoolP256r1 key given with explicit
// domain parameters, as eMRTD DG14/DG15 keys often are.
func TestExplicitECParameters(t *testing.T) {
	c := brainpool.P256r1()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Params()
	a, _ := hex.DecodeString("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9")
	var params ecParameters
	params.Version = 1
	params.FieldID.FieldType = oidPrimeField
	params.FieldID.Prime = p.P
	params.Curve.A = a
	params.Curve.B, _ = hex.DecodeString("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6")
	params.Base = elliptic.Marshal(c, p.Gx, p.Gy)
	params.Order = p.N
	params.Cofactor = big.NewInt(1)
	pder, err := asn1.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	point := elliptic.Marshal(c, k.X, k.Y)
	der, err := asn1.Marshal(spki{Algorithm: pkix.AlgorithmIdentifier{Algorithm: OIDECPublicKey, Parameters: asn1.RawValue{FullBytes: pder}},
		PublicKey: asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	if g := got.(*ecdsa.PublicKey); g.Curve.Params().Name != "brainpoolP256r1" || g.X.Cmp(k.X) != 0 {
		t.Fatal("wrong key")
	}
	// The same key as DG14 may carry it: id-PK-ECDH with explicit
	// parameters, or a standardized domain parameter ID.
	for _, alg := range []pkix.AlgorithmIdentifier{
		{Algorithm: OIDPKECDH, Parameters: asn1.RawValue{FullBytes: pder}},
		{Algorithm: OIDStandardizedDomainParameters, Parameters: asn1.RawValue{FullBytes: []byte{0x02, 0x01, 13}}},
	} {
		der, _ := asn1.Marshal(spki{Algorithm: alg, PublicKey: asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
		got, err := ParsePublicKey(der)
		if err != nil || !got.(*ecdsa.PublicKey).Equal(&k.PublicKey) {
			t.Fatalf("%v: %v", alg.Algorithm, err)
		}
	}
	params.Order = new(big.Int).Add(p.N, big.NewInt(2))
	pder, _ = asn1.Marshal(params)
	der, _ = asn1.Marshal(spki{Algorithm: pkix.AlgorithmIdentifier{Algorithm: OIDECPublicKey, Parameters: asn1.RawValue{FullBytes: pder}},
		PublicKey: asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
	if _, err := ParsePublicKey(der); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("unknown curve err = %v", err)
	}
}

// cccdCardAccess is the EF.CardAccess Vietnamese apps hard-code
// (docs/reference/cccd-tech.md §2.3).
const cccdCardAccess = "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"

func TestCardAccess(t *testing.T) {
	b, _ := hex.DecodeString(cccdCardAccess)
	si, err := ParseCardAccess(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(si.PACE) != 1 || !si.PACE[0].Protocol.Equal(OIDPACEECDHGM128) || si.PACE[0].Version != 2 || si.PACE[0].ParameterID != 13 {
		t.Fatalf("PACE = %+v", si.PACE)
	}
	if len(si.ChipAuthentication) != 1 || !si.ChipAuthentication[0].Protocol.Equal(OIDCAECDHAES128) {
		t.Fatalf("CA = %+v", si.ChipAuthentication)
	}
	if len(si.TerminalAuthentication) != 1 || si.TerminalAuthentication[0].Version != 1 {
		t.Fatalf("TA = %+v", si.TerminalAuthentication)
	}
	if c, ok := CurveByParamID(si.PACE[0].ParameterID); !ok || c.Name != "brainpoolP256r1" {
		t.Fatal("parameter 13 is not brainpoolP256r1")
	}
	// Re-encoding gives the same set, though DER SET order may differ.
	re, err := si.Encode()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseCardAccess(re)
	if err != nil || !reflect.DeepEqual(again, si) {
		t.Fatalf("round trip: %+v, %v", again, err)
	}
}

func TestDG14(t *testing.T) {
	k, _ := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	pub, err := MarshalPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	unknown := tlv.Nest(0x30, []byte{0x06, 0x03, 0x2A, 0x03, 0x04}, []byte{0x02, 0x01, 0x07})
	si := &SecurityInfos{
		ChipAuthentication:     []ChipAuthenticationInfo{{Protocol: OIDCAECDHAES128, Version: 1, KeyID: 1, HasKeyID: true}},
		ChipAuthenticationKey:  []ChipAuthenticationPublicKeyInfo{{Protocol: OIDPKECDH, PublicKey: pub, KeyID: 1, HasKeyID: true}},
		TerminalAuthentication: []TerminalAuthenticationInfo{{Protocol: OIDTA, Version: 1}},
		ActiveAuthentication:   []ActiveAuthenticationInfo{{Version: 1, SignatureAlgorithm: OIDECDSAPlainSHA256}},
		PACE:                   []PACEInfo{{Protocol: OIDPACEECDHGM128, Version: 2, ParameterID: 13, HasParamID: true}},
		Unknown:                []RawSecurityInfo{{Protocol: asn1.ObjectIdentifier{1, 2, 3, 4}, DER: unknown}},
	}
	b, err := EncodeDG14(si)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseDG14(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, si) {
		t.Fatalf("got %+v\nwant %+v", got, si)
	}
	key, err := ParsePublicKey(got.ChipAuthenticationKey[0].PublicKey)
	if err != nil || !key.(*ecdsa.PublicKey).Equal(&k.PublicKey) {
		t.Fatalf("CA key: %v", err)
	}
	paceOID, _ := asn1.Marshal(OIDPACEECDHGM128)
	caOID, _ := asn1.Marshal(OIDCAECDHAES128)
	for _, bad := range [][]byte{
		{0x6E, 0x00},
		{0x6E, 0x04, 0x31, 0x02, 0x30, 0x00},
		tlv.Nest(0x6E, tlv.Nest(0x31, tlv.Nest(0x30, paceOID))),                   // PACEInfo without version
		tlv.Nest(0x6E, tlv.Nest(0x31, tlv.Nest(0x30, caOID, []byte{0x04, 0x00}))), // CA version not an INTEGER
		tlv.Nest(0x6E, tlv.Nest(0x31, tlv.Nest(0x30, paceOID, []byte{0x02, 0x01}))),
	} {
		if _, err := ParseDG14(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseDG14(%x) err = %v", bad, err)
		}
	}
}

// testSigner makes a self-signed certificate for key (RSA or NIST EC).
func testSigner(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{Country: []string{"VN"}, CommonName: "Test DS"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestSODRoundTrip(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dgs := map[int][]byte{1: EncodeDG1(MRZFromCitizen(exampleCitizen())), 13: cccd.EncodeDG13(exampleCitizen()), 2: []byte{0x75, 0}}
	when := time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		opts SignOptions
		alg  string
	}{
		{"rsa sha256", rsaKey, SignOptions{SigningTime: when}, "sha256WithRSAEncryption"},
		{"rsa-pss sha512", rsaKey, SignOptions{Hash: crypto.SHA512, PSS: true}, "RSASSA-PSS/SHA-512"},
		{"ecdsa sha384", ecKey, SignOptions{Hash: crypto.SHA384}, "ecdsa-with-SHA384"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := testSigner(t, tc.key)
			b, err := BuildSOD(dgs, tc.key, cert, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			sod, err := ParseSOD(b)
			if err != nil {
				t.Fatal(err)
			}
			h := tc.opts.Hash
			if h == 0 {
				h = crypto.SHA256
			}
			if sod.Hash != h || len(sod.Hashes) != 3 || !sod.EContentType.Equal(OIDLDSSecurityObject) {
				t.Fatalf("SOD %+v", sod)
			}
			for n, dg := range dgs {
				d := h.New()
				d.Write(dg)
				if !bytes.Equal(sod.Hashes[n], d.Sum(nil)) {
					t.Fatalf("DG%d hash differs", n)
				}
			}
			d := h.New()
			d.Write(sod.EContent)
			if !bytes.Equal(sod.Signer.MessageDigest, d.Sum(nil)) || !sod.Signer.ContentType.Equal(OIDLDSSecurityObject) {
				t.Fatal("signed attributes wrong")
			}
			alg, err := ParseSignatureAlgorithm(sod.Signer.SignatureAlgorithm)
			if err != nil || alg.Name != tc.alg {
				t.Fatalf("algorithm %+v, %v", alg, err)
			}
			if sod.Signer.SerialNumber.Int64() != 42 || len(sod.Certificates) != 1 || !bytes.Equal(sod.Certificates[0], cert) {
				t.Fatal("signer identification wrong")
			}
			if !tc.opts.SigningTime.IsZero() && !sod.Signer.SigningTime.Equal(when) {
				t.Fatalf("signing time %v", sod.Signer.SigningTime)
			}
			// The signature verifies with the standard library.
			c, _ := x509.ParseCertificate(cert)
			sh := alg.Hash.New()
			sh.Write(sod.Signer.SignedAttrs)
			digest := sh.Sum(nil)
			switch pub := c.PublicKey.(type) {
			case *rsa.PublicKey:
				if alg.Kind == SigRSAPSS {
					err = rsa.VerifyPSS(pub, alg.Hash, digest, sod.Signer.Signature, &rsa.PSSOptions{SaltLength: alg.SaltLength})
				} else {
					err = rsa.VerifyPKCS1v15(pub, alg.Hash, digest, sod.Signer.Signature)
				}
			case *ecdsa.PublicKey:
				if !ecdsa.VerifyASN1(pub, digest, sod.Signer.Signature) {
					err = errors.New("ECDSA signature invalid")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParseSODErrors(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b, err := BuildSOD(map[int][]byte{1: {0x61, 0}}, key, testSigner(t, key), SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 7 {
		if _, err := ParseSOD(b[:i]); err == nil {
			t.Fatalf("truncated at %d accepted", i)
		}
	}
	wrong := bytes.Clone(b)
	oid := []byte{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02}
	i := bytes.Index(wrong, oid)
	wrong[i+len(oid)-1] = 0x01 // data instead of signedData
	if _, err := ParseSOD(wrong); !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v", err)
	}
}

func TestSHA256Vector(t *testing.T) {
	// Guard against a HashByOID table slip: SHA-256 must be the 2.16.840.1.101.3.4.2.1 OID.
	h, ok := HashByOID(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1})
	if !ok || h != crypto.SHA256 || h.Size() != sha256.Size {
		t.Fatal("SHA-256 OID wrong")
	}
}
