package portaltest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
	"motcua/offline/portal"
)

// Env is one portal under test, made fresh for each check.
type Env struct {
	// Client is a kiosk's client with a token the portal accepts.
	Client portal.Client
	// BadToken is a client of the same portal whose token it refuses.
	BadToken portal.Client
	// Down is a client whose portal does not answer at all.
	Down portal.Client
	// Refuse makes the portal refuse the next n intakes for good, giving
	// reason (which names a person, as real reasons may).
	Refuse func(n int, reason string)
	// Fail makes the next n intakes fail with a server error, before
	// anything is stored.
	Fail func(n int)
	// SetStatus moves a filed dossier to st, as the back office would.
	SetStatus func(dossierID string, st portal.Status, reason string) error
	// Held returns what the portal holds under an attachment's SHA-256
	// (an error when it holds nothing).
	Held func(sha string) (io.ReadCloser, error)
	// MaxAttachment is the portal's limit for one attachment (the large
	// upload check sends one of that size; 0 means 10 MiB).
	MaxAttachment int64
}

// Generated is a reproducible stream of n pseudo-random bytes that is
// never held whole: a large scanned document as an upload sees it.
func Generated(n int64, seed uint64) io.Reader {
	return io.LimitReader(&genReader{r: rand.New(rand.NewPCG(seed, ^seed))}, n)
}

type genReader struct{ r *rand.Rand }

func (g *genReader) Read(p []byte) (int, error) {
	for i := 0; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], g.r.Uint64())
	}
	for i := len(p) &^ 7; i < len(p); i++ {
		p[i] = byte(g.r.Uint32())
	}
	return len(p), nil
}

// errReader yields n bytes, then fails.
type errReader struct {
	n   int64
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, e.err
	}
	m := int(min(int64(len(p)), e.n))
	clear(p[:m])
	e.n -= int64(m)
	return m, nil
}

// NewDossier returns a fictional dossier with one attachment, whose
// content and name differ per call, and the attachment's bytes.
func NewDossier(now time.Time) (*dossier.Dossier, []byte) {
	id := dossier.NewID(now)
	data := []byte("%PDF-1.4 giấy xác nhận cư trú " + id)
	sum := sha256.Sum256(data)
	d := &dossier.Dossier{ID: id, ProcedureCode: "1.004227", ProcedureName: "Đăng ký thường trú",
		Applicants: []dossier.Applicant{{Role: "requester", ID: "001203004567", FullName: "Nguyễn Văn An",
			Values: map[string]dossier.Value{"phone": {Value: "0912345678", Provenance: dossier.Typed}}}},
		Attachments: []dossier.Attachment{{Key: "proofOfResidence", Name: "Giấy xác nhận cư trú", Type: "application/pdf",
			SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}},
		CreatedAt: now, KioskID: "KIOSK-T", CounterID: "QUAY-1", ClerkID: "CB-1", ProcessingDays: 5}
	return d, data
}

// personal is a refusal reason that names a person.
const personal = "Ông Nguyễn Văn An chưa ký tờ khai"

