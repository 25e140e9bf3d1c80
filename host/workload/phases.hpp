// What `gilhost run` and `gilhost sweep` share: checks before any work, the script's top level,
// the worker phases and how their outcome decides the exit status.
#pragma once

#include <Python.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "plan/plan.hpp"
#include "report/report_data.hpp"
#include "workload/session.hpp"

namespace gilhost::workload {

// Throws cli::UsageError when a SCRIPT target cannot be opened or read. A directory is an error
// unless `directory_ok`; returns whether the target is a directory.
bool check_target(const cli::RunOptions& o, bool directory_ok);

// True in a child made by fork() (os.fork, multiprocessing) from the script or a worker: it is
// the script's process, not gilhost's, and must neither measure nor write reports.
bool in_fork_child();

// A fork child whose script returned to gilhost ends as under python3.12: Py_FinalizeEx (its
// atexit handlers, its threads), then exit with `status` (or 120 when flushing failed).
int end_fork_child(Session& s, std::optional<int> status);

// sys.argv of the target: [SCRIPT | -m | -c, args...].
std::vector<std::string> script_argv(const cli::RunOptions& o);

// How the embedded interpreter starts for `o`: as python3.12 with the same options and target.
python::Launch launch_of(const cli::RunOptions& o);

// `o` itself, or for `-` a copy whose target is the source read from standard input to its end
// (python3.12 reads it all before running it; GILHOST is read from it like from a file).
cli::RunOptions with_stdin_read(const cli::RunOptions& o);

// The plan before any of the script runs: the command line with the GILHOST its source shows
// (`known`). Everything the two show to be wrong is refused here. Precondition: the GIL is held.
plan::Plan plan_before_top_level(const cli::RunOptions& o, plan::ScriptSettings& known);

// Runs the target's top level in __main__ (once), then resolves `plan` again with the GILHOST
// the top level left (the same rules), checks the worker functions and applies the switch
// interval. Returns the exit status when the script ended the process (SystemExit, an
// exception). Precondition: the GIL is held.
std::optional<int> run_top_level(Session& s, const cli::RunOptions& o, plan::Plan& plan);

// How the measurement ended so far: the first phase that did not complete decides.
struct Outcome {
  std::string status = "complete";  // complete | failed | interrupted | timed_out
  int exit_status = 0;
  bool abandoned = false;  // a worker never stopped: the process must exit without finalizing
  bool complete() const { return status == "complete"; }
};

// Folds one phase's result into `out`, printing why it stopped (tracebacks, stuck workers) on
// stderr.
void record_outcome(Outcome& out, const analysis::PhaseResult& p);

// True (and `out` marked interrupted) when SIGINT/SIGTERM/SIGHUP arrived, e.g. between two
// phases.
bool stop_requested(Outcome& out);

// One worker phase and, when traced, its GIL metrics (raw events kept only for --events,
// --trace and --html).
report::RunRecord run_once(Session& s, const cli::RunOptions& o, const plan::Plan& plan,
                           const cli::WorkerSet& set, const std::vector<PyObject*>& fns);

// Told before each run of run_config: whether it is a warm-up, its number (from 1) and how many
// of its kind there are.
using RunAnnouncer = std::function<void(bool warmup, unsigned number, unsigned count)>;

// The warm-up and measured runs of one --workers set, in order, until one does not complete.
// The run that stopped is kept (its partial figures are reported), warm-ups are not. Each run is
// announced with spdlog::info, or to `announce` when given (a progress bar).
report::ConfigResult run_config(Session& s, const cli::RunOptions& o, const plan::Plan& plan,
                                const cli::WorkerSet& set, Outcome& out,
                                const RunAnnouncer& announce = {});

// Finalizes Python and returns the exit status: the outcome's, else Python's own. With an
// abandoned worker (which may hold the GIL) finalizing would wait forever: flushes C stdio and
// exits at once.
int end_session(Session& s, const Outcome& out);

}  // namespace gilhost::workload
