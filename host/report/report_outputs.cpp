// write_reports and write_table: independent report writes with one final status.
#include "report/report_outputs.hpp"

#include <cerrno>
#include <cstring>
#include <exception>

#include "report/atomic_file.hpp"

namespace gilhost::report {
namespace {

void mark_failed(Verdict v) {
  if (v.exit_status != 0) return;  // the run's own failure says more
  v.exit_status = 1;
  if (v.status == "complete") v.status = "failed";
}

void settle_signal(Verdict v, int (*stop_signal)()) {
  if (v.status != "complete") return;
  if (int sig = stop_signal(); sig != 0) {
    v.status = "interrupted";
    v.exit_status = 128 + sig;
  }
}

}  // namespace

bool write_reports(const std::vector<ReportOutput>& outputs, Verdict v, int (*stop_signal)()) {
  std::vector<std::string> written_as(outputs.size());  // the status each was written with
  std::vector<bool> failed(outputs.size());
  bool again = true;
  while (again) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].path.empty() || failed[i] || written_as[i] == v.status) continue;
      settle_signal(v, stop_signal);
      const std::string status = v.status;
      try {
        // A report saying "complete" is stale if a second signal ends the process before it
        // is rewritten: it is removed then (remove_files_for_exit).
        write_output(outputs[i].path, outputs[i].render(), status == "complete");
        written_as[i] = status;
      } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "gilhost: error: cannot write %s: out of memory\n",
                     outputs[i].path.c_str());
        failed[i] = true;
        mark_failed(v);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "gilhost: error: %s\n", e.what());
        failed[i] = true;
        mark_failed(v);
      }
      settle_signal(v, stop_signal);
    }
    again = false;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (!outputs[i].path.empty() && !failed[i] && written_as[i] != v.status) again = true;
    }
  }
  for (bool f : failed) {
    if (f) return false;
  }
  return true;
}

bool write_table(const std::string& text, std::FILE* stream, Verdict v) {
  errno = 0;
  std::fputs(text.c_str(), stream);
  if (std::fflush(stream) == 0 && !std::ferror(stream)) return true;
  const int err = errno != 0 ? errno : EIO;
  std::clearerr(stream);
  std::fprintf(stderr, "gilhost: error: cannot write the table to %s: %s\n",
               stream == stdout ? "standard output" : "standard error", std::strerror(err));
  mark_failed(v);
  return false;
}

}  // namespace gilhost::report
