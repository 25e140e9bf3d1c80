// The cells of gilhost's CSV tables (run --csv, sweep --csv): RFC 4180 quoting, numbers in fmt's
// shortest form that reads back exactly.
#pragma once

#include <fmt/format.h>

#include <string>

namespace gilhost::report::csv {

// Quoted when it holds a comma, a quote or a line break ("cpu=2,io=1" does).
inline std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

inline std::string number(double v) { return fmt::format("{}", v); }

}  // namespace gilhost::report::csv
