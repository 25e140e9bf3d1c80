// The worker phase: native threads calling the script's functions, released by one barrier.
#pragma once

#include <Python.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "analysis/run_result.hpp"
#include "cli/options.hpp"
#include "workload/stop_signals.hpp"
#include "workload/subinterpreter.hpp"

namespace gilhost::workload {

struct PhasePlan {
  cli::WorkerSet roles;
  // One per role, callable; the caller keeps a reference for the whole phase, and each worker
  // takes its own (a worker may rebind or delete the global it was found under).
  std::vector<PyObject*> functions;
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> calls;
  std::optional<std::chrono::nanoseconds> timeout;  // grace after the planned end
  bool trace = true;
  const unsigned long* switch_number = nullptr;  // the GIL's counter, read at both ends
  SubScript script;  // loaded in the sub-interpreter of each thread of a :sub role
};

// True once a phase gave up on a worker that never returned: it may hold the GIL forever, so
// the process must end without touching Python again (no Py_DECREF, no Py_FinalizeEx).
bool workers_abandoned();

// Runs one phase. Precondition: the calling (main) thread holds the GIL; it releases it while
// the workers run and holds it again on return. Every worker thread is joined and its thread
// state deleted before this returns, so Py_FinalizeEx can never meet a live worker. Threads of
// :sub roles each get an own-GIL sub-interpreter, created before and ended after the phase by
// the calling thread (subinterpreter.hpp); one that cannot be made ready, or a thread that
// cannot be started, fails the phase with `setup_error` (the threads already started are
// stopped before their first call and joined).
analysis::PhaseResult run_phase(const PhasePlan& plan);

}  // namespace gilhost::workload
