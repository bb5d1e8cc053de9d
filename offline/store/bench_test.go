package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"motcua/offline/internal/testdossier"
)

// benchEnqueue measures Enqueue latency (p50, p99 as custom metrics), the
// pages each enqueue writes and the database's size per dossier. With
// online set, each dossier is filed right after its enqueue (not timed):
// the steady state of a kiosk whose portal answers, where the outbox and
// the sealed dossiers stay small.
func benchEnqueue(b *testing.B, noSync, online bool) {
	dir := b.TempDir()
	s := openStore(b, dir, Options{NoSync: noSync, Now: time.Now})
	defer s.Close()
	lat := make([]time.Duration, 0, b.N)
	i, pages := 0, 0
	for b.Loop() {
		d := testdossier.New(i, time.Now())
		st0 := s.db.Stats()
		before := st0.TxStats.GetWrite()
		t := time.Now()
		if _, _, err := s.Enqueue(d, nil); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		st1 := s.db.Stats()
		pages += int(st1.TxStats.GetWrite() - before)
		if online {
			if err := s.MarkFiled(d.ID, filedResponse(d.ID, i+1), time.Now().Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
		i++
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "dossiers/s")
	// Page writes per enqueue (data pages plus the meta page).
	b.ReportMetric(float64(pages)/float64(len(lat)), "pages/op")
	s.Close()
	if st, err := os.Stat(filepath.Join(dir, FileName)); err == nil && i >= 100 {
		b.ReportMetric(float64(st.Size())/float64(i), "fileB/dossier")
	}
}

// BenchmarkEnqueueDurable is the production setting: every enqueue is
// fsynced before it returns.
func BenchmarkEnqueueDurable(b *testing.B) { benchEnqueue(b, false, false) }

// BenchmarkEnqueueDurableOnline is BenchmarkEnqueueDurable with the portal
// answering: each dossier is filed (untimed) before the next enqueue.
func BenchmarkEnqueueDurableOnline(b *testing.B) { benchEnqueue(b, false, true) }

// BenchmarkEnqueueNoSync shows what the fsync costs.
func BenchmarkEnqueueNoSync(b *testing.B) { benchEnqueue(b, true, false) }

// BenchmarkBytesPerDossier fills a store with 2,000 dossiers and reports the
// file size per dossier (bbolt allocates in pages and grows the file in
// steps, so small counts overstate it).
func BenchmarkBytesPerDossier(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		s := openStore(b, dir, Options{NoSync: true, Now: time.Now})
		const n = 2000
		for i := 0; i < n; i++ {
			if _, _, err := s.Enqueue(testdossier.New(i, time.Now()), nil); err != nil {
				b.Fatal(err)
			}
		}
		var inuse int
		s.db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(_ []byte, bk *bolt.Bucket) error {
				st := bk.Stats()
				inuse += st.LeafInuse + st.BranchInuse + st.InlineBucketInuse
				return nil
			})
		})
		s.Close()
		st, _ := os.Stat(filepath.Join(dir, FileName))
		// The file grows in steps (bbolt doubles it up to 1 GiB), so the
		// bytes in use are the steadier figure.
		b.ReportMetric(float64(st.Size())/n, "fileB/dossier")
		b.ReportMetric(float64(inuse)/n, "inuseB/dossier")
	}
}

// BenchmarkFsync4K is issue 18.3's yardstick: one 4 KiB write and
// fdatasync, the least a durable commit can cost on this disk. Run it in
// the same `go test -bench` as BenchmarkEnqueueDurable.
func BenchmarkFsync4K(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "f"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t := time.Now()
		if _, err := f.WriteAt(buf, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
}

// BenchmarkAttachmentStore: storing and reading an 8 MiB scan as one sealed
// blob (the path before schema 4, written here as it was) against the
// sealed stream (Stage, link, OpenAttachment), in the same run. B/op shows
// the memory each holds.
func BenchmarkAttachmentStore(b *testing.B) {
	s := openStore(b, b.TempDir(), Options{NoSync: true})
	defer s.Close()
	data, _ := io.ReadAll(gen(8<<20, 8))
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	b.Run("blob/put", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := s.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bAttach).Put([]byte("blob"), s.kr.Seal(data, aadAttach("blob")))
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("blob/get", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := s.db.View(func(tx *bolt.Tx) error {
				_, err := s.kr.Open(tx.Bucket(bAttach).Get([]byte("blob")), aadAttach("blob"))
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream/put", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.Stage(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				b.Fatal(err)
			}
			if err := s.updateTx(func(tx *bolt.Tx) error {
				if err := deleteAttachTx(tx, sha); err != nil {
					return err
				}
				return p.linkTx(tx)
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream/get", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			rc, _, err := s.OpenAttachment(sha)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
