package address

import (
	"runtime"
	"strings"
	"testing"
)

var benchAddrs = []string{
	"Số 12, Ngõ 34, Phường Kim Mã, Quận Ba Đình, Thành phố Hà Nội",
	"Phường Bình Trị Đông B, Quận Bình Tân, TP. Hồ Chí Minh",
	"Ấp 2, Xã Tân Thạnh Đông, Huyện Củ Chi, Thành phố Hồ Chí Minh",
	"So 7, Xa Hoang Thanh, Huyen Hoang Hoa, Tinh Thanh Hoa",
	"Thôn Đông, Xã Hoà Bình, Huyện Xyz, Tỉnh Abc",
	"Phường Ba Đình, Thành phố Hà Nội",
}

// BenchmarkConvert is the cost of converting one address (a mix of
// converted, split, no-diacritics, unmatched and already-new addresses).
func BenchmarkConvert(b *testing.B) {
	tb := table(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tb.Convert(benchAddrs[i%len(benchAddrs)])
	}
}

// BenchmarkBaselineFields is the baseline: splitting and lower-casing the
// same addresses, the least any parser does.
func BenchmarkBaselineFields(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for _, f := range strings.Split(benchAddrs[i%len(benchAddrs)], ",") {
			_ = strings.ToLower(strings.TrimSpace(f))
		}
	}
}

// BenchmarkTableLoad parses the embedded table and reports the heap it
// keeps (table-bytes) next to the embedded text's size (text-bytes).
func BenchmarkTableLoad(b *testing.B) {
	var kept uint64
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		tb, err := Parse(admin2025)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		kept = m1.HeapAlloc - m0.HeapAlloc
		runtime.KeepAlive(tb)
	}
	b.ReportMetric(float64(kept), "table-bytes")
	b.ReportMetric(float64(len(admin2025)), "text-bytes")
}
