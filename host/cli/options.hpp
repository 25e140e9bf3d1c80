// What the user asked for: the parsed and validated command line of every gilhost command.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gilhost::cli {

// One role of workers: call the script's function `name` on `threads` native threads.
struct RoleSpec {
  std::string name;
  unsigned threads = 1;
  bool operator==(const RoleSpec&) const = default;
};
using WorkerSet = std::vector<RoleSpec>;

// "cpu=4,io=1" -> {{cpu,4},{io,1}}. Throws UsageError with the offending part.
WorkerSet parse_workers(std::string_view text, std::string_view what = "--workers");
std::string format_workers(const WorkerSet& set);

inline constexpr unsigned kMaxThreadsPerRole = 1024;

enum class Target { kScript, kModule, kCode };

struct RunOptions {
  Target target = Target::kScript;
  std::string target_value;        // path, module name or code
  std::vector<std::string> args;   // the script's own arguments (sys.argv[1:])
  std::vector<WorkerSet> worker_sets;  // each --workers is one configuration, run in turn
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> calls;
  std::optional<std::chrono::nanoseconds> switch_interval;
  std::optional<unsigned> runs;
  std::optional<unsigned> warmup;
  std::optional<std::chrono::nanoseconds> timeout;
  std::string json_path;
  std::string events_path;
  std::string trace_path;              // Chrome trace JSON (Perfetto)
  std::string html_path;               // self-contained HTML report
  std::size_t trace_limit = 2'000'000;  // trace events at most in --trace (0 = no limit)
  bool no_trace = false;
  std::size_t trace_buffer = 1 << 18;  // events per thread ring
  bool quiet = false;                  // no table on stdout
  std::vector<std::string> argv;       // gilhost's own argv, for the report's context
};

enum class Command { kRun, kInfo, kVersion, kHelp };

struct Invocation {
  Command command = Command::kHelp;
  RunOptions run;
  int log_level = 2;  // spdlog: 0 trace .. 6 off; -v lowers, -q raises
  std::string help_text;
};

// Parses gilhost's argv. Throws UsageError on any mistake; --help fills help_text.
Invocation parse_command_line(int argc, char** argv);

}  // namespace gilhost::cli
