package store

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/seal"
)

// Attachments are stored as sealed streams (package seal): the entry in
// the attachments bucket, under the SHA-256, is the stream header, the
// object ID its chunks are kept under and the size:
//
//	entry = stream header (seal.HeaderSize, first byte seal.StreamVersion)
//	        ‖ object (16) ‖ size (8, BE)
//	attachment-chunks: object ‖ index (4, BE) -> sealed chunk
//
// An entry whose first byte is 1 is a whole value sealed by seal.Seal
// (stores from before schema 4); it still opens, and RotateKey rewrites it
// as a stream. A stream's record name is the object, not the hash (the
// hash is known only once every byte is sealed); the reader checks the
// hash at the end, so an entry pointed at another attachment's chunks
// fails too.
//
// Streaming in (Stage) never holds more than stageBatch chunks: a large
// attachment is committed a batch at a time under an object listed in the
// staging bucket, and becomes part of the store only when the enqueue's
// transaction links it. A crash in between leaves staged chunks that Open
// deletes. A small attachment (one batch) is kept, sealed, in memory and
// written by the enqueue's own transaction.

// stageBatch is how many chunks one staging commit writes (1 MiB).
const stageBatch = 16

const objSize = 16

// entrySize is the length of a stream attachment entry.
const entrySize = seal.HeaderSize + objSize + 8

func aadObject(obj []byte) []byte {
	return []byte("motcua/attachment-stream/" + hex.EncodeToString(obj))
}

func chunkKey(obj []byte, i uint64) []byte {
	return binary.BigEndian.AppendUint32(append(make([]byte, 0, objSize+4), obj...), uint32(i))
}

// entry is a parsed attachments-bucket value.
type entry struct {
	blob   []byte // a one-blob value (format 1), or nil
	header []byte
	obj    []byte
	size   int64
}

func parseEntry(v []byte) (entry, error) {
	if len(v) > 0 && v[0] == 1 {
		if _, err := seal.KeyOf(v); err != nil {
			return entry{}, err
		}
		return entry{blob: v}, nil
	}
	if len(v) != entrySize {
		return entry{}, seal.ErrFormat
	}
	if _, err := seal.StreamKeyOf(v[:seal.HeaderSize]); err != nil {
		return entry{}, err
	}
	e := entry{header: v[:seal.HeaderSize], obj: v[seal.HeaderSize : seal.HeaderSize+objSize],
		size: int64(binary.BigEndian.Uint64(v[seal.HeaderSize+objSize:]))}
	if e.size < 0 {
		return entry{}, seal.ErrFormat
	}
	return e, nil
}

// keyID is the data key the entry was sealed under.
func (e entry) keyID() uint32 {
	if e.blob != nil {
		id, _ := seal.KeyOf(e.blob)
		return id
	}
	id, _ := seal.StreamKeyOf(e.header)
	return id
}

// chunks is how many chunks a stream of size bytes has.
func chunks(size int64, chunk int) uint64 {
	return max(1, uint64((size+int64(chunk)-1)/int64(chunk)))
}

// Staged is an attachment streamed into the store, sealed, that no dossier
// holds yet: pass it to EnqueueStaged. Discard it when it is not enqueued;
// one left by a crash is deleted when the store is next opened.
type Staged struct {
	SHA256 string // lower-case hex, computed while sealing
	Size   int64

	s         *Store
	obj       []byte
	header    []byte
	inline    [][]byte // sealed chunks of a small attachment, not yet stored
	committed bool     // chunks stored under obj, listed in the staging bucket
	linked    bool     // an enqueue made it the store's copy
}

// Stage streams an attachment from r into the store, sealed chunk by
// chunk, and computes its SHA-256 on the way. size is what the caller
// expects (-1 when unknown): over the portal's limit (Options.
// MaxAttachment) it is refused before anything is read, and a reader that
// yields more than the limit is refused as soon as it does; either way it
// is ErrTooLarge and nothing stays stored.
func (s *Store) Stage(r io.Reader, size int64) (*Staged, error) {
	return s.stage(r, size, s.opt.MaxAttachment)
}

