// `gilhost run --markdown FILE`: hyperfine's Markdown table, one row per configuration and role.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// A GitHub-flavoured Markdown table (docs/formats.md, "Markdown"); figures as in the text.
std::string render_markdown(const Report& r);

}  // namespace gilhost::report
