// The human-readable report printed on stdout: one table per worker configuration.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// Tables and summary lines as UTF-8 text ending in a newline; columns are described in
// docs/formats.md, "Text report". Pure: no terminal queries, no colours.
std::string render_text(const Report& r);

}  // namespace gilhost::report
