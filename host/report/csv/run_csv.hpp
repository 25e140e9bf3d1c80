// `gilhost run --csv FILE`: one row per configuration and role (docs/formats.md, "CSV").
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// A header row with units in the column names, one row per configuration and role; the last
// column repeats the run's status, so that a partial run is visible in every row.
std::string render_csv(const Report& r);

}  // namespace gilhost::report
