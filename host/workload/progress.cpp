// The progress bar: carriage return + erase-line redraws, nothing at all when not on a terminal.
#include "workload/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace gilhost::workload {

ProgressBar::ProgressBar(std::size_t total) : ProgressBar(total, isatty(STDERR_FILENO) == 1) {}

std::string ProgressBar::line(std::size_t step, std::size_t total, std::string_view label,
                              std::size_t width) {
  // The bar shows the steps already done; the step being run is the one named.
  std::size_t done = total ? std::min(step > 0 ? step - 1 : 0, total) * width / total : width;
  std::string bar;
  for (std::size_t i = 0; i < width; ++i) bar += i < done ? "█" : "░";
  return fmt::format("[{}/{}] {} ▕{}▏", step, total, label, bar);
}

void ProgressBar::show(std::size_t step, std::string_view label) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s", line(step, total_, label).c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace gilhost::workload
