// Command mkqrcorpus writes a deterministic corpus of camera-like QR frames
// (see motcua/cardreader/qrcode/corpus) into a directory: NAME.jpg
// as the camera delivers it, NAME.pgm with its luminance plane for peer
// decoders, and manifest.json with each frame's payload and conditions.
//
//	mkqrcorpus -set 2 -n 240 -out /tmp/qrcorpus
package main

import (
	"flag"
	"fmt"
	"os"

	"motcua/cardreader/qrcode/corpus"
)

func main() {
	set := flag.Uint64("set", corpus.HeldOut, "seed of the set (1 = tuning, 2 = held out)")
	n := flag.Int("n", 240, "number of frames")
	out := flag.String("out", "", "output directory (required)")
	flag.Parse()
	if *out == "" || *n <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	frames, err := corpus.Generate(*set, *n)
	if err == nil {
		err = corpus.WriteDir(*out, frames)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkqrcorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("mkqrcorpus: %d frames of set %d in %s\n", *n, *set, *out)
}
