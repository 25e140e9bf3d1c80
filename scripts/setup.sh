#!/usr/bin/env bash
# Installs what gilhost needs to build and test on Debian 12 / Ubuntu 24.04.
# Idempotent: when everything is present it installs nothing and touches no package list.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libfmt-dev libspdlog-dev catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev
)

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
