// The plan of a run: the command line and the script's GILHOST dict resolved into one value that
// every later step reads (phases, sweep points, reports), never the raw options.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "plan/settings.hpp"
#include "report/output_paths.hpp"

namespace gilhost::plan {

inline constexpr std::chrono::seconds kDefaultDuration{2};
inline constexpr std::chrono::seconds kDefaultTimeout{60};

// A report the user asked for: the option that named it ("--json") and the path as given.
using Output = report::NamedOutput;

struct Plan {
  cli::Target target = cli::Target::kScript;
  std::string target_value;
  // --isolation resolved into each role (kSub, or kDefault/kShared = the main GIL). Empty: the
  // script runs on its own.
  std::vector<WorkerSet> worker_sets;
  // Exactly one of the two is set: a phase runs for `duration` or until each worker thread has
  // made `calls` calls.
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> calls;
  // The longest one call may run: a worker whose call passes it gets TimeoutError and the phase
  // ends as timed_out (docs/reliability.md).
  std::chrono::nanoseconds timeout = kDefaultTimeout;
  std::optional<std::chrono::nanoseconds> switch_interval;  // unset: CPython's (or the script's)
  // The interval the script's top level runs under: the command line's only, since the
  // script's GILHOST takes effect once the top level has defined it.
  std::optional<std::chrono::nanoseconds> top_level_switch_interval;
  unsigned runs = kDefaultRuns;
  unsigned warmup = kDefaultWarmup;
  // The reports, in the order of the options (an empty path: not asked for). The rules on paths
  // are check_outputs's.
  std::vector<Output> outputs;
};

// What is known of the script's GILHOST before its top level runs.
struct ScriptSettings {
  enum class State {
    kAbsent,   // the source cannot define one (no name GILHOST in it)
    kKnown,    // a constant dict: `settings` holds it, already checked
    kUnknown,  // computed, or an -m target: known once the top level has run
  };
  State state = State::kUnknown;
  Settings settings;
};

// The command line's settings over the script's: any setting the command line gives wins; the
// budget (duration or calls) is taken whole from the source that gives one. Throws
// cli::UsageError for what no source can fix (sub-interpreter workers of -m or -c).
Plan resolve(const cli::RunOptions& o, const Settings& script);

// The reports of `gilhost run`.
std::vector<Output> run_outputs(const cli::RunOptions& o);

// Checked before the interpreter starts, so that a typo never costs a measurement: the rules of
// report::check_outputs (writable, no file named twice, at most one on standard output; options
// not given are skipped). Throws cli::UsageError with its one line.
void check_outputs(const std::vector<Output>& outputs);

}  // namespace gilhost::plan
