// The rules of every setting, shared by the command line and the GILHOST dict.
#include "plan/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cli/intervals.hpp"
#include "cli/units.hpp"

namespace gilhost::plan {
namespace {

using cli::UsageError;
using std::chrono::nanoseconds;

bool is_value_kind(const Value& v, std::initializer_list<Value::Kind> kinds) {
  return std::find(kinds.begin(), kinds.end(), v.kind) != kinds.end();
}

// Text goes through the command line's parser (a unit is required); a Python number is seconds,
// as for sys.setswitchinterval. True, None or a list are not durations in either place.
nanoseconds duration_of(const Value& v, const std::string& what) {
  if (!is_value_kind(v, {Value::Kind::kText, Value::Kind::kInt, Value::Kind::kFloat})) {
    throw UsageError(fmt::format("{}: must be a duration like '2s' or a number of seconds, not {}",
                                 what, cli::shown(v.text)));
  }
  return cli::parse_duration(v.text, what, v.kind != Value::Kind::kText);
}

nanoseconds positive_duration_of(const Value& v, const std::string& what) {
  nanoseconds d = duration_of(v, what);
  if (d.count() == 0) {
    throw UsageError(fmt::format("{}: '{}' must be positive", what, cli::shown(v.text)));
  }
  return d;
}

std::uint64_t count_of(const Value& v, const std::string& what, std::uint64_t min,
                       std::uint64_t max) {
  if (!is_value_kind(v, {Value::Kind::kText, Value::Kind::kInt})) {
    throw UsageError(fmt::format("{}: must be a whole number, not {}", what, cli::shown(v.text)));
  }
  return cli::parse_count(v.text, what, max, min);
}

std::string_view strip_isolation(std::string_view part, Isolation& isolation,
                                 std::string_view what) {
  isolation = Isolation::kDefault;
  std::size_t colon = part.rfind(':');
  if (colon == std::string_view::npos) return part;
  std::string_view mode = part.substr(colon + 1);
  if (mode != "sub" && mode != "shared") {
    throw UsageError(
        fmt::format("{}: '{}': the isolation after ':' is sub or shared", what, cli::shown(part)));
  }
  isolation = mode == "sub" ? Isolation::kSub : Isolation::kShared;
  return part.substr(0, colon);
}

void check_role_name(std::string_view name, std::string_view part, std::string_view what) {
  if (!is_identifier(name)) {
    throw UsageError(fmt::format("{}: '{}' is not NAME=N with NAME a Python function name", what,
                                 cli::shown(part)));
  }
}

void add_role(WorkerSet& set, RoleSpec role, std::string_view what) {
  for (const RoleSpec& r : set) {
    if (r.name == role.name) {
      throw UsageError(fmt::format("{}: '{}' given twice", what, cli::shown(r.name)));
    }
  }
  set.push_back(std::move(role));
}

// Length of the UTF-8 sequence starting with `c` (0: not a valid lead byte).
int utf8_length(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
}

}  // namespace

std::string setting_name(Source source, std::string_view key) {
  if (source == Source::kScript) return fmt::format("GILHOST['{}']", key);
  std::string option = "--" + std::string(key);
  std::replace(option.begin(), option.end(), '_', '-');
  return option;
}

bool is_key(std::string_view key) {
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = utf8_length(c);
    if (n == 0 || i + std::size_t(n) > s.size()) return false;
    if (n == 1 && !(std::isalnum(c) || c == '_')) return false;
    for (int k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + std::size_t(k)]) >> 6) != 0x2) return false;
    }
    i += std::size_t(n);
  }
  return true;
}

WorkerSet parse_workers(std::string_view text, std::string_view what) {
  WorkerSet set;
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view part = text.substr(pos, comma - pos);
    RoleSpec role;
    std::string_view spec = strip_isolation(part, role.isolation, what);
    std::size_t eq = spec.find('=');
    std::string_view name = spec.substr(0, eq);
    check_role_name(name, part, what);
    role.name = std::string(name);
    if (eq != std::string_view::npos) {
      role.threads = unsigned(cli::parse_count(
          spec.substr(eq + 1), fmt::format("{} {}", what, name), kMaxThreadsPerRole));
    }
    add_role(set, std::move(role), what);
    pos = comma + 1;
  }
  return set;
}

std::string format_workers(const WorkerSet& set) {
  std::string out;
  for (const RoleSpec& r : set)
    out += fmt::format("{}{}={}{}", out.empty() ? "" : ",", r.name, r.threads,
                       r.isolation == Isolation::kSub      ? ":sub"
                       : r.isolation == Isolation::kShared ? ":shared"
                                                           : "");
  return out;
}

RoleSpec role_of(std::string_view key, const Value& count, Source source) {
  const std::string what = setting_name(source, "workers");
  RoleSpec role;
  std::string_view name = strip_isolation(key, role.isolation, what);
  check_role_name(name, key, what);
  role.name = std::string(name);
  role.threads =
      unsigned(count_of(count, fmt::format("{} {}", what, role.name), 1, kMaxThreadsPerRole));
  return role;
}

void set_setting(Settings& s, std::string_view key, const Value& v, Source source) {
  const std::string what = setting_name(source, key);
  if (key == "workers") {
    if (v.kind != Value::Kind::kText) {
      throw UsageError(
          fmt::format("{}: must be a spec like 'cpu=4,io=1', not {}", what, cli::shown(v.text)));
    }
    s.worker_sets.push_back(parse_workers(v.text, what));
  } else if (key == "duration") {
    s.duration = positive_duration_of(v, what);
  } else if (key == "timeout") {
    s.timeout = positive_duration_of(v, what);
  } else if (key == "switch_interval") {
    s.switch_interval = cli::switch_interval_of(duration_of(v, what), v.text, what);
  } else if (key == "calls") {
    s.calls = count_of(v, what, 1, kMaxCalls);
  } else if (key == "runs") {
    s.runs = unsigned(count_of(v, what, 1, kMaxRuns));
  } else if (key == "warmup") {
    s.warmup = unsigned(count_of(v, what, 0, kMaxRuns));
  } else if (key == "isolation") {
    if (v.kind != Value::Kind::kText || (v.text != "shared" && v.text != "subinterpreters")) {
      throw UsageError(
          fmt::format("{}: '{}' is not shared or subinterpreters", what, cli::shown(v.text)));
    }
    s.isolation = v.text == "shared" ? Isolation::kShared : Isolation::kSub;
  } else {
    throw UsageError(fmt::format("{}: not a setting", what));
  }
}

void check_settings(const Settings& s, Source source) {
  if (s.duration && s.calls) {
    throw UsageError(fmt::format("{} and {} exclude each other", setting_name(source, "duration"),
                                 setting_name(source, "calls")));
  }
}

}  // namespace gilhost::plan
