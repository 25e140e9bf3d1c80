#!/usr/bin/env bash
# Builds gilhost (dev preset) and runs every test: unit tests and end-to-end tests via ctest.
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset dev
cmake --build --preset dev -j "$(nproc)"
ctest --preset dev -j 2 "$@"
