#!/usr/bin/env bash
# The benchmarks behind docs/performance.md, run in one go and printed as one
# table (`make bench`). Each line names the benchmark and its figures; the
# QR targets of issue 18 are checked at the end, and the card link model's
# table follows. Peers and baselines run in the same `go test` process as
# what they are compared with, so they share the machine's load.
#
#   scripts/bench.sh            # everything (about 3 minutes on 2 cores)
#   QRCORPUS_N=60 scripts/bench.sh   # a smaller QR corpus, for a quick look
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TESTTAGS:-ci}
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
fail=0

# package, benchmark pattern, -benchtime
runs=(
	"./cardreader/qrcode|^BenchmarkCorpus$|1x"
	"./cardreader/internal/bp256|^BenchmarkScalar|300x"
	"./cardreader/pki|^BenchmarkBrainpoolP256Verify$|100x"
	"./cardreader/pace|^BenchmarkHandshake$|30x"
	"./offline/sync|^BenchmarkSync|1x"
	"./offline/store|^BenchmarkEnqueue|200x"
)
for r in "${runs[@]}"; do
	IFS='|' read -r pkg pat bt <<<"$r"
	echo "bench: $pkg $pat" >&2
	if ! $GO test -tags "$TAGS" -run '^$' -bench "$pat" -benchtime "$bt" "$pkg" >>"$raw" 2>&1; then
		echo "bench: $pkg failed:" >&2
		grep -v '^\(goos\|goarch\|cpu\|pkg\):' "$raw" | tail -20 >&2
		fail=1
	fi
done

echo
awk '
/^pkg: / { pkg = $2; sub(/^motcua\//, "", pkg) }
/^Benchmark/ {
	name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
	figs = sprintf("%s ns/op", $3)
	for (i = 5; i + 1 <= NF; i += 2) {
		figs = figs sprintf(", %s %s", $i, $(i + 1))
		if ($1 ~ /^BenchmarkCorpus\//) { m[name, $(i + 1)] = $i }
	}
	printf "%-22s %-44s %s\n", pkg, name, figs
}
END {
	g = "Corpus/gozxing"; z = "Corpus/zxing-cpp"; b = "Corpus/zbar"
	if ((g, "decoded") in m && (z, "decoded") in m && (b, "decoded") in m) {
		best = m[z, "decoded"] > m[b, "decoded"] ? m[z, "decoded"] : m[b, "decoded"]
		ratio = m[g, "cpu-ms/frame"] / m[z, "cpu-ms/frame"]
		printf "\nQR target, success >= best peer: %d vs %d of %d -> %s\n", m[g, "decoded"], best, m[g, "codes"], (m[g, "decoded"] >= best ? "met" : "NOT met")
		printf "QR target, CPU/frame <= 1.5 x zxing-cpp: %.2f vs %.2f ms = %.2fx -> %s\n", m[g, "cpu-ms/frame"], m[z, "cpu-ms/frame"], ratio, (ratio <= 1.5 ? "met" : "NOT met")
	}
}' "$raw" | { printf "%-22s %-44s %s\n" package benchmark figures; cat; }

echo
if ! $GO test -tags "$TAGS" -count=1 -run '^TestLinkModel$' -v ./cardreader/simreader >"$raw" 2>&1; then
	cat "$raw" >&2
	fail=1
fi
sed -n '/modelled read time/,/each cell/p' "$raw" | sed 's/^ *//; s/^linkmodel_test.go:[0-9]*: //'
exit $fail