func (s *Store) stage(r io.Reader, size, limit int64) (*Staged, error) {
	if limit > 0 && size > limit {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, size, limit)
	}
	p := &Staged{s: s, obj: make([]byte, objSize)}
	if _, err := rand.Read(p.obj); err != nil {
		return nil, err
	}
	sealer := s.kr.NewStreamSealer(aadObject(p.obj))
	p.header = sealer.Header()
	h := sha256.New()
	br := bufio.NewReaderSize(r, seal.ChunkSize)
	buf := make([]byte, seal.ChunkSize)
	var batch, bufs [][]byte
	var total int64
	fail := func(err error) (*Staged, error) {
		if derr := p.Discard(); derr != nil {
			return nil, errors.Join(err, derr)
		}
		return nil, err
	}
	for {
		n, err := io.ReadFull(br, buf)
		final := false
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			final = true
		case err != nil:
			return fail(fmt.Errorf("store: reading attachment: %w", err))
		default:
			if _, perr := br.Peek(1); perr == io.EOF {
				final = true
			} else if perr != nil {
				return fail(fmt.Errorf("store: reading attachment: %w", perr))
			}
		}
		total += int64(n)
		if limit > 0 && total > limit {
			return fail(fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit))
		}
		h.Write(buf[:n])
		// After a commit bbolt has copied the values into its pages: the
		// next batch reuses the buffers.
		if len(bufs) == len(batch) {
			bufs = append(bufs, make([]byte, 0, seal.ChunkSize+seal.TagSize))
		}
		c, serr := sealer.SealChunk(bufs[len(batch)][:0], buf[:n], final)
		if serr != nil {
			return fail(serr)
		}
		batch = append(batch, c)
		if final {
			break
		}
		if len(batch) == stageBatch {
			if err := p.commit(batch, sealer.Chunks()-uint64(len(batch))); err != nil {
				return fail(err)
			}
			batch = batch[:0]
		}
	}
	p.Size, p.SHA256 = total, hex.EncodeToString(h.Sum(nil))
	if !p.committed {
		p.inline = batch
		return p, nil
	}
	if err := p.commit(batch, sealer.Chunks()-uint64(len(batch))); err != nil {
		return fail(err)
	}
	return p, nil
}

// commit stores a batch of chunks starting at index first, listing the
// object as staged.
func (p *Staged) commit(batch [][]byte, first uint64) error {
	err := p.s.batchTx(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bStaging).Put(p.obj, u64(p.s.now())); err != nil {
			return err
		}
		b := tx.Bucket(bChunks)
		b.FillPercent = appendFill
		for i, c := range batch {
			if err := b.Put(chunkKey(p.obj, first+uint64(i)), c); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		p.committed = true
	}
	return err
}

// Discard deletes a staged attachment no enqueue took. It is harmless
// after an enqueue took it, and more than once.
func (p *Staged) Discard() error {
	p.inline = nil
	if p.linked || !p.committed {
		return nil
	}
	err := p.s.updateTx(func(tx *bolt.Tx) error { return unstageTx(tx, p.obj) })
	if err == nil {
		p.committed = false
	}
	return err
}

// unstageTx deletes a staged object: its chunks and its staging entry.
func unstageTx(tx *bolt.Tx, obj []byte) error {
	if err := deleteChunks(tx, obj); err != nil {
		return err
	}
	return tx.Bucket(bStaging).Delete(obj)
}

// deleteChunks deletes every chunk of obj.
func deleteChunks(tx *bolt.Tx, obj []byte) error {
	c := tx.Bucket(bChunks).Cursor()
	for k, _ := c.Seek(obj); k != nil && bytes.HasPrefix(k, obj); k, _ = c.Seek(obj) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// linkTx makes a staged attachment the store's copy of p.SHA256.
func (p *Staged) linkTx(tx *bolt.Tx) error {
	if p.inline != nil {
		b := tx.Bucket(bChunks)
		for i, c := range p.inline {
			if err := b.Put(chunkKey(p.obj, uint64(i)), c); err != nil {
				return err
			}
		}
	} else if err := tx.Bucket(bStaging).Delete(p.obj); err != nil {
		return err
	}
	v := make([]byte, 0, entrySize)
	v = append(append(append(v, p.header...), p.obj...), binary.BigEndian.AppendUint64(nil, uint64(p.Size))...)
	return tx.Bucket(bAttach).Put([]byte(p.SHA256), v)
}

// deleteAttachTx deletes an attachment entry and its chunks.
func deleteAttachTx(tx *bolt.Tx, sha string) error {
	b := tx.Bucket(bAttach)
	if v := b.Get([]byte(sha)); v != nil {
		if e, err := parseEntry(v); err == nil && e.blob == nil {
			if err := deleteChunks(tx, append([]byte(nil), e.obj...)); err != nil {
				return err
			}
		}
	}
	return b.Delete([]byte(sha))
}

// dropStaged deletes what staging left behind when the process ended
// before the enqueue (called at Open, when no one else can be staging).
func (s *Store) dropStaged() error {
	var objs [][]byte
	s.viewTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bStaging).ForEach(func(k, _ []byte) error {
			objs = append(objs, append([]byte(nil), k...))
			return nil
		})
	})
	for _, obj := range objs {
		if err := s.updateTx(func(tx *bolt.Tx) error { return unstageTx(tx, obj) }); err != nil {
			return err
		}
	}
	return nil
}

