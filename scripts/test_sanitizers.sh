#!/usr/bin/env bash
# The sanitizer job: gilhost built with AddressSanitizer + UndefinedBehaviorSanitizer runs the
# unit tests and the end-to-end tests of the host itself (the experiment catalog, the sweep and
# the catalog runner are left to the normal build: they run many long phases, slow under ASan). The ThreadSanitizer test
# of the tracer's ring runs in the normal test command (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset asan
cmake --build --preset asan -j "$(nproc)"
# allocator_may_return_null: a script asking for an absurd allocation must get MemoryError,
# as without ASan, instead of ASan aborting the process.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# CPython is not built with ASan: its allocator is left as is (PYTHONMALLOC=malloc would make
# ASan see every Python object, at a large cost in time and with no gain for gilhost's code).
# The report pages' script and browser tests (js, browser) test no sanitized code: they run in
# the normal test command.
ctest --preset asan -j 2 -E 'e2e\.test_(experiments|sweep|catalog)|^js$|^browser$' "$@"
