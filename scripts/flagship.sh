#!/usr/bin/env bash
# Builds gilhost (release preset) and runs the flagship experiment with its report.
# Usage: scripts/flagship.sh [extra gilhost run options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
# Only the program the experiment runs: the unit tests and benchmarks are not needed here.
cmake --build --preset release -j "$(nproc)" --target gilhost
mkdir -p out
exec build/release/gilhost run --json out/thread_trap.json "$@" experiments/thread_trap.py
