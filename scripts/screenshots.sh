#!/usr/bin/env bash
# Renders each main screen of the real GL app in a real window under Xvfb and
# saves it to docs/screenshots/. The app does the capturing itself
# (`kiosk screenshots`), so the pictures show exactly what a clerk sees.
set -euo pipefail
bin=$1
out=docs/screenshots
mkdir -p "$out"
if ! "$bin/kiosk" help | grep -q '^  screenshots '; then
  echo "screenshots: 'kiosk screenshots' is not built yet (issue 8)" >&2
  exit 1
fi
case "${LANG:-C}" in C|C.*|POSIX) export LANG=en_US.UTF-8 ;; esac
xvfb-run -a -s "-screen 0 1920x1080x24" "$bin/kiosk" screenshots --out "$out" "$@"
ls -1 "$out"
