// `gilhost run DIR`: every experiment of a directory, each in a fresh gilhost process, and one
// combined report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"

namespace gilhost::workload {

// Runs the experiments of directory `o.target_value` in name order, each as
// `gilhost run --json TMP [the user's options] FILE` in a child process (a fresh interpreter),
// its text output streamed under a heading. Returns 0 when all succeeded, else the first
// non-zero status; 130/143 when interrupted (the child is stopped, the report marked partial).
int run_catalog(const cli::RunOptions& o);

// Whether a script is an experiment: a module-level GILHOST dict (a line `GILHOST = ...` at
// column 0) or a module docstring (its first statement is a string literal). Pure.
bool is_experiment_source(std::string_view source);

// The experiments directly in `dir`: *.py files, not starting with '_' or '.', that pass
// is_experiment_source; file names, sorted.
std::vector<std::string> catalog_scripts(const std::string& dir);

// The user's `run` option tokens without the exports (--json, --html, --events, --trace and
// their values), which the catalog gives each child itself. Pure.
std::vector<std::string> child_options(const std::vector<std::string>& option_args);

// "out/all.html" + "convoy" -> "out/all.convoy.html": an experiment's file next to the combined
// one. Pure.
std::string per_experiment_path(const std::string& path, const std::string& name);

}  // namespace gilhost::workload
