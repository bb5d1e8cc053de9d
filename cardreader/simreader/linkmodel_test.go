package simreader_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cardreader/emrtd"
	"motcua/cardreader/iso7816"
	"motcua/cardreader/simreader"
	"motcua/cardreader/vchip"
)

// The contactless link, modelled (ISO/IEC 14443-3 and -4, Type A):
//
//   - every byte on the air costs 9 bit periods (8 data bits and a parity
//     bit) at the link's rate of 106, 212, 424 or 848 kbit/s;
//   - every frame carries 3 bytes of framing (PCB and CRC_A; no CID/NAD);
//   - an APDU longer than the frame size (FSC = FSD = 256 bytes, so 253
//     bytes of APDU per frame) is chained, and each chained frame but the
//     last is acknowledged by a 3-byte R(ACK) frame from the other side;
//   - each frame turn waits the minimum frame delay time, 1172/fc ≈ 86 µs;
//   - each APDU costs a fixed turnaround for the reader's USB/PC/SC round
//     trip and the chip's processing (secure messaging, EEPROM reads),
//     linkTurnaround (5 ms, a guess for a good reader and chip, the same
//     as BenchmarkFullRead's).
//
// The physical minimum is the APDUs' bytes alone at 8 bits per byte, and
// the files' own bytes at 8 bits per byte is the floor under any protocol.
// Framing details (SOF/EOF, Type B's 10-bit characters) are left out.
const (
	airBitsPerByte = 9
	frameOverhead  = 3
	frameINF       = 256 - frameOverhead
	frameDelay     = 1172 * time.Second / 13_560_000
)

var linkRates = []int{106_000, 212_000, 424_000, 848_000}

// apduSize is one command-response pair as the transport saw it.
type apduSize struct{ cmd, resp int }

// recorder keeps the size of every APDU and passes the chip's ATR on, so
// emrtd.AutoLe can see whether the chip takes extended length.
type recorder struct {
	iso7816.Transport
	card  *vchip.Card
	sizes []apduSize
}

func (r *recorder) ATR() []byte { return r.card.ATR() }

func (r *recorder) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	resp, err := r.Transport.Transmit(ctx, cmd)
	r.sizes = append(r.sizes, apduSize{len(cmd), len(resp)})
	return resp, err
}

// chained returns the frames and the framing bytes for one direction's
// n bytes, and the R(ACK) frames the other side sends back.
func chained(n int) (frames, acks int) {
	frames = max(1, (n+frameINF-1)/frameINF)
	return frames, frames - 1
}

// linkTimes returns the modelled time of the APDUs at rate bit/s and the
// physical minimum (their bytes alone).
func linkTimes(sizes []apduSize, rate int) (model, wire time.Duration) {
	var bytes, airBytes, frames int
	for _, s := range sizes {
		cf, ca := chained(s.cmd)
		rf, ra := chained(s.resp)
		n := cf + ca + rf + ra
		bytes += s.cmd + s.resp
		airBytes += s.cmd + s.resp + frameOverhead*n
		frames += n
	}
	bit := time.Second / time.Duration(rate)
	wire = time.Duration(bytes*8) * time.Second / time.Duration(rate)
	model = time.Duration(airBytes*airBitsPerByte)*bit + time.Duration(frames)*frameDelay +
		time.Duration(len(sizes))*linkTurnaround
	return model, wire
}

// fileBytes is the size of the files a full read takes.
func fileBytes(sim *simreader.Sim) int {
	n := 0
	for _, size := range fileSizes(sim) {
		n += size
	}
	return n
}

// TestLinkModel reads every fixture with short APDUs (Le 256) and with
// extended length (the chip announces it; emrtd.AutoLe), and logs the
// modelled read time at each rate against the physical minimum. Run it
// with -v to see the table (scripts/bench.sh does).
func TestLinkModel(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(seeds, "cards", "*.json"))
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	var rows []string
	head := fmt.Sprintf("%-16s %-8s %5s %7s %7s", "fixture", "length", "apdus", "bytes", "files")
	for _, r := range linkRates {
		head += fmt.Sprintf(" %15s", fmt.Sprintf("%d kbit/s", r/1000))
	}
	rows = append(rows, head, strings.Repeat("-", len(head)))
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		var short, ext []apduSize
		for _, mode := range []struct {
			label    string
			extended bool
			maxLe    int
			out      *[]apduSize
		}{{"short", false, 0, &short}, {"extended", true, emrtd.AutoLe, &ext}} {
			sim, err := simreader.Open(path, simreader.Options{ExtendedLength: mode.extended, MaxLe: mode.maxLe})
			if err != nil {
				t.Fatal(err)
			}
			sim.Card.Insert()
			rec := &recorder{Transport: iso7816.NewCardTransport(sim.Card), card: sim.Card}
			if _, err := emrtd.Read(context.Background(), rec, sim.Options); err != nil {
				t.Fatalf("%s %s: %v", name, mode.label, err)
			}
			*mode.out = rec.sizes
			bytes := 0
			for _, s := range rec.sizes {
				bytes += s.cmd + s.resp
			}
			files := fileBytes(sim)
			row := fmt.Sprintf("%-16s %-8s %5d %7d %7d", name, mode.label, len(rec.sizes), bytes, files)
			var prev time.Duration
			for i, rate := range linkRates {
				model, wire := linkTimes(rec.sizes, rate)
				if model < wire || wire < time.Duration(files*8)*time.Second/time.Duration(rate) {
					t.Errorf("%s %s: model %v below the minimum %v", name, mode.label, model, wire)
				}
				if i > 0 && model >= prev {
					t.Errorf("%s %s: %d kbit/s is not faster", name, mode.label, rate/1000)
				}
				prev = model
				row += fmt.Sprintf(" %6.0f / %6.0f", ms(model), ms(wire))
			}
			rows = append(rows, row)
		}
		if len(ext) >= len(short) {
			t.Errorf("%s: extended length takes %d APDUs, short %d", name, len(ext), len(short))
		}
	}
	rows = append(rows, "(each cell: modelled ms / physical minimum ms, the APDUs' bytes alone at the link rate)")
	t.Log("modelled read time per fixture\n" + strings.Join(rows, "\n"))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
