package emrtd

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"motcua/cardreader"
	"motcua/cardreader/cccd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/pki"
)

// Step is a stage of a read, reported to Options.Progress for the UI.
type Step string

// The stages, in order.
const (
	StepConnecting Step = "connecting" // talking to the card
	StepOpening    Step = "opening"    // access control (BAC or PACE)
	StepReading    Step = "reading"    // reading the files
	StepVerifying  Step = "verifying"  // passive, active and chip authentication
	// StepCardLifted: the card left the field mid-read; the reader waits
	// (Options.ResumeWithin) for it to be put back.
	StepCardLifted Step = "card-lifted"
	// StepResuming: the card is back; it is opened again and the read goes
	// on from the first file not yet read.
	StepResuming Step = "resuming"
)

// DefaultResumeWithin is how long a read waits for a lifted card to be put
// back when Options.ResumeWithin is 0.
const DefaultResumeWithin = 5 * time.Second

// settleWithin is how long the retry of a card's first exchanges may wait
// for it to answer again.
const settleWithin = 3 * time.Second

// maxResumes bounds how often one read resumes: a card that keeps leaving
// the field is better read afresh.
const maxResumes = 3

// AutoLe, as Options.MaxLe, reads with extended length when the card's ATR
// says it takes it (the transport must have an ATR() []byte method), else
// with 256.
const AutoLe = -1

// ChipAuthenticator runs Chip Authentication with the DG14 key; it may
// install new secure messaging keys on s. Only transport failures are
// errors.
type ChipAuthenticator interface {
	ChipAuthenticate(ctx context.Context, s *Session, dg14 *lds.SecurityInfos) (cardreader.Check, error)
}

// DefaultChipAuth is used when Options.ChipAuth is nil; the Chip
// Authentication work sets it from an init function.
var DefaultChipAuth ChipAuthenticator

// Options configure a read.
type Options struct {
	Key Key // access material
	// Trust holds the CSCAs passive authentication chains to. With nil (or
	// an empty store) the SOD's hashes and signature are still checked, and
	// passive authentication is reported as not checked for want of a
	// trust anchor.
	Trust *pki.TrustStore
	// MaxLe is the longest READ BINARY: 0 means 256, above 256 uses
	// extended length, AutoLe asks the card's ATR.
	MaxLe int
	// Access lists the access protocols to try in order; nil means DefaultAccess().
	Access []Access
	// ChipAuth runs Chip Authentication; nil means DefaultChipAuth.
	ChipAuth ChipAuthenticator
	// Progress is told each step as it starts; nil for none. It runs on
	// the reading goroutine and must return quickly.
	Progress func(Step)
	// Now is the clock (for the SOD's validity and the statistics); nil
	// means time.Now.
	Now func() time.Time
	// Rand is the host's randomness (BAC, AA challenge); nil means crypto/rand.
	Rand io.Reader
	// ResumeWithin is how long to wait for a card lifted mid-read to be
	// put back, when the transport is an iso7816.Reconnector: the read then
	// goes on where it stopped, the files already read kept. 0 means
	// DefaultResumeWithin; negative never waits.
	ResumeWithin time.Duration
	// FileProgress is told, after each file, how many of the files to read
	// are done; nil for none. Like Progress it must return quickly.
	FileProgress func(done, total int)
}

// CodeNoSOD is the passive authentication code of a card without EF.SOD.
const CodeNoSOD = "no-sod"

// Data groups a read asks for (DG3 is locked behind Extended Access Control).
var wantedDGs = []int{1, 2, 13, 14, 15}

// Files are the raw files of one read, by data group number, with EF.COM
// and EF.SOD apart.
type Files struct {
	COM, SOD []byte
	DG       map[int][]byte

	done map[uint16][]byte // files read (nil: found absent) by FID, for a resumed read
}

