package vchip

import (
	"crypto"
	"crypto/rand"
	"errors"
	"io"
	"sync"
	"time"

	"motcua/cardreader/bac"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/sm"
)

// AID is the ICAO eMRTD application identifier.
var AID = []byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}

// File identifiers of the eMRTD file system (ICAO 9303 Part 10).
const (
	FIDCardAccess uint16 = 0x011C // in the master file, readable without access control
	FIDSOD        uint16 = 0x011D
	FIDCOM        uint16 = 0x011E
	FIDDG1        uint16 = 0x0101
	FIDDG2        uint16 = 0x0102
	FIDDG3        uint16 = 0x0103 // fingerprints: needs Extended Access Control, always refused here
	FIDDG13       uint16 = 0x010D
	FIDDG14       uint16 = 0x010E
	FIDDG15       uint16 = 0x010F
)

// Config is everything a virtual chip holds.
type Config struct {
	// Files maps FIDs to file contents. EF.CardAccess (011C) lives in the
	// master file; every other file is in the eMRTD application.
	Files map[uint16][]byte
	// MRZ is the BAC key material; the chip refuses any other.
	MRZ bac.MRZInfo
	// CAN is the PACE card access number (last 6 digits of the ID), for the
	// PACE handlers.
	CAN string
	// AAKey is the Active Authentication private key (*rsa.PrivateKey or
	// *ecdsa.PrivateKey) matching DG15; nil when the chip has no AA.
	AAKey crypto.Signer
	// AAHash is the hash of RSA AA signatures (ISO/IEC 9796-2 trailer BC for
	// SHA-1, 34CC for SHA-256) and of ECDSA AA signatures; 0 means SHA-1
	// for RSA and SHA-256 for ECDSA.
	AAHash crypto.Hash
	// ChipAuthKey is the Chip Authentication private key matching DG14, for
	// the CA handlers; nil when absent.
	ChipAuthKey crypto.PrivateKey
	// ExtendedLength lets the chip accept extended length APDUs (and says so
	// in its ATR).
	ExtendedLength bool
	// Faults make the chip misbehave on purpose.
	Faults Faults
	// Rand is the chip's randomness; nil means crypto/rand.
	Rand io.Reader
	// Sleep waits out Faults.Delay; nil means time.Sleep. Tests replace it.
	Sleep func(time.Duration)
}

// handler answers one plain command.
type handler func(c *Card, cmd iso7816.Command) iso7816.Response

// command is one row of the dispatch table.
type command struct {
	h handler
	// chainable handlers take command chaining (CLA bit 0x10), such as
	// PACE's GENERAL AUTHENTICATE.
	chainable bool
}

// handlers is the dispatch table by INS: every command the chip answers,
// in one place (see the package documentation to add one).
var handlers = map[byte]command{
	insSelect:                   {h: (*Card).selectFile},
	insReadBinary:               {h: (*Card).readBinary},
	insReadBinaryOdd:            {h: (*Card).readBinaryOdd},
	bac.InsGetChallenge:         {h: (*Card).getChallenge},
	bac.InsExternalAuthenticate: {h: (*Card).externalAuthenticate},
	insInternalAuthenticate:     {h: (*Card).internalAuthenticate},
	insMSE:                      {h: (*Card).manageSecurityEnvironment},
	insGA:                       {h: (*Card).generalAuthenticate, chainable: true},
}

// Card is a virtual chip. It is safe for concurrent use, though a host talks
// to it one APDU at a time.
type Card struct {
	mu  sync.Mutex
	cfg Config
	atr []byte

	// Link state.
	apdus     int  // APDUs seen, for RemoveAfter
	removed   bool // out of the field
	lifted    bool // RemoveAfter has taken the card out once
	removedAt time.Time
	responses int // protected responses sent, for the MAC and SSC faults
	statusHit []int

	// Session state, dropped by Reset.
	appSelected bool
	current     uint16        // selected EF, 0 when none
	session     *sm.Session   // secure messaging, nil when none
	pending     *sm.Session   // installed after the current response
	secure      bool          // the command being handled came protected
	bac         *bac.Card     // BAC state (outstanding challenge)
	state       map[any]any   // handler state (PACE, CA)
	clone       crypto.Signer // the cloned chip's own AA key, made on first use
}

