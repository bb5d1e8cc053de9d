package portalserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"motcua/offline/dossier"
	"motcua/offline/heartbeat"
	"motcua/offline/portal"
)

// Errors returned by this package.
var (
	ErrUnknownDossier = errors.New("portalserver: no such dossier")
	ErrConfig         = errors.New("portalserver: bad configuration")
	ErrInUse          = errors.New("portalserver: store is in use by a running portal (stop it first)")
)

const (
	maxBody       = 4 << 20  // a dossier's JSON
	maxAttachment = 20 << 20 // one document
	maxReason     = 2000     // bytes of a status reason
)

// decodeStrict decodes a small JSON body, refusing unknown fields and
// trailing data, so a typo in an admin call fails instead of doing nothing.
func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// Config configures a Server.
type Config struct {
	// Store is where the portal keeps what it takes; when nil, Open opens
	// the bbolt store in Dir (OpenBolt). The Server closes it.
	Store  Store
	Dir    string            // data directory; the store is Dir/portal.db
	Tokens map[string]string // bearer token -> kiosk ID
	Agency string            // receiving agency code for dossier codes
	// AdminToken, when set, enables POST /admin/faults and
	// POST /admin/status/{kiosk}/{dossier} for scripted tests.
	AdminToken string
	// MaxUploads bounds the request bodies (attachments, dossiers,
	// statistics) read at once, so many concurrent 20 MB uploads cannot
	// exhaust memory; default 8. A request waits up to UploadWait (default
	// 10 s) for a slot, then gets 503 and retries later.
	MaxUploads int
	UploadWait time.Duration
	NoSync     bool             // skip fsync (tests and benchmarks only)
	Now        func() time.Time // clock; default time.Now
	Logger     *slog.Logger     // default: discard
}

// Record is a dossier as the portal keeps it.
type Record struct {
	Code      string          `json:"code"`
	KioskID   string          `json:"kioskId"`
	DossierID string          `json:"dossierId"`
	BodyHash  string          `json:"bodyHash"` // hex SHA-256 of the intake body
	Status    portal.Status   `json:"status"`
	Reason    string          `json:"reason,omitempty"`
	UpdatedAt time.Time       `json:"updatedAt"`
	Response  json.RawMessage `json:"response"` // the exact first answer, replayed on retries
	Body      json.RawMessage `json:"body"`     // the dossier as received
}

// Server is the reference portal. Its handler is safe for concurrent use.
type Server struct {
	cfg     Config
	store   Store
	faults  Faults
	log     *slog.Logger
	uploads chan struct{} // one token per body being read
	sess    sessions      // admin browser sessions (the dashboard)
}

