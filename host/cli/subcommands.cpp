// `gilhost run` and `gilhost sweep` options: shared ones defined once, each validated once.
#include "cli/subcommands.hpp"

#include <fmt/format.h>

#include <algorithm>

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

// Keeps `--option TEXT` as the setting `key` (its last value when repeated, as for other options).
void add_setting(CLI::App* cmd, CommonFlags& f, const std::string& key, const std::string& help,
                 const char* type) {
  cmd->add_option_function<std::string>(
         plan::setting_name(plan::Source::kCommandLine, key),
         [&f, key](const std::string& text) {
           std::erase_if(f.settings, [&](const auto& kv) { return kv.first == key; });
           f.settings.emplace_back(key, text);
         },
         help)
      ->type_name(type);
}

void add_common(CLI::App* cmd, CommonFlags& f, RunOptions& o) {
  cmd->add_option("--workers", f.workers,
                  "Call the script's functions on native threads: NAME=N[,NAME=N...]; repeat "
                  "to compare configurations")
      ->type_name("SPEC");
  add_setting(cmd, f, "isolation",
              "shared (default) or subinterpreters: each worker thread of a role without "
              ":shared runs in its own sub-interpreter with its own GIL (PEP 684)",
              "MODE");
  add_setting(cmd, f, "duration", "How long workers keep calling (default 2s)", "TIME");
  add_setting(cmd, f, "calls", "Calls per worker thread instead of a duration", "N");
  add_setting(cmd, f, "runs",
              fmt::format("Measured runs of each worker configuration, interleaved A B A B "
                          "(default {})",
                          plan::kDefaultRuns),
              "N");
  add_setting(cmd, f, "warmup",
              fmt::format("Unreported runs of each configuration before measuring (default {})",
                          plan::kDefaultWarmup),
              "N");
  add_setting(cmd, f, "timeout",
              "The longest one call may run: a worker still in a call after TIME gets "
              "TimeoutError and the run stops as timed out (default 60s)",
              "TIME");
  cmd->add_option_function<std::string>(
         "--trace-buffer", [&f](const std::string& t) { f.buffer = t; },
         "Events per thread buffer (default 262144)")
      ->type_name("N");
  cmd->add_flag("--no-trace", o.no_trace, "Run without recording (the overhead baseline)");
  cmd->add_flag("--no-stacks", o.no_stacks,
                "Trace without reading the Python stack of each GIL release (docs/metrics.md)");
  cmd->add_flag("--quiet", o.quiet, "Print no table (exports and the exit status only)");
}

void validate_common(const CommonFlags& f, RunOptions& o) {
  using plan::Source;
  for (const std::string& w : f.workers) {
    plan::set_setting(o.given, "workers", plan::Value::of_text(w), Source::kCommandLine);
  }
  for (const char* key : plan::kKeys) {  // one order, whatever the command line's
    for (const auto& [k, text] : f.settings) {
      if (k == key) plan::set_setting(o.given, k, plan::Value::of_text(text), Source::kCommandLine);
    }
  }
  plan::check_settings(o.given, Source::kCommandLine);
  if (f.buffer) o.trace_buffer = parse_count(*f.buffer, "--trace-buffer", 1u << 28);
}

// A given role is a name: `--latency-role ''` is refused, not taken for "not given".
void check_role_name(const std::optional<std::string>& given, std::string& role,
                     const char* option) {
  if (!given) return;
  role = *given;
  if (!plan::is_identifier(role)) {
    throw UsageError(fmt::format("{}: '{}' is not a role name (a Python function name)", option,
                                 cli::shown(role)));
  }
}

}  // namespace

// A report option with an empty value would silently write nothing.
const CLI::Validator kFileName(
    [](std::string& v) {
      return v.empty() ? std::string("an empty file name (give a path, or - for standard output)")
                       : std::string();
    },
    "FILE");

namespace {

// The exports `run` and `report` share, into `o`.
void add_exports(CLI::App* cmd, RunOptions& o, std::optional<std::string>& trace_limit) {
  cmd->add_option("--json", o.json_path, "Write every result as JSON (docs/formats.md)")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--events", o.events_path, "Write the raw GIL events (docs/formats.md)")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--trace", o.trace_path,
                  "Write a timeline for ui.perfetto.dev / chrome://tracing")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--html", o.html_path, "Write a self-contained HTML report")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--csv", o.csv_path, "Write one CSV row per configuration and role")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--markdown", o.markdown_path, "Write the same table in Markdown")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option("--stacks", o.stacks_path,
                  "Write the GIL time per Python stack as folded stacks (flamegraph.pl, "
                  "speedscope; docs/formats.md)")
      ->type_name("FILE")
      ->check(kFileName);
  cmd->add_option_function<std::string>(
         "--trace-limit", [&trace_limit](const std::string& t) { trace_limit = t; },
         "Most events in --trace; later ones are cut with a note (default 2000000, 0 = all)")
      ->type_name("N");
}

}  // namespace

