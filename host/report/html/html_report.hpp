// The --html export: one self-contained page with the tables, a zoomable GIL timeline and charts.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// A complete HTML document (UTF-8) that needs no network: inline CSS, vanilla JS and the data as
// a JSON blob in <script type="application/json" id="gilhost-data">. Its parts (summary,
// timeline, histograms, blocked matrix, cross-checks, context) are described in
// docs/formats.md, "HTML report".
std::string render_html(const Report& r);

}  // namespace gilhost::report
