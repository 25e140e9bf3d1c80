// `gilhost report FILE`: a recording replayed through the analysis, then the run's reports.
#include <cstdio>
#include <stdexcept>

#include "plan/plan.hpp"
#include "record/journal.hpp"
#include "workload/assemble.hpp"
#include "workload/run_command.hpp"
#include "workload/write_reports.hpp"

namespace gilhost::workload {

int report_command(const cli::ReportOptions& o) {
  std::vector<plan::Output> outputs = plan::run_outputs(o.out);
  plan::check_outputs(outputs);
  // Refused before any work, with the writer's version when the format is another one.
  const record::HeaderInfo header = record::peek_header(o.recording);
  if (header.format != record::kFormatVersion) {
    throw std::runtime_error(o.recording + ": recording format " + std::to_string(header.format) +
                             ", this gilhost reads format " +
                             std::to_string(record::kFormatVersion) + " (written by gilhost " +
                             header.gilhost_version + ")");
  }
  ReplayedReport replayed = replay_report(o.recording, keeps_recordings(o.out));
  report::Report& r = replayed.report;
  const bool partial = !replayed.read.complete || !replayed.ended;
  if (partial) {
    const std::string why = replayed.read.problem.empty()
                                ? o.recording + ": the run's end was not recorded"
                                : replayed.read.problem;
    std::fprintf(stderr,
                 "gilhost: warning: %s; the reports cover the %llu complete window(s) before it "
                 "(status \"partial\")\n",
                 why.c_str(), static_cast<unsigned long long>(replayed.windows));
    r.status = "partial";
  }
  // The run's own exit status is in the reports; this command says whether they are whole.
  r.exit_status = partial ? 1 : 0;
  write_reports(o.out, r);
  return r.exit_status;
}

}  // namespace gilhost::workload
