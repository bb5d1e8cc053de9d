package seal

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Stream format constants (see the package documentation).
const (
	// StreamVersion is the first byte of a stream header; Seal's values
	// start with 1, so a stored value says which format it is.
	StreamVersion = 2
	// HeaderSize is the length of a stream header.
	HeaderSize = 1 + 4 + 4 + saltSize + prefixSize
	// ChunkSize is how many plaintext bytes each chunk holds (the last
	// may hold fewer).
	ChunkSize = 64 << 10
	// TagSize is what sealing adds to each chunk.
	TagSize = 16
	// MaxChunkSize bounds the chunk size a header may declare, so a
	// hostile header cannot make a reader allocate without limit.
	MaxChunkSize = 16 << 20

	saltSize   = 16
	prefixSize = 7
	streamInfo = "motcua/seal/stream/v2"
)

// ErrStreamUse is a programming error: a chunk after the final one, a
// short chunk that is not final, or more than 2^32 chunks.
var ErrStreamUse = errors.New("seal: stream chunks out of order")

// StreamSealer seals one value chunk by chunk under a key of its own,
// derived from the current data key and a random salt. Make one with
// Keyring.NewStreamSealer; it is not safe for concurrent use.
type StreamSealer struct {
	hdr   [HeaderSize]byte
	aead  cipher.AEAD
	name  []byte
	chunk int
	next  uint64
	done  bool
}

// NewStreamSealer starts sealing a value that belongs to the record name
// (e.g. "motcua/attachment/<object>"): every chunk is bound to it, to its
// index and to whether it is the last, so a chunk moved to another record
// or position, a dropped tail or a reordering is detected by the opener.
func (k *Keyring) NewStreamSealer(name []byte) *StreamSealer {
	var salt [saltSize + prefixSize]byte
	if _, err := rand.Read(salt[:]); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	k.mu.RLock()
	id, key := k.current, k.raw[k.current]
	k.mu.RUnlock()
	s, err := newStreamSealer(id, key, ChunkSize, salt[:saltSize], salt[saltSize:], name)
	if err != nil {
		panic("seal: " + err.Error()) // only a bad key or chunk size fails, and both are fixed here
	}
	return s
}

// newStreamSealer builds a sealer from explicit parts (test vectors).
func newStreamSealer(id uint32, key []byte, chunk int, salt, prefix, name []byte) (*StreamSealer, error) {
	s := &StreamSealer{chunk: chunk, name: append([]byte(nil), name...)}
	s.hdr[0] = StreamVersion
	binary.BigEndian.PutUint32(s.hdr[1:5], id)
	binary.BigEndian.PutUint32(s.hdr[5:9], uint32(chunk))
	copy(s.hdr[9:9+saltSize], salt)
	copy(s.hdr[9+saltSize:], prefix)
	aead, err := streamAEAD(key, s.hdr[:])
	if err != nil {
		return nil, err
	}
	s.aead = aead
	return s, nil
}

// streamAEAD derives the stream's key: HKDF-SHA256 of the data key with
// the header's salt.
func streamAEAD(key, hdr []byte) (cipher.AEAD, error) {
	sub, err := hkdf.Key(sha256.New, key, hdr[9:9+saltSize], streamInfo, keySize)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sub)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Header returns the stream header to store with the chunks.
func (s *StreamSealer) Header() []byte { return s.hdr[:] }

// ChunkSize is the plaintext size of every chunk but the last.
func (s *StreamSealer) ChunkSize() int { return s.chunk }

// Chunks returns how many chunks have been sealed.
func (s *StreamSealer) Chunks() uint64 { return s.next }

// SealChunk seals the next chunk, appending it to dst. Every chunk but the
// final one must hold exactly ChunkSize bytes; the final one holds 0 to
// ChunkSize bytes (0 only when the whole value is empty).
func (s *StreamSealer) SealChunk(dst, plaintext []byte, final bool) ([]byte, error) {
	switch {
	case s.done, s.next > 0xFFFFFFFF, len(plaintext) > s.chunk, !final && len(plaintext) != s.chunk:
		return nil, ErrStreamUse
	}
	var nonce [12]byte
	aad := streamNonceAAD(&nonce, s.hdr[:], s.name, s.next, final)
	out := s.aead.Seal(dst, nonce[:], plaintext, aad)
	s.next++
	s.done = final
	return out, nil
}

// streamNonceAAD fills in chunk i's nonce (prefix ‖ index ‖ final flag)
// and returns its additional data (label ‖ header ‖ index ‖ flag ‖ name).
func streamNonceAAD(nonce *[12]byte, hdr, name []byte, i uint64, final bool) []byte {
	var flag byte
	if final {
		flag = 1
	}
	copy(nonce[:prefixSize], hdr[9+saltSize:])
	binary.BigEndian.PutUint32(nonce[prefixSize:11], uint32(i))
	nonce[11] = flag
	aad := make([]byte, 0, len(streamInfo)+HeaderSize+9+len(name))
	aad = append(aad, streamInfo...)
	aad = append(aad, hdr...)
	aad = binary.BigEndian.AppendUint64(aad, i)
	aad = append(aad, flag)
	return append(aad, name...)
}

// StreamOpener opens the chunks of one sealed stream. It is safe for
// concurrent use (each call names its chunk).
type StreamOpener struct {
	hdr   [HeaderSize]byte
	aead  cipher.AEAD
	name  []byte
	chunk int
}

// StreamKeyOf returns the ID of the key a stream header was made with.
func StreamKeyOf(header []byte) (uint32, error) {
	if len(header) != HeaderSize || header[0] != StreamVersion {
		return 0, ErrFormat
	}
	c := binary.BigEndian.Uint32(header[5:9])
	if c == 0 || c > MaxChunkSize {
		return 0, ErrFormat
	}
	return binary.BigEndian.Uint32(header[1:5]), nil
}

