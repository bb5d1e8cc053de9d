package chipauth

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/cardreader"
	"motcua/cardreader/internal/ecutil"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
	"motcua/cardreader/sm"
	"motcua/cardreader/tlv"
)

// buildDG14 makes a DG14 the way an issuer does: 6E around the SET OF
// SecurityInfo.
func buildDG14(t testing.TB, infos ...[]byte) []byte {
	t.Helper()
	var raws []asn1.RawValue
	for _, i := range infos {
		raws = append(raws, asn1.RawValue{FullBytes: i})
	}
	set, err := asn1.MarshalWithParams(raws, "set")
	if err != nil {
		t.Fatal(err)
	}
	return tlv.Encode(0x6E, set)
}

func dg14For(t testing.TB, key *StaticKey, info Info) []byte {
	t.Helper()
	in, err := MarshalInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := MarshalPublicKey(key.Public)
	if err != nil {
		t.Fatal(err)
	}
	return buildDG14(t, in, pk)
}

func TestDG14RoundTrip(t *testing.T) {
	for _, param := range []int{pace.ParamBrainpoolP256r1, pace.ParamNISTP256, pace.ParamBrainpoolP384r1} {
		key, err := GenerateKey(param, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		info := Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}
		infos, keys, err := ParseDG14(dg14For(t, key, info))
		if err != nil {
			t.Fatal(err)
		}
		gotInfo, gotKey, err := Select(infos, keys)
		if err != nil {
			t.Fatal(err)
		}
		if !gotInfo.Protocol.Equal(OIDCAECDHAES128) || gotInfo.Version != 1 || gotKey.ParameterID != param || !bytes.Equal(gotKey.Point, key.Public.Point) {
			t.Errorf("param %d: got %+v %+v", param, gotInfo, gotKey)
		}
	}
}

// explicitBrainpoolP256r1 is brainpoolP256r1 spelled out as ECParameters
// (RFC 5639 §3.4, RFC 3279 §2.3.5), as many eMRTD DG14s carry it.
func explicitBrainpoolP256r1(t testing.TB) []byte {
	h := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	n := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 16); return v }
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}) // prime-field
			b.AddASN1BigInt(n("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"))
		})
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(h("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"))
			b.AddASN1OctetString(h("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"))
		})
		b.AddASN1OctetString(h("04" + "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262" +
			"547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"))
		b.AddASN1BigInt(n("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"))
		b.AddASN1Int64(1) // cofactor
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pkInfo(t testing.TB, alg asn1.ObjectIdentifier, params []byte, point []byte, keyID int) []byte {
	k, err := asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}{pkix.AlgorithmIdentifier{Algorithm: alg, Parameters: asn1.RawValue{FullBytes: params}},
		asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(struct {
		P  asn1.ObjectIdentifier
		K  asn1.RawValue
		ID int
	}{OIDPKECDH, asn1.RawValue{FullBytes: k}, keyID})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseKeyForms(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	pid, _ := asn1.Marshal(13)
	info, _ := MarshalInfo(Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: 7})
	for _, tc := range []struct {
		name string
		pk   []byte
	}{
		{"explicit parameters", pkInfo(t, lds.OIDECPublicKey, explicitBrainpoolP256r1(t), key.Public.Point, 7)},
		{"standardized parameter ID", pkInfo(t, lds.OIDStandardizedDomainParameters, pid, key.Public.Point, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			infos, keys, err := ParseDG14(buildDG14(t, info, tc.pk))
			if err != nil {
				t.Fatal(err)
			}
			in, k, err := Select(infos, keys)
			if err != nil {
				t.Fatal(err)
			}
			if in.KeyID != 7 || k.KeyID != 7 || k.ParameterID != pace.ParamBrainpoolP256r1 || !bytes.Equal(k.Point, key.Public.Point) {
				t.Errorf("got %+v %+v", in, k)
			}
		})
	}
}