// Open opens (or creates) the store in cfg.Dir.
func Open(cfg Config) (*Server, error) {
	if cfg.Agency == "" {
		cfg.Agency = "000.00.00.H00"
	}
	if !portal.ValidAgency(cfg.Agency) {
		return nil, fmt.Errorf("%w: agency code %q", ErrConfig, cfg.Agency)
	}
	if len(cfg.Tokens) == 0 {
		return nil, fmt.Errorf("%w: no kiosk tokens", ErrConfig)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxUploads <= 0 {
		cfg.MaxUploads = 8
	}
	if cfg.UploadWait <= 0 {
		cfg.UploadWait = 10 * time.Second
	}
	for t, k := range cfg.Tokens {
		if t == "" || k == "" {
			return nil, fmt.Errorf("%w: empty kiosk token or kiosk ID", ErrConfig)
		}
	}
	if cfg.AdminToken != "" && cfg.Tokens[cfg.AdminToken] != "" {
		return nil, fmt.Errorf("%w: the admin token is also a kiosk token", ErrConfig)
	}
	for t, k := range cfg.Tokens {
		if strings.ContainsRune(k, 0) || strings.ContainsRune(t, 0) {
			return nil, fmt.Errorf("%w: a token or kiosk ID holds a NUL byte", ErrConfig)
		}
	}
	st := cfg.Store
	if st == nil {
		if cfg.Dir == "" {
			return nil, fmt.Errorf("%w: no store and no data directory", ErrConfig)
		}
		var err error
		if st, err = OpenBolt(cfg.Dir, cfg.NoSync); err != nil {
			return nil, err
		}
	}
	return &Server{cfg: cfg, store: st, log: cfg.Logger, uploads: make(chan struct{}, cfg.MaxUploads)}, nil
}

// Close closes the store.
func (s *Server) Close() error { return s.store.Close() }

// Store returns the server's store.
func (s *Server) Store() Store { return s.store }

// Faults returns the fault switches.
func (s *Server) Faults() *Faults { return &s.faults }

// Counts is what `portal count` prints.
type Counts struct {
	Dossiers                int `json:"dossiers"`
	DistinctKioskDossierIDs int `json:"distinctKioskDossierIDs"`
	Ratings                 int `json:"ratings"`      // satisfaction ratings taken, every kiosk and day
	StatsBatches            int `json:"statsBatches"` // distinct (kiosk, batch ID) statistics batches taken
}

// Count counts stored dossiers and distinct (kiosk, dossier ID) pairs among
// them: the two are equal exactly when no dossier was filed twice. It also
// counts ratings and statistics batches.
func (s *Server) Count() (Counts, error) { return s.store.Count(context.Background()) }

// CountDir counts the dossiers of a bbolt portal store that is not running.
func CountDir(dir string) (Counts, error) {
	db, err := openReadOnly(dir)
	if err != nil {
		return Counts{}, err
	}
	defer db.Close()
	return count(db)
}

// Each calls fn for every stored dossier, in code order.
func (s *Server) Each(fn func(Record) error) error { return s.store.Each(context.Background(), fn) }

// SetStatus moves a dossier to a new DVCQG status, as the back office would.
func (s *Server) SetStatus(kioskID, dossierID string, st portal.Status, reason string) error {
	if !st.Valid() {
		return fmt.Errorf("portalserver: status %d out of range", st)
	}
	return s.store.SetStatus(context.Background(), kioskID, dossierID, st, reason, s.cfg.Now())
}

// Handler returns the kiosk API:
//
//	GET  /v1/health
//	PUT  /v1/attachments/{sha256}
//	POST /v1/dossiers            (Idempotency-Key: dossier ID)
//	GET  /v1/dossiers/{id}
//	POST /v1/stats               (Idempotency-Key: batch ID)
//	GET  /v1/stats?day=YYYY-MM-DD (this kiosk's totals; no day: all days)
//	POST /v1/heartbeat           (heartbeat.Status; 204)
//
// The admin API is not on it: serve AdminHandler on its own listener.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+portal.PathHealth, s.kiosk(func(w http.ResponseWriter, r *http.Request, kiosk string) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "kioskId": kiosk})
	}))
	mux.HandleFunc("PUT "+portal.PathAttachments+"{sha}", s.kiosk(s.putAttachment))
	mux.HandleFunc("POST "+portal.PathDossiers, s.kiosk(s.submit))
	mux.HandleFunc("GET "+portal.PathDossiers+"/{id}", s.kiosk(s.status))
	mux.HandleFunc("POST "+portal.PathStats, s.kiosk(s.postStats))
	mux.HandleFunc("GET "+portal.PathStats, s.kiosk(s.getStats))
	mux.HandleFunc("POST "+heartbeat.Path, s.kiosk(s.heartbeat))
	return mux
}

// AdminHandler returns the admin API, every route behind the admin token
// (without one configured, every request is refused):
//
//	POST /admin/faults               (FaultSettings, validated)
//	POST /admin/status/{kiosk}/{id}  ({"status":N,"reason":"…"})
//	POST /admin/login-link           (a one-time browser sign-in code)
//	GET  /admin/login, POST /admin/login  (sign-in page; sets a session cookie)
//	GET  /admin/fleet?sort=&desc=&q=&alert=&lang=  (fleet dashboard)
//	GET  /admin/fleet/{kiosk}        (one kiosk with its history)
//
// Serve it on a listener of its own (cmd/portal: --admin-addr), never on
// the address kiosks reach.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/faults", s.admin(s.setFaults))
	mux.HandleFunc("POST /admin/status/{kiosk}/{id}", s.admin(s.adminStatus))
	mux.HandleFunc("POST /admin/login-link", s.admin(s.loginLink))
	mux.HandleFunc("GET /admin/login", s.login)
	mux.HandleFunc("POST /admin/login", s.login)
	mux.HandleFunc("GET /admin/fleet", s.adminPage(s.fleetPage))
	mux.HandleFunc("GET /admin/fleet/{kiosk}", s.adminPage(s.kioskPage))
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, code, b)
}

func writeRaw(w http.ResponseWriter, code int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b)
}

func writeErr(w http.ResponseWriter, code int, machine, reason string) {
	writeJSON(w, code, portal.ErrorResponse{Error: machine, Reason: reason})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// kiosk authenticates the bearer token and applies the global faults.
func (s *Server) kiosk(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d, down := s.faults.delay(); d > 0 || down {
			if d > 0 {
				select {
				case <-time.After(d):
				case <-r.Context().Done():
					return
				}
			}
			if down {
				writeErr(w, http.StatusServiceUnavailable, portal.ErrCodeUnavailable, "simulated outage")
				return
			}
		}
		tok := bearer(r)
		kiosk := ""
		for t, k := range s.cfg.Tokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				kiosk = k
			}
		}
		if tok == "" || kiosk == "" {
			unauthorized(w, "unknown kiosk token")
			return
		}
		h(w, r, kiosk)
	}
}

