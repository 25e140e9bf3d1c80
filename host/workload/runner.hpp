// The worker phase: native threads calling the script's functions, released by one barrier.
#pragma once

#include <Python.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "analysis/run_result.hpp"
#include "cli/options.hpp"
#include "workload/subinterpreter.hpp"

namespace gilhost::workload {

struct PhasePlan {
  cli::WorkerSet roles;
  std::vector<PyObject*> functions;  // borrowed, one per role, callable
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> calls;
  std::optional<std::chrono::nanoseconds> timeout;  // grace after the planned end
  bool trace = true;
  const unsigned long* switch_number = nullptr;  // the GIL's counter, read at both ends
  SubScript script;  // loaded in the sub-interpreter of each thread of a :sub role
};

// Why a phase must stop early, set from signal handlers (async-signal-safe: a lock-free int).
// 0 = no, otherwise the signal number.
extern std::atomic<int> g_stop_signal;

// Runs one phase. Precondition: the calling (main) thread holds the GIL; it releases it while
// the workers run and holds it again on return. Every worker thread is joined and its thread
// state deleted before this returns, so Py_FinalizeEx can never meet a live worker. Threads of
// :sub roles each get an own-GIL sub-interpreter, created before and ended after the phase by
// the calling thread (subinterpreter.hpp); one that cannot be made ready fails the phase with
// `setup_error` before any worker starts.
analysis::PhaseResult run_phase(const PhasePlan& plan);

}  // namespace gilhost::workload
