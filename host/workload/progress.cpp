// The progress bar: carriage return + erase-line redraws, nothing at all when not on a terminal.
#include "workload/progress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

#include "cli/units.hpp"

namespace gilhost::workload {
namespace {

// "8 s", "2 min 05 s": whole seconds, as hyperfine's ETA.
std::string eta_text(std::chrono::nanoseconds left) {
  const long long s = (left.count() + 999'999'999) / 1'000'000'000;
  return s < 60 ? fmt::format("{} s", s) : fmt::format("{} min {:02} s", s / 60, s % 60);
}

}  // namespace

ProgressBar::ProgressBar(std::size_t total) : ProgressBar(total, isatty(STDERR_FILENO) == 1) {}

std::optional<std::chrono::nanoseconds> ProgressBar::eta(std::chrono::nanoseconds elapsed,
                                                         std::size_t done, std::size_t total) {
  if (done == 0 || done > total) return std::nullopt;
  return elapsed / std::int64_t(done) * std::int64_t(total - done);
}

std::string ProgressBar::line(std::size_t step, std::size_t total, std::string_view label,
                              std::size_t width, std::optional<std::chrono::nanoseconds> eta) {
  // The bar shows the steps already done; the step being run is the one named.
  std::size_t done = total ? std::min(step > 0 ? step - 1 : 0, total) * width / total : width;
  std::string bar;
  for (std::size_t i = 0; i < width; ++i) bar += i < done ? "█" : "░";
  std::string out = fmt::format("[{}/{}] {} ▕{}▏", step, total, label, bar);
  return eta ? out + " ETA " + eta_text(*eta) : out;
}

void ProgressBar::show(std::size_t step, std::string_view label) {
  if (!enabled_) return;
  const std::size_t done = step > 0 ? step - 1 : 0;
  const auto left = eta(std::chrono::steady_clock::now() - start_, done, total_);
  std::fprintf(stderr, "\r\033[K%s", line(step, total_, label, 24, left).c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
}

RunProgress::RunProgress(std::vector<std::string> labels, std::size_t steps, bool quiet)
    : labels_(std::move(labels)), bar_(steps, !quiet && isatty(STDERR_FILENO) == 1) {}

StepAnnouncer RunProgress::announcer() {
  return [this](const RunStep& s) {
    // "run cpu=4 2/3", "warm-up 1.00 ms · cpu=2,io=1 1/1"
    const std::string what = fmt::format("{} {} {}/{}", s.warmup ? "warm-up" : "run",
                                         labels_.at(s.slot), s.number, s.count);
    if (bar_.enabled()) {
      bar_.show(s.step, what);
    } else {
      spdlog::info("{}", what);
    }
  };
}

std::vector<std::string> run_labels(const std::vector<Slot>& slots) {
  std::vector<std::string> out;
  for (const Slot& s : slots) {
    out.push_back(s.interval
                      ? cli::format_duration(*s.interval) + " · " + cli::format_workers(s.set)
                      : cli::format_workers(s.set));
  }
  return out;
}

}  // namespace gilhost::workload
