package portal

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"motcua/offline/dossier"
)

// HTTPClient talks the reference HTTP/JSON protocol (the one cmd/portal
// serves) with a bearer token.
type HTTPClient struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// Option configures an HTTPClient.
type Option func(*HTTPClient)

// WithHTTPClient replaces the underlying *http.Client (timeouts, TLS roots).
func WithHTTPClient(hc *http.Client) Option { return func(c *HTTPClient) { c.hc = hc } }

// WithTLSConfig sets the TLS configuration, e.g. a private root for a
// self-signed reference portal.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *HTTPClient) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		tr.TLSClientConfig = cfg
		c.hc = &http.Client{Transport: tr, Timeout: c.hc.Timeout}
	}
}

// NewHTTPClient returns a client for the portal at baseURL. The default
// request timeout is 30 s; the sync worker also bounds each call by context.
func NewHTTPClient(baseURL, token string, opts ...Option) (*HTTPClient, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("portal: bad base URL %q", baseURL)
	}
	if err := checkTransport(u); err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	c := &HTTPClient{base: u, token: token, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func (c *HTTPClient) do(ctx context.Context, method, path string, body []byte, hdr map[string]string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("portal: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.roundTrip(ctx, c.hc, req)
}

// roundTrip sends req and reads and classifies the answer.
func (c *HTTPClient) roundTrip(ctx context.Context, hc *http.Client, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, nil, ctx.Err()
		}
		return 0, nil, nil, fmt.Errorf("%w: %v", ErrUnreachable, scrub(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		// The connection dropped mid-answer: the request may have been
		// committed. Only an idempotent retry can tell.
		return 0, nil, nil, fmt.Errorf("%w: reading answer: %v", ErrUnreachable, scrub(err))
	}
	if len(b) > MaxResponse {
		return 0, nil, nil, fmt.Errorf("%w: answer larger than %d bytes", ErrBadResponse, MaxResponse)
	}
	if resp.StatusCode >= 400 {
		er := DecodeError(b)
		return resp.StatusCode, resp.Header, b, HTTPError(resp.StatusCode, er.Error, er.Reason)
	}
	return resp.StatusCode, resp.Header, b, nil
}

// scrub keeps the kind of a transport error without the URL (which holds no
// personal data, but keeps messages short and stable).
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("timeout")
	}
	return err
}

// Probe implements Client with GET /v1/health.
func (c *HTTPClient) Probe(ctx context.Context) error {
	_, _, _, err := c.do(ctx, http.MethodGet, PathHealth, nil, nil)
	return err
}

// PutAttachment implements Client with PUT /v1/attachments/{sha256},
// streaming body (a.Size bytes, sent as Content-Length) as it is read. The
// client's fixed timeout does not apply: a 20 MB scan on a slow line takes
// what it takes, and ctx bounds it. A body that fails to read (a damaged
// local copy) ends the upload with that error, not ErrUnreachable.
func (c *HTTPClient) PutAttachment(ctx context.Context, a dossier.Attachment, body io.Reader) error {
	if _, err := hex.DecodeString(a.SHA256); err != nil || len(a.SHA256) != 64 {
		return fmt.Errorf("portal: attachment hash is not hex SHA-256")
	}
	if a.Size < 0 {
		return fmt.Errorf("portal: attachment size %d", a.Size)
	}
	br := &bodyReader{r: io.LimitReader(body, a.Size)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base.String()+PathAttachments+a.SHA256, br)
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	req.ContentLength = a.Size
	if a.Size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/octet-stream")
	hc := *c.hc
	hc.Timeout = 0
	_, _, _, err = c.roundTrip(ctx, &hc, req)
	if br.err != nil {
		return fmt.Errorf("portal: reading the attachment to send: %w", br.err)
	}
	if err == nil && br.n != a.Size {
		// Cannot happen over HTTP/1.1 (the transport refuses a short body),
		// but an answer to fewer bytes than promised is no receipt.
		return fmt.Errorf("portal: attachment body ended after %d of %d bytes", br.n, a.Size)
	}
	return err
}

// bodyReader remembers how much of an upload was read and why it stopped
// early, so a local read failure is not mistaken for the network's.
type bodyReader struct {
	r   io.Reader
	n   int64
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// Submit implements Client with POST /v1/dossiers and the dossier ID as the
// Idempotency-Key. The body is the dossier's canonical JSON, so a retry
// sends the very same bytes.
func (c *HTTPClient) Submit(ctx context.Context, d *dossier.Dossier) (*SubmitResponse, error) {
	body, err := d.Canonical()
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	_, _, b, err := c.do(ctx, http.MethodPost, PathDossiers, body, map[string]string{HeaderIdempotencyKey: d.ID})
	if err != nil {
		return nil, err
	}
	return DecodeSubmitResponse(b, d.ID)
}

// Status implements Client with GET /v1/dossiers/{id}.
func (c *HTTPClient) Status(ctx context.Context, id string) (*StatusResponse, error) {
	if !dossier.ValidID(id) {
		return nil, fmt.Errorf("portal: bad dossier ID")
	}
	_, _, b, err := c.do(ctx, http.MethodGet, PathDossiers+"/"+id, nil, nil)
	if err != nil {
		return nil, err
	}
	return DecodeStatusResponse(b, id)
}

var _ Client = (*HTTPClient)(nil)
