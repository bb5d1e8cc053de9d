package main

import (
	"context"
	"testing"
	"time"

	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/pcsc"
	"motcua/internal/pcscdtest"
)

// BenchmarkFullRead reads one fixture completely (access, every file,
// passive and active authentication) in process and through pcscd+vpcd.
// The difference is the cost of the real PC/SC path.
func BenchmarkFullRead(b *testing.B) {
	const path = "../../seeds/cards/nguyen-van-an.json"
	b.Run("in-process", func(b *testing.B) {
		sim := openSimB(b, path)
		t := iso7816.NewCardTransport(freshChipB(b, sim))
		var apdus int
		for b.Loop() {
			r, err := emrtd.Read(context.Background(), t, sim.Options)
			if err != nil {
				b.Fatal(err)
			}
			apdus = r.Stats.APDUs
		}
		b.ReportMetric(float64(apdus), "APDUs/read")
	})
	b.Run("pcscd", func(b *testing.B) {
		env := pcscdtest.Start(b)
		sim := openSimB(b, path)
		cl := env.Serve(b)
		cl.Insert(freshChipB(b, sim))
		defer cl.Remove()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		card, err := pcsc.WaitCard(ctx, env.Reader)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		defer card.Close()
		var apdus int
		for b.Loop() {
			r, err := emrtd.Read(context.Background(), card, sim.Options)
			if err != nil {
				b.Fatal(err)
			}
			apdus = r.Stats.APDUs
		}
		b.ReportMetric(float64(apdus), "APDUs/read")
	})
}
