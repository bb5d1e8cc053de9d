package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"motcua/cardreader/cccd"
	"motcua/offline/dossier"
)

// HTTP paths and headers of the reference protocol.
const (
	PathHealth      = "/v1/health"
	PathDossiers    = "/v1/dossiers"     // POST a dossier; GET /v1/dossiers/{id} for its status
	PathAttachments = "/v1/attachments/" // PUT /v1/attachments/{sha256}
	// HeaderIdempotencyKey carries the kiosk's dossier ID on POST
	// /v1/dossiers and the batch ID on POST /v1/stats.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderReplayed is "true" when the answer is a replay of an earlier one.
	HeaderReplayed = "Idempotent-Replayed"
	// MaxResponse bounds how much of a response body the client reads.
	MaxResponse = 1 << 20
)

// Document is one item of "Thành phần hồ sơ" on the receipt.
type Document struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256,omitempty"`
	Pages  int    `json:"pages,omitempty"` // of a scanned document; 0 when unknown
}

// Receipt is the data of the receipt-and-appointment slip (Mẫu 01, Giấy
// tiếp nhận hồ sơ và hẹn trả kết quả). Applicant is personal data.
type Receipt struct {
	Code            string     `json:"code"` // mã hồ sơ
	Agency          string     `json:"agency"`
	ProcedureCode   string     `json:"procedureCode"` // mã TTHC
	ProcedureName   string     `json:"procedureName"` // nội dung yêu cầu giải quyết
	Applicant       string     `json:"applicant"`     // tiếp nhận hồ sơ của (họ tên)
	ReceivedAt      time.Time  `json:"receivedAt"`    // thời gian nhận hồ sơ
	ProcessingDays  int        `json:"processingDays,omitempty"`
	AppointmentDate cccd.Date  `json:"appointmentDate,omitzero"` // thời gian trả kết quả; zero when unknown
	Documents       []Document `json:"documents"`                // thành phần hồ sơ
	Channel         int        `json:"channel"`                  // KenhThucHien: 1 trực tiếp
}

// SubmitResponse is the portal's answer to a dossier intake.
type SubmitResponse struct {
	DossierID string  `json:"dossierId"` // the kiosk's ID, echoed
	Code      string  `json:"code"`
	Status    Status  `json:"status"`
	Receipt   Receipt `json:"receipt"`
}

// StatusResponse is the portal's answer to a status lookup.
type StatusResponse struct {
	DossierID string    `json:"dossierId"`
	Code      string    `json:"code"`
	Status    Status    `json:"status"`
	Reason    string    `json:"reason,omitempty"` // why refused, stopped, or what to supplement
	UpdatedAt time.Time `json:"updatedAt"`
}

// ErrorResponse is the body of every 4xx and 5xx answer.
type ErrorResponse struct {
	Error  string `json:"error"`  // machine code, e.g. "idempotency-conflict"
	Reason string `json:"reason"` // for people; shown to the clerk
}

// Machine codes in ErrorResponse.Error.
const (
	ErrCodeBadRequest   = "bad-request"
	ErrCodeUnauthorized = "unauthorized"
	ErrCodeConflict     = "idempotency-conflict"
	ErrCodeRefused      = "refused"
	ErrCodeNotFound     = "not-found"
	ErrCodeAttachment   = "attachment-missing"
	ErrCodeUnavailable  = "unavailable"
	ErrCodeInternal     = "internal"
)

// ErrBadResponse means a response body did not parse or failed a check.
var ErrBadResponse = errors.New("portal: malformed response")

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrBadResponse)
	}
	return nil
}

// DecodeSubmitResponse parses and checks a submit answer for dossier id.
func DecodeSubmitResponse(b []byte, id string) (*SubmitResponse, error) {
	var r SubmitResponse
	if err := decodeStrict(b, &r); err != nil {
		return nil, err
	}
	switch {
	case r.DossierID != id:
		return nil, fmt.Errorf("%w: answer is for another dossier", ErrBadResponse)
	case !r.Status.Valid():
		return nil, fmt.Errorf("%w: status %d", ErrBadResponse, r.Status)
	}
	if _, err := ParseCode(r.Code); err != nil {
		return nil, fmt.Errorf("%w: dossier code", ErrBadResponse)
	}
	if r.Receipt.Code != r.Code {
		return nil, fmt.Errorf("%w: receipt code differs", ErrBadResponse)
	}
	return &r, nil
}

// DecodeStatusResponse parses and checks a status answer for dossier id.
func DecodeStatusResponse(b []byte, id string) (*StatusResponse, error) {
	var r StatusResponse
	if err := decodeStrict(b, &r); err != nil {
		return nil, err
	}
	if r.DossierID != id {
		return nil, fmt.Errorf("%w: answer is for another dossier", ErrBadResponse)
	}
	if !r.Status.Valid() {
		return nil, fmt.Errorf("%w: status %d", ErrBadResponse, r.Status)
	}
	if _, err := ParseCode(r.Code); err != nil {
		return nil, fmt.Errorf("%w: dossier code", ErrBadResponse)
	}
	return &r, nil
}

// maxReason bounds a portal-supplied reason kept and shown to the clerk.
const maxReason = 500

// DecodeError parses an error body; a body that is not an ErrorResponse
// gives an empty one (the HTTP status still speaks).
func DecodeError(b []byte) ErrorResponse {
	var r ErrorResponse
	if decodeStrict(b, &r) != nil {
		return ErrorResponse{}
	}
	if len(r.Reason) > maxReason {
		r.Reason = r.Reason[:maxReason]
	}
	if len(r.Error) > 64 {
		r.Error = r.Error[:64]
	}
	return r
}