// Run checks every clause of the contract against environments from newEnv.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	ctx := context.Background()
	file := func(t *testing.T, c portal.Client, d *dossier.Dossier, data []byte) (*portal.SubmitResponse, error) {
		t.Helper()
		if err := c.PutAttachment(ctx, d.Attachments[0], bytes.NewReader(data)); err != nil {
			t.Fatalf("PutAttachment: %v", err)
		}
		return c.Submit(ctx, d)
	}
	checkFiled := func(t *testing.T, d *dossier.Dossier, r *portal.SubmitResponse) {
		t.Helper()
		if r == nil || r.DossierID != d.ID || !r.Status.Valid() || r.Receipt.Code != r.Code {
			t.Fatalf("submit answer %+v", r)
		}
		if _, err := portal.ParseCode(r.Code); err != nil {
			t.Fatalf("dossier code %q: %v", r.Code, err)
		}
	}

	t.Run("Probe answers; a refused token and a silent portal are Offline", func(t *testing.T) {
		e := newEnv(t)
		if err := e.Client.Probe(ctx); err != nil {
			t.Fatalf("probe: %v", err)
		}
		err := e.BadToken.Probe(ctx)
		if portal.KindOf(err) != portal.Offline || !errors.Is(err, portal.ErrUnauthorized) {
			t.Fatalf("bad token: %v (kind %v), want Offline and ErrUnauthorized", err, portal.KindOf(err))
		}
		if err := e.Down.Probe(ctx); portal.KindOf(err) != portal.Offline {
			t.Fatalf("portal down: %v (kind %v), want Offline", err, portal.KindOf(err))
		}
		d, data := NewDossier(time.Now())
		if _, err := e.Down.Submit(ctx, d); portal.KindOf(err) != portal.Offline {
			t.Fatalf("submit to a portal that is down: %v, want Offline", err)
		}
		if err := e.Down.PutAttachment(ctx, d.Attachments[0], bytes.NewReader(data)); portal.KindOf(err) != portal.Offline {
			t.Fatalf("upload to a portal that is down: %v, want Offline", err)
		}
	})

	t.Run("Submit files a dossier and answers with its code and receipt", func(t *testing.T) {
		e := newEnv(t)
		d, data := NewDossier(time.Now())
		r, err := file(t, e.Client, d, data)
		if err != nil {
			t.Fatal(err)
		}
		checkFiled(t, d, r)
		found := false
		for _, doc := range r.Receipt.Documents {
			found = found || strings.EqualFold(doc.SHA256, d.Attachments[0].SHA256)
		}
		if !found {
			t.Errorf("receipt does not list the attachment: %+v", r.Receipt.Documents)
		}
	})

	t.Run("Submit is idempotent on the dossier ID, also concurrently", func(t *testing.T) {
		e := newEnv(t)
		d, data := NewDossier(time.Now())
		first, err := file(t, e.Client, d, data)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		codes := make([]string, 8)
		errs := make([]error, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.Client.Submit(ctx, d)
				errs[i] = err
				if r != nil {
					codes[i] = r.Code
				}
			}()
		}
		wg.Wait()
		for i := range codes {
			if errs[i] != nil || codes[i] != first.Code {
				t.Fatalf("repeat %d: code %q err %v, want %q", i, codes[i], errs[i], first.Code)
			}
		}
		// Uploading an attachment again is harmless.
		if err := e.Client.PutAttachment(ctx, d.Attachments[0], bytes.NewReader(data)); err != nil {
			t.Fatalf("repeated upload: %v", err)
		}
	})

	t.Run("The same ID with other content is Refused and ErrConflict", func(t *testing.T) {
		e := newEnv(t)
		d, data := NewDossier(time.Now())
		if _, err := file(t, e.Client, d, data); err != nil {
			t.Fatal(err)
		}
		other := *d
		other.ProcedureName = "Đăng ký tạm trú"
		_, err := e.Client.Submit(ctx, &other)
		if portal.KindOf(err) != portal.Refused || !errors.Is(err, portal.ErrConflict) {
			t.Fatalf("conflicting dossier: %v (kind %v), want Refused and ErrConflict", err, portal.KindOf(err))
		}
	})

	t.Run("A refusal is Refused with a code and the reason, never in Error()", func(t *testing.T) {
		e := newEnv(t)
		e.Refuse(1, personal)
		d, data := NewDossier(time.Now())
		_, err := file(t, e.Client, d, data)
		var pe *portal.Error
		if portal.KindOf(err) != portal.Refused || !errors.As(err, &pe) {
			t.Fatalf("refused intake: %v (kind %v), want a Refused *portal.Error", err, portal.KindOf(err))
		}
		if pe.Reason != personal || pe.Code == "" {
			t.Fatalf("refusal code %q reason %q", pe.Code, pe.Reason)
		}
		if strings.Contains(err.Error(), "Nguyễn") {
			t.Fatalf("Error() shows the reason, which names a person: %q", err.Error())
		}
	})

	t.Run("A server failure is Transient and a retry files exactly once", func(t *testing.T) {
		e := newEnv(t)
		e.Fail(1)
		d, data := NewDossier(time.Now())
		if _, err := file(t, e.Client, d, data); portal.KindOf(err) != portal.Transient {
			t.Fatalf("failed intake: %v (kind %v), want Transient", err, portal.KindOf(err))
		}
		r1, err := e.Client.Submit(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := e.Client.Submit(ctx, d)
		if err != nil || r2.Code != r1.Code {
			t.Fatalf("retry: %v, code %q then %q", err, r1.Code, r2.Code)
		}
	})

	t.Run("Status follows the back office; an unknown dossier is ErrNotFound", func(t *testing.T) {
		e := newEnv(t)
		d, data := NewDossier(time.Now())
		r, err := file(t, e.Client, d, data)
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.Client.Status(ctx, d.ID)
		if err != nil || st.DossierID != d.ID || st.Code != r.Code || !st.Status.Valid() {
			t.Fatalf("status %+v %v", st, err)
		}
		if err := e.SetStatus(d.ID, portal.StatusSupplement, personal); err != nil {
			t.Fatal(err)
		}
		st, err = e.Client.Status(ctx, d.ID)
		if err != nil || st.Status != portal.StatusSupplement || st.Reason != personal {
			t.Fatalf("status after the back office moved it: %+v %v", st, err)
		}
		unknown, _ := NewDossier(time.Now())
		if _, err := e.Client.Status(ctx, unknown.ID); !errors.Is(err, portal.ErrNotFound) {
			t.Fatalf("unknown dossier: %v, want ErrNotFound", err)
		}
	})

	t.Run("A cancelled context ends a call with an error, never a success", func(t *testing.T) {
		e := newEnv(t)
		d, data := NewDossier(time.Now())
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := e.Client.PutAttachment(cctx, d.Attachments[0], bytes.NewReader(data)); err == nil {
			t.Fatal("upload with a cancelled context succeeded")
		}
		if r, err := e.Client.Submit(cctx, d); err == nil || r != nil {
			t.Fatalf("submit with a cancelled context: %+v %v", r, err)
		}
	})

	t.Run("A large attachment is streamed; the portal holds identical bytes", func(t *testing.T) {
		e := newEnv(t)
		size := e.MaxAttachment
		if size <= 0 {
			size = 10 << 20
		}
		h := sha256.New()
		if _, err := io.Copy(h, Generated(size, 7)); err != nil {
			t.Fatal(err)
		}
		sha := hex.EncodeToString(h.Sum(nil))
		d, _ := NewDossier(time.Now())
		d.Attachments[0].SHA256, d.Attachments[0].Size = sha, size
		if err := e.Client.PutAttachment(ctx, d.Attachments[0], Generated(size, 7)); err != nil {
			t.Fatalf("upload of %d bytes: %v", size, err)
		}
		r, err := e.Client.Submit(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		checkFiled(t, d, r)
		if e.Held == nil {
			return
		}
		rc, err := e.Held(sha)
		if err != nil {
			t.Fatalf("the portal does not hold the attachment: %v", err)
		}
		defer rc.Close()
		got, want := bufio.NewReader(rc), bufio.NewReader(Generated(size, 7))
		for i := int64(0); ; i++ {
			a, errA := got.ReadByte()
			b, errB := want.ReadByte()
			if errA != nil || errB != nil {
				if errA != errB || i != size {
					t.Fatalf("held attachment differs at byte %d (%v, %v)", i, errA, errB)
				}
				break
			}
			if a != b {
				t.Fatalf("held attachment differs at byte %d", i)
			}
		}
	})

	t.Run("An upload whose body fails to read fails with that error", func(t *testing.T) {
		e := newEnv(t)
		d, _ := NewDossier(time.Now())
		broken := errors.New("damaged local copy")
		d.Attachments[0].Size = 1 << 20
		err := e.Client.PutAttachment(ctx, d.Attachments[0], &errReader{n: 300 << 10, err: broken})
		if !errors.Is(err, broken) {
			t.Fatalf("upload with a failing body: %v, want it to wrap the read error", err)
		}
		if e.Held != nil {
			if rc, err := e.Held(d.Attachments[0].SHA256); err == nil {
				rc.Close()
				t.Fatal("the portal holds an attachment whose upload failed")
			}
		}
	})

	t.Run("Statistics are idempotent on the batch ID", func(t *testing.T) {
		e := newEnv(t)
		now := time.Now().In(portal.Vietnam)
		b := &portal.StatsBatch{BatchID: dossier.NewID(now),
			Ratings:    []portal.Rating{{At: now.UTC(), Score: 5, ProcedureCode: "1.004227", CounterID: "QUAY-1"}},
			Indicators: []portal.IndicatorTotal{{Day: cccd.DateOf(now), Name: "d06.dossiers", Value: 3}}}
		r1, err := e.Client.SendStats(ctx, b)
		if err != nil || r1.BatchID != b.BatchID || r1.Ratings != 1 {
			t.Fatalf("stats: %+v %v", r1, err)
		}
		r2, err := e.Client.SendStats(ctx, b)
		if err != nil || *r2 != *r1 {
			t.Fatalf("repeated stats: %+v %v, want %+v", r2, err, r1)
		}
	})
}