// New builds a chip from cfg. The files map is used as is, not copied.
func New(cfg Config) *Card {
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Sleep == nil {
		cfg.Sleep = time.Sleep
	}
	c := &Card{cfg: cfg, atr: makeATR(cfg.ExtendedLength || cfg.Faults.ATRClaimsExtended), statusHit: make([]int, len(cfg.Faults.Status))}
	c.resetLocked()
	return c
}

// makeATR builds a contactless ATR as PC/SC readers present an ISO 14443-4
// card (PC/SC part 3: 3B 8n 80 01, historical bytes, TCK). The historical
// bytes carry the card capabilities (compact-TLV 73); its third byte has
// b7 set when the chip takes extended Lc/Le (ISO 7816-4 §12.1.1.9).
func makeATR(extended bool) []byte {
	caps := byte(0)
	if extended {
		caps = 0x40
	}
	hist := []byte{0x80, 0x73, 0x00, 0x00, caps}
	atr := []byte{0x3B, 0x80 | byte(len(hist)), 0x80, 0x01}
	atr = append(atr, hist...)
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// ATR is the answer to reset.
func (c *Card) ATR() []byte { return append([]byte(nil), c.atr...) }

// Config returns the chip's configuration.
func (c *Card) Config() Config { return c.cfg }

// Reset power-cycles the chip: selection, secure messaging and handler state
// are dropped. A removed card stays removed; the APDU count for
// RemoveAfter keeps running.
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
}

func (c *Card) resetLocked() {
	c.appSelected = false
	c.current = 0
	c.session, c.pending = nil, nil
	c.bac = bac.NewCard(c.cfg.MRZ)
	c.state = map[any]any{}
}

// Insert puts a removed card back in the field (after a Reset, as a reader
// powers a new card), so a test can read it again. It is a new placement:
// the APDU count starts over, so RemoveAfter and TransientAt fire again.
func (c *Card) Insert() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removed, c.lifted = false, false
	c.apdus = 0
	c.resetLocked()
}

// back puts a lifted card back once Faults.ReturnAfter has passed, powered
// afresh, and reports whether it is in the field.
func (c *Card) back() bool {
	if !c.removed {
		return true
	}
	d := time.Duration(c.cfg.Faults.ReturnAfter)
	if d <= 0 || time.Since(c.removedAt) < d {
		return false
	}
	c.removed = false
	c.resetLocked()
	return true
}

// Present reports whether the card is in the field (a lifted card comes
// back after Faults.ReturnAfter).
func (c *Card) Present() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.back()
}

// ReturnIn is how long until a lifted card comes back: 0 when it is in
// the field or will not come back.
func (c *Card) ReturnIn() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := time.Duration(c.cfg.Faults.ReturnAfter)
	if !c.removed || d <= 0 {
		return 0
	}
	return max(d-time.Since(c.removedAt), time.Nanosecond)
}

