// `gilhost report FILE`: a recording replayed through the analysis, then the run's reports.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "build_info.hpp"
#include "cli/units.hpp"
#include "plan/plan.hpp"
#include "record/journal.hpp"
#include "workload/assemble.hpp"
#include "workload/run_command.hpp"
#include "workload/write_reports.hpp"

namespace gilhost::workload {

int report_command(const cli::ReportOptions& o) {
  std::vector<plan::Output> outputs = plan::run_outputs(o.out);
  plan::check_outputs(outputs);
  // A report written over its own recording would destroy what it reads.
  struct stat in {};
  if (stat(o.recording.c_str(), &in) == 0) {
    for (const plan::Output& out : outputs) {
      struct stat st {};
      if (!out.path.empty() && stat(out.path.c_str(), &st) == 0 && st.st_dev == in.st_dev &&
          st.st_ino == in.st_ino) {
        throw cli::UsageError(out.option + " names the recording itself ('" + out.path +
                              "'): give the report its own file");
      }
    }
  }
  // Refused before any work, with the writer's version when the format is another one.
  const record::HeaderInfo header = record::peek_header(o.recording);
  if (header.format != record::kFormatVersion) {
    throw std::runtime_error(o.recording + ": recording format " + std::to_string(header.format) +
                             ", this gilhost reads format " +
                             std::to_string(record::kFormatVersion) + " (written by gilhost " +
                             header.gilhost_version + ")");
  }
  // The figures are recomputed: only the analysis that recorded them gives the run's own.
  if (header.gilhost_version != build::kVersion) {
    throw std::runtime_error(o.recording + ": written by gilhost " + header.gilhost_version +
                             ", this is gilhost " + build::kVersion +
                             ": a recording is reported by the gilhost version that made it");
  }
  const auto t0 = std::chrono::steady_clock::now();
  ReplayedReport replayed =
      replay_report(o.recording, keeps_recordings(o.out), raw_limit_for(o.out));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("{}: {} events in {} windows analysed in {:.2f} s ({:.1f} M events/s)", o.recording,
               replayed.read.events, replayed.windows, s,
               s > 0 ? double(replayed.read.events) / s / 1e6 : 0.0);
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
  // The run's own exit status stays in the reports; this command's says whether they are whole.
  const bool written = write_reports(o.out, r);
  return partial || !written ? 1 : 0;
}

}  // namespace gilhost::workload
