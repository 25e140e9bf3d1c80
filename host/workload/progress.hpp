// A hyperfine-like progress bar on stderr, shown only when stderr is a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gilhost::workload {

class ProgressBar {
 public:
  // `total` steps. Enabled when stderr is a terminal (isatty), unless `enabled` says otherwise.
  explicit ProgressBar(std::size_t total);
  ProgressBar(std::size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { clear(); }

  // Draws "[step/total] label ▕████░░░░▏" for the step about to run (`step` from 1).
  void show(std::size_t step, std::string_view label);
  bool enabled() const { return enabled_; }
  // Erases the bar, so that other output (a traceback) starts on a clean line.
  void clear();

  // The bar's text, without terminal control characters (pure, for tests).
  static std::string line(std::size_t step, std::size_t total, std::string_view label,
                          std::size_t width = 24);

 private:
  std::size_t total_;
  bool enabled_;
  bool shown_ = false;
};

}  // namespace gilhost::workload