// unauthorized answers 401 and closes the connection after the answer:
// with "Connection: close" set, net/http neither reads the unread body
// before answering nor keeps the connection, so a stranger cannot make the
// server swallow a 20 MB body it will never use.
func unauthorized(w http.ResponseWriter, reason string) {
	w.Header().Set("Connection", "close")
	writeErr(w, http.StatusUnauthorized, portal.ErrCodeUnauthorized, reason)
}

// readBody reads at most limit bytes of r's body while holding one of the
// upload slots, so the bodies in memory at once are bounded. It answers
// the client itself when it fails (ok false).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64, what string) (body []byte, ok bool) {
	if r.ContentLength > limit {
		w.Header().Set("Connection", "close")
		writeErr(w, http.StatusRequestEntityTooLarge, portal.ErrCodeBadRequest, what+" too large")
		return nil, false
	}
	t := time.NewTimer(s.cfg.UploadWait)
	defer t.Stop()
	select {
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
	case <-t.C:
		w.Header().Set("Retry-After", "5")
		w.Header().Set("Connection", "close")
		writeErr(w, http.StatusServiceUnavailable, portal.ErrCodeUnavailable, "too many uploads at once; retry later")
		return nil, false
	case <-r.Context().Done():
		return nil, false
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), limit)+1))
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, portal.ErrCodeBadRequest, what+" too large or truncated")
		return nil, false
	}
	return buf.Bytes(), true
}

// normHash returns the lower-case form of a hex SHA-256, or false.
func normHash(h string) (string, bool) {
	if len(h) != 64 {
		return "", false
	}
	h = strings.ToLower(h)
	if _, err := hex.DecodeString(h); err != nil {
		return "", false
	}
	return h, true
}

func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.AdminToken == "" || subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(s.cfg.AdminToken)) != 1 {
			unauthorized(w, "admin token required")
			return
		}
		h(w, r)
	}
}

func (s *Server) setFaults(w http.ResponseWriter, r *http.Request) {
	var f FaultSettings
	if err := decodeStrict(r, &f); err != nil {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "bad fault settings: "+err.Error())
		return
	}
	if err := f.Validate(); err != nil {
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeBadRequest, err.Error())
		return
	}
	s.faults.Set(f)
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) adminStatus(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Status portal.Status `json:"status"`
		Reason string        `json:"reason"`
	}
	if err := decodeStrict(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "bad status body: "+err.Error())
		return
	}
	switch {
	case !body.Status.Valid():
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeBadRequest, "status out of range")
		return
	case !dossier.ValidID(r.PathValue("id")) || r.PathValue("kiosk") == "":
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "kiosk and dossier ID (UUID) required")
		return
	case len(body.Reason) > maxReason || !utf8.ValidString(body.Reason):
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeBadRequest, "reason too long or not UTF-8")
		return
	}
	err := s.SetStatus(r.PathValue("kiosk"), r.PathValue("id"), body.Status, body.Reason)
	switch {
	case errors.Is(err, ErrUnknownDossier):
		writeErr(w, http.StatusNotFound, portal.ErrCodeNotFound, "no such dossier")
	case err != nil:
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, err.Error())
	default:
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	}
}

