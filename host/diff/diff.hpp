// `gilhost compare BASE NEW`: two JSON reports of `gilhost run`, figure by figure, with the
// change's uncertainty, Welch's t-test over the runs, a verdict per figure and CI gates
// (docs/metrics.md, "Comparing two reports"). Pure functions over parsed JSON, then one command.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/significance.hpp"
#include "analysis/stats.hpp"
#include "cli/options.hpp"

namespace gilhost::diff {

using Json = nlohmann::json;

// Which way a figure improves: calls/s up, latency and GIL wait down; GIL held and forced
// switches/s describe, they are neither good nor bad.
enum class Better { kHigher, kLower, kNeither };

// A figure the comparison knows: its key in the JSON report and how it reads.
struct FigureSpec {
  const char* key;    // "calls_per_second": roles[ROLE][key] or summary[key]
  const char* label;  // "calls/s"
  const char* unit;   // "/s", "ns", "%" (a fraction shown × 100)
  Better better;
  bool per_role;  // under configs[].roles[ROLE], else configs[].summary
};
const std::vector<FigureSpec>& figure_specs();

// One side of a figure: its count of runs, mean and sample standard deviation over them.
struct Side {
  std::size_t n = 0;
  double mean = 0;
  std::optional<double> stddev;
};

struct FigureDiff {
  std::string workers;  // "cpu=2,io=1"
  std::string role;     // "" for a figure of the whole configuration
  const FigureSpec* spec = nullptr;
  Side base, other;
  analysis::Ratio ratio;                    // other / base
  std::optional<analysis::WelchTest> test;  // none with a single run on either side
  std::string verdict;  // faster | slower | higher | lower | no significant change | not tested
  // The change in percent, (other / base - 1) × 100, and its propagated uncertainty.
  std::optional<double> change_percent() const;
};

struct Diff {
  std::vector<FigureDiff> figures;     // configurations in BASE's order, then roles, then figures
  std::vector<std::string> unmatched;  // configurations only one report has
};

// Reads one report; throws cli::UsageError with one line when it is missing, not JSON, not a
// gilhost run report (a sweep's, for one) or of another schema version.
Json load_report(const std::string& path);

// Why two reports do not measure the same thing (workers, Python version, switch interval):
// empty when they do.
std::vector<std::string> mismatches(const Json& base, const Json& other);

// Every figure both reports have, for every configuration both have (matched by workers).
Diff diff_reports(const Json& base, const Json& other);

// "[ROLE.]FIGURE<-5%" / ">10%": trips when the change passes the threshold and is significant.
struct Gate {
  std::string text;  // as written
  std::string role;  // "" = every role (or the configuration-wide figure)
  const FigureSpec* spec = nullptr;
  char op = '<';
  double percent = 0;
};
// Throws cli::UsageError with one line on a malformed gate or an unknown figure.
Gate parse_gate(const std::string& text);

struct GateResult {
  const Gate* gate = nullptr;
  const FigureDiff* figure = nullptr;
  bool tripped = false;
};
// One result per figure each gate applies to; a gate that applies to none is an error (the
// report lacks the figure or the role), thrown as cli::UsageError.
std::vector<GateResult> check_gates(const Diff& d, const std::vector<Gate>& gates);

std::string render_text(const Diff& d, const std::vector<GateResult>& gates,
                        const std::string& base_path, const std::string& other_path);

// The command: 0, or 1 when a gate tripped; usage errors and refusals are thrown (exit 2).
int compare_command(const cli::CompareOptions& o);

}  // namespace gilhost::diff
