#!/usr/bin/env bash
# Renders an HTML report to a PNG with headless Chromium, to look at the page without a desktop.
#
#   bash scripts/render_html_screenshot.sh report.html [out.png] [width,height]
#
# Installs Debian's chromium with apt-get when it is missing. Networking features are turned off
# so the screenshot also shows that the page needs nothing from the network.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
  echo "usage: $0 REPORT.html [OUT.png] [WIDTH,HEIGHT]" >&2
  exit 2
fi

html=$(realpath "$1")
out=$(realpath -m "${2:-${1%.html}.png}")
size=${3:-1400,2400}

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

browser=$(find_chromium)
if [[ -z "$browser" ]]; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing chromium with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  browser=$(find_chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# --virtual-time-budget lets the page's script finish drawing before the capture.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --virtual-time-budget=5000 \
  --user-data-dir="$profile" --window-size="$size" --screenshot="$out" "file://$html" \
  2> >(grep -v -e 'dbus' -e 'Fontconfig' -e '^$' >&2 || true)
echo "$out"