// OpenAttachment returns a reader of an attachment's bytes, decrypted one
// chunk at a time (each read in a short transaction of its own), and its
// size. The reader fails with ErrCorrupt when a chunk was changed, moved
// or dropped, or the bytes do not match the hash they are stored under;
// with ErrPurged when the attachment is deleted (or was never stored).
func (s *Store) OpenAttachment(sha string) (io.ReadCloser, int64, error) {
	var e entry
	var blob []byte
	err := s.viewTx(func(tx *bolt.Tx) error {
		v := tx.Bucket(bAttach).Get([]byte(sha))
		if v == nil {
			return ErrPurged
		}
		var err error
		if e, err = parseEntry(v); err != nil {
			return fmt.Errorf("%w: attachment entry: %w", ErrCorrupt, err)
		}
		if e.blob != nil {
			// A store from before schema 4: the whole value, as it was.
			blob, err = s.kr.Open(e.blob, aadAttach(sha))
			if err != nil {
				return fmt.Errorf("%w: attachment: %w", ErrCorrupt, err)
			}
			return nil
		}
		e.header, e.obj = bytes.Clone(e.header), bytes.Clone(e.obj)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if blob != nil {
		return io.NopCloser(bytes.NewReader(blob)), int64(len(blob)), nil
	}
	o, err := s.kr.NewStreamOpener(e.header, aadObject(e.obj))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: attachment: %w", ErrCorrupt, err)
	}
	return &attachReader{s: s, sha: sha, e: e, o: o, n: chunks(e.size, o.ChunkSize()), h: sha256.New(),
		pt: make([]byte, 0, o.ChunkSize())}, e.size, nil
}

type attachReader struct {
	s    *Store
	sha  string
	e    entry
	o    *seal.StreamOpener
	n    uint64 // chunks
	next uint64
	got  int64
	h    hash.Hash
	pt   []byte
	buf  []byte
	err  error
}

func (r *attachReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.fill()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *attachReader) fill() error {
	if r.next == r.n {
		if r.got != r.e.size || hex.EncodeToString(r.h.Sum(nil)) != r.sha {
			return fmt.Errorf("%w: attachment does not match its SHA-256", ErrCorrupt)
		}
		return io.EOF
	}
	err := r.s.viewTx(func(tx *bolt.Tx) error {
		v := tx.Bucket(bChunks).Get(chunkKey(r.e.obj, r.next))
		if v == nil {
			if tx.Bucket(bAttach).Get([]byte(r.sha)) == nil {
				return ErrPurged
			}
			return fmt.Errorf("%w: attachment chunk %d missing", ErrCorrupt, r.next)
		}
		pt, err := r.o.OpenChunk(r.pt[:0], v, r.next, r.next == r.n-1)
		if err != nil {
			return fmt.Errorf("%w: attachment chunk %d: %w", ErrCorrupt, r.next, err)
		}
		r.buf = pt
		return nil
	})
	if err != nil {
		return err
	}
	r.next++
	r.got += int64(len(r.buf))
	r.h.Write(r.buf)
	return nil
}

func (r *attachReader) Close() error {
	r.err, r.buf = errors.New("store: attachment reader closed"), nil
	return nil
}

// Attachment returns an attachment's bytes (decrypted) whole: for small
// parts a caller needs in memory anyway (a declaration to print). Large
// ones are read with OpenAttachment.
func (s *Store) Attachment(sha string) ([]byte, error) {
	rc, size, err := s.OpenAttachment(sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := io.Copy(out, rc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// checkAttachTx checks an attachment entry and that its first chunk opens
// (a wrong key shows as seal.ErrAuth or seal.ErrUnknownKey).
func (s *Store) checkAttachTx(tx *bolt.Tx, sha string, v []byte) error {
	e, err := parseEntry(v)
	if err != nil {
		return err
	}
	if e.blob != nil {
		_, err := s.kr.Open(e.blob, aadAttach(sha))
		return err
	}
	o, err := s.kr.NewStreamOpener(e.header, aadObject(e.obj))
	if err != nil {
		return err
	}
	n := chunks(e.size, o.ChunkSize())
	c := tx.Bucket(bChunks).Get(chunkKey(e.obj, 0))
	if c == nil {
		return fmt.Errorf("%w: first chunk missing", ErrCorrupt)
	}
	_, err = o.OpenChunk(nil, c, 0, n == 1)
	return err
}