// Read opens the card behind t, reads EF.COM, EF.SOD, DG1, DG2, DG13, DG14
// and DG15, verifies them and returns the Reading. Failures to open or
// read are errors (ErrAccessDenied, ErrCardRemoved, ErrSecureMessaging,
// *FileError, …); verification outcomes are not: they are the Reading's
// checks, each on its own.
func Read(ctx context.Context, t iso7816.Transport, opts Options) (*cardreader.Reading, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	step := func(s Step) {
		if opts.Progress != nil {
			opts.Progress(s)
		}
	}
	start := now()
	step(StepConnecting)
	maxLe := opts.MaxLe
	if maxLe == AutoLe {
		maxLe = 256
		if a, ok := t.(interface{ ATR() []byte }); ok && ExtendedLengthFromATR(a.ATR()) {
			maxLe = MaxExtendedLe
		}
	}
	s := NewSession(t, maxLe)

	step(StepOpening)
	r := &resumer{t: t, s: s, opts: opts, rnd: rnd, step: step}
	if err := open(ctx, s, opts, rnd); cardLeft(err) {
		// A card just placed may not be settled in the field yet: its
		// first exchanges fail as if it had left (PC/SC cannot tell the
		// two apart). One more try from the start, after reconnecting
		// when the transport can; never more.
		step(StepConnecting)
		if rc, ok := t.(iso7816.Reconnector); ok {
			err = r.reopen(ctx, rc, settleWithin, false)
		} else {
			err = open(ctx, s, opts, rnd)
		}
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	s.SetReopen(func(ctx context.Context) error { return open(ctx, s, opts, rnd) })

	step(StepReading)
	files := &Files{DG: make(map[int][]byte, len(wantedDGs))}
	if err := r.do(ctx, func() error { return readFiles(ctx, s, files, opts.FileProgress) }); err != nil {
		return nil, err
	}
	rd, info, err := decode(files)
	if err != nil {
		return nil, err
	}
	rd.Access = s.Access()

	step(StepVerifying)
	if files.SOD == nil {
		rd.Verification.Passive = cardreader.Check{Status: cardreader.StatusFailed, Code: CodeNoSOD, Reason: "the card has no EF.SOD"}
	} else {
		rd.Verification.Passive, _ = pki.VerifySOD(files.SOD, files.DG, opts.Trust, now())
	}
	if err := r.do(ctx, func() (err error) {
		rd.Verification.Active, err = active(ctx, s, files, info, rnd)
		return err
	}); err != nil {
		return nil, err
	}
	if err := r.do(ctx, func() (err error) {
		rd.Verification.Chip, err = chip(ctx, s, opts, info)
		return err
	}); err != nil {
		return nil, err
	}
	if r.resumes > 0 {
		rd.Warnings = append(rd.Warnings, cardreader.Warning{Code: "read-resumed", Reason: fmt.Sprintf("the card left the field %d time(s); the read resumed", r.resumes)})
	}
	st := s.Stats()
	st.Duration = now().Sub(start)
	rd.Stats = st
	rd.ReadAt = now()
	return rd, nil
}

func open(ctx context.Context, s *Session, opts Options, rnd io.Reader) error {
	methods := opts.Access
	if methods == nil {
		methods = DefaultAccess()
		for i, m := range methods {
			if b, ok := m.(BAC); ok && b.Rand == nil {
				methods[i] = BAC{Rand: rnd}
			}
		}
	}
	err := fmt.Errorf("%w: no access protocol configured", ErrAccessUnsupported)
	for _, m := range methods {
		if err = m.Open(ctx, s, opts.Key); err == nil || !errors.Is(err, ErrAccessUnsupported) {
			return err
		}
	}
	return err
}

// resumer waits for a lifted card to come back and opens it again, so a
// step interrupted by the card leaving the field runs again.
type resumer struct {
	t       iso7816.Transport
	s       *Session
	opts    Options
	rnd     io.Reader
	step    func(Step)
	resumes int
}

// do runs f; when the card left the field (or the link failed
// transiently) and the transport can wait for it, it waits for the card,
// opens it again and runs f again.
func (r *resumer) do(ctx context.Context, f func() error) error {
	for {
		err := f()
		if !cardLeft(err) || ctx.Err() != nil {
			return err
		}
		rc, ok := r.t.(iso7816.Reconnector)
		wait := r.opts.ResumeWithin
		if wait == 0 {
			wait = DefaultResumeWithin
		}
		if !ok || wait < 0 || r.resumes >= maxResumes {
			return err
		}
		r.resumes++
		r.step(StepCardLifted)
		if rerr := r.reopen(ctx, rc, wait, true); rerr != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(rerr, ErrAccessDenied) || errors.Is(rerr, ErrNotEMRTD) {
				return rerr // another card was put down
			}
			// Not back in time: the card is gone, whatever the link said.
			return fmt.Errorf("%w (not put back within %v): %w", iso7816.ErrCardRemoved, wait, err)
		}
	}
}

