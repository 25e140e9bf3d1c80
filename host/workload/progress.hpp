// A hyperfine-like progress bar on stderr, shown only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workload/run_step.hpp"

namespace gilhost::workload {

class ProgressBar {
 public:
  // `total` steps. Enabled when stderr is a terminal (isatty), unless `enabled` says otherwise.
  explicit ProgressBar(std::size_t total);
  ProgressBar(std::size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { clear(); }

  // Draws "[step/total] label ▕████░░░░▏ ETA 12 s" for the step about to run (`step` from 1);
  // the ETA is the mean time of the steps done so far times the steps left.
  void show(std::size_t step, std::string_view label);
  bool enabled() const { return enabled_; }
  // Erases the bar, so that other output (a traceback) starts on a clean line.
  void clear();

  // The bar's text, without terminal control characters (pure, for tests).
  static std::string line(std::size_t step, std::size_t total, std::string_view label,
                          std::size_t width = 24,
                          std::optional<std::chrono::nanoseconds> eta = std::nullopt);
  // The time left when `done` of `total` steps took `elapsed`; none before the first is done.
  static std::optional<std::chrono::nanoseconds> eta(std::chrono::nanoseconds elapsed,
                                                     std::size_t done, std::size_t total);

 private:
  std::size_t total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The bar of `run` and `sweep`: one step per run of every slot (configurations × runs, warm-ups
// included), labelled with the slot's label; without a terminal (or with `quiet`) each run is
// logged with spdlog::info instead.
class RunProgress {
 public:
  RunProgress(std::vector<std::string> labels, std::size_t steps, bool quiet);
  StepAnnouncer announcer();

 private:
  std::vector<std::string> labels_;
  ProgressBar bar_;
};

// The label of a run slot: its --workers set.
std::vector<std::string> run_labels(const std::vector<Slot>& slots);

}  // namespace gilhost::workload
