// The JSON report's stack figures: per GIL the holds and waits by (thread, stack) and the
// blocked-at-code pairs; once per report the stacks they name (docs/formats.md, "JSON").
#pragma once

#include <nlohmann/json.hpp>

#include "report/report_data.hpp"

namespace gilhost::report {

nlohmann::ordered_json stacks_json(const analysis::GilMetrics& m);
// {"stacks": {"ID": [location ids, outermost first]}, "locations": {"ID": {...}}}: the entries
// the report's figures use; null when the run read no stacks.
nlohmann::ordered_json stack_table_json(const Report& r);

}  // namespace gilhost::report
