#!/usr/bin/env bash
# Runs every fuzz target in the module for a short while each.
set -euo pipefail
fuzztime=${1:-5s}
fail=0
for pkg in $(go list ./...); do
  for target in $(go test -tags ci -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $target"
    go test -tags ci -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" || fail=1
  done
done
exit $fail
