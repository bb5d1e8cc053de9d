package qrcode

import "testing"

func BenchmarkGreyRGBA(b *testing.B) {
	f := frame(codeImage(b, 256), 1)
	for b.Loop() {
		grey(f)
	}
}