// TestMarshalForm checks the encoders against DER built field by field:
// RFC 5480 named curve, key ID present or not.
func TestMarshalForm(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	curve, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 7})
	pk := key.Public
	pk.KeyID = 7
	got, err := MarshalPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	if want := pkInfo(t, lds.OIDECPublicKey, curve, pk.Point, 7); !bytes.Equal(got, want) {
		t.Errorf("MarshalPublicKey = %X, want %X", got, want)
	}
	for _, tc := range []struct {
		in   Info
		want any
	}{
		{Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}, struct {
			P asn1.ObjectIdentifier
			V int
		}{OIDCAECDHAES128, 1}},
		{Info{Protocol: OIDCAECDH3DES, Version: 1, KeyID: 3}, struct {
			P     asn1.ObjectIdentifier
			V, ID int
		}{OIDCAECDH3DES, 1, 3}},
	} {
		want, _ := asn1.Marshal(tc.want)
		if got, err := MarshalInfo(tc.in); err != nil || !bytes.Equal(got, want) {
			t.Errorf("MarshalInfo(%+v) = %X, %v; want %X", tc.in, got, err, want)
		}
	}
	if _, err := MarshalPublicKey(PublicKey{ParameterID: 10, Point: pk.Point}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("P-224 key: err = %v", err)
	}
}

func TestParseDG14Errors(t *testing.T) {
	key, _ := GenerateKey(pace.ParamNISTP256, rand.Reader)
	info, _ := MarshalInfo(Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1})
	offCurve := append([]byte(nil), key.Public.Point...)
	offCurve[len(offCurve)-1] ^= 1
	p224, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 132, 0, 33})
	p224Key, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p224Point := ecutil.EncodePoint(elliptic.P224(), p224Key.X, p224Key.Y)
	secp256k1, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 132, 0, 10})
	p256, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	for _, tc := range []struct {
		name string
		dg14 []byte
		want error
	}{
		{"not DER", []byte{0x6E, 0x03, 0x31, 0x05, 0x00}, ErrMalformed},
		{"point off the curve", buildDG14(t, info, pkInfo(t, lds.OIDECPublicKey, p256, offCurve, 1)), ErrMalformed},
		// lds knows P-224 but PACE has no P-224 domain parameters.
		{"curve without PACE parameters", buildDG14(t, info, pkInfo(t, lds.OIDECPublicKey, p224, p224Point, 1)), ErrUnsupported},
		{"unknown curve", buildDG14(t, info, pkInfo(t, lds.OIDECPublicKey, secp256k1, key.Public.Point, 1)), ErrUnsupported},
		{"info without key", buildDG14(t, info), ErrNoChipAuth},
		{"CA version 2 only", func() []byte {
			in2, _ := MarshalInfo(Info{Protocol: OIDCAECDHAES128, Version: 2, KeyID: -1})
			pk, _ := MarshalPublicKey(key.Public)
			return buildDG14(t, in2, pk)
		}(), ErrNoChipAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			infos, keys, err := ParseDG14(tc.dg14)
			if err == nil {
				_, _, err = Select(infos, keys)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestImplicit3DES: a DG14 with a key and no ChipAuthenticationInfo means
// CA-ECDH-3DES (ICAO 9303 Part 11 §9.2.5).
func TestImplicit3DES(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	pk, _ := MarshalPublicKey(key.Public)
	infos, keys, err := ParseDG14(buildDG14(t, pk))
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := Select(infos, keys)
	if err != nil || !in.Protocol.Equal(OIDCAECDH3DES) {
		t.Fatalf("Select = %+v, %v", in, err)
	}
}

// smCard is a card that speaks secure messaging and Chip Authentication,
// switching to the new keys after answering, as a real chip does.
type smCard struct {
	session *sm.Session
	ca      *Chip
}

func (c *smCard) ATR() []byte { return []byte{0x3B, 0x80, 0x80, 0x01, 0x01} }
func (c *smCard) Reset()      {}
func (c *smCard) Process(raw []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(raw)
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusWrongLength}.Bytes(), nil
	}
	plain, err := c.session.UnwrapCommand(cmd)
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusSMDataObjectsIncorrect}.Bytes(), nil
	}
	var data []byte
	var next *Keys
	switch {
	case plain.INS == InsMSE && plain.P2 == P2AT:
		err = c.ca.SetAT(plain.Data)
	case plain.INS == InsMSE && plain.P2 == P2KAT:
		next, err = c.ca.SetKAT(plain.Data)
	case plain.INS == InsGA:
		data, next, err = c.ca.Authenticate(plain.Data)
	case plain.INS == 0xA4:
		err = nil
	default:
		err = ErrState
	}
	out := c.session.WrapResponse(iso7816.Response{Data: data, Status: ChipStatus(err)})
	if next != nil {
		if c.session, err = next.Session(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// smTransport is the host half of secure messaging over a card.
type smTransport struct {
	card    iso7816.Card
	session *sm.Session
}

func (t *smTransport) Transmit(_ context.Context, raw []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(raw)
	if err != nil {
		return nil, err
	}
	w, err := t.session.WrapCommand(cmd)
	if err != nil {
		return nil, err
	}
	resp, err := t.card.Process(w.Bytes())
	if err != nil {
		return nil, err
	}
	r, err := t.session.UnwrapResponse(resp)
	if err != nil {
		return nil, err
	}
	return r.Bytes(), nil
}

// runCA opens a secure messaging pair, runs CA with the chip holding
// chipKey while DG14 shows dg14Key, then sends SELECT under the new keys.
func runCA(t *testing.T, proto asn1.ObjectIdentifier, chipKey, dg14Key *StaticKey) error {
	t.Helper()
	kenc, kmac := bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 16)
	host, _ := sm.New(sm.AES128, kenc, kmac, make([]byte, 16))
	card, _ := sm.New(sm.AES128, kenc, kmac, make([]byte, 16))
	info := Info{Protocol: proto, Version: 1, KeyID: -1}
	ca, err := NewChip(chipKey, info)
	if err != nil {
		t.Fatal(err)
	}
	c := &smCard{session: card, ca: ca}
	tr := &smTransport{card: c, session: host}
	ctx := context.Background()
	keys, err := Authenticate(ctx, tr, info, dg14Key.Public, nil)
	if err != nil {
		return err
	}
	if tr.session, err = keys.Session(); err != nil {
		t.Fatal(err)
	}
	raw, err := tr.Transmit(ctx, iso7816.Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{0x01, 0x1E}}.Bytes())
	if err != nil {
		return errors.Join(ErrKeyMismatch, err)
	}
	if r, _ := iso7816.ParseResponse(raw); r.Status != iso7816.StatusOK {
		return errors.Join(ErrKeyMismatch, r.Status)
	}
	return nil
}