// reopen waits (at most wait) for the card to be back and opens it again.
// A reader may report a card that has just left as still there (PC/SC
// polls the field every few hundred milliseconds), so a failed open is
// retried with a new reconnect until the time is up.
func (r *resumer) reopen(ctx context.Context, rc iso7816.Reconnector, wait time.Duration, resuming bool) error {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		if err := rc.Reconnect(wctx); err != nil {
			if !resuming && ctx.Err() == nil {
				return fmt.Errorf("%w: the card did not settle in the field: %w", iso7816.ErrCardRemoved, err)
			}
			return err
		}
		if resuming {
			r.step(StepResuming)
		}
		r.s.sm = nil // the card was powered afresh: its session is gone
		err := open(ctx, r.s, r.opts, r.rnd)
		if !cardLeft(err) {
			return err
		}
		select {
		case <-wctx.Done():
			return wctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ReadFiles reads EF.COM, EF.SOD and the data groups EF.COM lists among
// DG1, DG2, DG13, DG14 and DG15 (all of them when EF.COM is missing). A
// file the card does not have (6A82) is left out; DG1 and DG13 are
// required; any other failure is a *FileError.
func ReadFiles(ctx context.Context, s *Session) (*Files, error) {
	f := &Files{DG: make(map[int][]byte, len(wantedDGs))}
	if err := readFiles(ctx, s, f, nil); err != nil {
		return nil, err
	}
	return f, nil
}

// readFiles reads into f the files f does not hold yet, so that after the
// card came back a read goes on where it stopped. progress, when set, is
// told after each file how many are done.
func readFiles(ctx context.Context, s *Session, f *Files, progress func(done, total int)) error {
	if f.done == nil {
		f.done = map[uint16][]byte{}
	}
	if progress == nil {
		progress = func(done, total int) {}
	}
	read := func(fid uint16, opt bool) ([]byte, error) {
		if b, ok := f.done[fid]; ok {
			return b, nil
		}
		b, err := s.ReadFile(ctx, fid)
		if opt {
			b, err = optional(b, err)
		}
		if err != nil {
			return nil, err
		}
		f.done[fid] = b
		return b, nil
	}
	var err error
	if f.COM, err = read(lds.FIDCOM, true); err != nil {
		return err
	}
	dgs := wantedDGs
	if f.COM != nil {
		com, err := lds.ParseCOM(f.COM)
		if err != nil {
			return &FileError{Name: "EF.COM", FID: lds.FIDCOM, Err: fmt.Errorf("%w: %w", ErrMalformedFile, err)}
		}
		dgs = dgs[:0:0]
		for _, n := range wantedDGs {
			if slices.Contains(com.DataGroups, n) {
				dgs = append(dgs, n)
			}
		}
	}
	total := 2 + len(dgs)
	progress(1, total)
	if f.SOD, err = read(lds.FIDSOD, true); err != nil {
		return err
	}
	progress(2, total)
	for i, n := range dgs {
		fid, _ := lds.DGFID(n) // n came from EF.COM's tag list: 1-16
		b, err := read(fid, n != 1 && n != 13)
		if err != nil {
			return err
		}
		if b != nil {
			f.DG[n] = b
		}
		progress(3+i, total)
	}
	for _, n := range []int{1, 13} {
		if f.DG[n] == nil {
			fid, _ := lds.DGFID(n)
			return &FileError{Name: lds.FileName(fid), FID: fid, Err: errors.New("not listed in EF.COM")}
		}
	}
	return nil
}

// optional turns "file not found" into no file.
func optional(b []byte, err error) ([]byte, error) {
	if errors.Is(err, iso7816.StatusFileNotFound) {
		return nil, nil
	}
	return b, err
}

// parsed holds what the checks need from the files.
type parsed struct {
	aaKey    crypto.PublicKey
	aaAlg    asn1.ObjectIdentifier
	dg14     *lds.SecurityInfos
	aaKeyErr error
}

// decode parses the files into a Reading.
func decode(f *Files) (*cardreader.Reading, *parsed, error) {
	rd := &cardreader.Reading{Source: cardreader.SourceChip}
	mrz, err := lds.ParseDG1(f.DG[1])
	if err != nil {
		return nil, nil, &FileError{Name: "DG1", FID: lds.FIDDG1, Err: fmt.Errorf("%w: %w", ErrMalformedFile, err)}
	}
	rd.MRZ = mrz.String()
	dg13, err := cccd.DecodeDG13(f.DG[13])
	if err != nil {
		return nil, nil, &FileError{Name: "DG13", FID: lds.FIDDG13, Err: fmt.Errorf("%w: %w", ErrMalformedFile, err)}
	}
	rd.Citizen, rd.DG13Version = dg13.Citizen, dg13.Version
	rd.Verification.MRZ = CompareMRZ(mrz, rd.Citizen)
	if _, bad := rd.Citizen.Unparsed["citizen.id"]; bad || rd.Citizen.ID == "" {
		// The MRZ carries the ID too (signed as well): the card stays usable.
		rd.Citizen.ID = mrz.ID()
	}
	for _, path := range slices.Sorted(maps.Keys(rd.Citizen.Unparsed)) {
		rd.Warnings = append(rd.Warnings, cardreader.Warning{Code: "dg13-unparsed", Field: path, Reason: rd.Citizen.Unparsed[path].Reason})
	}
	for _, n := range dg13.Unknown {
		rd.Warnings = append(rd.Warnings, cardreader.Warning{Code: "dg13-unknown-field", Reason: fmt.Sprintf("DG13 field %d is not known; left aside", n)})
	}
	for _, n := range dg13.Notes {
		rd.Warnings = append(rd.Warnings, cardreader.Warning{Code: "dg13-odd", Reason: "DG13: " + n})
	}
	rd.Generation = cccd.GenerationOn(rd.Citizen.IssueDate)
	if b := f.DG[2]; b != nil {
		face, err := lds.ParseDG2(b)
		if err != nil {
			return nil, nil, &FileError{Name: "DG2", FID: lds.FIDDG2, Err: fmt.Errorf("%w: %w", ErrMalformedFile, err)}
		}
		rd.Photo = photo(face)
	}
	p := &parsed{}
	if b := f.DG[14]; b != nil {
		if p.dg14, err = lds.ParseDG14(b); err != nil {
			return nil, nil, &FileError{Name: "DG14", FID: lds.FIDDG14, Err: fmt.Errorf("%w: %w", ErrMalformedFile, err)}
		}
		if len(p.dg14.ActiveAuthentication) > 0 {
			p.aaAlg = p.dg14.ActiveAuthentication[0].SignatureAlgorithm
		}
	}
	if b := f.DG[15]; b != nil {
		p.aaKey, p.aaKeyErr = lds.ParseDG15(b)
	}
	return rd, p, nil
}

// photo describes the DG2 image. JPEG is decoded far enough to learn its
// size; JPEG 2000 is kept as bytes with the record header's size.
func photo(face *lds.Face) cardreader.Photo {
	p := cardreader.Photo{Format: face.Format, Width: face.Width, Height: face.Height, Data: bytes.Clone(face.Image)}
	if face.Format == lds.FormatJPEG {
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(face.Image)); err == nil {
			p.Width, p.Height = cfg.Width, cfg.Height
		}
	}
	return p
}

// CompareMRZ checks DG1's MRZ against DG13 on the fields both carry: the
// ID, the birth date, the sex and the expiry (991231 or fillers for a card
// that does not expire). A DG13 field that could not be read is not
// compared. The check names the fields that differ, never their values.
func CompareMRZ(m *lds.MRZ, c cccd.Citizen) cardreader.Check {
	var diff []string
	unparsed := func(path string) bool { _, ok := c.Unparsed[path]; return ok }
	if id := m.ID(); id != "" && c.ID != "" && id != c.ID && !unparsed("citizen.id") {
		diff = append(diff, "id")
	}
	if !c.DateOfBirth.IsZero() && m.DateOfBirth != lds.MRZDate(c.DateOfBirth) {
		diff = append(diff, "dateOfBirth")
	}
	if c.Sex != cccd.SexUnknown && m.Sex != c.Sex.MRZ() {
		diff = append(diff, "sex")
	}
	if !unparsed("citizen.expiryDate") && (!c.ExpiryDate.IsZero() || c.NoExpiry) {
		exp, ok, err := m.ExpiryDate()
		if err != nil || ok == c.NoExpiry || (ok && exp != c.ExpiryDate) {
			diff = append(diff, "expiryDate")
		}
	}
	if len(diff) > 0 {
		f := strings.Join(diff, ",")
		return cardreader.Check{Status: cardreader.StatusFailed, Code: cardreader.CodeMRZMismatch,
			Reason: "DG1 (MRZ) and DG13 differ in: " + f, Evidence: map[string]string{"fields": f}}
	}
	return cardreader.Check{Status: cardreader.StatusPassed, Reason: "DG1 (MRZ) agrees with DG13 on ID, birth date, sex and expiry"}
}

func active(ctx context.Context, s *Session, f *Files, p *parsed, rnd io.Reader) (cardreader.Check, error) {
	switch {
	case f.DG[15] == nil:
		return cardreader.Check{Status: cardreader.StatusUnsupported, Code: CodeAANoKey, Reason: "the card has no DG15"}, nil
	case p.aaKeyErr != nil:
		return cardreader.Check{Status: cardreader.StatusFailed, Code: CodeAABadKey, Reason: "DG15: " + p.aaKeyErr.Error()}, nil
	}
	return ActiveAuthenticate(ctx, s, p.aaKey, p.aaAlg, rnd)
}

func chip(ctx context.Context, s *Session, opts Options, p *parsed) (cardreader.Check, error) {
	if p.dg14 == nil || len(p.dg14.ChipAuthenticationKey) == 0 {
		return cardreader.Check{Status: cardreader.StatusUnsupported, Code: "ca-no-dg14", Reason: "the card offers no chip authentication key"}, nil
	}
	ca := opts.ChipAuth
	if ca == nil {
		ca = DefaultChipAuth
	}
	if ca == nil {
		return cardreader.Check{Status: cardreader.StatusNotChecked, Code: "ca-not-implemented", Reason: "chip authentication is not implemented yet"}, nil
	}
	return ca.ChipAuthenticate(ctx, s, p.dg14)
}

// ExtendedLengthFromATR reports whether an ATR's historical bytes announce
// extended Lc/Le: the card capabilities object (compact-TLV tag 7, length
// 3) with b7 of its third byte set (ISO 7816-4 §12.1.1.9). It reads the
// PC/SC contactless form 3B 8n 80 01 and ordinary ATRs.
func ExtendedLengthFromATR(atr []byte) bool {
	hist := historicalBytes(atr)
	if len(hist) < 1 || hist[0] != 0x80 {
		return false
	}
	for i := 1; i < len(hist); {
		tag, l := hist[i]>>4, int(hist[i]&0x0F)
		if i+1+l > len(hist) {
			return false
		}
		if tag == 7 && l >= 3 {
			return hist[i+3]&0x40 != 0
		}
		i += 1 + l
	}
	return false
}

func historicalBytes(atr []byte) []byte {
	if len(atr) < 2 {
		return nil
	}
	k := int(atr[1] & 0x0F)
	i, y := 2, atr[1]>>4
	for {
		for bit := byte(1); bit <= 8; bit <<= 1 {
			if y&bit != 0 {
				i++
			}
		}
		if y&0x8 == 0 {
			break
		}
		if i-1 >= len(atr) {
			return nil
		}
		y = atr[i-1] >> 4
	}
	if i+k > len(atr) {
		return nil
	}
	return atr[i : i+k]
}
