// What the user asked for: the parsed and validated command line of every gilhost command.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/settings.hpp"

namespace gilhost::cli {

using plan::format_workers;
using plan::Isolation;
using plan::kMaxThreadsPerRole;
using plan::parse_workers;
using plan::RoleSpec;
using plan::WorkerSet;

enum class Target { kScript, kModule, kCode, kStdin };  // SCRIPT, -m, -c, - (as python3.12)

struct RunOptions {
  Target target = Target::kScript;
  std::string target_value;       // path, module name or code ("-" for kStdin)
  std::vector<std::string> args;  // the script's own arguments (sys.argv[1:])
  // python3.12's own options given before the target (-X dev, -u, -I, -W error, ...) and the
  // target's own tokens ("-mmod", or "-c" "CODE"), as typed: the embedded interpreter's PyConfig
  // parses them as python3.12 would, and sys.orig_argv shows them as given.
  std::vector<std::string> python_options;
  std::vector<std::string> target_tokens;
  std::string python;  // --python as given (Invocation::python): a path is sys.executable
  // The settings the command line gave, each checked (plan/settings.hpp). Only the Plan reads
  // them (plan/plan.hpp), merged with the script's GILHOST dict.
  plan::Settings given;
  std::string json_path;
  std::string events_path;
  std::string trace_path;               // Chrome trace JSON (Perfetto)
  std::string html_path;                // self-contained HTML report
  std::string csv_path;                 // one row per configuration and role
  std::string markdown_path;            // the same as a Markdown table
  std::string record_path;              // recording file (gilhost report reads it)
  std::string stacks_path;              // folded stacks (flamegraph.pl, speedscope, inferno)
  std::size_t trace_limit = 2'000'000;  // trace events at most in --trace (0 = no limit)
  std::size_t blocked_pairs = 100;      // who-blocked-whom pairs listed per GIL (0 = all)
  bool no_trace = false;
  bool no_stacks = false;              // trace without reading Python stacks
  std::size_t trace_buffer = 1 << 18;  // events per thread ring
  bool quiet = false;                  // no table on stdout
  std::vector<std::string> argv;       // gilhost's own argv, for the report's context
  // The tokens as given, so that a catalog (`gilhost run DIR`) can pass them on to the child
  // that runs each experiment: gilhost's options before the command (-v) and the command's own.
  std::vector<std::string> global_args;
  std::vector<std::string> option_args;
};

// `gilhost sweep`: the run options it shares (target, workers, budget, --quiet; the switch
// interval of `given` and the export paths of `run` stay unset), the intervals to try, the roles
// that decide and its own exports.
struct SweepOptions {
  RunOptions run;
  std::vector<std::chrono::nanoseconds> intervals;  // ascending, whole microseconds, distinct
  std::string latency_role;                         // empty: no recommendation
  std::string throughput_role;
  std::string json_path;
  std::string csv_path;
  std::string html_path;
};

// `gilhost report FILE`: the recording to read, and the exports it shares with run (the target,
// workers and budget of `out` stay unset).
struct ReportOptions {
  std::string recording;
  RunOptions out;
};

// `gilhost compare BASE NEW`: two JSON reports of `gilhost run`, and the gates as written
// (diff/gates.cpp parses them before either report is read).
struct CompareOptions {
  std::string base, other;
  std::vector<std::string> fail_if;
  bool force = false;  // compare reports of different workers, Python or switch interval
};

// kUsage: no command at all (help_text on stderr, exit 2, as a usage error).
enum class Command { kRun, kSweep, kReport, kInfo, kCompare, kVersion, kHelp, kUsage };

struct Invocation {
  Command command = Command::kHelp;
  RunOptions run;
  SweepOptions sweep;
  ReportOptions report;
  CompareOptions compare;
  // --python of run/sweep/info as given: "3.13", "3.11,3.12,3.13" or a python executable's path
  // (host/select/python_select.hpp resolves it). Empty: the default host.
  std::string python;
  int log_level = 3;  // spdlog: 0 trace .. 6 off; default warn, -v lowers, --log-quiet raises
  std::string help_text;
};

// Parses gilhost's argv. Throws UsageError on any mistake; --help fills help_text.
Invocation parse_command_line(int argc, char** argv);

}  // namespace gilhost::cli
