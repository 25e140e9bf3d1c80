// The text report's stack tables: per role (or thread) the code locations that held the GIL
// longest and those that waited longest, and the top "blocked at code" pairs.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// How many rows each table lists.
inline constexpr std::size_t kStackRowsShown = 5;

// "" when the report has no stacks.
std::string stacks_text(const Report& r);

}  // namespace gilhost::report
