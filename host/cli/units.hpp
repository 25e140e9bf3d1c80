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

// A host (one per CPython version) that cannot be started: its binary or libpython is gone.
// One line, exit status 2, like a usage error.
class HostUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "2s", "500ms", "100us" (or "µs"), "250ns", "1.5s", "2min": the units are ns, us, µs, ms, s
// and min (docs/guide.md, "Durations"). A bare number other than 0 is refused with a hint (is
// "5" seconds or milliseconds?) unless `number_is_seconds` (a Python number in GILHOST, like
// sys.setswitchinterval's argument); "m" is refused as ambiguous (minute or milli?). Throws
// UsageError naming `what` on empty text, bad units, nan, negatives and anything longer than a
// year (inf, 10**400).
std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view what,
                                        bool number_is_seconds = false);

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
