// The switch intervals of `gilhost sweep`: "100us..50ms[:N]" (log-spaced) or "1ms,5ms,10ms".
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

namespace gilhost::cli {

inline constexpr unsigned kDefaultSweepPoints = 7;
inline constexpr unsigned kMaxSweepPoints = 100;

// "LO..HI" gives kDefaultSweepPoints intervals, "LO..HI:N" gives N (2 to kMaxSweepPoints), spaced
// evenly on a log scale with both ends included; "A,B,C" gives those. Every interval is rounded
// to whole microseconds, since CPython stores the switch interval in microseconds; the result is
// ascending and without duplicates (rounding may merge close points). Throws UsageError naming
// `what`.
std::vector<std::chrono::nanoseconds> parse_interval_list(std::string_view text,
                                                          std::string_view what);

// The rule of every switch interval (run, sweep, GILHOST): at least 1us, rounded to the nearest
// whole microsecond. `text` and `what` name it in the UsageError.
std::chrono::nanoseconds switch_interval_of(std::chrono::nanoseconds d, std::string_view text,
                                            std::string_view what);

// The nearest whole number of microseconds (at least 1 us).
std::chrono::nanoseconds round_to_microseconds(std::chrono::nanoseconds d);

}  // namespace gilhost::cli
