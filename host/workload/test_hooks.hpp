// Test hooks: let an end-to-end test send a signal in a phase it cannot otherwise catch.
#pragma once

namespace gilhost::workload {

// GILHOST_TEST_PAUSE=POINT:MARKER[:N] makes the first N (default 1) passes through POINT append
// a line to the file MARKER and wait (at most 60 s) for a stop signal to arrive, so that a test
// signals exactly in that phase without guessing how long anything takes. Points: "analysis"
// (after a worker phase, before its figures are computed) and "write" (a report's temporary
// file is written, not yet renamed). Without the variable this does nothing.
void test_pause(const char* point);

// Registers the "write" point with the report writer. Called once at start-up.
void install_test_hooks();

}  // namespace gilhost::workload
