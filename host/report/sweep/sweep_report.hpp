// The outputs of `gilhost sweep`: text table, JSON, CSV (sweep_html.hpp has the charts).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/sweep/sweep_data.hpp"

namespace gilhost::report {

// The table (one row per interval × workers × role) and the recommendation, UTF-8 text ending
// in a newline (docs/sweep.md). Pure: no terminal queries, no colours.
std::string render_sweep_text(const SweepResult& s);

struct Recommendation;
// What makes one recommendation less certain, one sentence each (noise between runs, too few
// calls for a p99, a choice inside the noise of the default), each with a fix: the text prints
// them under the recommendation as warnings.
std::vector<std::string> recommendation_caveats(const SweepResult& s, const Recommendation& r);
// Every caveat of the sweep, each prefixed with its --workers set, plus a single run per point:
// the HTML page's banner (the same sentences as the text).
std::vector<std::string> sweep_caveats(const SweepResult& s);

// schema_version, the same context block as `gilhost run --json`, the sweep's settings, every
// point and the recommendations (docs/sweep.md).
std::string render_sweep_json(const SweepResult& s);

// A header row with units in the column names, then one row per point and role; the last
// column repeats the sweep's status, so that a partial sweep is visible in every row.
std::string render_sweep_csv(const SweepResult& s);

}  // namespace gilhost::report
