// `gilhost run` and `gilhost sweep` options: shared ones defined once, each validated once.
#include "cli/subcommands.hpp"

#include <fmt/format.h>

#include <cctype>

#include "cli/intervals.hpp"
#include "cli/units.hpp"

namespace gilhost::cli {
namespace {

constexpr const char* kRunFooter = R"TXT(Examples:
  gilhost run experiments/thread_trap.py
  gilhost run --workers cpu=1 --workers cpu=4 --duration 2s experiments/thread_trap.py
  gilhost run --switch-interval 1ms --json out.json script.py arg1 arg2
  gilhost run -m http.server 8000
  gilhost run -c "import gilhost; gilhost.hold_gil(0.1)"
  gilhost run --duration 1s --json all.json experiments/

Without --workers and without a GILHOST dict in the script, the script simply runs like
python3.12 SCRIPT, with every GIL event of its threads traced. A directory runs every
experiment in it (*.py with a GILHOST dict or a module docstring), each in its own process.)TXT";

constexpr const char* kSweepFooter = R"TXT(Examples:
  gilhost sweep --switch-interval 100us..50ms experiments/convoy.py
  gilhost sweep --switch-interval 500us..20ms:5 --workers cpu=2,io=1 \
      --latency-role io --throughput-role cpu --html sweep.html my.py
  gilhost sweep --switch-interval 1ms,5ms,10ms --runs 3 --csv sweep.csv my.py

The script's top level runs once; then, for each interval and each --workers set, the warm-up
and measured runs, all in the same interpreter. With --latency-role and --throughput-role the
sweep ends with the interval that gives the latency role the lowest p99 while the throughput
role keeps at least 95 % of its best calls/s (docs/sweep.md).)TXT";

void add_common(CLI::App* cmd, CommonFlags& f, RunOptions& o) {
  cmd->add_option("--workers", f.workers,
                  "Call the script's functions on native threads: NAME=N[,NAME=N...]; repeat "
                  "to compare configurations")
      ->type_name("SPEC");
  cmd->add_option("--isolation", f.isolation,
                  "shared (default) or subinterpreters: each worker thread of a role without "
                  ":shared runs in its own sub-interpreter with its own GIL (PEP 684)")
      ->type_name("MODE");
  cmd->add_option("--duration", f.duration, "How long workers keep calling (default 2s)")
      ->type_name("TIME");
  cmd->add_option("--calls", f.calls, "Calls per worker thread instead of a duration")
      ->type_name("N");
  cmd->add_option("--runs", f.runs, "Measured repetitions of the worker phase (default 1)")
      ->type_name("N");
  cmd->add_option("--warmup", f.warmup, "Unreported repetitions before measuring (default 0)")
      ->type_name("N");
  cmd->add_option("--timeout", f.timeout,
                  "Stop a worker phase that runs this long past its end (default 60s)")
      ->type_name("TIME");
  cmd->add_option("--trace-buffer", f.buffer, "Events per thread buffer (default 262144)")
      ->type_name("N");
  cmd->add_flag("--no-trace", o.no_trace, "Run without recording (the overhead baseline)");
  cmd->add_flag("--quiet", o.quiet, "Print no table (exports and the exit status only)");
}

void validate_common(const CommonFlags& f, RunOptions& o) {
  for (const std::string& w : f.workers) o.worker_sets.push_back(parse_workers(w));
  if (!f.isolation.empty() && f.isolation != "shared" && f.isolation != "subinterpreters") {
    throw UsageError(
        fmt::format("--isolation: '{}' is not shared or subinterpreters", f.isolation));
  }
  o.subinterpreters = f.isolation == "subinterpreters";
  if (!f.duration.empty()) o.duration = parse_duration(f.duration, "--duration");
  if (o.duration && o.duration->count() == 0) throw UsageError("--duration: must be positive");
  if (!f.calls.empty()) o.calls = parse_count(f.calls, "--calls", 1'000'000'000);
  if (o.duration && o.calls) throw UsageError("--duration and --calls exclude each other");
  if (!f.runs.empty()) o.runs = unsigned(parse_count(f.runs, "--runs", 100000));
  if (!f.warmup.empty() && f.warmup != "0") {
    o.warmup = unsigned(parse_count(f.warmup, "--warmup", 100000));
  }
  if (!f.timeout.empty()) o.timeout = parse_duration(f.timeout, "--timeout");
  if (!f.buffer.empty()) o.trace_buffer = parse_count(f.buffer, "--trace-buffer", 1u << 28);
}

void check_role_name(const std::string& role, const char* option) {
  if (!role.empty() && !is_identifier(role)) {
    throw UsageError(
        fmt::format("{}: '{}' is not a role name (a Python function name)", option, role));
  }
}

}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// A report option with an empty value would silently write nothing.
const CLI::Validator kFileName(
    [](std::string& v) {
      return v.empty() ? std::string("an empty file name (give a path, or - for standard output)")
                       : std::string();
    },
    "FILE");