func TestAuthenticate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		proto asn1.ObjectIdentifier
		param int
	}{
		{"AES128/brainpoolP256r1", OIDCAECDHAES128, pace.ParamBrainpoolP256r1},
		{"AES256/P256", OIDCAECDHAES256, pace.ParamNISTP256},
		{"3DES/brainpoolP256r1", OIDCAECDH3DES, pace.ParamBrainpoolP256r1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, err := GenerateKey(tc.param, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := runCA(t, tc.proto, key, key); err != nil {
				t.Fatalf("genuine chip: %v", err)
			}
			clone, _ := GenerateKey(tc.param, rand.Reader)
			err = runCA(t, tc.proto, clone, key)
			if !errors.Is(err, ErrKeyMismatch) {
				t.Fatalf("clone: err = %v, want ErrKeyMismatch", err)
			}
			if got := Result(true, Info{Protocol: tc.proto, KeyID: -1}, key.Public, err); got.Status != cardreader.StatusFailed || got.Code != CodeKeyMismatch {
				t.Errorf("clone check = %+v", got)
			}
		})
	}
}

// TestSharedSecretMatchesECDH cross-checks the key agreement on P-256
// against crypto/ecdh, an independent implementation.
func TestSharedSecretMatchesECDH(t *testing.T) {
	chipPriv, _ := ecdh.P256().GenerateKey(rand.Reader)
	chip, err := NewStaticKey(pace.ParamNISTP256, chipPriv.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(chip.Public.Point, chipPriv.PublicKey().Bytes()) {
		t.Fatal("public key differs from crypto/ecdh")
	}
	termPriv, _ := ecdh.P256().GenerateKey(rand.Reader)
	term, err := NewTerminal(Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}, chip.Public, bytes.NewReader(termPriv.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got := term.Keys()
	z, err := termPriv.ECDH(chipPriv.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if want := sm.DeriveKey(z, sm.CounterEnc, sm.AES128); !bytes.Equal(got.KSenc, want) {
		t.Errorf("KSenc = %x, want %x", got.KSenc, want)
	}
	if want := sm.DeriveKey(z, sm.CounterMAC, sm.AES128); !bytes.Equal(got.KSmac, want) {
		t.Errorf("KSmac = %x, want %x", got.KSmac, want)
	}
}

func TestCommands(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	term, err := NewTerminal(Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: 1}, key.Public, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmds := term.Commands()
	if len(cmds) != 2 {
		t.Fatalf("%d commands for AES, want MSE:SET AT and GENERAL AUTHENTICATE", len(cmds))
	}
	if got, want := hex.EncodeToString(cmds[0].Bytes()), "002241a40f800a04007f0007020203020284"+"0101"; got != want {
		t.Errorf("MSE:SET AT = %s, want %s", got, want)
	}
	if c := cmds[1]; c.INS != InsGA || !bytes.HasPrefix(c.Data, []byte{0x7C, 0x43, 0x80, 0x41, 0x04}) {
		t.Errorf("GENERAL AUTHENTICATE = %x", c.Bytes())
	}
}

func TestChipRejects(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	info := Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: 3}
	oid, _ := asn1MarshalOID(OIDCAECDHAES128)
	other, _ := asn1MarshalOID(OIDCAECDHAES256)
	good := tlv.Encode(tagOID, oid)
	for _, tc := range []struct {
		name   string
		setAT  []byte
		ga     []byte
		status iso7816.Status
	}{
		{"GA without MSE", nil, tlv.Encode(tagDyn, tlv.Encode(tagGAPK, key.Public.Point)), iso7816.StatusConditionsNotSatisfied},
		{"protocol not offered", tlv.Encode(tagOID, other), nil, iso7816.StatusIncorrectData},
		{"unknown key", append(append([]byte(nil), good...), 0x84, 0x01, 0x09), nil, 0x6A88},
		{"point off the curve", good, tlv.Encode(tagDyn, tlv.Encode(tagGAPK, key.Public.Point[:33])), iso7816.StatusIncorrectData},
		{"no 7C", good, tlv.Encode(tagGAPK, key.Public.Point), iso7816.StatusIncorrectData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chip, _ := NewChip(key, info)
			var err error
			if tc.setAT != nil {
				err = chip.SetAT(tc.setAT)
			}
			if err == nil && tc.ga != nil {
				_, _, err = chip.Authenticate(tc.ga)
			}
			if got := ChipStatus(err); got != tc.status {
				t.Errorf("status %v (%v), want %v", got, err, tc.status)
			}
		})
	}
}

func TestResult(t *testing.T) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	info := Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}
	for _, tc := range []struct {
		name    string
		present bool
		err     error
		status  cardreader.CheckStatus
		code    string
	}{
		{"passed", true, nil, cardreader.StatusPassed, ""},
		{"no DG14", false, nil, cardreader.StatusUnsupported, CodeNoDG14},
		{"unsupported", true, ErrNoChipAuth, cardreader.StatusUnsupported, CodeUnsupported},
		{"malformed", true, ErrMalformed, cardreader.StatusFailed, CodeMalformed},
		{"refused", true, &iso7816.StatusError{Op: "chip authentication", Status: iso7816.StatusIncorrectData}, cardreader.StatusFailed, CodeRefused},
		{"clone", true, errors.Join(ErrKeyMismatch, iso7816.StatusSMDataObjectsIncorrect), cardreader.StatusFailed, CodeKeyMismatch},
		{"MAC failure under the old keys", true, sm.ErrMAC, cardreader.StatusFailed, CodeError},
		{"card removed", true, iso7816.ErrCardRemoved, cardreader.StatusFailed, CodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Result(tc.present, info, key.Public, tc.err)
			if got.Status != tc.status || got.Code != tc.code {
				t.Errorf("Result = %+v, want %s/%s", got, tc.status, tc.code)
			}
			if tc.present && got.Evidence["curve"] != "brainpoolP256r1" {
				t.Errorf("evidence %v lacks the curve", got.Evidence)
			}
		})
	}
}

