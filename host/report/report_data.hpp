// Everything a report shows: the run's context, each worker configuration's runs and metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"
#include "analysis/run_result.hpp"
#include "analysis/stack_table.hpp"
#include "cli/options.hpp"

namespace gilhost::report {

inline constexpr int kSchemaVersion = 1;

// What the embedded CPython version can do and where it keeps the GIL: the version knowledge a
// reader needs to compare reports of two versions (filled by workload/capabilities.cpp).
struct PythonCapabilities {
  std::string host;  // "3.13": the gilhost host that ran (a "t" suffix: free-threaded)
  bool per_interpreter_gil = false;    // PEP 684 (3.12+): :sub workers are possible
  bool free_threaded = false;          // built with Py_GIL_DISABLED (PEP 703)
  bool gil_enabled = true;             // sys._is_gil_enabled() where it exists, else true
  std::string gil_location;            // "_PyRuntime.ceval.gil (one GIL per process)" ...
  std::string drop_request_location;   // "interp->ceval.gil_drop_request" ...
  std::string subinterpreters_module;  // "_xxsubinterpreters" up to 3.12, "_interpreters" after
  // Which figures this version gives (docs/gil-internals.md, "Figures per version"):
  std::string forced_path;  // the forced-release chain recognised, "_Py_HandlePending -> drop_gil"
  std::string forced_unknown;           // why releases are not classified (then forced_path is "")
  bool drop_request_at_release = true;  // voluntary_with_request measured (3.11, 3.12)
};

struct Context {
  std::string gilhost_version;
  std::string python_version;
  std::string python_executable;
  PythonCapabilities python;
  std::string cpu_model;
  unsigned cpu_count = 0;
  std::uint64_t switch_interval_ns = 0;  // in force during the worker phases
  std::vector<std::string> argv;
  std::string date;          // ISO 8601, UTC
  std::string clock_source;  // "tsc" or "clock_monotonic"
  bool traced = true;
  std::string script;  // the target as given
  // The plan's repetitions of each worker configuration (0, 0 for a script run on its own):
  // what a warning's fix is measured against ("raise --warmup (now 1)").
  unsigned runs = 0;
  unsigned warmup = 0;
};

// The metrics of one own-GIL sub-interpreter's GIL over a run.
struct GilRecord {
  int gil = 0;              // the tracer's index (Event::gil)
  std::string interpreter;  // "sub:cpu-0"
  analysis::GilMetrics metrics;
};

// One measured repetition of a worker phase.
struct RunRecord {
  analysis::PhaseResult phase;
  std::optional<analysis::GilMetrics> gil;    // the main GIL; absent with --no-trace
  std::vector<GilRecord> sub_gils;            // one per :sub worker thread, when traced
  std::optional<trace::Recording> recording;  // raw events, kept only when --events is given
};

// One --workers configuration and its measured runs (warm-up runs are not kept).
struct ConfigResult {
  cli::WorkerSet workers;
  std::vector<RunRecord> runs;
};

struct Report {
  Context context;
  std::vector<ConfigResult> configs;
  // A script run without workers: the GIL over the whole script (window = script execution).
  std::optional<analysis::GilMetrics> script_gil;
  std::optional<trace::Recording> script_recording;  // only when --events is given
  // GILs the script's own interpreters created (isolated sub-interpreters), traced from
  // create_gil: "GIL 1 (created by Thread-1)".
  std::vector<GilRecord> script_gils;
  std::uint64_t script_wall_ns = 0;
  // The Python stacks the metrics' stack ids name (GilMetrics::hold_stacks, ...); only the
  // unknown stack 0 when stacks were not read (--no-stacks, --no-trace).
  analysis::StackTable stacks;
  std::string status = "complete";  // complete | failed | interrupted | timed_out
  int exit_status = 0;
  bool abandoned = false;  // a worker never stopped; the process exits without finalizing
};

// Why a run's reports are partial, as the text table and the HTML page say it.
inline std::string status_reason(const std::string& status) {
  return status == "failed"        ? "the run failed"
         : status == "interrupted" ? "the run was interrupted"
         : status == "timed_out"   ? "a worker phase ran past --timeout"
         : status == "partial"     ? "the recording stops early"
                                   : "status " + status;
}

}  // namespace gilhost::report