// Kind sorts every failure a Client reports into what the kiosk does
// about it. It is the contract between the sync worker and any adapter.
type Kind int

// The kinds of failure.
const (
	// Offline: the portal did not decide anything about this request (no
	// answer, down, unavailable, or this kiosk's token refused). The
	// kiosk stops sending and probes with backoff; the request is repeated
	// unchanged later.
	Offline Kind = iota + 1
	// Transient: this request failed this time (a server error, a rate
	// limit, a garbled answer). It is retried with backoff.
	Transient
	// Refused: a permanent decision about this request: the same request
	// will never succeed. The kiosk sets the dossier aside for a clerk,
	// with the portal's code and (sealed) reason.
	Refused
)

func (k Kind) String() string {
	switch k {
	case Offline:
		return "offline"
	case Transient:
		return "transient"
	case Refused:
		return "refused"
	}
	return "ok"
}

// KindOf classifies err; nil is 0. An error no adapter classified is
// Transient: retried, never dropped.
func KindOf(err error) Kind {
	var pe *Error
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return Offline
	case errors.As(err, &pe) && pe.kind() != 0:
		return pe.kind()
	}
	return Transient
}

// Error is a portal's answer that refuses or fails one request. Adapters
// for other portals return it with the Kind their protocol implies;
// HTTPStatus is informational (0 when the protocol has none).
type Error struct {
	Kind       Kind
	HTTPStatus int
	Code       string // machine code, e.g. ErrCodeRefused; no personal data
	// Reason is the portal's text for people. It may name a citizen, so it
	// is never part of Error() (which ends up in logs) and the kiosk keeps
	// it sealed.
	Reason string
}

// HTTPError builds the Error for an HTTP answer of the reference protocol.
func HTTPError(status int, code, reason string) *Error {
	return &Error{Kind: httpKind(status), HTTPStatus: status, Code: code, Reason: reason}
}

// httpKind maps a status code: 401/403 (this kiosk's token, fixable) and
// 502–504 are Offline; 408, 429 and other 5xx Transient; other 4xx Refused.
func httpKind(status int) Kind {
	switch {
	case status == 401 || status == 403 || status == 502 || status == 503 || status == 504:
		return Offline
	case status == 408 || status == 429 || status >= 500:
		return Transient
	case status >= 400:
		return Refused
	}
	return Transient
}

func (e *Error) Error() string {
	s := "portal: " + e.kind().String()
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	return s
}

func (e *Error) kind() Kind {
	if e.Kind == 0 && e.HTTPStatus != 0 {
		return httpKind(e.HTTPStatus)
	}
	return e.Kind
}

// Permanent reports whether retrying the same request cannot succeed
// (Kind Refused).
func (e *Error) Permanent() bool { return e.kind() == Refused }

// Is lets errors.Is match the sentinel errors below.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.HTTPStatus == 401 || e.HTTPStatus == 403 || e.Code == ErrCodeUnauthorized
	case ErrConflict:
		return e.HTTPStatus == 409 || e.Code == ErrCodeConflict
	case ErrNotFound:
		return e.HTTPStatus == 404 || e.Code == ErrCodeNotFound
	case ErrUnavailable:
		return e.HTTPStatus == 502 || e.HTTPStatus == 503 || e.HTTPStatus == 504 || e.Code == ErrCodeUnavailable
	}
	return false
}

// Sentinels for errors.Is.
var (
	// ErrUnreachable: no answer at all (connection refused, reset, timeout).
	ErrUnreachable  = errors.New("portal: unreachable")
	ErrUnavailable  = errors.New("portal: unavailable")
	ErrUnauthorized = errors.New("portal: token refused")
	ErrConflict     = errors.New("portal: idempotency key reused with a different dossier")
	ErrNotFound     = errors.New("portal: not found")
)

// Client is what the kiosk needs from a portal. The reference HTTP client
// implements it; an adapter for a provincial one-door system (iGate,
// OpenCPS, …) implements the same five calls and passes the conformance
// suite in offline/portal/portaltest.
//
// The contract on errors: every error a method returns is classified by
// KindOf as Offline, Transient or Refused, and the kiosk acts on the kind
// alone (see Kind). A refusal is an *Error with Kind Refused, a machine
// Code and the portal's Reason (which may name a person: never put it in
// Error()). A token the portal refuses matches ErrUnauthorized (Offline);
// an unknown dossier in Status matches ErrNotFound; a dossier ID reused
// with other content in Submit matches ErrConflict (Refused). A cancelled
// or expired ctx ends the call promptly.
type Client interface {
	// Probe checks cheaply that the portal answers and accepts the token.
	Probe(ctx context.Context) error
	// PutAttachment uploads a document by its SHA-256, streaming it from
	// body, which holds exactly a.Size bytes: an adapter reads it as it
	// sends and never needs it whole. Repeating it is harmless. A body that
	// fails to read ends the call with an error wrapping that failure.
	PutAttachment(ctx context.Context, a dossier.Attachment, body io.Reader) error
	// Submit files a dossier. The dossier ID is the idempotency key: a
	// repeat returns the first answer and never creates a second dossier.
	Submit(ctx context.Context, d *dossier.Dossier) (*SubmitResponse, error)
	// Status looks a filed dossier up by the kiosk's dossier ID.
	Status(ctx context.Context, dossierID string) (*StatusResponse, error)
	// SendStats delivers satisfaction ratings and indicator totals. The
	// batch ID is the idempotency key: a repeat is counted once. An
	// adapter for a system without statistics may answer with a permanent
	// *Error; the kiosk then sets the batch aside and keeps its data.
	SendStats(ctx context.Context, b *StatsBatch) (*StatsResponse, error)
}
