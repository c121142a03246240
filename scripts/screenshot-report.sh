#!/usr/bin/env bash
# Screenshots an HTML report with headless Chromium, for people to look at:
#   scripts/screenshot-report.sh reports/incident-sweep.html /tmp/incident-sweep.png [WIDTH,HEIGHT]
# The page needs no network; the flags keep Chromium from reaching for one anyway.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 FILE.html OUT.png [WIDTH,HEIGHT (default 1200,2400)]" >&2
  exit 2
fi
html=$1
out=$2
size=${3:-1200,2400}
[ -f "$html" ] || { echo "$0: no such file: $html" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "$0: chromium not found (Debian: apt-get install chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case $out in /*) abs_out=$out ;; *) abs_out=$PWD/$out ;; esac
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$abs_out" --window-size="$size" "file://$abs_html" 2>/dev/null
[ -s "$abs_out" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "$abs_out"