// Process answers one command APDU.
func (c *Card) Process(raw []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := &c.cfg.Faults
	c.apdus++
	if !c.lifted && f.RemoveAfter > 0 && c.apdus > f.RemoveAfter {
		c.removed, c.lifted, c.removedAt = true, true, time.Now()
	}
	if !c.back() {
		return nil, iso7816.ErrCardRemoved
	}
	if c.apdus == f.TransientAt {
		return nil, iso7816.ErrTransient
	}
	if f.Delay > 0 {
		c.cfg.Sleep(time.Duration(f.Delay))
	}
	cmd, err := iso7816.ParseCommand(raw)
	if err != nil {
		return statusOnly(iso7816.StatusWrongLength), nil
	}
	if cmd.Extended() && !c.cfg.ExtendedLength {
		// A chip that cannot parse the APDU cannot check its MAC either:
		// it answers in plain and secure messaging is over.
		c.session = nil
		return statusOnly(iso7816.StatusWrongLength), nil
	}
	c.secure = false
	if cmd.CLA&0x0C == 0x0C {
		if c.session == nil {
			return statusOnly(iso7816.StatusSMDataObjectsMissing), nil
		}
		plain, err := c.session.UnwrapCommand(cmd)
		if err != nil {
			// A real chip ends secure messaging on any SM error and
			// answers in plain (ICAO 9303 Part 11 §9.8.6).
			c.session = nil
			sw := iso7816.StatusSMDataObjectsIncorrect
			if errors.Is(err, sm.ErrMissingObjects) {
				sw = iso7816.StatusSMDataObjectsMissing
			}
			return statusOnly(sw), nil
		}
		cmd, c.secure = plain, true
	} else if c.session != nil {
		// A plain command ends secure messaging.
		c.session = nil
	}
	resp := c.dispatch(cmd)
	if c.secure && c.session != nil {
		c.responses++
		if c.responses == f.WrongSSCAt {
			c.session.IncrementSSC()
		}
		out := c.session.WrapResponse(resp)
		if c.responses == f.WrongMACAt {
			out[len(out)-3] ^= 0x01 // last MAC byte, just before SW1 SW2
		}
		c.installPending()
		return out, nil
	}
	c.installPending()
	return resp.Bytes(), nil
}

func (c *Card) installPending() {
	if c.pending != nil {
		c.session, c.pending = c.pending, nil
	}
}

func (c *Card) dispatch(cmd iso7816.Command) iso7816.Response {
	if cmd.CLA&^0x0C != 0 && !(cmd.CLA&^0x1C == 0 && handlers[cmd.INS].chainable) {
		return iso7816.Response{Status: iso7816.StatusCLANotSupported}
	}
	if sw, ok := c.forcedStatus(cmd); ok {
		return iso7816.Response{Status: sw}
	}
	h, ok := handlers[cmd.INS]
	if !ok {
		return iso7816.Response{Status: iso7816.StatusINSNotSupported}
	}
	return h.h(c, cmd)
}

// forcedStatus applies Faults.Status.
func (c *Card) forcedStatus(cmd iso7816.Command) (iso7816.Status, bool) {
	target := c.current
	if cmd.INS == insSelect {
		target = 0
		if len(cmd.Data) == 2 {
			target = uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		}
	}
	for i, f := range c.cfg.Faults.Status {
		if (f.File != 0 && f.File != target) || (f.INS != 0 && f.INS != cmd.INS) {
			continue
		}
		if f.Times > 0 && c.statusHit[i] >= f.Times {
			continue
		}
		c.statusHit[i]++
		return f.Status, true
	}
	return 0, false
}

func statusOnly(s iso7816.Status) []byte { return iso7816.Response{Status: s}.Bytes() }

// Secure reports whether the command being handled came under secure
// messaging, i.e. the host has authenticated.
func (c *Card) Secure() bool { return c.secure }

// StartSession installs new secure messaging keys after the current
// response has been sent (protected under the old keys, if any): what BAC,
// PACE and Chip Authentication do at their last step.
func (c *Card) StartSession(s *sm.Session) { c.pending = s }

// State returns handler state stored under key (nil when none).
func (c *Card) State(key any) any { return c.state[key] }

// SetState stores handler state under key until the next Reset.
func (c *Card) SetState(key, v any) { c.state[key] = v }

// Rand is the chip's source of randomness.
func (c *Card) Rand() io.Reader { return c.cfg.Rand }

// File returns the contents of an EF, or false when the chip has no such file.
func (c *Card) File(fid uint16) ([]byte, bool) {
	b, ok := c.cfg.Files[fid]
	return b, ok
}
