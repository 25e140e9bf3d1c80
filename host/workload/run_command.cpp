// `gilhost run`: the script, then each worker configuration's warm-up and measured runs.
#include "workload/run_command.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "analysis/metrics.hpp"
#include "python/interpreter.hpp"
#include "python/ref.hpp"
#include "report/events/events_file.hpp"
#include "report/html/html_report.hpp"
#include "report/json/json_report.hpp"
#include "report/output_paths.hpp"
#include "report/report_outputs.hpp"
#include "report/text/text_report.hpp"
#include "report/trace/chrome_trace.hpp"
#include "trace/tracer.hpp"
#include "workload/catalog.hpp"
#include "workload/context.hpp"
#include "workload/phases.hpp"
#include "workload/runner.hpp"
#include "workload/stop_signals.hpp"
#include "workload/test_hooks.hpp"

namespace gilhost::workload {
namespace {

// The script's own threads (non-daemon ones) belong to its run, as under python3.12, and so
// does a Ctrl-C while they are waited for (KeyboardInterrupt, 130).
std::optional<int> join_script_threads() {
  // A script that never imported threading started no threading.Thread.
  if (PyDict_GetItemString(PyImport_GetModuleDict(), "threading") == nullptr) return {};
  ScriptPhase script;
  python::Ref threading(PyImport_ImportModule("threading"));
  python::Ref r(threading ? PyObject_CallMethod(threading.get(), "_shutdown", nullptr) : nullptr);
  if (r) return {};
  if (!PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
    PyErr_Clear();
    return {};
  }
  int status = python::exit_status_from_exception();
  return g_stop_signal.load() != 0 ? interrupted_status() : status;
}

// Python's own buffers first, so the script's output precedes the reports on a shared stream.
void flush_python_stdio() {
  if (workers_abandoned()) return;  // the GIL may never come back
  for (const char* name : {"stdout", "stderr"}) {
    PyObject* stream = PySys_GetObject(name);  // borrowed, used at once
    if (stream == nullptr || stream == Py_None) continue;
    python::Ref r(PyObject_CallMethod(stream, "flush", nullptr));
    if (!r) PyErr_Clear();  // reported again, as by python3.12, when Python finalizes
  }
}

void write_reports(const cli::RunOptions& o, report::Report& r) {
  flush_python_stdio();
  report::Verdict v{r.status, r.exit_status};
  // Worker results are the run's output (stdout, unless a report goes there); for a plain
  // script stdout stays the script's own, exactly as under python3.12, and the GIL summary goes
  // to stderr.
  const bool report_on_stdout = report::is_stdout(o.json_path) ||
                                report::is_stdout(o.events_path) ||
                                report::is_stdout(o.trace_path) || report::is_stdout(o.html_path);
  if (!o.quiet && (!r.configs.empty() || r.script_gil)) {
    std::FILE* stream = !r.configs.empty() && !report_on_stdout ? stdout : stderr;
    report::write_table(report::render_text(r), stream, v);
  }
  report::TraceCut cut;
  report::write_reports(
      {
          {"--json", o.json_path, [&r] { return report::render_json(r); }},
          {"--events", o.events_path, [&r] { return report::render_events(r); }},
          {"--trace", o.trace_path,
           [&r, &o, &cut] { return report::render_chrome_trace(r, o.trace_limit, &cut); }},
          {"--html", o.html_path, [&r] { return report::render_html(r); }},
      },
      v, [] { return g_stop_signal.load(); });
  // A cut timeline looks like a run that stopped early: say so where the user looks.
  if (cut.truncated) {
    std::fprintf(stderr,
                 "gilhost: warning: %s stops at %.3f s: %zu events omitted past --trace-limit "
                 "%zu; raise it, or --trace-limit 0 for all\n",
                 o.trace_path.c_str(), cut.at_s, cut.omitted, o.trace_limit);
  }
}

// The GILs the script's own interpreters made (not gilhost's :sub workers), one block each.
std::vector<report::GilRecord> script_gils(const trace::WindowResult& w) {
  std::vector<report::GilRecord> out;
  const analysis::GilMetrics* main_gil =
      w.metrics.gils.empty() || !w.metrics.gils[0] ? nullptr : &*w.metrics.gils[0];
  for (const trace::GilEntry& e : w.recording.gils) {
    if (!e.created || e.gil == 0) continue;
    std::string who = "tid " + std::to_string(e.creator_tid);
    if (main_gil) {
      for (const analysis::ThreadMetrics& t : main_gil->threads)
        if (t.info.tid == e.creator_tid && !t.info.python_name.empty()) who = t.info.python_name;
    }
    auto same = [&](const report::GilRecord& g) { return g.gil == e.gil; };
    if (auto it = std::find_if(out.begin(), out.end(), same); it != out.end()) {
      it->interpreter += " and a later GIL at the same index";
      continue;
    }
    std::string name = "GIL " + std::to_string(e.gil) + " (created by " + who + ")";
    out.push_back(
        {e.gil, name, analysis::gil_metrics_of(w.metrics, std::uint8_t(e.gil), w.recording)});
  }
  return out;
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
  // As python3.12 does in Py_FinalizeEx, after sys.exit() too: the non-daemon threads are
  // joined inside the window, so their GIL events are recorded (daemon threads are not waited
  // for, and whatever they do after the window is not in any report).
  std::optional<int> joined = join_script_threads();
  if (!script_status) script_status = joined;
  r.script_wall_ns = std::uint64_t((std::chrono::steady_clock::now() - start.wall).count());
  if (s.traced()) {
    trace::WindowResult w =
        s.record(start.ticks, trace::now_ticks(), start.switch_number, s.switch_number());
    r.script_gils = script_gils(w);
    r.script_gil = Session::gil_metrics(w, 0);
    if (keeps_recordings(o)) r.script_recording = std::move(w.recording);
  }
  r.exit_status = script_status.value_or(0);
  if (r.exit_status != 0) {
    r.status = r.exit_status == 130 || g_stop_signal.load() != 0 ? "interrupted" : "failed";
  }
}

void run_configs(Session& s, const cli::RunOptions& o, const plan::Plan& plan, report::Report& r) {
  Outcome out;
  for (const cli::WorkerSet& set : plan.worker_sets) {
    r.configs.push_back(run_config(s, o, plan, set, out));
    if (!out.complete()) break;
  }
  r.status = out.status;
  r.exit_status = out.exit_status;
  r.abandoned = out.abandoned;
}

}  // namespace

int run_command(const cli::RunOptions& o) {
  install_test_hooks();
  if (check_target(o, true)) return run_catalog(o);
  own_stop_signals();  // from here on a stop is gilhost's to handle (stop_signals.hpp)
  plan::check_outputs(plan::run_outputs(o));
  Session s(script_argv(o), !o.no_trace, o.trace_buffer);
  plan::ScriptSettings known;
  plan::Plan plan = plan_before_top_level(o, known);
  if (plan.top_level_switch_interval) s.set_switch_interval(*plan.top_level_switch_interval);
  trace::Tracer::keep_events(keeps_recordings(o));
  trace::Tracer::set_blocked_limit(o.blocked_pairs);

  report::Report r;
  ScriptStart start{.switch_number = s.switch_number()};
  std::optional<int> script_status;
  if (g_stop_signal.load() != 0) {
    script_status = interrupted_status();  // during start-up: the script never ran
  } else {
    script_status = run_top_level(s, o, plan);
  }
  if (in_fork_child()) return end_fork_child(s, script_status);
  r.context = make_context(o, s);

  if (script_status || plan.worker_sets.empty()) {
    finish_script_run(s, o, script_status, start, r);
  } else {
    run_configs(s, o, plan, r);
  }
  write_reports(o, r);
  return end_session(s, {r.status, r.exit_status, r.abandoned});
}

}  // namespace gilhost::workload
