#!/usr/bin/env bash
# Builds the Debian package with Debian's own tools (dpkg-shlibdeps for the
# library dependencies, dpkg-deb to pack; --root-owner-group instead of
# fakeroot). Usage: scripts/deb.sh OUTDIR VERSION COMMIT BUILD_DATE
# Prints the path of the .deb on its last line.
set -euo pipefail
out=$1 version=$2 commit=$3 date=$4
cd "$(dirname "$0")/.."
for tool in dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null; then
    echo "deb: $tool is missing; install it with: sudo apt-get install -y dpkg-dev" >&2
    exit 1
  fi
done
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/motcua-kiosk

# The real GL app (not -tags ci), the portal and the virtual card server.
# Version, commit and build date go in with -X; -s -w drop the symbol table
# and DWARF (about a third of the size).
mkdir -p "$pkg/usr/bin"
GOFLAGS=${GOFLAGS:-} go build -ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.buildDate=$date" \
  -o "$pkg/usr/bin/" ./cmd/kiosk ./cmd/portal ./cmd/cardsim

f=packaging/files
install -D -m 0644 $f/vn.motcua.kiosk.desktop "$pkg/usr/share/applications/vn.motcua.kiosk.desktop"
install -D -m 0644 assets/icons/app.svg "$pkg/usr/share/icons/hicolor/scalable/apps/vn.motcua.kiosk.svg"
install -D -m 0644 $f/vn.motcua.kiosk-autostart.desktop "$pkg/etc/xdg/autostart/vn.motcua.kiosk-autostart.desktop"
install -D -m 0644 $f/motcua-portal.service "$pkg/usr/lib/systemd/system/motcua-portal.service"
# Secrets: 0600 in the archive; postinst hands config.json to the kiosk account.
install -D -m 0600 $f/config.json "$pkg/etc/motcua/config.json"
install -D -m 0600 $f/portal.env "$pkg/etc/motcua/portal.env"
install -d -m 0755 "$pkg/etc/motcua/trust"
doc=$pkg/usr/share/doc/motcua-kiosk
install -D -m 0644 $f/README.Debian "$doc/README.Debian"
install -D -m 0644 $f/copyright "$doc/copyright"
{
  echo "motcua-kiosk ($version) unstable; urgency=medium"
  echo
  echo "  * Build of commit ${commit:-unknown}."
  echo
  echo " -- motcua maintainers <maintainers@motcua.invalid>  $(date -u -R -d "$date" 2>/dev/null || date -u -R)"
} | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# Library dependencies as Debian computes them (libc6, libgl1, libpcsclite1,
# libx11-6, ...): dpkg-shlibdeps wants a debian/control beside it.
mkdir -p "$work/src/debian"
printf 'Source: motcua-kiosk\n\nPackage: motcua-kiosk\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$pkg/usr/bin/kiosk" "$pkg/usr/bin/portal" "$pkg/usr/bin/cardsim" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --apparent-size "$pkg" | cut -f1)
install -d -m 0755 "$pkg/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
  packaging/debian/control.in >"$pkg/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$pkg/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/motcua-kiosk_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "deb: $(du -h "$deb" | cut -f1) packed, $size KiB installed; $(dpkg-deb -f "$deb" Depends)" >&2
echo "$deb"
