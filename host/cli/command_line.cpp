// The command line: python-like targets (SCRIPT, -m MODULE, -c CODE) after hyperfine-like options.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cctype>

#include "cli/options.hpp"
#include "cli/units.hpp"
#include "build_info.hpp"

namespace gilhost::cli {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

constexpr const char* kRunFooter = R"TXT(Examples:
  gilhost run experiments/thread_trap.py
  gilhost run --workers cpu=1 --workers cpu=4 --duration 2s experiments/thread_trap.py
  gilhost run --switch-interval 1ms --json out.json script.py arg1 arg2
  gilhost run -m http.server 8000
  gilhost run -c "import gilhost; gilhost.hold_gil(0.1)"

Without --workers and without a GILHOST dict in the script, the script simply runs like
python3.12 SCRIPT, with every GIL event of its threads traced.)TXT";

struct RunFlags {
  std::vector<std::string> workers;
  std::string duration, switch_interval, timeout, calls, runs, warmup, buffer, trace_limit;
};

CLI::App* add_run(CLI::App& app, RunFlags& f, RunOptions& o) {
  CLI::App* run = app.add_subcommand("run", "Run a script, module or code and report the GIL");
  run->footer(kRunFooter);
  run->add_option("--workers", f.workers,
                  "Call the script's functions on native threads: NAME=N[,NAME=N...]; repeat "
                  "to compare configurations")
      ->type_name("SPEC");
  run->add_option("--duration", f.duration, "How long workers keep calling (default 2s)")
      ->type_name("TIME");
  run->add_option("--calls", f.calls, "Calls per worker thread instead of a duration")
      ->type_name("N");
  run->add_option("--switch-interval", f.switch_interval,
                  "sys.setswitchinterval before the run (e.g. 5ms, 100us)")
      ->type_name("TIME");
  run->add_option("--runs", f.runs, "Measured repetitions of the worker phase (default 1)")
      ->type_name("N");
  run->add_option("--warmup", f.warmup, "Unreported repetitions before measuring (default 0)")
      ->type_name("N");
  run->add_option("--timeout", f.timeout, "Stop a worker phase that runs this long past its end")
      ->type_name("TIME");
  run->add_option("--json", o.json_path, "Write every result as JSON (docs/formats.md)")
      ->type_name("FILE");
  run->add_option("--events", o.events_path, "Write the raw GIL events (docs/formats.md)")
      ->type_name("FILE");
  run->add_option("--trace", o.trace_path, "Write a timeline for ui.perfetto.dev / chrome://tracing")
      ->type_name("FILE");
  run->add_option("--html", o.html_path, "Write a self-contained HTML report")
      ->type_name("FILE");
  run->add_option("--trace-limit", f.trace_limit,
                  "Most events in --trace; later ones are cut with a note (default 2000000, 0 = "
                  "all)")
      ->type_name("N");
  run->add_option("--trace-buffer", f.buffer, "Events per thread buffer (default 262144)")
      ->type_name("N");
  run->add_flag("--no-trace", o.no_trace, "Run without recording (the overhead baseline)");
  run->add_flag("--quiet", o.quiet, "Print no table (exports and the exit status only)");
  return run;
}

// Splits `gilhost run` arguments into options and the target: the first -m/-c or non-option
// token ends gilhost's options, as with python3.12 (everything after belongs to the script).
std::vector<std::string> split_run_args(CLI::App* run, std::vector<std::string> args,
                                        RunOptions& o) {
  std::vector<std::string> mine;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-m" || a == "-c") {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs an argument", a));
      o.target = a == "-m" ? Target::kModule : Target::kCode;
      o.target_value = args[i + 1];
      o.args.assign(args.begin() + long(i) + 2, args.end());
      return mine;
    }
    if (a == "--" || a.empty() || a[0] != '-' || a == "-") {
      std::size_t s = a == "--" ? i + 1 : i;
      if (s >= args.size()) break;
      o.target_value = args[s];
      o.args.assign(args.begin() + long(s) + 1, args.end());
      return mine;
    }
    mine.push_back(a);
    if (a.find('=') != std::string::npos) continue;
    const CLI::Option* opt = run->get_option_no_throw(a);
    if (opt != nullptr && opt->get_expected_max() > 0 && i + 1 < args.size()) {
      mine.push_back(args[++i]);
    }
  }
  if (std::find(mine.begin(), mine.end(), "--help") == mine.end() &&
      std::find(mine.begin(), mine.end(), "-h") == mine.end()) {
    throw UsageError("run: no script given (gilhost run [OPTIONS] SCRIPT | -m MODULE | -c CODE)");
  }
  return mine;
}

