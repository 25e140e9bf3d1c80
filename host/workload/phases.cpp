// Shared phases of run and sweep: target checks, the script's top level, runs, outcomes.
#include "workload/phases.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "analysis/metrics.hpp"
#include "cli/units.hpp"
#include "python/executable.hpp"
#include "python/ref.hpp"
#include "report/atomic_file.hpp"
#include "workload/assemble.hpp"
#include "workload/capabilities.hpp"
#include "workload/recording_blobs.hpp"
#include "workload/runner.hpp"
#include "workload/script_settings.hpp"
#include "workload/stop_signals.hpp"
#include "workload/test_hooks.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;

python::MainKind main_kind(cli::Target t) {
  switch (t) {
    case cli::Target::kModule:
      return python::MainKind::kModule;
    case cli::Target::kCode:
      return python::MainKind::kCode;
    case cli::Target::kStdin:
      return python::MainKind::kStdin;
    default:
      return python::MainKind::kScript;
  }
}

void print_timeout(const analysis::PhaseResult& p) {
  std::fprintf(stderr, "gilhost: the worker phase passed its --timeout and was stopped\n");
  for (const std::string& w : p.stuck_workers) {
    std::fprintf(stderr,
                 "gilhost: worker %s did not stop within 3 s of being asked (stuck in C code, or "
                 "waiting for the GIL such code holds): abandoned\n",
                 w.c_str());
  }
}

const pid_t g_host_pid = getpid();

// The worker functions of one configuration, owned for as long as its runs call them. Left
// alone once a worker was abandoned: the GIL may never come back to drop them.
class OwnedFunctions {
 public:
  explicit OwnedFunctions(const std::vector<PyObject*>& fns) {
    for (PyObject* f : fns) refs_.push_back(python::Ref::borrow(f));
    for (const python::Ref& r : refs_) raw_.push_back(r.get());
  }
  OwnedFunctions(const OwnedFunctions&) = delete;
  OwnedFunctions& operator=(const OwnedFunctions&) = delete;
  ~OwnedFunctions() {
    if (!workers_abandoned()) return;
    for (python::Ref& r : refs_) (void)r.release();
  }
  const std::vector<PyObject*>& get() const { return raw_; }

 private:
  std::vector<python::Ref> refs_;
  std::vector<PyObject*> raw_;
};

}  // namespace