func (s *Server) putAttachment(w http.ResponseWriter, r *http.Request, _ string) {
	want, ok := normHash(r.PathValue("sha"))
	if !ok {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "attachment key must be hex SHA-256")
		return
	}
	data, ok := s.readBody(w, r, maxAttachment, "attachment")
	if !ok {
		return
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != want {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "attachment does not match its SHA-256")
		return
	}
	err := s.store.PutAttachment(r.Context(), want, data)
	if err != nil {
		s.log.Error("storing attachment", "err", err)
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sha256": want})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, kiosk string) {
	id := r.PathValue("id")
	rec, err := s.store.Lookup(r.Context(), kiosk, id)
	if errors.Is(err, ErrUnknownDossier) {
		writeErr(w, http.StatusNotFound, portal.ErrCodeNotFound, "no dossier with this ID from this kiosk")
		return
	}
	if err != nil {
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	writeJSON(w, http.StatusOK, portal.StatusResponse{DossierID: id, Code: rec.Code, Status: rec.Status, Reason: rec.Reason, UpdatedAt: rec.UpdatedAt})
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, kiosk string) {
	id := r.Header.Get(portal.HeaderIdempotencyKey)
	if !dossier.ValidID(id) {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "Idempotency-Key must be the dossier ID (UUID)")
		return
	}
	body, ok := s.readBody(w, r, maxBody, "dossier")
	if !ok {
		return
	}
	if st, reason := s.faults.takeIntake(); st != 0 {
		code := portal.ErrCodeUnavailable
		if st < 500 {
			code = portal.ErrCodeRefused
		}
		writeErr(w, st, code, reason)
		return
	}
	// Unknown fields are allowed: a newer kiosk may send more than this
	// portal knows, and the body hash covers every byte regardless.
	var d dossier.Dossier
	if err := json.Unmarshal(body, &d); err != nil {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "dossier is not valid JSON of the expected shape")
		return
	}
	switch {
	case d.ID != id:
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, "Idempotency-Key differs from the dossier ID")
		return
	case d.ProcedureCode == "":
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeRefused, "Thiếu mã thủ tục hành chính (procedure code missing)")
		return
	case len(d.Applicants) == 0:
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeRefused, "Hồ sơ không có người nộp (no applicant)")
		return
	}
	hashes := make([]string, len(d.Attachments))
	for i, a := range d.Attachments {
		h, ok := normHash(a.SHA256)
		if !ok {
			writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeAttachment, "an attachment's SHA-256 is not 64 hex digits")
			return
		}
		hashes[i] = h
	}
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])

	now := s.cfg.Now()
	resp, replay, err := s.store.Intake(r.Context(), Intake{Kiosk: kiosk, DossierID: id, BodyHash: bodyHash, Body: body,
		Attachments: hashes, Agency: s.cfg.Agency, Now: now,
		Answer: func(code string) ([]byte, error) {
			return json.Marshal(portal.SubmitResponse{DossierID: id, Code: code, Status: portal.StatusAccepted, Receipt: s.receipt(&d, code, now)})
		}})
	switch {
	case errors.Is(err, ErrConflict):
		writeErr(w, http.StatusConflict, portal.ErrCodeConflict, "this Idempotency-Key was used for a different dossier")
		return
	case errors.Is(err, ErrAttachmentMissing):
		writeErr(w, http.StatusUnprocessableEntity, portal.ErrCodeAttachment, "an attachment was not uploaded first")
		return
	case err != nil:
		s.log.Error("intake", "err", err)
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	writeIntake(w, resp, replay, s.faults.takeDrop())
}

// writeIntake answers an idempotent intake: 201 for the first delivery, 200
// with the replay header for a retry. With drop set (a test fault) the intake
// is committed but the connection is aborted, so the kiosk never hears.
func writeIntake(w http.ResponseWriter, resp []byte, replay, drop bool) {
	if drop {
		panic(http.ErrAbortHandler)
	}
	if replay {
		w.Header().Set(portal.HeaderReplayed, "true")
		writeRaw(w, http.StatusOK, resp)
		return
	}
	writeRaw(w, http.StatusCreated, resp)
}

// receipt fills the Mẫu 01 data for a dossier received at now.
func (s *Server) receipt(d *dossier.Dossier, code string, now time.Time) portal.Receipt {
	rc := portal.Receipt{Code: code, Agency: s.cfg.Agency, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName,
		ReceivedAt: now.In(portal.Vietnam), ProcessingDays: d.ProcessingDays, Channel: 1, Documents: []portal.Document{}}
	// The receipt names whom the dossier's own rule calls the requester,
	// as the kiosk's store and audit trail do.
	if r := d.Requester(); r != nil {
		rc.Applicant = r.FullName
	}
	if d.ProcessingDays > 0 {
		rc.AppointmentDate = portal.AddWorkingDays(now, d.ProcessingDays)
	}
	for _, a := range d.Attachments {
		rc.Documents = append(rc.Documents, portal.Document{Key: a.Key, Name: a.Name, SHA256: a.SHA256, Pages: a.Pages})
	}
	return rc
}

// heartbeat takes a kiosk's heartbeat. Only the fields of heartbeat.Status
// are kept (Parse drops the rest), so nothing else a client sends is stored.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request, kiosk string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, heartbeat.MaxBody))
	if err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, portal.ErrCodeBadRequest, "heartbeat too large or truncated")
		return
	}
	st, err := heartbeat.Parse(body)
	if err != nil {
		writeErr(w, http.StatusBadRequest, portal.ErrCodeBadRequest, err.Error())
		return
	}
	canon, err := json.Marshal(st)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "encoding failure")
		return
	}
	if err := s.store.PutHeartbeat(r.Context(), Heartbeat{KioskID: kiosk, ReceivedAt: s.cfg.Now().UTC(), Body: canon}); err != nil {
		s.log.Error("heartbeat", "err", err)
		writeErr(w, http.StatusInternalServerError, portal.ErrCodeInternal, "store failure")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
