// Writing every report of a run, each on its own: one that fails is named and the others are
// still written, and no written report says "complete" when the exit status says otherwise.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace gilhost::report {

// One report file: its option (for messages), its path, and how to render it from the run's
// current status (renderers read the status they are given by reference at their creation).
struct ReportOutput {
  std::string option;
  std::string path;
  std::function<std::string()> render;
};

// The run's verdict as the reports show it.
struct Verdict {
  std::string& status;  // complete | failed | interrupted | timed_out
  int& exit_status;
};

// Writes each output (skipping empty paths). A failure prints one line `gilhost: error: cannot
// write …` and the others are still written; the run then exits 1 (when it would have exited
// 0) with status "failed". When `stop_signal()` returns a signal while the reports are written,
// a complete run becomes "interrupted" with 128 + signal. Either change rewrites the reports
// already written, so every written report carries the final status. Returns false when an
// output could not be written.
bool write_reports(const std::vector<ReportOutput>& outputs, Verdict v, int (*stop_signal)());

// Writes the human table to `stream` and flushes it. A full or closed stream (`> /dev/full`) is
// an error, as for python3.12: one line on stderr, exit 1, status "failed"; returns false.
bool write_table(const std::string& text, std::FILE* stream, Verdict v);

}  // namespace gilhost::report
