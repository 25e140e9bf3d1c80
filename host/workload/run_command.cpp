// `gilhost run`: the script, then each worker configuration's warm-up and measured runs.
#include "workload/run_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "analysis/metrics.hpp"
#include "cli/units.hpp"
#include "python/ref.hpp"
#include "report/atomic_file.hpp"
#include "report/events_file.hpp"
#if __has_include("report/chrome_trace.hpp") && __has_include("report/html_report.hpp")
#include "report/chrome_trace.hpp"
#include "report/html_report.hpp"
#define GILHOST_TMP_VISUAL 1
#endif
#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "trace/tracer.hpp"
#include "workload/context.hpp"
#include "workload/runner.hpp"
#include "workload/script_settings.hpp"
#include "workload/session.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;

void check_target(const cli::RunOptions& o) {
  if (o.target != cli::Target::kScript) return;
  struct stat st {};
  if (stat(o.target_value.c_str(), &st) != 0) {
    throw UsageError(fmt::format("cannot open script '{}': {}", o.target_value,
                                 std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    throw UsageError(fmt::format("'{}' is a directory, not a script", o.target_value));
  }
  if (FILE* f = std::fopen(o.target_value.c_str(), "rb")) {
    std::fclose(f);
  } else {
    throw UsageError(fmt::format("cannot read script '{}': {}", o.target_value,
                                 std::strerror(errno)));
  }
}

// Output paths are checked before any work, so a typo never costs a measurement.
void check_outputs(const cli::RunOptions& o) {
  for (const std::string& p : {o.json_path, o.events_path, o.trace_path, o.html_path}) {
    if (p.empty()) continue;
    try {
      report::check_writable(p);
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
  }
}

std::vector<std::string> script_argv(const cli::RunOptions& o) {
  std::vector<std::string> argv;
  switch (o.target) {
    case cli::Target::kScript: argv.push_back(o.target_value); break;
    case cli::Target::kModule: argv.push_back("-m"); break;
    case cli::Target::kCode: argv.push_back("-c"); break;
  }
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  return argv;
}

python::MainKind main_kind(cli::Target t) {
  switch (t) {
    case cli::Target::kModule: return python::MainKind::kModule;
    case cli::Target::kCode: return python::MainKind::kCode;
    default: return python::MainKind::kScript;
  }
}

// During worker phases the host owns SIGINT/SIGTERM: Python's handler would only run once the
// main thread re-enters Python, which it does not do while it supervises the workers.
class PhaseSignals {
 public:
  PhaseSignals() {
    struct sigaction sa {};
    sa.sa_handler = [](int sig) { g_stop_signal.store(sig); };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  PhaseSignals(const PhaseSignals&) = delete;
  PhaseSignals& operator=(const PhaseSignals&) = delete;
  ~PhaseSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Raw events cost memory; they are kept only for the exports that draw or list them.
bool keeps_recordings(const cli::RunOptions& o) {
  return !o.events_path.empty() || !o.trace_path.empty() || !o.html_path.empty();
}

report::RunRecord run_once(Session& s, const cli::RunOptions& o, const cli::WorkerSet& set,
                           const std::vector<PyObject*>& fns) {
  PhasePlan plan{set, fns, o.duration, o.calls, o.timeout, s.traced(),
                 s.layout().switch_number};
  report::RunRecord rec;
  {
    PhaseSignals signals;
    rec.phase = run_phase(plan);
  }
  if (s.traced()) {
    // After abandoning a stuck worker the GIL may never come back: names are not refreshed.
    trace::Recording r = s.record(rec.phase.begin_ticks, rec.phase.end_ticks,
                                  rec.phase.switch_number_begin, rec.phase.switch_number_end,
                                  !rec.phase.abandoned);
    rec.gil = analysis::compute_metrics(r);
    if (keeps_recordings(o)) rec.recording = std::move(r);
  }
  return rec;
}

void finish_status(report::Report& r, const analysis::PhaseResult& p) {
  switch (p.status) {
    case analysis::PhaseStatus::kComplete: return;
    case analysis::PhaseStatus::kFailed:
      r.status = "failed";
      r.exit_status = p.exit_status.value_or(1);
      if (!p.error_text.empty()) {
        std::fprintf(stderr, "gilhost: worker %s raised:\n%s", p.error_worker.c_str(),
                     p.error_text.c_str());
      }
      return;
    case analysis::PhaseStatus::kInterrupted:
      r.status = "interrupted";
      r.exit_status = g_stop_signal.load() == SIGTERM ? 143 : 130;
      return;
    case analysis::PhaseStatus::kTimedOut:
      r.status = "timed_out";
      r.exit_status = 124;  // as timeout(1)
      std::fprintf(stderr, "gilhost: the worker phase passed its --timeout and was stopped\n");
      for (const std::string& w : p.stuck_workers) {
        std::fprintf(stderr, "gilhost: worker %s did not stop within 3 s of being asked (stuck in C code, or waiting for the GIL such code holds): abandoned\n",
                     w.c_str());
      }
      return;
  }
}

void run_configs(Session& s, const cli::RunOptions& o, report::Report& r) {
  PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
  for (const cli::WorkerSet& set : o.worker_sets) {
    std::vector<PyObject*> fns = resolve_functions(globals, set);
    report::ConfigResult cfg{set, {}};
    const unsigned warmup = o.warmup.value_or(0), runs = o.runs.value_or(1);
    for (unsigned i = 0; i < warmup + runs && r.status == "complete"; ++i) {
      spdlog::info("{} {} {}/{}", i < warmup ? "warm-up" : "run", cli::format_workers(set),
                   i < warmup ? i + 1 : i - warmup + 1, i < warmup ? warmup : runs);
      report::RunRecord rec = run_once(s, o, set, fns);
      finish_status(r, rec.phase);
      r.abandoned = r.abandoned || rec.phase.abandoned;
      if (i >= warmup || r.status != "complete") cfg.runs.push_back(std::move(rec));
    }
    r.configs.push_back(std::move(cfg));
    if (r.status != "complete") break;
  }
}

// The script's own threads (non-daemon ones) belong to its run, as under python3.12.
void join_script_threads() {
  python::Ref threading(PyImport_ImportModule("threading"));
  python::Ref r(threading ? PyObject_CallMethod(threading.get(), "_shutdown", nullptr) : nullptr);
  if (!r) PyErr_Clear();
}

void write_reports(const cli::RunOptions& o, const report::Report& r) {
  // Worker results are the run's output (stdout); for a plain script stdout stays the script's
  // own, exactly as under python3.12, and the GIL summary goes to stderr.
  if (!o.quiet && !r.configs.empty()) {
    std::fputs(report::render_text(r).c_str(), stdout);
    std::fflush(stdout);
  } else if (!o.quiet && r.script_gil) {
    std::fputs(report::render_text(r).c_str(), stderr);
  }
  if (!o.json_path.empty()) report::write_file_atomically(o.json_path, report::render_json(r));
  if (!o.events_path.empty()) {
    report::write_file_atomically(o.events_path, report::render_events(r));
  }
#ifdef GILHOST_TMP_VISUAL
  if (!o.trace_path.empty()) {
    report::write_file_atomically(o.trace_path, report::render_chrome_trace(r, o.trace_limit));
  }
  if (!o.html_path.empty()) report::write_file_atomically(o.html_path, report::render_html(r));
#endif
}

}  // namespace

int run_command(const cli::RunOptions& options) {
  cli::RunOptions o = options;
  check_target(o);
  check_outputs(o);
  Session s(script_argv(o), !o.no_trace, o.trace_buffer);
  if (o.switch_interval) s.set_switch_interval(double(o.switch_interval->count()) / 1e9);

  report::Report r;
  std::uint64_t sn0 = s.switch_number(), t0 = trace::now_ticks();
  auto wall0 = std::chrono::steady_clock::now();
  std::optional<int> script_status = s.interpreter().run_main(main_kind(o.target), o.target_value);
  if (!script_status) {
    PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    apply_script_defaults(globals, o);
    if (o.switch_interval) s.set_switch_interval(double(o.switch_interval->count()) / 1e9);
  }
  if (!o.duration && !o.calls) o.duration = std::chrono::seconds(2);
  if (!o.timeout) o.timeout = std::chrono::seconds(60);
  r.context = make_context(o, s);

  if (script_status || o.worker_sets.empty()) {
    if (!script_status) join_script_threads();
    r.script_wall_ns = std::uint64_t((std::chrono::steady_clock::now() - wall0).count());
    if (s.traced()) {
      trace::Recording rec = s.record(t0, trace::now_ticks(), sn0, s.switch_number());
      r.script_gil = analysis::compute_metrics(rec);
      if (keeps_recordings(o)) r.script_recording = std::move(rec);
    }
    r.exit_status = script_status.value_or(0);
    if (r.exit_status != 0) r.status = r.exit_status == 130 ? "interrupted" : "failed";
  } else {
    run_configs(s, o, r);
  }
  write_reports(o, r);
  if (r.abandoned) {
    // A worker still runs (and may hold the GIL): finalizing would wait for it forever.
    std::fflush(nullptr);
    _exit(r.exit_status);
  }
  int fin = s.finalize();
  return r.exit_status != 0 ? r.exit_status : fin;
}

}  // namespace gilhost::workload
