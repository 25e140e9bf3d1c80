// The settings a run can be given, from the command line or from a script's GILHOST dict, and the
// one set of rules that checks them: the same value is accepted or refused, with the same
// message, wherever it was written.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gilhost::plan {

// Worker phases repeat by default, as hyperfine's and pyperf's measurements do: one warm-up
// (imports, caches, the allocator's first growth) and three measured runs per configuration,
// enough for a standard deviation and a significance test between configurations.
inline constexpr unsigned kDefaultRuns = 3;
inline constexpr unsigned kDefaultWarmup = 1;

// One role of workers: call the script's function `name` on `threads` native threads.
// `isolation`: kSub = each thread of the role runs in its own sub-interpreter with its own GIL
// (PEP 684, "cpu=4:sub"); kDefault follows --isolation (resolved in the Plan).
enum class Isolation { kDefault, kShared, kSub };
struct RoleSpec {
  std::string name;
  unsigned threads = 1;
  Isolation isolation = Isolation::kDefault;
  bool sub() const { return isolation == Isolation::kSub; }
  bool operator==(const RoleSpec&) const = default;
};
using WorkerSet = std::vector<RoleSpec>;

inline constexpr unsigned kMaxThreadsPerRole = 1024;
inline constexpr std::uint64_t kMaxCalls = 1'000'000'000;
inline constexpr unsigned kMaxRuns = 100'000;

// Where a value was written; it names the value in messages ("--switch-interval",
// "GILHOST['switch_interval']").
enum class Source { kCommandLine, kScript };
std::string setting_name(Source source, std::string_view key);

// A value as written: command-line text, or a GILHOST value converted without loss (an int of any
// size keeps its digits, a float its repr).
struct Value {
  enum class Kind { kText, kInt, kFloat, kBool, kOther };
  Kind kind = Kind::kText;
  std::string text;  // the text, the digits, the float's repr, or repr() of anything else
  static Value of_text(std::string t) { return {Kind::kText, std::move(t)}; }
};

// What one source asked for. Every field was checked by the rules when it was set.
struct Settings {
  std::vector<WorkerSet> worker_sets;  // each --workers (or GILHOST list item) is one set
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> calls;
  std::optional<std::chrono::nanoseconds> switch_interval;
  std::optional<unsigned> runs;
  std::optional<unsigned> warmup;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<Isolation> isolation;  // kShared or kSub (--isolation subinterpreters)
  bool has_budget() const { return duration || calls; }
};

// The keys of a GILHOST dict (the long options without "--", '-' spelled '_').
inline constexpr const char* kKeys[] = {"workers", "duration", "calls",   "switch_interval",
                                        "runs",    "warmup",   "timeout", "isolation"};
bool is_key(std::string_view key);

// Checks `value` by the rule of `key` and stores it in `s` ("workers" adds one set). Throws
// cli::UsageError with one line naming the setting as written in `source`.
void set_setting(Settings& s, std::string_view key, const Value& value, Source source);
// One role from a GILHOST workers dict entry: `key` is NAME[:sub|:shared], `count` its threads.
RoleSpec role_of(std::string_view key, const Value& count, Source source);
// The rules that span settings of one source (a duration excludes a call count).
void check_settings(const Settings& s, Source source);

// "cpu=4,io=1:sub" -> {{cpu,4},{io,1,kSub}}. Throws UsageError naming `what` and the bad part.
WorkerSet parse_workers(std::string_view text, std::string_view what = "--workers");
std::string format_workers(const WorkerSet& set);

// A Python identifier as far as can be told without Python: ASCII letters, digits and '_' (not a
// digit first) and well-formed UTF-8 beyond ASCII (Python itself confirms those: see the Plan).
bool is_identifier(std::string_view s);

}  // namespace gilhost::plan
