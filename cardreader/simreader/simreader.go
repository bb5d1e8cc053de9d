package simreader

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/bac"
	"motcua/cardreader/emrtd"
	"motcua/cardreader/fixture"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pki"
	"motcua/cardreader/vchip"
	"motcua/seeds"
)

// Options configure a simulated read. The zero value reads like a kiosk
// with the test CSCA trusted.
type Options struct {
	// PKIDir is the test PKI (signers and trust store); "" finds the
	// "pki" directory beside the fixture's, going up (seeds/cards/x.json
	// and seeds/cards/faults/x.json both find seeds/pki).
	PKIDir string
	// Trust replaces the test PKI's trust store for passive authentication.
	Trust *pki.TrustStore
	// Key replaces the key derived from the fixture (to test a wrong key).
	Key *emrtd.Key
	// MaxLe, Progress and Now are passed to emrtd.Options.
	MaxLe    int
	Progress func(emrtd.Step)
	Now      func() time.Time
	// ExtendedLength makes the chip accept extended length APDUs.
	ExtendedLength bool
}

// ReadFile builds the fixture's chip and reads it with emrtd.Read.
func ReadFile(ctx context.Context, fixturePath string, opts Options) (*cardreader.Reading, error) {
	sim, err := Open(fixturePath, opts)
	if err != nil {
		return nil, err
	}
	return sim.Read(ctx)
}

// Sim is a built virtual card with the reader options to read it; Read can
// be called again (the benchmarks do).
type Sim struct {
	Card    *vchip.Card
	Fixture *fixture.Fixture
	Built   *fixture.Card
	Options emrtd.Options
}

// Open loads and builds a fixture and prepares its read.
func Open(fixturePath string, opts Options) (*Sim, error) {
	card, fx, built, err := newCard(fixturePath, opts.PKIDir, opts.ExtendedLength)
	if err != nil {
		return nil, err
	}
	trust := opts.Trust
	if trust == nil {
		trust = built.trust
	}
	key := KeyOf(built.Card)
	if opts.Key != nil {
		key = *opts.Key
	}
	return &Sim{Card: card, Fixture: fx, Built: built.Card, Options: emrtd.Options{
		Key:      key,
		Trust:    trust,
		MaxLe:    opts.MaxLe,
		Progress: opts.Progress,
		Now:      opts.Now,
	}}, nil
}

// Read powers the card afresh (Insert) and reads it.
func (s *Sim) Read(ctx context.Context) (*cardreader.Reading, error) {
	s.Card.Insert()
	var t iso7816.Transport = atrTransport{iso7816.NewCardTransport(s.Card), s.Card}
	return emrtd.Read(ctx, t, s.Options)
}

// atrTransport lets emrtd see the chip's ATR, as a PC/SC reader would.
type atrTransport struct {
	iso7816.Transport
	c *vchip.Card
}

func (a atrTransport) ATR() []byte { return a.c.ATR() }

// Reconnect waits for a lifted virtual card to be back in the field, as a
// PC/SC reader waits for a card to be put back.
func (a atrTransport) Reconnect(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for !a.c.Present() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// KeyOf is the key a kiosk derives for a card: from the ID, date of birth
// and expiry (the QR code gives the first two and the issue date, which
// fixes the expiry by the renewal rules).
// A card whose MRZ writes "no expiry" as fillers gets the filler key, the
// one a kiosk tries last.
func KeyOf(c *fixture.Card) emrtd.Key {
	k := emrtd.KeyFromID(c.Citizen.ID, c.Citizen.DateOfBirth, c.Citizen.ExpiryDate, c.Citizen.NoExpiry)
	k.FillerExpiry = c.Citizen.NoExpiry && c.MRZ != nil && c.MRZ.DateOfExpiry == lds.FillerDate
	return k
}

// NewCard loads and builds a fixture's chip, signed by the test PKI found
// beside it, for serving to a host (cmd/cardsim, the UI's demo mode).
func NewCard(fixturePath string) (*vchip.Card, *fixture.Card, error) {
	c, _, b, err := newCard(fixturePath, "", false)
	if err != nil {
		return nil, nil, err
	}
	return c, b.Card, nil
}

type built struct {
	*fixture.Card
	trust *pki.TrustStore
}

func newCard(path, pkiDir string, extended bool) (*vchip.Card, *fixture.Fixture, *built, error) {
	// A shipped fixture may be named ("nguyen-van-an"), so the binary works
	// from any directory; an existing file path is used as given.
	path, err := seeds.Fixture(path)
	if err != nil {
		return nil, nil, nil, err
	}
	fx, err := fixture.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if pkiDir == "" {
		if pkiDir, err = FindPKI(path); err != nil {
			return nil, nil, nil, err
		}
	}
	p, err := fixture.LoadPKI(pkiDir)
	if err != nil {
		return nil, nil, nil, err
	}
	card, err := fx.Build(p)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := Config(card)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg.ExtendedLength = extended
	return vchip.New(cfg), fx, &built{card, p.Trust}, nil
}

// Config is the virtual chip configuration of a built fixture: its files,
// the BAC key of its DG1, its CAN, AA and CA keys, and its chip faults.
func Config(c *fixture.Card) (vchip.Config, error) {
	cfg := vchip.Config{
		Files:       c.Files,
		MRZ:         bac.MRZInfo{DocumentNumber: c.MRZ.DocumentNumber, DateOfBirth: c.MRZ.DateOfBirth, DateOfExpiry: c.MRZ.DateOfExpiry},
		CAN:         c.CAN,
		AAKey:       c.AAKey,
		AAHash:      c.AAHash,
		ChipAuthKey: c.CAKey,
	}
	if c.CAKey == nil {
		cfg.ChipAuthKey = nil // no typed nil in the interface
	}
	if c.AAKey == nil {
		cfg.AAKey = nil
	}
	if len(c.ChipFaults) > 0 {
		if err := json.Unmarshal(c.ChipFaults, &cfg.Faults); err != nil {
			return vchip.Config{}, fmt.Errorf("simreader: chipFaults of %s: %w", c.Name, err)
		}
	}
	return cfg, nil
}

// FindPKI finds the test PKI for a fixture: a directory "pki" (with
// "signers" in it) beside the fixture's directory or one of its parents.
func FindPKI(fixturePath string) (string, error) {
	abs, err := filepath.Abs(fixturePath)
	if err != nil {
		return "", err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		for _, cand := range []string{filepath.Join(d, "pki"), filepath.Join(d, "seeds", "pki")} {
			if st, err := os.Stat(filepath.Join(cand, "signers")); err == nil && st.IsDir() {
				return cand, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("simreader: no test PKI (pki/signers) above %s", filepath.Dir(abs))
		}
	}
}
