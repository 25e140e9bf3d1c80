#!/usr/bin/env bash
# Installs what gilhost needs to build and test on Debian 12 / Ubuntu 24.04.
# Idempotent: when everything is present it installs nothing and touches no package list.
# The HTML report's tests need node (its built-in test runner), Debian's chromium and the npm
# package playwright-core, installed into tests/browser/node_modules (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config
  libfmt-dev libspdlog-dev catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev
  chromium
)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "gilhost setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "gilhost setup: all build dependencies present" >&2
fi

# playwright-core as pinned by tests/browser/package-lock.json; it drives the chromium above.
browser_dir=tests/browser
wanted=$(node -p "require('./$browser_dir/package.json').dependencies['playwright-core']")
have=$(node -p "try { require('./$browser_dir/node_modules/playwright-core/package.json').version } catch { '' }")
if [ "$have" != "$wanted" ]; then
  echo "gilhost setup: installing playwright-core $wanted into $browser_dir/node_modules" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$browser_dir" --no-audit --no-fund \
    --loglevel=error >&2
fi
