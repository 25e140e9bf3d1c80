// `gilhost run`: the script, then each worker configuration's warm-up and measured runs.
#include "workload/run_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/units.hpp"
#include "python/interpreter.hpp"
#include "python/ref.hpp"
#include "record/journal.hpp"
#include "trace/tracer.hpp"
#include "workload/assemble.hpp"
#include "workload/catalog.hpp"
#include "workload/context.hpp"
#include "workload/phases.hpp"
#include "workload/progress.hpp"
#include "workload/recording_blobs.hpp"
#include "workload/runner.hpp"
#include "workload/stop_signals.hpp"
#include "workload/test_hooks.hpp"
#include "workload/write_reports.hpp"

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

// The recording a run writes (record/journal.hpp): the --record file, or, when a timeline report
// is asked for, an unnamed temporary file from which those reports are drawn at the end, as
// `gilhost report` would draw them. Started before the Session arms the tracer, so that it sees
// every input of the analysis.
class RunRecording {
 public:
  explicit RunRecording(const cli::RunOptions& o) {
    if (o.no_trace || (o.record_path.empty() && !keeps_recordings(o))) return;
    if (!o.record_path.empty()) {
      path_ = name_ = o.record_path;
      trace::Tracer::start_recording(std::make_unique<record::Writer>(path_));
      return;
    }
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
    std::string templ = dir + "/gilhost-recording-XXXXXX";
    fd_ = mkostemp(templ.data(), O_CLOEXEC);
    if (fd_ < 0) {
      throw std::runtime_error("cannot create a temporary recording for the timeline reports in " +
                               dir + ": " + std::strerror(errno));
    }
    unlink(templ.c_str());  // nothing is left behind, whatever ends the process
    path_ = "/proc/self/fd/" + std::to_string(fd_);
    name_ = "the temporary recording for the timeline reports";
    trace::Tracer::start_recording(std::make_unique<record::Writer>(fd_, templ));
  }
  ~RunRecording() {
    if (fd_ >= 0) close(fd_);
  }
  RunRecording(const RunRecording&) = delete;
  RunRecording& operator=(const RunRecording&) = delete;

  bool active() const { return !path_.empty(); }
  void context(const report::Context& c) const {
    if (active()) trace::Tracer::record_context(kRunKey, encode(c));
  }
  // Ends the file with the run's outcome. With a timeline report asked for, `r` becomes the
  // Report replayed from the file: the same figures, plus the raw events.
  void finish(const cli::RunOptions& o, report::Report& r) const {
    if (!active()) return;
    trace::Tracer::record_context(kEndKey, encode(EndBlob{r.status, r.exit_status, r.abandoned}));
    const std::string error = trace::Tracer::finish_recording();
    if (!error.empty()) {
      failed(r, o.record_path.empty() ? name_ : "--record", error);
      return;
    }
    if (!keeps_recordings(o)) return;
    try {
      r = std::move(replay_report(path_, true, raw_limit_for(o)).report);
    } catch (const std::exception& e) {  // the reports keep the live figures, without timelines
      failed(r, name_, e.what());
    }
  }

 private:
  // One line, and a run that would have exited 0 exits 1 (as for a report that fails).
  static void failed(report::Report& r, const std::string& what, const std::string& why) {
    std::fprintf(stderr, "gilhost: error: %s: %s\n", what.c_str(), why.c_str());
    if (r.exit_status == 0) r.exit_status = 1;
    if (r.status == "complete") r.status = "failed";
  }
  std::string path_, name_;
  int fd_ = -1;
};

// Where a script run without workers starts: its window opens before the top level runs.
struct ScriptStart {
  std::uint64_t ticks = trace::Tracer::open_window();
  std::uint64_t switch_number = 0;
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
};