CLI::App* add_run(CLI::App& app, RunFlags& f, RunOptions& o) {
  CLI::App* run = app.add_subcommand("run", "Run a script, module or code and report the GIL");
  run->footer(kRunFooter);
  add_common(run, f.common, o);
  run->add_option("--switch-interval", f.switch_interval,
                  "sys.setswitchinterval before the run (e.g. 5ms, 100us)")
      ->type_name("TIME");
  run->add_option("--json", o.json_path, "Write every result as JSON (docs/formats.md)")
      ->type_name("FILE")
      ->check(kFileName);
  run->add_option("--events", o.events_path, "Write the raw GIL events (docs/formats.md)")
      ->type_name("FILE")
      ->check(kFileName);
  run->add_option("--trace", o.trace_path,
                  "Write a timeline for ui.perfetto.dev / chrome://tracing")
      ->type_name("FILE")
      ->check(kFileName);
  run->add_option("--html", o.html_path, "Write a self-contained HTML report")
      ->type_name("FILE")
      ->check(kFileName);
  run->add_option("--trace-limit", f.trace_limit,
                  "Most events in --trace; later ones are cut with a note (default 2000000, 0 = "
                  "all)")
      ->type_name("N");
  run->add_option("--blocked-pairs", f.blocked_pairs,
                  "Who-blocked-whom pairs listed per GIL, largest first; the rest is summed "
                  "(default 100, 0 = all)")
      ->type_name("N");
  return run;
}

CLI::App* add_sweep(CLI::App& app, SweepFlags& f, SweepOptions& o) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a script's workers at several switch intervals and recommend one");
  sweep->footer(kSweepFooter);
  add_common(sweep, f.common, o.run);
  sweep
      ->add_option("--switch-interval", f.switch_interval,
                   "The intervals to try: LO..HI[:N] (N log-spaced, default 7) or A,B,C "
                   "(required)")
      ->type_name("LIST");
  sweep
      ->add_option("--latency-role", o.latency_role,
                   "The role whose latency p99 the recommendation minimises")
      ->type_name("NAME");
  sweep
      ->add_option("--throughput-role", o.throughput_role,
                   "The role that must keep 95 % of its best calls/s")
      ->type_name("NAME");
  sweep->add_option("--json", o.json_path, "Write the sweep as JSON (docs/sweep.md)")
      ->type_name("FILE")
      ->check(kFileName);
  sweep->add_option("--csv", o.csv_path, "Write the sweep as CSV, one row per point and role")
      ->type_name("FILE")
      ->check(kFileName);
  sweep->add_option("--html", o.html_path, "Write a self-contained page of charts")
      ->type_name("FILE")
      ->check(kFileName);
  return sweep;
}

void validate_run(const RunFlags& f, RunOptions& o) {
  validate_common(f.common, o);
  if (!f.switch_interval.empty()) {
    o.switch_interval = parse_duration(f.switch_interval, "--switch-interval");
    if (o.switch_interval->count() < 1000) {
      throw UsageError("--switch-interval: CPython keeps microseconds; use at least 1us");
    }
  }
  if (f.trace_limit == "0") {
    o.trace_limit = 0;
  } else if (!f.trace_limit.empty()) {
    o.trace_limit = parse_count(f.trace_limit, "--trace-limit", 1ull << 40);
  }
  if (f.blocked_pairs == "0") {
    o.blocked_pairs = 0;
  } else if (!f.blocked_pairs.empty()) {
    o.blocked_pairs = parse_count(f.blocked_pairs, "--blocked-pairs", 1ull << 40);
  }
  if (o.no_trace && (!o.trace_path.empty() || !o.events_path.empty())) {
    throw UsageError("--trace and --events need the tracer: drop --no-trace");
  }
}

void validate_sweep(const SweepFlags& f, SweepOptions& o) {
  validate_common(f.common, o.run);
  if (f.switch_interval.empty()) {
    throw UsageError("sweep: --switch-interval is required (e.g. 100us..50ms, 1ms,5ms,10ms)");
  }
  o.intervals = parse_interval_list(f.switch_interval, "--switch-interval");
  check_role_name(o.latency_role, "--latency-role");
  check_role_name(o.throughput_role, "--throughput-role");
  if (o.latency_role.empty() != o.throughput_role.empty()) {
    throw UsageError(fmt::format("{} needs {} too: the recommendation weighs one against the other",
                                 o.latency_role.empty() ? "--throughput-role" : "--latency-role",
                                 o.latency_role.empty() ? "--latency-role" : "--throughput-role"));
  }
}

}  // namespace gilhost::cli