CLI::App* add_run(CLI::App& app, RunFlags& f, RunOptions& o) {
  CLI::App* run = app.add_subcommand("run", "Run a script, module or code and report the GIL");
  run->footer(kRunFooter);
  add_common(run, f.common, o);
  add_setting(run, f.common, "switch_interval",
              "sys.setswitchinterval before the run (at least 1us, e.g. 5ms, 100us)", "TIME");
  add_exports(run, o, f.trace_limit);
  run->add_option("--record", o.record_path,
                  "Keep every input of the analysis in FILE, for gilhost report FILE later")
      ->type_name("FILE")
      ->check(kFileName);
  run->add_option_function<std::string>(
         "--blocked-pairs", [&f](const std::string& t) { f.blocked_pairs = t; },
         "Who-blocked-whom pairs listed per GIL, largest first; the rest is summed (default "
         "100, 0 = all)")
      ->type_name("N");
  return run;
}

constexpr const char* kReportFooter = R"TXT(Examples:
  gilhost run --record run.gilrec --duration 60s --workers cpu=2 my.py
  gilhost report run.gilrec
  gilhost report run.gilrec --json run.json --html run.html

A recording keeps every input of the analysis (docs/formats.md, "Recording file"): the reports
come out as `gilhost run` wrote them, or would have. A recording that stops early (the run was
killed) gives the reports of its complete windows, marked partial, and exit status 1.)TXT";

CLI::App* add_report(CLI::App& app, ReportFlags& f, ReportOptions& o) {
  CLI::App* report =
      app.add_subcommand("report", "Write the reports of a recording made by run --record");
  report->footer(kReportFooter);
  report->add_option("FILE", o.recording, "The recording (gilhost run --record FILE)")
      ->required()
      ->check(kFileName);
  add_exports(report, o.out, f.trace_limit);
  report->add_flag("--quiet", o.out.quiet, "Print no table (exports and the exit status only)");
  return report;
}

CLI::App* add_sweep(CLI::App& app, SweepFlags& f, SweepOptions& o) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a script's workers at several switch intervals and recommend one");
  sweep->footer(kSweepFooter);
  add_common(sweep, f.common, o.run);
  sweep
      ->add_option_function<std::string>(
          "--switch-interval", [&f](const std::string& t) { f.switch_interval = t; },
          "The intervals to try: LO..HI[:N] (N log-spaced, default 7) or A,B,C (required)")
      ->type_name("LIST");
  sweep
      ->add_option_function<std::string>(
          "--latency-role", [&f](const std::string& t) { f.latency_role = t; },
          "The role whose latency p99 the recommendation minimises")
      ->type_name("NAME");
  sweep
      ->add_option_function<std::string>(
          "--throughput-role", [&f](const std::string& t) { f.throughput_role = t; },
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
  if (f.trace_limit) o.trace_limit = parse_count(*f.trace_limit, "--trace-limit", 1ull << 40, 0);
  if (f.blocked_pairs)
    o.blocked_pairs = parse_count(*f.blocked_pairs, "--blocked-pairs", 1ull << 40, 0);
  if (o.no_trace && (!o.trace_path.empty() || !o.events_path.empty())) {
    throw UsageError("--trace and --events need the tracer: drop --no-trace");
  }
  if (o.no_trace && !o.record_path.empty())
    throw UsageError("--record needs the tracer: drop --no-trace");
  if ((o.no_trace || o.no_stacks) && !o.stacks_path.empty())
    throw UsageError(fmt::format("--stacks needs the Python stacks: drop {}",
                                 o.no_trace ? "--no-trace" : "--no-stacks"));
  if (o.record_path == "-")
    throw UsageError("--record: a recording is a file (it is read back), not standard output");
}

void validate_report(const ReportFlags& f, ReportOptions& o) {
  if (f.trace_limit)
    o.out.trace_limit = parse_count(*f.trace_limit, "--trace-limit", 1ull << 40, 0);
}

void validate_sweep(const SweepFlags& f, SweepOptions& o) {
  validate_common(f.common, o.run);
  if (!f.switch_interval) {
    throw UsageError("sweep: --switch-interval is required (e.g. 100us..50ms, 1ms,5ms,10ms)");
  }
  o.intervals = parse_interval_list(*f.switch_interval, "--switch-interval");
  check_role_name(f.latency_role, o.latency_role, "--latency-role");
  check_role_name(f.throughput_role, o.throughput_role, "--throughput-role");
  if (o.latency_role.empty() != o.throughput_role.empty()) {
    throw UsageError(fmt::format("{} needs {} too: the recommendation weighs one against the other",
                                 o.latency_role.empty() ? "--throughput-role" : "--latency-role",
                                 o.latency_role.empty() ? "--latency-role" : "--throughput-role"));
  }
}

}  // namespace gilhost::cli
