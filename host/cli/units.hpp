// Parsing and printing of durations ("500us", "5ms", "2s") and counts for the command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gilhost::cli {

// A user's mistake on the command line or in a GILHOST dict: main prints it as one line and
// exits with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "2s", "500ms", "100us", "250ns", "1.5s", "1m"; a bare number is seconds (like
// sys.setswitchinterval). Throws UsageError naming `what` on empty text, bad units, nan,
// negatives and anything longer than a year (inf, 10**400).
std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view what);

// A whole number from `min` to `max`, in decimal digits ("00" is 0). Throws UsageError naming
// `what` otherwise (the text is shortened in the message when it is long).
std::uint64_t parse_count(std::string_view text, std::string_view what, std::uint64_t max,
                          std::uint64_t min = 1);

// `text` for a one-line message: at most 40 characters, then how long it was.
std::string shown(std::string_view text);

// "5 ms", "512 us", "2.00 s": three significant digits, the unit chosen to fit.
std::string format_duration(std::chrono::nanoseconds d);
std::string format_ns(double ns);

}  // namespace gilhost::cli
