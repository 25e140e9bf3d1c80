// The data blob of the HTML report: what its script draws, built from a Report (html_report.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include "report/report_data.hpp"
#include "report/trace_spans.hpp"

namespace gilhost::report::detail {

using HtmlJson = nlohmann::ordered_json;

// Summary tables, one per configuration (and the script's), with the text report's columns as
// display strings, so that both reports show the same figures (html_summary.cpp).
HtmlJson html_summaries(const Report& r);

// One entry per recording a reader can select: the timeline and histograms when the raw events
// were kept, the blocked matrix and cross-checks from the metrics (html_data.cpp).
// `span_budget` bounds the number of spans embedded for each timeline.
// `gil_index` selects the GIL drawn; `drawn` are the metrics of exactly the threads of
// `recording` (for the row labels and histograms), `gil` by default.
HtmlJson html_recording(const std::string& label, const analysis::GilMetrics* gil,
                        const trace::Recording* recording, std::size_t span_budget,
                        std::uint8_t gil_index = 0, const analysis::GilMetrics* drawn = nullptr);

// A timeline draws at most this many threads, those that held the GIL longest; the figures and
// tables still count every thread, and the page says how many were left out (docs/formats.md).
inline constexpr std::size_t kHtmlThreadsDrawn = 256;

// Timeline and histogram data of one recording (html_timeline.cpp).
HtmlJson html_timeline(const trace::Recording& recording, const RecordingSpans& spans,
                       std::size_t span_budget);
HtmlJson html_histograms(const trace::Recording& recording, const RecordingSpans& spans,
                         const analysis::GilMetrics& gil);

// The header every page shows (header.js): versions, CPU, date, the status with its PARTIAL
// RESULTS line (empty when complete) and `warnings`, sentences shown at the top of the page.
HtmlJson html_header(const Context& c, const std::string& status, const std::string& status_line);

// The blob as the text of a <script type="application/json"> element (html_report.cpp).
std::string script_safe_json(const HtmlJson& data);

// The whole blob.
HtmlJson html_data(const Report& r);
// The flame graphs: {"holds": [{frames, ns}], "waits": [...]} (the --stacks lines), or null
// when the run read no stacks.
HtmlJson flames_json(const Report& r);
// {"ID": [frames, outermost first]} of every stack the report's figures use.
HtmlJson stack_texts_json(const Report& r);

}  // namespace gilhost::report::detail