void validate_run(const RunFlags& f, RunOptions& o) {
  for (const std::string& w : f.workers) o.worker_sets.push_back(parse_workers(w));
  if (!f.duration.empty()) o.duration = parse_duration(f.duration, "--duration");
  if (o.duration && o.duration->count() == 0) throw UsageError("--duration: must be positive");
  if (!f.calls.empty()) o.calls = parse_count(f.calls, "--calls", 1'000'000'000);
  if (o.duration && o.calls) throw UsageError("--duration and --calls exclude each other");
  if (!f.switch_interval.empty()) {
    o.switch_interval = parse_duration(f.switch_interval, "--switch-interval");
    if (o.switch_interval->count() < 1000) {
      throw UsageError("--switch-interval: CPython keeps microseconds; use at least 1us");
    }
  }
  if (!f.runs.empty()) o.runs = unsigned(parse_count(f.runs, "--runs", 100000));
  if (!f.warmup.empty() && f.warmup != "0") {
    o.warmup = unsigned(parse_count(f.warmup, "--warmup", 100000));
  }
  if (!f.timeout.empty()) o.timeout = parse_duration(f.timeout, "--timeout");
  if (f.trace_limit == "0") {
    o.trace_limit = 0;
  } else if (!f.trace_limit.empty()) {
    o.trace_limit = parse_count(f.trace_limit, "--trace-limit", 1ull << 40);
  }
  if (o.no_trace && (!o.trace_path.empty() || !o.events_path.empty())) {
    throw UsageError("--trace and --events need the tracer: drop --no-trace");
  }
  if (!f.buffer.empty()) o.trace_buffer = parse_count(f.buffer, "--trace-buffer", 1u << 28);
}

}  // namespace

WorkerSet parse_workers(std::string_view text, std::string_view what) {
  WorkerSet set;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view part = text.substr(pos, comma - pos);
    std::size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    if (!is_identifier(name)) {
      throw UsageError(fmt::format("{}: '{}' is not NAME=N with NAME a Python function name",
                                   what, part));
    }
    RoleSpec role{std::string(name), 1};
    if (eq != std::string_view::npos) {
      role.threads = unsigned(parse_count(part.substr(eq + 1), fmt::format("{} {}", what, name),
                                          kMaxThreadsPerRole));
    }
    for (const RoleSpec& r : set) {
      if (r.name == role.name) throw UsageError(fmt::format("{}: '{}' given twice", what, name));
    }
    set.push_back(role);
    pos = comma + 1;
  }
  return set;
}

std::string format_workers(const WorkerSet& set) {
  std::string out;
  for (const RoleSpec& r : set) out += fmt::format("{}{}={}", out.empty() ? "" : ",", r.name, r.threads);
  return out;
}

Invocation parse_command_line(int argc, char** argv) {
  Invocation inv;
  CLI::App app("gilhost: run Python on native threads and see exactly what the GIL does",
               "gilhost");
  app.set_version_flag("--version", std::string("gilhost ") + build::kVersion);
  app.require_subcommand(0, 1);
  int verbose = 0;
  bool quiet_logs = false;
  app.add_flag("-v,--verbose", verbose, "More log output on stderr (repeat for more)");
  app.add_flag("--log-quiet", quiet_logs, "Only errors on stderr");
  RunFlags flags;
  CLI::App* run = add_run(app, flags, inv.run);
  CLI::App* info = app.add_subcommand("info", "Versions, paths, the GIL layout and a self-check");

  std::vector<std::string> args(argv + 1, argv + argc);
  auto run_at = std::find(args.begin(), args.end(), "run");
  bool first_is_run = run_at != args.end() &&
                      std::all_of(args.begin(), run_at, [](const std::string& a) {
                        return !a.empty() && a[0] == '-';
                      });
  if (first_is_run) {
    std::vector<std::string> rest(run_at + 1, args.end());
    std::vector<std::string> mine = split_run_args(run, rest, inv.run);
    args.erase(run_at + 1, args.end());
    args.insert(args.end(), mine.begin(), mine.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    inv.command = Command::kHelp;
    inv.help_text = (run->parsed() ? run : &app)->help();
    return inv;
  } catch (const CLI::CallForVersion& e) {
    inv.command = Command::kVersion;
    inv.help_text = e.what();
    return inv;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  inv.log_level = quiet_logs ? 4 : std::max(0, 2 - verbose);
  inv.run.argv.assign(argv, argv + argc);
  if (run->parsed()) {
    inv.command = Command::kRun;
    validate_run(flags, inv.run);
  } else if (info->parsed()) {
    inv.command = Command::kInfo;
  } else {
    inv.help_text = app.help();
  }
  return inv;
}

}  // namespace gilhost::cli
