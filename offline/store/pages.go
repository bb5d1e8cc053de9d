package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// checkPages validates the page tree of a bbolt file by reading it, not
// mapping it, before bbolt is let near it: bbolt trusts its pages, and a
// damaged one can make it panic on a goroutine of its own (where no
// recover reaches), fault on a read past the end of the map, or loop for
// ever on a page that points back up the tree. Every page reachable from
// the current meta page is checked once: in range, its header naming
// itself, a branch or leaf, its elements inside it, its keys in order and
// within its parent's bounds; a page reached twice (a cycle) is damage.
// These are the checks bbolt's own Tx.Check makes at open, on a goroutine
// that crashes the process when one fails. The layout is bbolt's (internal/common: page.go,
// meta.go, bucket.go), version 2.
func checkPages(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	c := &pageChecker{f: f, size: st.Size(), seen: map[uint64]bool{}}
	m, err := c.meta()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	c.ps, c.hwm = int64(m.pageSize), m.hwm
	if c.hwm > uint64(c.size/c.ps) { // so every page below hwm is in the file
		return fmt.Errorf("%w: the file ends before page %d", ErrCorrupt, c.hwm)
	}
	if m.root != 0 {
		if _, err := c.walk(m.root, 0, nil, nil); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return nil
}

const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeader      = 16
	elemSize        = 16
	flagBranch      = 0x01
	flagLeaf        = 0x02
	flagBucketValue = 0x01
	maxDepth        = 64
)

type boltMeta struct {
	pageSize  uint32
	root, hwm uint64
	txid      uint64
}

type pageChecker struct {
	f        io.ReaderAt
	size, ps int64
	hwm      uint64
	seen     map[uint64]bool
}

// meta returns the meta page bbolt would use: the valid one with the
// higher transaction ID.
func (c *pageChecker) meta() (boltMeta, error) {
	var best boltMeta
	found := false
	var lastErr error
	for i := range int64(2) {
		// The first meta page sits at 0; the second one page later, and
		// the page size is in the meta itself: try the usual sizes.
		for _, ps := range []int64{4096, 8192, 16384, 65536, 1024, 2048, 32768} {
			if i == 0 && ps != 4096 {
				break
			}
			buf := make([]byte, pageHeader+64)
			if _, err := c.f.ReadAt(buf, i*ps); err != nil {
				lastErr = fmt.Errorf("meta page %d: %v", i, err)
				continue
			}
			m, err := parseMeta(buf[pageHeader:])
			if err != nil || (i == 1 && int64(m.pageSize) != ps) {
				lastErr = fmt.Errorf("meta page %d: %v", i, err)
				continue
			}
			if !found || m.txid > best.txid {
				best, found = m, true
			}
			break
		}
	}
	if !found {
		return best, lastErr
	}
	return best, nil
}

func parseMeta(b []byte) (boltMeta, error) {
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != boltMagic {
		return boltMeta{}, errors.New("not a bbolt file (magic)")
	}
	if le.Uint32(b[4:]) != boltVersion {
		return boltMeta{}, errors.New("unknown bbolt version")
	}
	h := fnv.New64a()
	h.Write(b[:56])
	if h.Sum64() != le.Uint64(b[56:]) {
		return boltMeta{}, errors.New("meta checksum")
	}
	m := boltMeta{pageSize: le.Uint32(b[8:]), root: le.Uint64(b[16:]), hwm: le.Uint64(b[40:]), txid: le.Uint64(b[48:])}
	if m.pageSize < 1024 || m.pageSize > 65536 || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("page size %d", m.pageSize)
	}
	return m, nil
}

