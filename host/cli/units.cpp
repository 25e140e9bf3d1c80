// Duration and count parsing with messages that say what was wrong and what is accepted.
#include "cli/units.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace gilhost::cli {
namespace {

struct Unit {
  std::string_view suffix;
  double ns;
};
constexpr Unit kUnits[] = {{"ns", 1.0}, {"us", 1e3}, {"µs", 1e3},
                           {"ms", 1e6}, {"s", 1e9},  {"min", 60e9}};

}  // namespace

std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out;
  std::size_t i = 0;
  for (; i < text.size() && (i < kMax || (text[i] & 0xC0) == 0x80); ++i) {  // whole characters
    auto c = static_cast<unsigned char>(text[i]);
    // Line breaks of any kind (C0 controls, NEL, U+2028/9) would split the one-line message.
    std::string_view rest = text.substr(i);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (rest.starts_with("\xC2\x85") || rest.starts_with("\xE2\x80\xA8") ||
               rest.starts_with("\xE2\x80\xA9")) {
      out += rest[0] == '\xC2' ? "\\x85" : rest[2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += rest[0] == '\xC2' ? 1 : 2;
    } else {
      out += char(c);
    }
  }
  if (i < text.size()) out += fmt::format("… ({} bytes)", text.size());
  return out;
}

std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view what,
                                        bool number_is_seconds) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view suffix(end, text.data() + text.size() - end);
  const bool out_of_range = ec == std::errc::result_out_of_range;
  const bool number = end != text.data() && (ec == std::errc() || out_of_range);
  if (number && suffix.empty() && !number_is_seconds && (value != 0 || out_of_range)) {
    throw UsageError(fmt::format("{}: '{}' has no unit: write {}s, {}ms, {}us or {}ns", what,
                                 shown(text), shown(text), shown(text), shown(text),
                                 shown(text)));
  }
  if (number && suffix == "m") {
    throw UsageError(fmt::format("{}: '{}' is ambiguous: write {}min for minutes or {}ms for "
                                 "milliseconds",
                                 what, shown(text), shown(text.substr(0, text.size() - 1)),
                                 shown(text.substr(0, text.size() - 1))));
  }
  double scale = suffix.empty() ? 1e9 : -1;
  for (const Unit& u : kUnits) {
    if (suffix == u.suffix) scale = u.ns;
  }
  if (end == text.data() || scale < 0 ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    throw UsageError(
        fmt::format("{}: '{}' is not a duration (e.g. 500us, 5ms, 2s, 1min; units ns, us, ms, s, "
                    "min)",
                    what, shown(text)));
  }
  // Out of range (10**400, 1e-400) leaves `value` unset; strtod says which end it fell off.
  if (ec == std::errc::result_out_of_range) value = std::strtod(std::string(text).c_str(), nullptr);
  double ns = value * scale;
  if (std::isnan(ns)) {
    throw UsageError(fmt::format("{}: '{}' is not a number", what, shown(text)));
  }
  if (ns < 0 || std::signbit(value)) {
    throw UsageError(fmt::format("{}: '{}' must not be negative", what, shown(text)));
  }
  if (ns > 1e9 * 86400 * 365) {
    throw UsageError(fmt::format("{}: '{}' is longer than a year", what, shown(text)));
  }
  return std::chrono::nanoseconds(std::int64_t(std::llround(ns)));
}

std::uint64_t parse_count(std::string_view text, std::string_view what, std::uint64_t max,
                          std::uint64_t min) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end == text.data() || end != text.data() + text.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    throw UsageError(fmt::format("{}: '{}' is not a {}whole number", what, shown(text),
                                 min > 0 ? "positive " : ""));
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    throw UsageError(fmt::format("{}: {} is out of range ({} to {})", what, shown(text), min, max));
  }
  return value;
}

std::string format_ns(double ns) {
  const char* unit = "ns";
  double v = ns;
  if (ns >= 1e9) {
    v = ns / 1e9, unit = "s";
  } else if (ns >= 1e6) {
    v = ns / 1e6, unit = "ms";
  } else if (ns >= 1e3) {
    v = ns / 1e3, unit = "us";
  }
  int decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  if (unit[0] == 'n' && unit[1] == 's') decimals = 0;
  return fmt::format("{:.{}f} {}", v, decimals, unit);
}

std::string format_duration(std::chrono::nanoseconds d) { return format_ns(double(d.count())); }

}  // namespace gilhost::cli