bool check_target(const cli::RunOptions& o, bool directory_ok) {
  if (o.target != cli::Target::kScript) return false;
  struct stat st {};
  if (stat(o.target_value.c_str(), &st) != 0) {
    throw UsageError(
        fmt::format("cannot open script '{}': {}", o.target_value, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    if (directory_ok) return true;
    throw UsageError(fmt::format("'{}' is a directory, not a script", o.target_value));
  }
  // Checked without opening it: a FIFO (or a device) can be opened and read once only, and
  // that once is Python's (opening it here would wait for a writer and take its data).
  if (access(o.target_value.c_str(), R_OK) != 0) {
    throw UsageError(
        fmt::format("cannot read script '{}': {}", o.target_value, std::strerror(errno)));
  }
  return false;
}

bool in_fork_child() { return getpid() != g_host_pid; }

int end_fork_child(Session& s, std::optional<int> status) {
  give_back_stop_signals();
  int fin = s.finalize();
  return status.value_or(0) != 0 ? *status : fin;
}

std::vector<std::string> script_argv(const cli::RunOptions& o) {
  std::vector<std::string> argv;
  switch (o.target) {
    case cli::Target::kScript:
      argv.push_back(o.target_value);
      break;
    case cli::Target::kModule:
      argv.push_back("-m");
      break;
    case cli::Target::kCode:
      argv.push_back("-c");
      break;
    case cli::Target::kStdin:
      argv.push_back("-");
      break;
  }
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  return argv;
}

python::Launch launch_of(const cli::RunOptions& o) {
  return python::Launch{python::choose_executable(o.python), o.python_options, main_kind(o.target),
                        o.target_value, o.args};
}

cli::RunOptions with_stdin_read(const cli::RunOptions& o) {
  if (o.target != cli::Target::kStdin) return o;
  cli::RunOptions copy = o;
  copy.target_value.clear();
  char buf[1 << 16];
  for (ssize_t n; (n = read(0, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw UsageError(
          fmt::format("cannot read the script from standard input: {}", std::strerror(errno)));
    copy.target_value.append(buf, std::size_t(n));
  }
  return copy;
}

plan::Plan plan_before_top_level(const cli::RunOptions& o, plan::ScriptSettings& known) {
  check_names(o.given, plan::Source::kCommandLine);
  known = read_script_settings(o);
  plan::Plan p = plan::resolve(o, known.settings);
  check_isolation_supported(p.worker_sets);  // :sub needs PEP 684: refused before any work
  return p;
}

std::optional<int> run_top_level(Session& s, const cli::RunOptions& o, plan::Plan& plan) {
  std::optional<int> status;
  {
    ScriptPhase script;  // the script's own signal handlers, as under python3.12
    status = s.interpreter().run_main();
  }
  // SIGTERM/SIGHUP stopped the script through KeyboardInterrupt: the status says which.
  if (status == 130 && g_stop_signal.load() != 0) status = interrupted_status();
  if (status || in_fork_child()) return status;
  PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
  plan = plan::resolve(o, script_settings(globals));
  check_isolation_supported(plan.worker_sets);
  check_worker_functions(globals, plan);
  if (plan.switch_interval) s.set_switch_interval(*plan.switch_interval);
  return std::nullopt;
}

void record_outcome(Outcome& out, const analysis::PhaseResult& p) {
  out.abandoned = out.abandoned || p.abandoned;
  if (p.status == analysis::PhaseStatus::kComplete || !out.complete()) return;
  out.status = analysis::to_string(p.status);
  if (!p.setup_error.empty()) {
    out.exit_status = 1;
    std::fprintf(stderr, "gilhost: error: %s\n", p.setup_error.c_str());
    return;
  }
  switch (p.status) {
    case analysis::PhaseStatus::kFailed:
      out.exit_status = p.exit_status.value_or(1);
      if (!p.error_text.empty()) {
        std::fprintf(stderr, "gilhost: worker %s raised:\n%s", p.error_worker.c_str(),
                     p.error_text.c_str());
      }
      return;
    case analysis::PhaseStatus::kInterrupted:
      out.exit_status = interrupted_status();
      return;
    case analysis::PhaseStatus::kTimedOut:
      out.exit_status = 124;  // as timeout(1)
      print_timeout(p);
      return;
    case analysis::PhaseStatus::kComplete:
      return;
  }
}

bool stop_requested(Outcome& out) {
  if (g_stop_signal.load() == 0) return false;
  if (out.complete()) {
    out.status = "interrupted";
    out.exit_status = interrupted_status();
  }
  return true;
}

// `first`: the configuration's first phase; `warmup`: measured, not reported unless it fails.
report::RunRecord run_once(Session& s, const cli::RunOptions& o, const plan::Plan& p,
                           const cli::WorkerSet& set, const std::vector<PyObject*>& fns, bool first,
                           bool warmup) {
  PhasePlan plan{set,
                 fns,
                 p.duration,
                 p.calls,
                 p.timeout,
                 s.traced(),
                 s.layout().switch_number,
                 SubScript{o.target_value, script_argv(o)}};
  analysis::PhaseResult phase = run_phase(plan);
  test_pause("analysis");
  if (!s.traced()) return report::RunRecord{std::move(phase)};
  // After abandoning a stuck worker the GIL may never come back: names are not refreshed.
  trace::WindowResult w = s.record(phase.begin_ticks, phase.end_ticks, phase.switch_number_begin,
                                   phase.switch_number_end, !phase.abandoned);
  if (trace::Tracer::recording()) {
    WindowBlob blob;
    blob.first_of_config = first;
    // A warm-up is reported only when it did not complete (it then ends the measurement).
    blob.kept = !warmup || phase.status != analysis::PhaseStatus::kComplete;
    blob.workers = set;
    blob.phase = phase;
    blob.switch_number_begin = w.recording.switch_number_begin;
    blob.switch_number_end = w.recording.switch_number_end;
    blob.interval_us = w.recording.interval_us;
    blob.census = w.recording.census;
    trace::Tracer::record_context(kWindowKey, encode(blob));
  }
  return assemble_run(std::move(phase), w, false);
}

report::ConfigResult run_config(Session& s, const cli::RunOptions& o, const plan::Plan& plan,
                                const cli::WorkerSet& set, Outcome& out,
                                const RunAnnouncer& announce) {
  PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
  // Owned: a worker may rebind or delete the global its function was found under.
  const OwnedFunctions fns(resolve_functions(globals, set));
  report::ConfigResult cfg{set, {}};
  const unsigned warmup = plan.warmup, runs = plan.runs;
  for (unsigned i = 0; i < warmup + runs && out.complete() && !stop_requested(out); ++i) {
    const bool is_warmup = i < warmup;
    const unsigned number = is_warmup ? i + 1 : i - warmup + 1, count = is_warmup ? warmup : runs;
    if (announce) {
      announce(is_warmup, number, count);
    } else {
      spdlog::info("{} {} {}/{}", is_warmup ? "warm-up" : "run", cli::format_workers(set), number,
                   count);
    }
    report::RunRecord rec = run_once(s, o, plan, set, fns.get(), i == 0, is_warmup);
    record_outcome(out, rec.phase);
    if (!is_warmup || !out.complete()) cfg.runs.push_back(std::move(rec));
  }
  return cfg;
}

int end_session(Session& s, const Outcome& out) {
  // g_skip_finalize: gh-119213, subinterpreter.hpp
  if (out.abandoned || workers_abandoned() || g_skip_finalize.load()) {
    std::fflush(nullptr);
    _exit(out.exit_status);
  }
  give_back_stop_signals();  // atexit code runs with the script's own handlers
  int fin = s.finalize();
  return out.exit_status != 0 ? out.exit_status : fin;
}

}  // namespace gilhost::workload