// NewStreamOpener checks a stream header made for record name and returns
// the opener of its chunks.
func (k *Keyring) NewStreamOpener(header, name []byte) (*StreamOpener, error) {
	id, err := StreamKeyOf(header)
	if err != nil {
		return nil, err
	}
	k.mu.RLock()
	key, ok := k.raw[id]
	k.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w (key %d)", ErrUnknownKey, id)
	}
	return newStreamOpener(key, header, name)
}

func newStreamOpener(key, header, name []byte) (*StreamOpener, error) {
	o := &StreamOpener{name: append([]byte(nil), name...), chunk: int(binary.BigEndian.Uint32(header[5:9]))}
	copy(o.hdr[:], header)
	aead, err := streamAEAD(key, o.hdr[:])
	if err != nil {
		return nil, err
	}
	o.aead = aead
	return o, nil
}

// ChunkSize is the plaintext size of every chunk but the last.
func (o *StreamOpener) ChunkSize() int { return o.chunk }

// KeyID is the ID of the data key the stream was sealed under.
func (o *StreamOpener) KeyID() uint32 { return binary.BigEndian.Uint32(o.hdr[1:5]) }

// OpenChunk opens chunk index, appending its plaintext to dst. final says
// whether the caller expects it to be the last chunk: a chunk sealed as
// last does not open as a middle one and vice versa, so a stream cut
// after a middle chunk fails here rather than looking complete.
func (o *StreamOpener) OpenChunk(dst, sealed []byte, index uint64, final bool) ([]byte, error) {
	switch {
	case index > 0xFFFFFFFF, len(sealed) < TagSize, len(sealed) > o.chunk+TagSize,
		!final && len(sealed) != o.chunk+TagSize:
		return nil, ErrAuth
	}
	var nonce [12]byte
	aad := streamNonceAAD(&nonce, o.hdr[:], o.name, index, final)
	out, err := o.aead.Open(dst, nonce[:], sealed, aad)
	if err != nil {
		return nil, ErrAuth
	}
	return out, nil
}

// Writer seals everything written to it as one stream onto an io.Writer:
// the header, then the sealed chunks back to back. Close seals the final
// chunk; without Close the stream is incomplete and does not open.
type Writer struct {
	w   io.Writer
	s   *StreamSealer
	buf []byte
	out []byte
	err error
}

// NewWriter starts a sealed stream for record name on w.
func (k *Keyring) NewWriter(w io.Writer, name []byte) *Writer {
	return newWriter(w, k.NewStreamSealer(name))
}

func newWriter(w io.Writer, s *StreamSealer) *Writer {
	sw := &Writer{w: w, s: s, buf: make([]byte, 0, s.chunk), out: make([]byte, 0, s.chunk+TagSize)}
	_, sw.err = w.Write(s.Header())
	return sw
}

// Write seals p; a full chunk is written out once more data follows it
// (the last chunk is sealed as final by Close).
func (w *Writer) Write(p []byte) (int, error) {
	n := 0
	if w.s.done && w.err == nil {
		w.err = ErrStreamUse // written after Close
	}
	for len(p) > 0 && w.err == nil {
		if len(w.buf) == w.s.chunk {
			w.flush(false)
			continue
		}
		c := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf = w.buf[:len(w.buf)+c]
		p, n = p[c:], n+c
	}
	return n, w.err
}

func (w *Writer) flush(final bool) {
	w.out, w.err = w.s.SealChunk(w.out[:0], w.buf, final)
	if w.err == nil {
		_, w.err = w.w.Write(w.out)
	}
	w.buf = w.buf[:0]
}

// Close seals the final chunk. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err == nil && !w.s.done {
		w.flush(true)
	}
	return w.err
}

// Reader opens a stream written by Writer. Read returns ErrAuth when any
// chunk was changed, moved, swapped or dropped (including the tail), and
// io.EOF only after the chunk sealed as final.
type Reader struct {
	k    *Keyring
	r    *bufio.Reader
	name []byte
	o    *StreamOpener
	in   []byte
	buf  []byte // plaintext not yet returned
	pt   []byte
	next uint64
	done bool
	err  error
}

// NewReader returns a reader of the stream on r sealed for record name.
// The header is read at the first Read.
func (k *Keyring) NewReader(r io.Reader, name []byte) *Reader {
	return &Reader{k: k, r: bufio.NewReaderSize(r, 64<<10), name: append([]byte(nil), name...)}
}

func (r *Reader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			r.err = io.EOF
			return 0, io.EOF
		}
		r.err = r.fill()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// fill opens the next chunk into r.buf.
func (r *Reader) fill() error {
	if r.o == nil {
		hdr := make([]byte, HeaderSize)
		if _, err := io.ReadFull(r.r, hdr); err != nil {
			return fmt.Errorf("%w: stream header: %v", ErrFormat, err)
		}
		o, err := r.k.NewStreamOpener(hdr, r.name)
		if err != nil {
			return err
		}
		r.o = o
		r.in = make([]byte, o.chunk+TagSize)
		r.pt = make([]byte, 0, o.chunk)
	}
	n, err := io.ReadFull(r.r, r.in)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		r.done = true // a short chunk can only be the last
	case err != nil:
		return err
	default:
		_, perr := r.r.Peek(1)
		if perr == io.EOF {
			r.done = true
		} else if perr != nil {
			return perr
		}
	}
	pt, oerr := r.o.OpenChunk(r.pt[:0], r.in[:n], r.next, r.done)
	if oerr != nil {
		return oerr
	}
	r.next++
	r.buf = pt
	return nil
}
