// --stacks FILE: the GIL time per Python stack as folded stacks, one line per stack, the format
// of flamegraph.pl that speedscope and inferno read (docs/formats.md, "Folded stacks").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/report_data.hpp"

namespace gilhost::report {

// `holds GIL;THREAD;outer;...;inner NS` and `waits for GIL;THREAD;outer;...;inner NS`, NS the
// exact nanoseconds over every window of the report, lines sorted.
std::string render_folded(const Report& r);

// The same lines as data: `holds` or `waits`, the thread then the frames outermost first, and
// the nanoseconds; sorted as the file is.
struct FoldedLine {
  bool holds = true;
  std::vector<std::string> frames;
  std::uint64_t ns = 0;
};
std::vector<FoldedLine> folded_lines(const Report& r);

}  // namespace gilhost::report
