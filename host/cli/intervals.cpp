// Interval lists for sweeps: log spacing, rounding to what CPython can store, clear errors.
#include "cli/intervals.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/units.hpp"

namespace gilhost::cli {
namespace {

using std::chrono::nanoseconds;

constexpr std::int64_t kMicrosecond = 1000;

nanoseconds one_interval(std::string_view text, std::string_view what) {
  return switch_interval_of(parse_duration(text, what), text, what);
}

std::vector<nanoseconds> log_spaced(nanoseconds lo, nanoseconds hi, unsigned n) {
  std::vector<nanoseconds> out;
  const double ratio = double(hi.count()) / double(lo.count());
  for (unsigned i = 0; i < n; ++i) {
    double ns = double(lo.count()) * std::pow(ratio, double(i) / double(n - 1));
    out.push_back(i == 0       ? lo
                  : i + 1 == n ? hi
                               : round_to_microseconds(nanoseconds(std::llround(ns))));
  }
  return out;
}

std::vector<nanoseconds> parse_range(std::string_view text, std::string_view what) {
  std::size_t dots = text.find("..");
  std::size_t colon = text.find(':', dots);
  nanoseconds lo = one_interval(text.substr(0, dots), what);
  nanoseconds hi = one_interval(text.substr(dots + 2, colon - (dots + 2)), what);
  unsigned n = kDefaultSweepPoints;
  if (colon != std::string_view::npos) {
    n = unsigned(
        parse_count(text.substr(colon + 1), fmt::format("{} (points)", what), kMaxSweepPoints));
    if (n < 2) throw UsageError(fmt::format("{}: a range needs at least 2 points", what));
  }
  if (lo >= hi) {
    throw UsageError(
        fmt::format("{}: '{}' must go from the shorter interval to the longer", what, text));
  }
  return log_spaced(lo, hi, n);
}

}  // namespace

nanoseconds switch_interval_of(nanoseconds d, std::string_view text, std::string_view what) {
  if (d.count() < kMicrosecond) {
    throw UsageError(fmt::format(
        "{}: '{}' is below 1us, the smallest interval CPython keeps (it stores microseconds)", what,
        shown(text)));
  }
  return round_to_microseconds(d);
}

nanoseconds round_to_microseconds(nanoseconds d) {
  std::int64_t us = (d.count() + kMicrosecond / 2) / kMicrosecond;
  return nanoseconds(std::max<std::int64_t>(us, 1) * kMicrosecond);
}

std::vector<nanoseconds> parse_interval_list(std::string_view text, std::string_view what) {
  std::vector<nanoseconds> out;
  if (text.find("..") != std::string_view::npos) {
    out = parse_range(text, what);
  } else {
    for (std::size_t pos = 0; pos <= text.size();) {
      std::size_t comma = std::min(text.find(',', pos), text.size());
      out.push_back(one_interval(text.substr(pos, comma - pos), what));
      pos = comma + 1;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace gilhost::cli
