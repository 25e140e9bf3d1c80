// The options of `gilhost run` and `gilhost sweep` (internal to the command-line parser).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace gilhost::cli {

// Option text as given; validate_* turns it into typed options with messages that say what
// was wrong (CLI11 would only say "could not convert").
struct CommonFlags {
  std::vector<std::string> workers;
  std::string duration, calls, runs, warmup, timeout, buffer, isolation;
};

struct RunFlags {
  CommonFlags common;
  std::string switch_interval, trace_limit, blocked_pairs;
};

struct SweepFlags {
  CommonFlags common;
  std::string switch_interval;
};

CLI::App* add_run(CLI::App& app, RunFlags& f, RunOptions& o);
CLI::App* add_sweep(CLI::App& app, SweepFlags& f, SweepOptions& o);

// Throw UsageError on the first bad value.
void validate_run(const RunFlags& f, RunOptions& o);
void validate_sweep(const SweepFlags& f, SweepOptions& o);

bool is_identifier(std::string_view s);

}  // namespace gilhost::cli
