package simreader_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/lds"
	"motcua/cardreader/simreader"
)

// Link model for the "link-ms/op" metric: ISO/IEC 14443 at 424 kbit/s for
// every command and response byte, plus a fixed 5 ms per APDU for the
// reader's and chip's turnaround (frame waiting, PC/SC round trip, chip
// processing). Framing bits and the higher PC/SC cost without TCP_QUICKACK
// are left out; the figure is a floor for a good reader, not a measurement.
const (
	linkBitsPerSecond = 424_000
	linkTurnaround    = 5 * time.Millisecond
)

func linkTime(apdus, bytes int) time.Duration {
	return time.Duration(bytes)*8*time.Second/linkBitsPerSecond + time.Duration(apdus)*linkTurnaround
}

// counting counts READ BINARY commands (INS is in clear under secure
// messaging) so the benchmark can compare them with the minimum.
type counting struct {
	iso7816.Transport
	reads int
}

func (c *counting) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if len(cmd) > 1 && cmd[1] == 0xB0 {
		c.reads++
	}
	return c.Transport.Transmit(ctx, cmd)
}

// fileSizes are the sizes of the files a full read takes (those the
// fixture's chip holds).
func fileSizes(sim *simreader.Sim) []int {
	var sizes []int
	for _, fid := range []uint16{lds.FIDCOM, lds.FIDSOD, lds.FIDDG1, lds.FIDDG2, lds.FIDDG13, lds.FIDDG14, lds.FIDDG15} {
		if b, ok := sim.Card.File(fid); ok {
			sizes = append(sizes, len(b))
		}
	}
	return sizes
}

// minReads is the fewest READ BINARY commands for the files a read takes.
func minReads(sim *simreader.Sim, le int) int {
	n := 0
	for _, size := range fileSizes(sim) {
		n += (size + le - 1) / le
	}
	return n
}

// BenchmarkFullRead reads each fixture whole (BAC, EF.COM, EF.SOD, DG1,
// DG2, DG13, DG14, DG15, passive, active and chip authentication) against
// the in-process virtual chip. ns/op is host and chip CPU together (the
// chip's secure messaging and signatures run in the same process), so it
// is an upper bound on the host's CPU per read.
func BenchmarkFullRead(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join(seeds, "cards", "*.json"))
	for _, le := range []int{256, 224} {
		for _, path := range paths {
			name := strings.TrimSuffix(filepath.Base(path), ".json")
			b.Run(name+"/le="+itoa(le), func(b *testing.B) {
				sim, err := simreader.Open(path, simreader.Options{MaxLe: le})
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				var apdus, bytes, reads int
				b.ReportAllocs()
				for b.Loop() {
					sim.Card.Insert()
					c := &counting{Transport: iso7816.NewCardTransport(sim.Card)}
					r, err := emrtd.Read(ctx, c, sim.Options)
					if err != nil {
						b.Fatal(err)
					}
					apdus, bytes, reads = r.Stats.APDUs, r.Stats.Bytes, c.reads
				}
				min := apdus - reads + minReads(sim, le)
				b.ReportMetric(float64(apdus), "apdus/op")
				b.ReportMetric(float64(min), "min-apdus/op")
				b.ReportMetric(float64(bytes), "bytes/op")
				b.ReportMetric(float64(linkTime(apdus, bytes))/float64(time.Millisecond), "link-ms/op")
			})
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
