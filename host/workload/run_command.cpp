// `gilhost run`: the script, then each worker configuration's warm-up and measured runs.
#include "workload/run_command.hpp"

#include <cstdio>

#include "analysis/metrics.hpp"
#include "python/ref.hpp"
#include "report/atomic_file.hpp"
#include "report/chrome_trace.hpp"
#include "report/events_file.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "trace/tracer.hpp"
#include "workload/catalog.hpp"
#include "workload/context.hpp"
#include "workload/phases.hpp"

namespace gilhost::workload {
namespace {

// The script's own threads (non-daemon ones) belong to its run, as under python3.12.
void join_script_threads() {
  // A script that never imported threading started no threading.Thread.
  if (PyDict_GetItemString(PyImport_GetModuleDict(), "threading") == nullptr) return;
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
  if (!o.trace_path.empty()) {
    report::TraceCut cut;
    report::write_file_atomically(o.trace_path,
                                  report::render_chrome_trace(r, o.trace_limit, &cut));
    // A cut timeline looks like a run that stopped early: say so where the user looks.
    if (cut.truncated) {
      std::fprintf(stderr,
                   "gilhost: warning: %s stops at %.3f s: %zu events omitted past --trace-limit "
                   "%zu; raise it, or --trace-limit 0 for all\n",
                   o.trace_path.c_str(), cut.at_s, cut.omitted, o.trace_limit);
    }
  }
  if (!o.html_path.empty()) report::write_file_atomically(o.html_path, report::render_html(r));
}

// Where a script run without workers starts: its window opens before the top level runs.
struct ScriptStart {
  std::uint64_t ticks = trace::Tracer::open_window();
  std::uint64_t switch_number = 0;
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
};

// A script run without workers: the GIL over its whole execution, like python3.12 SCRIPT.
void finish_script_run(Session& s, const cli::RunOptions& o, std::optional<int> script_status,
                       const ScriptStart& start, report::Report& r) {
  if (!script_status) join_script_threads();
  r.script_wall_ns = std::uint64_t((std::chrono::steady_clock::now() - start.wall).count());
  if (s.traced()) {
    trace::WindowResult w =
        s.record(start.ticks, trace::now_ticks(), start.switch_number, s.switch_number());
    r.script_gil = Session::gil_metrics(w, 0);
    if (keeps_recordings(o)) r.script_recording = std::move(w.recording);
  }
  r.exit_status = script_status.value_or(0);
  if (r.exit_status != 0) r.status = r.exit_status == 130 ? "interrupted" : "failed";
}

void run_configs(Session& s, const cli::RunOptions& o, report::Report& r) {
  PhaseSignals signals;  // from the first run to the last: a stop must not reach Python's handler
  Outcome out;
  for (const cli::WorkerSet& set : o.worker_sets) {
    r.configs.push_back(run_config(s, o, set, out));
    if (!out.complete()) break;
  }
  r.status = out.status;
  r.exit_status = out.exit_status;
  r.abandoned = out.abandoned;
}

}  // namespace

int run_command(const cli::RunOptions& options) {
  cli::RunOptions o = options;
  if (check_target(o, true)) return run_catalog(o);
  check_outputs({o.json_path, o.events_path, o.trace_path, o.html_path});
  Session s(script_argv(o), !o.no_trace, o.trace_buffer);
  trace::Tracer::keep_events(keeps_recordings(o));
  trace::Tracer::set_blocked_limit(o.blocked_pairs);
  if (o.switch_interval) s.set_switch_interval(*o.switch_interval);

  report::Report r;
  ScriptStart start{.switch_number = s.switch_number()};
  std::optional<int> script_status = run_top_level(s, o);
  apply_budget_defaults(o);
  r.context = make_context(o, s);

  if (script_status || o.worker_sets.empty()) {
    finish_script_run(s, o, script_status, start, r);
  } else {
    run_configs(s, o, r);
  }
  write_reports(o, r);
  return end_session(s, {r.status, r.exit_status, r.abandoned});
}

}  // namespace gilhost::workload