// walk checks page id and everything under it: keys >= lo (when not nil)
// and < hi (when not nil). It returns the subtree's largest key.
func (c *pageChecker) walk(id uint64, depth int, lo, hi []byte) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("page %d: tree deeper than %d", id, maxDepth)
	}
	if id < 2 || id >= c.hwm {
		return nil, fmt.Errorf("page %d out of range (2..%d)", id, c.hwm-1)
	}
	if c.seen[id] {
		return nil, fmt.Errorf("page %d reached twice", id)
	}
	c.seen[id] = true
	hdr := make([]byte, pageHeader)
	if _, err := c.f.ReadAt(hdr, int64(id)*c.ps); err != nil {
		return nil, fmt.Errorf("page %d: %v", id, err)
	}
	le := binary.LittleEndian
	overflow := uint64(le.Uint32(hdr[12:]))
	if le.Uint64(hdr[0:]) != id {
		return nil, fmt.Errorf("page %d: header names page %d", id, le.Uint64(hdr[0:]))
	}
	if id+overflow >= c.hwm {
		return nil, fmt.Errorf("page %d: overflow past the end", id)
	}
	buf := make([]byte, int64(1+overflow)*c.ps)
	if _, err := c.f.ReadAt(buf, int64(id)*c.ps); err != nil {
		return nil, fmt.Errorf("page %d: %v", id, err)
	}
	for i := uint64(1); i <= overflow; i++ {
		if c.seen[id+i] {
			return nil, fmt.Errorf("page %d reached twice", id+i)
		}
		c.seen[id+i] = true
	}
	return c.node(buf, id, depth, false, lo, hi)
}

// node checks one branch or leaf page held in p (a page read from the
// file, or an inline bucket's page inside a value) and returns its largest
// key.
func (c *pageChecker) node(p []byte, id uint64, depth int, inline bool, lo, hi []byte) ([]byte, error) {
	le := binary.LittleEndian
	if len(p) < pageHeader {
		return nil, fmt.Errorf("page %d: shorter than its header", id)
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if pageHeader+count*elemSize > len(p) {
		return nil, fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	// key returns element i's key, checked to lie inside the page.
	key := func(i int, withValue bool) ([]byte, []byte, error) {
		e := pageHeader + i*elemSize
		var pos, ksize, vsize int
		if flags == flagBranch {
			pos, ksize = int(le.Uint32(p[e:])), int(le.Uint32(p[e+4:]))
		} else {
			pos, ksize, vsize = int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:])), int(le.Uint32(p[e+12:]))
		}
		end := e + pos + ksize + vsize
		if pos < 0 || ksize < 0 || vsize < 0 || end > len(p) || end < e {
			return nil, nil, fmt.Errorf("page %d: element %d outside the page", id, i)
		}
		return p[e+pos : e+pos+ksize], p[e+pos+ksize : end], nil
	}
	// order checks key i against the previous key and the upper bound.
	var prev []byte
	order := func(i int, k []byte) error {
		switch {
		case i == 0 && lo != nil && bytes.Compare(lo, k) > 0:
			return fmt.Errorf("page %d: first key below its parent's", id)
		case i > 0 && bytes.Compare(prev, k) >= 0:
			return fmt.Errorf("page %d: keys out of order at %d", id, i)
		case hi != nil && bytes.Compare(k, hi) >= 0:
			return fmt.Errorf("page %d: key %d not below the next key in its parent", id, i)
		}
		return nil
	}
	switch {
	case flags == flagBranch && !inline:
		prev = lo
		var max []byte
		for i := range count {
			k, _, err := key(i, false)
			if err != nil {
				return nil, err
			}
			if err := order(i, k); err != nil {
				return nil, err
			}
			next := hi
			if i+1 < count {
				if next, _, err = key(i+1, false); err != nil {
					return nil, err
				}
			}
			e := pageHeader + i*elemSize
			if max, err = c.walk(le.Uint64(p[e+8:]), depth+1, k, next); err != nil {
				return nil, err
			}
			prev = max
		}
		return max, nil
	case flags == flagLeaf:
		prev = lo
		for i := range count {
			k, v, err := key(i, true)
			if err != nil {
				return nil, err
			}
			if !inline {
				if err := order(i, k); err != nil {
					return nil, err
				}
			}
			prev = k
			if le.Uint32(p[pageHeader+i*elemSize:])&flagBucketValue == 0 {
				continue
			}
			if len(v) < 16 {
				return nil, fmt.Errorf("page %d: bucket %d header short", id, i)
			}
			if root := le.Uint64(v); root != 0 {
				if _, err := c.walk(root, depth+1, nil, nil); err != nil {
					return nil, err
				}
			} else if _, err := c.node(v[16:], id, depth+1, true, nil, nil); err != nil {
				return nil, err
			}
		}
		return prev, nil
	}
	return nil, fmt.Errorf("page %d: flags %#x (want a branch or a leaf)", id, flags)
}
