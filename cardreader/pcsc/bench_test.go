package pcsc_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"motcua/cardreader/iso7816"
	"motcua/cardreader/vpcd"
	"motcua/internal/pcscdtest"
)

// BenchmarkTransmit is one SELECT round trip: ebfe/scard → pcscd → vpcd
// driver → TCP → vpcd card client → card and back. It reports the median
// and 99th percentile as well as the mean.
func BenchmarkTransmit(b *testing.B) {
	b.Run("select", func(b *testing.B) {
		benchTransmit(b, iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: []byte{0xA0, 0, 0, 2, 0x47, 0x10, 1}}.Bytes())
	})
	b.Run("read-256", func(b *testing.B) {
		benchTransmit(b, iso7816.Command{INS: 0xB0, Ne: 256}.Bytes())
	})
	// Without TCP_QUICKACK on the card side, for comparison.
	b.Run("select-no-quickack", func(b *testing.B) {
		benchTransmit(b, iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: []byte{0xA0, 0, 0, 2, 0x47, 0x10, 1}}.Bytes(), noQuickAck)
	})
}

func noQuickAck(c *vpcd.Client) { c.DisableQuickAck = true }

func benchTransmit(b *testing.B, cmd []byte, opts ...func(*vpcd.Client)) {
	env := pcscdtest.Start(b)
	cl := serveB(b, env, opts...)
	cl.Insert(&testCard{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	card := waitCardB(b, ctx, env.Reader)
	defer card.Close()
	defer waitEmpty(b, env.Reader)
	defer cl.Remove()
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		if _, err := card.Transmit(context.Background(), cmd); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
