// The options of `gilhost run` and `gilhost sweep` (internal to the command-line parser).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/options.hpp"

namespace gilhost::cli {

// Option text as given; validate_* turns it into typed options with messages that say what
// was wrong (CLI11 would only say "could not convert").
// Settings (plan/settings.hpp) are kept by GILHOST key, in the order of kKeys; given empty text
// is text too (refused by its rule, never taken for "not given").
struct CommonFlags {
  std::vector<std::string> workers;
  std::vector<std::pair<std::string, std::string>> settings;  // key, text
  std::optional<std::string> buffer;
};

struct RunFlags {
  CommonFlags common;
  std::optional<std::string> trace_limit, blocked_pairs;
};

struct ReportFlags {
  std::optional<std::string> trace_limit;
};

struct SweepFlags {
  CommonFlags common;
  std::optional<std::string> switch_interval, latency_role, throughput_role;
};

CLI::App* add_run(CLI::App& app, RunFlags& f, RunOptions& o);
CLI::App* add_sweep(CLI::App& app, SweepFlags& f, SweepOptions& o);
CLI::App* add_report(CLI::App& app, ReportFlags& f, ReportOptions& o);
CLI::App* add_compare(CLI::App& app, CompareOptions& o);

// A report option's file name: not empty (give a path, or - for standard output).
extern const CLI::Validator kFileName;

// Throw UsageError on the first bad value.
void validate_run(const RunFlags& f, RunOptions& o);
void validate_sweep(const SweepFlags& f, SweepOptions& o);
void validate_report(const ReportFlags& f, ReportOptions& o);

}  // namespace gilhost::cli
