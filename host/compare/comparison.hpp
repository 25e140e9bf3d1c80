// One experiment run on several CPython hosts, rounds interleaved, figures side by side
// (docs/formats.md, "Side by side"). Built from each host's JSON report of each round.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gilhost::compare {

// A row of the side-by-side table: a figure's median over the rounds, per version.
struct Row {
  std::string label;                          // "forced switches/s", "cpu wait p99"
  std::string unit;                           // "ns", "%", "x", "/s", "" (a count or ratio)
  std::vector<std::optional<double>> values;  // one per version; nullopt: not seen
};

struct ConfigTable {
  std::string workers;  // "cpu=4"
  std::vector<Row> rows;
  std::vector<bool> checks;  // per version: every round's cross-checks passed
};

struct Comparison {
  std::vector<std::string> hosts;                   // "3.11", "3.12", "3.13"
  std::vector<std::string> python_versions;         // "3.11.7", ...
  std::vector<nlohmann::json> contexts;             // each version's report context (first round)
  std::vector<std::vector<nlohmann::json>> rounds;  // [version][round]: the host's JSON report
  unsigned rounds_planned = 0;
  std::string script;
  std::string status = "complete";  // complete | failed | interrupted
  std::string failure;              // which host failed in which round
  std::vector<ConfigTable> configs;
};

// Fills `c.configs` from `c.rounds`: medians over the rounds each version completed.
void compute_tables(Comparison& c);

// The three rooms: the text table, one JSON document, one HTML page.
std::string render_text(const Comparison& c);
std::string render_json(const Comparison& c);
std::string render_html(const Comparison& c);

// The sentence every output carries: why calls/s are shown relative to a baseline.
inline constexpr const char* kThroughputNote =
    "calls/s are not comparable across CPython versions (each interpreter runs bytecode at its "
    "own speed): throughput is shown relative to each version's own baseline configuration (the "
    "first --workers set); the GIL figures compare directly";

}  // namespace gilhost::compare
