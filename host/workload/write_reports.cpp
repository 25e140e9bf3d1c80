// write_reports (write_reports.hpp).
#include "workload/write_reports.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "analysis/analysis_sink.hpp"
#include "report/csv/run_csv.hpp"
#include "report/events/events_file.hpp"
#include "report/html/html_report.hpp"
#include "report/json/json_report.hpp"
#include "report/markdown/run_markdown.hpp"
#include "report/output_paths.hpp"
#include "report/report_outputs.hpp"
#include "report/stacks/folded.hpp"
#include "report/text/text_report.hpp"
#include "report/trace/chrome_trace.hpp"
#include "workload/stop_signals.hpp"

namespace gilhost::workload {

bool keeps_recordings(const cli::RunOptions& o) {
  return !o.events_path.empty() || !o.trace_path.empty() || !o.html_path.empty();
}

bool write_reports(const cli::RunOptions& o, report::Report& r) {
  report::Verdict v{r.status, r.exit_status};
  // Worker results are the run's output (stdout, unless a report goes there); for a plain
  // script stdout stays the script's own, exactly as under python3.12, and the GIL summary goes
  // to stderr.
  const bool report_on_stdout = report::is_stdout(o.json_path) ||
                                report::is_stdout(o.events_path) ||
                                report::is_stdout(o.trace_path) || report::is_stdout(o.html_path) ||
                                report::is_stdout(o.csv_path) || report::is_stdout(o.markdown_path);
  bool ok = true;
  if (!o.quiet && (!r.configs.empty() || r.script_gil)) {
    std::FILE* stream = !r.configs.empty() && !report_on_stdout ? stdout : stderr;
    // A plain script's summary is brief unless -v asks for every figure.
    const bool brief = r.configs.empty() && !spdlog::should_log(spdlog::level::info);
    ok = report::write_table(brief ? report::render_script_brief(r) : report::render_text(r),
                             stream, v);
  }
  report::TraceCut cut;
  ok = report::write_reports(
           {
               {"--json", o.json_path, [&r] { return report::render_json(r); }},
               {"--events", o.events_path, [&r] { return report::render_events(r); }},
               {"--trace", o.trace_path,
                [&r, &o, &cut] { return report::render_chrome_trace(r, o.trace_limit, &cut); }},
               {"--html", o.html_path, [&r] { return report::render_html(r); }},
               {"--csv", o.csv_path, [&r] { return report::render_csv(r); }},
               {"--markdown", o.markdown_path, [&r] { return report::render_markdown(r); }},
               {"--stacks", o.stacks_path, [&r] { return report::render_folded(r); }},
           },
           v, [] { return g_stop_signal.load(); }) &&
       ok;
  // Timelines of windows with more events than they keep for drawing stop early.
  if (!o.trace_path.empty() || !o.html_path.empty()) {
    std::uint64_t not_kept = 0, windows = 0;
    auto count = [&](const std::optional<trace::Recording>& rec) {
      if (rec && rec->raw_cut_ns) not_kept += rec->raw_not_kept, ++windows;
    };
    for (const report::ConfigResult& c : r.configs)
      for (const report::RunRecord& run : c.runs) count(run.recording);
    count(r.script_recording);
    if (windows) {
      std::fprintf(stderr,
                   "gilhost: warning: the timelines of %llu window(s) stop early: %llu events past "
                   "the %zu a window keeps for drawing were not kept (the figures cover every "
                   "event); use a shorter --duration for a whole timeline\n",
                   static_cast<unsigned long long>(windows),
                   static_cast<unsigned long long>(not_kept), analysis::kRawEventsDrawn);
    }
  }
  // A cut timeline looks like a run that stopped early: say so where the user looks.
  if (cut.truncated) {
    std::fprintf(stderr,
                 "gilhost: warning: %s stops at %.3f s: %zu events omitted past --trace-limit "
                 "%zu; raise it, or --trace-limit 0 for all\n",
                 o.trace_path.c_str(), cut.at_s, cut.omitted, o.trace_limit);
  }
  return ok;
}

}  // namespace gilhost::workload
