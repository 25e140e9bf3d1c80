// The --trace export: every kept recording as a Chrome trace for ui.perfetto.dev /
// chrome://tracing.
#pragma once

#include <cstddef>
#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// Chrome Trace Event Format JSON ({"traceEvents": [...], "displayTimeUnit": "ns", "otherData"}),
// one process per recording (RunRecord::recording, Report::script_recording), described in
// docs/formats.md, "Chrome trace". Timestamps are µs from the earliest window begin. At most
// `max_events` timed events are written (0: no limit): the trace then keeps the earliest events,
// closes the slices open at the cut, and says what was cut in otherData and a final instant.
// What the limit cut, for the caller to say so on stderr (the trace itself says it in
// otherData and a final instant).
struct TraceCut {
  bool truncated = false;
  double at_s = 0;  // where the trace ends, seconds after its origin
  std::size_t omitted = 0;
  std::size_t written = 0;
};
std::string render_chrome_trace(const Report& r, std::size_t max_events, TraceCut* cut = nullptr);

}  // namespace gilhost::report
