#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs to build and test, and nothing
# more. It asks dpkg first, so it costs a fraction of a second when all is
# there. As root it installs; as anyone else it prints the exact command.
set -euo pipefail

build=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
       libxinerama-dev libxi-dev libxxf86vm-dev libpcsclite-dev)
# Real parts the tests start privately: pcscd + vpcd (card), SANE's test
# device (scanner), cupsd + cups-pdf (printer), PostgreSQL (province intake),
# Chromium (fleet dashboard), poppler-utils (pdftotext on printed PDFs),
# dpkg-dev (the Debian package test), the QR peers (zxing-cpp, zbar) for
# make bench, ImageMagick (make screenshots reads the X screen when GL cannot).
test=(pcscd vsmartcard-vpcd xvfb sane-utils libsane1 cups cups-client
      printer-driver-cups-pdf poppler-utils postgresql chromium dpkg-dev
      python3-zxing-cpp python3-numpy zbar-tools imagemagick)

want=("${build[@]}")
case "${1:-all}" in
  build) ;;
  all) want+=("${test[@]}") ;;
  deb) want+=(dpkg-dev) ;;  # dpkg-shlibdeps (scripts/deb.sh)
  *) echo "usage: $0 [build|all|deb]" >&2; exit 2 ;;
esac

# dpkg-query prints one status line per package it knows; anything not
# "install ok installed" (or unknown to dpkg) is missing.
missing=()
status=$(dpkg-query -W -f='${Package} ${Status}\n' "${want[@]}" 2>/dev/null || true)
for p in "${want[@]}"; do
  grep -qx "$p install ok installed" <<<"$status" || missing+=("$p")
done

if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go 1.26 or newer is required (https://go.dev/dl/); 'go' is not on PATH." >&2
  exit 1
fi

((${#missing[@]} == 0)) && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: install them with:" >&2
  echo "  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
