// The static parts of the HTML report: its style sheet and scripts, inlined into every page.
#pragma once

#include <string_view>

namespace gilhost::report::detail {

std::string_view html_style();                  // html_style.cpp
std::string_view html_script();                 // html_script.cpp: tables, histograms, matrix
std::string_view html_timeline_script();        // html_timeline_script.cpp: drawing the timeline
std::string_view html_timeline_input_script();  // html_timeline_input.cpp: zoom, pan, hover

}  // namespace gilhost::report::detail
