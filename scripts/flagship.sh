#!/usr/bin/env bash
# Builds gilhost (release preset) and runs the flagship experiment with its report.
# Usage: scripts/flagship.sh [extra gilhost run options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
mkdir -p out
exec build/release/gilhost run --json out/thread_trap.json "$@" experiments/thread_trap.py