func FuzzParseDG14(f *testing.F) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	f.Add(dg14For(f, key, Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}))
	info, _ := MarshalInfo(Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: 1})
	f.Add(buildDG14(f, info, pkInfo(f, lds.OIDECPublicKey, explicitBrainpoolP256r1(f), key.Public.Point, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		infos, keys, err := ParseDG14(b)
		if err != nil {
			return
		}
		for _, k := range keys {
			if err := checkPoint(k.Curve(), k.Point); err != nil {
				t.Fatalf("ParseDG14 returned an invalid key: %v", err)
			}
		}
		if in, k, err := Select(infos, keys); err == nil {
			if _, err := NewTerminal(in, k, nil); err != nil {
				t.Fatalf("selected pair unusable: %v", err)
			}
		}
	})
}

// FuzzChip feeds arbitrary MSE and GENERAL AUTHENTICATE data to the card side.
func FuzzChip(f *testing.F) {
	key, _ := GenerateKey(pace.ParamBrainpoolP256r1, rand.Reader)
	oid, _ := asn1MarshalOID(OIDCAECDHAES128)
	f.Add(tlv.Encode(tagOID, oid), tlv.Encode(tagDyn, tlv.Encode(tagGAPK, key.Public.Point)))
	f.Fuzz(func(t *testing.T, setAT, ga []byte) {
		chip, _ := NewChip(key, Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1})
		if chip.SetAT(setAT) != nil {
			return
		}
		if _, k, err := chip.Authenticate(ga); err == nil && k == nil {
			t.Fatal("success without keys")
		}
	})
}

