// SIGINT, SIGTERM and SIGHUP: who handles them in which phase, and what a stop means.
#pragma once

#include <Python.h>
#include <signal.h>

#include <atomic>

namespace gilhost::workload {

// The first stop signal received (SIGINT, SIGTERM or SIGHUP), 0 while none. Set by gilhost's
// handler; read by the phases, which stop before their next step.
extern std::atomic<int> g_stop_signal;

// How many stop signals gilhost's handler has seen.
int stop_signal_count();

// 128 + the stop signal (130, 143, 129), as a shell reports a process it signalled.
int interrupted_status();

// gilhost takes the stop signals for itself for the rest of the process, except while the
// script's own code runs (ScriptPhase) and from give_back_stop_signals() on. A signal that was
// ignored when gilhost started (nohup) stays ignored. A second stop signal exits at once with
// interrupted_status(), removing the temporary files of report writes first, unless
// `second_exits` is false (the catalog, which waits for its child instead).
void own_stop_signals(bool second_exits = true);

// Before Py_Initialize: the stop signals are blocked on the calling thread (a signal during
// start-up waits for gilhost's handler, and threads started meanwhile inherit the mask) and
// their original actions restored, so that Python installs its own SIGINT handler (it does so
// only over SIG_DFL: Modules/signalmodule.c, signal_module_exec). The destructor takes them
// for gilhost (own_stop_signals) and unblocks: a pending signal is then handled.
class PythonStartSignals {
 public:
  PythonStartSignals();
  PythonStartSignals(const PythonStartSignals&) = delete;
  PythonStartSignals& operator=(const PythonStartSignals&) = delete;
  ~PythonStartSignals();

 private:
  sigset_t old_mask_{};
};

// Blocks the stop signals on the calling thread while it lives, so that threads it starts
// (workers, the collector, the kernels' pool) never take a process-directed signal: it reaches
// the main thread, as in python3.12, where it can interrupt a blocking call of the script.
class StopSignalsBlocked {
 public:
  StopSignalsBlocked();
  StopSignalsBlocked(const StopSignalsBlocked&) = delete;
  StopSignalsBlocked& operator=(const StopSignalsBlocked&) = delete;
  ~StopSignalsBlocked();

 private:
  sigset_t old_mask_{};
};

// While the script's top level (or its threads at exit) runs, the script's own signal handling
// applies, as under python3.12: SIGINT has Python's handler (KeyboardInterrupt) or the one the
// script installed. SIGTERM and SIGHUP, which python3.12 leaves at their default (death, no
// report), get a Python-level handler of gilhost's that raises KeyboardInterrupt, unless the
// script installs its own (which then runs) or they were ignored when gilhost started. In a fork
// child gilhost's Python handlers are removed again (os.register_at_fork). On leaving, the
// handlers the script installed are remembered and gilhost takes the signals back.
// Precondition: the main thread, with the GIL held.
class ScriptPhase {
 public:
  ScriptPhase();
  ScriptPhase(const ScriptPhase&) = delete;
  ScriptPhase& operator=(const ScriptPhase&) = delete;
  ~ScriptPhase();
};

// Before Py_FinalizeEx: the script's own handlers (or Python's) are put back, so its atexit
// code sees the signals as under python3.12.
void give_back_stop_signals();

}  // namespace gilhost::workload
