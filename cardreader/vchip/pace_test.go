package vchip_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/brainpool"

	"motcua/cardreader/bac"
	"motcua/cardreader/chipauth"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pace"
	"motcua/cardreader/sm"
	"motcua/cardreader/vchip"
)

const testCAN = "001234"

// paceMRZ is the fictional holder's BAC key material.
var paceMRZ = bac.MRZInfo{DocumentNumber: "203001234", DateOfBirth: "030815", DateOfExpiry: "280815"}

var paceInfo = pace.Info{Protocol: pace.OIDPACEECDHGMAES128, Version: 2, ParameterID: pace.ParamBrainpoolP256r1}

// paceCard is a chip with PACE (EF.CardAccess as CCCDs have it) and Chip
// Authentication with a brainpoolP256r1 key in DG14.
func paceCard(t testing.TB, f vchip.Faults) *vchip.Card {
	t.Helper()
	return paceCardCA(t, f, lds.OIDCAECDHAES128)
}

// paceCardCA is paceCard with the Chip Authentication protocol of choice.
func paceCardCA(t testing.TB, f vchip.Faults, caProtocol asn1.ObjectIdentifier) *vchip.Card {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(brainpool.P256r1(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := lds.MarshalPublicKey(&caKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dg14, err := lds.EncodeDG14(&lds.SecurityInfos{
		ChipAuthentication:    []lds.ChipAuthenticationInfo{{Protocol: caProtocol, Version: 1}},
		ChipAuthenticationKey: []lds.ChipAuthenticationPublicKeyInfo{{Protocol: lds.OIDPKECDH, PublicKey: spki}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := chipauth.MarshalInfo(chipauth.Info{Protocol: chipauth.OIDCAECDHAES128, Version: 1, KeyID: -1})
	if err != nil {
		t.Fatal(err)
	}
	cardAccess, err := pace.MarshalCardAccess([]pace.Info{paceInfo}, ca)
	if err != nil {
		t.Fatal(err)
	}
	return vchip.New(vchip.Config{
		Files: map[uint16][]byte{
			vchip.FIDCardAccess: cardAccess,
			vchip.FIDCOM:        {0x60, 0x03, 0x5C, 0x01, 0x61},
			vchip.FIDDG1:        append([]byte{0x61, 0x81, 0x90}, bytes.Repeat([]byte{'<'}, 0x90)...),
			vchip.FIDDG14:       dg14,
		},
		MRZ:         paceMRZ,
		CAN:         testCAN,
		ChipAuthKey: caKey,
		Faults:      f,
	})
}

// smLink is the host end of secure messaging, as a Transport.
type smLink struct {
	card    iso7816.Card
	session *sm.Session
}

func (l *smLink) Transmit(_ context.Context, raw []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(raw)
	if err != nil {
		return nil, err
	}
	w, err := l.session.WrapCommand(cmd)
	if err != nil {
		return nil, err
	}
	resp, err := l.card.Process(w.Bytes())
	if err != nil {
		return nil, err
	}
	r, err := l.session.UnwrapResponse(resp)
	if err != nil {
		return nil, err
	}
	return r.Bytes(), nil
}

func (l *smLink) send(t *testing.T, cmd iso7816.Command) iso7816.Response {
	t.Helper()
	raw, err := l.Transmit(context.Background(), cmd.Bytes())
	if err != nil {
		t.Fatalf("%X: %v", cmd.INS, err)
	}
	r, _ := iso7816.ParseResponse(raw)
	return r
}

func openPACE(t *testing.T, c *vchip.Card, pw pace.Password) (*smLink, error) {
	t.Helper()
	keys, err := pace.Establish(context.Background(), iso7816.NewCardTransport(c), pace.Config{Info: paceInfo, Password: pw})
	if err != nil {
		return nil, err
	}
	s, err := keys.Session()
	if err != nil {
		t.Fatal(err)
	}
	return &smLink{card: c, session: s}, nil
}

var selectApplet = iso7816.Command{INS: 0xA4, P1: 0x04, P2: 0x0C, Data: vchip.AID}

func TestPACE(t *testing.T) {
	for _, tc := range []struct {
		name string
		pw   pace.Password
	}{
		{"CAN", pace.CAN(testCAN)},
		{"MRZ", pace.MRZ(paceMRZ.String())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := paceCard(t, vchip.Faults{})
			l, err := openPACE(t, c, tc.pw)
			if err != nil {
				t.Fatal(err)
			}
			if r := l.send(t, selectApplet); r.Status != iso7816.StatusOK {
				t.Fatalf("select applet under PACE: %v", r.Status)
			}
			if r := l.send(t, iso7816.Command{INS: 0xB0, P1: 0x81, Ne: 5}); r.Status != iso7816.StatusOK || !bytes.Equal(r.Data, []byte{0x61, 0x81, 0x90, '<', '<'}) {
				t.Errorf("read DG1 by SFI: %X %v", r.Data, r.Status)
			}
		})
	}
}

func TestPACEFaults(t *testing.T) {
	t.Run("wrong CAN", func(t *testing.T) {
		_, err := openPACE(t, paceCard(t, vchip.Faults{}), pace.CAN("001235"))
		if !errors.Is(err, pace.ErrAuthentication) || !errors.Is(err, iso7816.Status(0x6300)) {
			t.Errorf("err = %v, want the chip's 6300", err)
		}
	})
	t.Run("bad chip token", func(t *testing.T) {
		_, err := openPACE(t, paceCard(t, vchip.Faults{PACEBadToken: true}), pace.CAN(testCAN))
		var se *iso7816.StatusError
		if !errors.Is(err, pace.ErrAuthentication) || errors.As(err, &se) {
			t.Errorf("err = %v, want the host to reject the chip's token", err)
		}
	})
	t.Run("no PACE", func(t *testing.T) {
		c := vchip.New(vchip.Config{Files: map[uint16][]byte{vchip.FIDCardAccess: {0x31, 0x00}}, MRZ: paceMRZ, CAN: testCAN})
		_, err := openPACE(t, c, pace.CAN(testCAN))
		if !errors.Is(err, iso7816.StatusINSNotSupported) {
			t.Errorf("err = %v, want 6D00", err)
		}
	})
	t.Run("chaining outside PACE", func(t *testing.T) {
		c := paceCard(t, vchip.Faults{})
		resp, _ := c.Process([]byte{0x10, 0xB0, 0x00, 0x00, 0x04})
		if !bytes.Equal(resp, []byte{0x6E, 0x00}) {
			t.Errorf("chained READ BINARY answered %X, want 6E00", resp)
		}
	})
}

func runChipAuth(t *testing.T, c *vchip.Card) iso7816.Response {
	t.Helper()
	l, err := openPACE(t, c, pace.CAN(testCAN))
	if err != nil {
		t.Fatal(err)
	}
	if r := l.send(t, selectApplet); r.Status != iso7816.StatusOK {
		t.Fatal(r.Status)
	}
	dg14, _ := c.File(vchip.FIDDG14)
	si, err := lds.ParseDG14(dg14)
	if err != nil {
		t.Fatal(err)
	}
	infos, keys, err := chipauth.FromSecurityInfos(si)
	if err != nil {
		t.Fatal(err)
	}
	info, key, err := chipauth.Select(infos, keys)
	if err != nil {
		t.Fatal(err)
	}
	newKeys, err := chipauth.Authenticate(context.Background(), l, info, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.session, err = newKeys.Session(); err != nil {
		t.Fatal(err)
	}
	raw, err := l.Transmit(context.Background(), iso7816.Command{INS: 0xA4, P1: 0x02, P2: 0x0C, Data: []byte{0x01, 0x1E}}.Bytes())
	if err != nil {
		return iso7816.Response{Status: iso7816.StatusSMDataObjectsIncorrect}
	}
	r, _ := iso7816.ParseResponse(raw)
	return r
}

func TestChipAuthentication(t *testing.T) {
	if r := runChipAuth(t, paceCard(t, vchip.Faults{})); r.Status != iso7816.StatusOK {
		t.Errorf("genuine chip: first command under the CA keys answered %v", r.Status)
	}
	// 3DES Chip Authentication goes through MSE:SET KAT instead.
	if r := runChipAuth(t, paceCardCA(t, vchip.Faults{}, lds.OIDCAECDH3DES)); r.Status != iso7816.StatusOK {
		t.Errorf("genuine chip, 3DES: first command under the CA keys answered %v", r.Status)
	}
	for _, f := range []vchip.Faults{{CAKeyMismatch: true}, {ClonedChip: true}} {
		if r := runChipAuth(t, paceCard(t, f)); r.Status != iso7816.StatusSMDataObjectsIncorrect {
			t.Errorf("%+v: first command under the CA keys answered %v, want 6988", f, r.Status)
		}
	}
}

func TestChipAuthenticationNeedsSecureMessaging(t *testing.T) {
	c := paceCard(t, vchip.Faults{})
	resp, _ := c.Process([]byte{0x00, 0x22, 0x41, 0xA4, 0x0C, 0x80, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02})
	if !bytes.Equal(resp, []byte{0x69, 0x82}) {
		t.Errorf("plain MSE:SET AT for CA answered %X, want 6982", resp)
	}
}