func BenchmarkAuthenticate(b *testing.B) {
	for _, param := range []int{pace.ParamBrainpoolP256r1, pace.ParamNISTP256} {
		key, _ := GenerateKey(param, rand.Reader)
		c, _ := pace.Curve(param)
		b.Run(c.Params().Name, func(b *testing.B) {
			info := Info{Protocol: OIDCAECDHAES128, Version: 1, KeyID: -1}
			chip, _ := NewChip(key, info)
			oid, _ := asn1MarshalOID(info.Protocol)
			for b.Loop() {
				term, err := NewTerminal(info, key.Public, nil)
				if err != nil {
					b.Fatal(err)
				}
				cmds := term.Commands()
				if err := chip.SetAT(tlv.Encode(tagOID, oid)); err != nil {
					b.Fatal(err)
				}
				if _, _, err := chip.Authenticate(cmds[1].Data); err != nil {
					b.Fatal(err)
				}
				term.Keys()
			}
		})
	}
}

// TestFromSecurityInfos reads a DG14 built by lds, the way emrtd gets it.
func TestFromSecurityInfos(t *testing.T) {
	ec, err := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := KeyFromPrivate(ec)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := lds.MarshalPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	si := &lds.SecurityInfos{
		ChipAuthentication:    []lds.ChipAuthenticationInfo{{Protocol: lds.OIDCAECDHAES128, Version: 1}},
		ChipAuthenticationKey: []lds.ChipAuthenticationPublicKeyInfo{{Protocol: lds.OIDPKECDH, PublicKey: spki}},
	}
	dg14, err := lds.EncodeDG14(si)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := lds.ParseDG14(dg14)
	if err != nil {
		t.Fatal(err)
	}
	infos, keys, err := FromSecurityInfos(parsed)
	if err != nil {
		t.Fatal(err)
	}
	_, pk, err := Select(infos, keys)
	if err != nil {
		t.Fatal(err)
	}
	if pk.ParameterID != pace.ParamBrainpoolP256r1 || !bytes.Equal(pk.Point, key.Public.Point) {
		t.Errorf("key %+v, want the fixture's", pk)
	}
	if err := runCA(t, OIDCAECDHAES128, key, &StaticKey{Public: pk}); err != nil {
		t.Errorf("CA with the lds-parsed key: %v", err)
	}
}