// A script run without workers: the GIL over its whole execution, like python3.12 SCRIPT.
// `plain`: no worker set was asked for, so the script's exit status is its own (sys.exit(3) is
// a measurement as complete as a return).
void finish_script_run(Session& s, std::optional<int> script_status, const ScriptStart& start,
                       bool plain, report::Report& r) {
  // As python3.12 does in Py_FinalizeEx, after sys.exit() too: the non-daemon threads are
  // joined inside the window, so their GIL events are recorded (daemon threads are not waited
  // for, and whatever they do after the window is not in any report).
  std::optional<int> joined = join_script_threads();
  if (!script_status) script_status = joined;
  r.script_wall_ns = std::uint64_t((std::chrono::steady_clock::now() - start.wall).count());
  if (s.traced()) {
    trace::WindowResult w =
        s.record(start.ticks, trace::now_ticks(), start.switch_number, s.switch_number());
    if (trace::Tracer::recording()) {
      WindowBlob blob;
      blob.script = true;
      blob.switch_number_begin = w.recording.switch_number_begin;
      blob.switch_number_end = w.recording.switch_number_end;
      blob.interval_us = w.recording.interval_us;
      blob.census = w.recording.census;
      blob.script_wall_ns = r.script_wall_ns;
      trace::Tracer::record_context(kWindowKey, encode(blob));
    }
    assemble_script(r, w, false);
  }
  r.exit_status = script_status.value_or(0);
  if (r.exit_status == 0) return;
  const python::Ending ending = python::last_ending();
  if (ending == python::Ending::kKeyboardInterrupt || g_stop_signal.load() != 0) {
    r.status = "interrupted";
  } else if (!plain || ending != python::Ending::kSystemExit) {
    r.status = "failed";
  }
}

void run_configs(Session& s, const cli::RunOptions& o, const plan::Plan& plan, report::Report& r) {
  Outcome out;
  std::vector<Slot> slots;
  for (const cli::WorkerSet& set : plan.worker_sets) slots.push_back({set, std::nullopt});
  RunProgress progress(run_labels(slots), slots.size() * (plan.warmup + plan.runs), o.quiet);
  r.configs = run_interleaved(s, o, plan, slots, out, progress.announcer());
  r.status = out.status;
  r.exit_status = out.exit_status;
  r.abandoned = out.abandoned;
}

}  // namespace

int run_command(const cli::RunOptions& given) {
  install_test_hooks();
  if (check_target(given, true)) {
    if (!given.record_path.empty()) {
      throw cli::UsageError(
          "--record needs one script: a directory runs each experiment in its own process");
    }
    if (!given.csv_path.empty() || !given.markdown_path.empty()) {
      throw cli::UsageError(
          "--csv and --markdown write one script's table: a directory runs each experiment in "
          "its own process (its --json has them all)");
    }
    return run_catalog(given);
  }
  own_stop_signals();  // from here on a stop is gilhost's to handle (stop_signals.hpp)
  plan::check_outputs(plan::run_outputs(given));
  const cli::RunOptions o = with_stdin_read(given);
  RunRecording recording(o);
  Session s(launch_of(o), !o.no_trace, o.trace_buffer, !o.no_stacks);
  plan::ScriptSettings known;
  plan::Plan plan = plan_before_top_level(o, known);
  if (plan.top_level_switch_interval) s.set_switch_interval(*plan.top_level_switch_interval);
  // Worker calls are events only for what draws them: a timeline now, or one drawn later from
  // the recording (gilhost report FILE --html must show what run --html would have).
  trace::Tracer::keep_events(recording.active());
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
  if (!plan.worker_sets.empty()) {
    r.context.runs = plan.runs;
    r.context.warmup = plan.warmup;
  }
  recording.context(r.context);

  if (script_status || plan.worker_sets.empty()) {
    finish_script_run(s, script_status, start, plan.worker_sets.empty(), r);
  } else {
    run_configs(s, o, plan, r);
  }
  flush_python_stdio();
  recording.finish(o, r);
  r.stacks = trace::Tracer::stack_table();
  // A script that never started (a SyntaxError, a failed import, -m of no module) measured
  // nothing worth a summary: Python's own report is all, as under python3.12.
  cli::RunOptions shown = o;
  shown.quiet = o.quiet || python::last_ending() == python::Ending::kNotStarted;
  write_reports(shown, r);
  return end_session(s, {r.status, r.exit_status, r.abandoned});
}

}  // namespace gilhost::workload
