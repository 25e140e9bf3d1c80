// A closed window's figures, turned into the Report's records: one code path for `gilhost run`
// (the live analysis) and `gilhost report` (the same analysis replayed from a recording).
#pragma once

#include <string>

#include "analysis/analysis_sink.hpp"
#include "record/journal.hpp"
#include "report/report_data.hpp"
#include "workload/recording_blobs.hpp"

namespace gilhost::workload {

// A worker phase's record: the main GIL's figures, one block per own-GIL sub-interpreter, and
// the raw events when `keep_raw` (moved out of `w`).
report::RunRecord assemble_run(analysis::PhaseResult phase, analysis::WindowResult& w,
                               bool keep_raw);

// A script run without workers: the main GIL over the script, the GILs its interpreters
// created, the raw events when `keep_raw`.
void assemble_script(report::Report& r, analysis::WindowResult& w, bool keep_raw);

// The context a window's figures need from the host side (switch numbers, interval, census,
// and from the run's context what the recording's CPython could read).
void complete_window(analysis::WindowResult& w, const WindowBlob& blob,
                     const report::Context& context);

// A recording's Report: every complete window replayed through the analysis, assembled as the
// run assembled it. `keep_raw` when a timeline report (--trace, --html, --events) is wanted.
struct ReplayedReport {
  report::Report report;
  record::ReadResult read;
  bool ended = false;         // the run's "end" record was read: the run finished writing it
  std::uint64_t windows = 0;  // windows assembled into the report
};
ReplayedReport replay_report(const std::string& path, bool keep_raw,
                             std::size_t raw_limit = analysis::kRawEventsDrawn);

// The raw events a report needs from a recording: none, a window's first
// analysis::kRawEventsDrawn for the timelines, or all of them for --events.
std::size_t raw_limit_for(const cli::RunOptions& o);

}  // namespace gilhost::workload
