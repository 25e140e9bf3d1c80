// The --events export: every raw event of each kept recording as one text line (docs/formats.md).
#pragma once

#include <string>
#include <string_view>

#include "report/report_data.hpp"
#include "trace/event.hpp"

namespace gilhost::report {

inline constexpr std::string_view kEventsHeader = "# gilhost events v1";

// A `recording` block for each RunRecord that kept its recording (configs, then runs, in order),
// then one for Report::script_recording. Events of all threads are merged by timestamp.
std::string render_events(const Report& r);

// "request", "acquire", ... "mark"; "kind<N>" for a value outside EventKind.
std::string event_kind_name(trace::EventKind kind);

// A name as one space-free field: "-" when empty; '%', spaces, control characters and a name
// that is exactly "-" are percent-encoded (%XX, upper-case hex); other bytes, UTF-8 included,
// are kept.
std::string encode_field(std::string_view text);

}  // namespace gilhost::report
