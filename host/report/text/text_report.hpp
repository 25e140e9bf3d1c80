// The human-readable report printed on stdout: one table per worker configuration.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// Tables and summary lines as UTF-8 text ending in a newline; columns are described in
// docs/formats.md, "Text report". Pure: no terminal queries, no colours.
std::string render_text(const Report& r);

// A script run without workers, in brief (stderr, after the script's own output): one line of
// GIL figures, the thread table when the script has threads of its own, and every line with a
// figure or cross-check marked ✗. The whole text report when there is more than the main GIL.
// A failed script's traceback says why it failed: no PARTIAL RESULTS line for it.
std::string render_script_brief(const Report& r);

}  // namespace gilhost::report
