// --stacks FILE: the GIL time per Python stack as folded stacks, one line per stack, the format
// of flamegraph.pl that speedscope and inferno read (docs/formats.md, "Folded stacks").
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// `holds GIL;THREAD;outer;...;inner NS` and `waits for GIL;THREAD;outer;...;inner NS`, NS the
// exact nanoseconds over every window of the report, lines sorted.
std::string render_folded(const Report& r);

}  // namespace gilhost::report
