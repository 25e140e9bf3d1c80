// The command line: python-like targets (SCRIPT, -m MODULE, -c CODE) after hyperfine-like options.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "build_info.hpp"
#include "cli/options.hpp"
#include "cli/subcommands.hpp"
#include "cli/units.hpp"

namespace gilhost::cli {
namespace {

// python3.12's options that gilhost accepts before the target, with python3.12's meaning (the
// embedded interpreter's PyConfig parses them: python/interpreter.cpp). Flags first, then the
// two that take a value. Not accepted: -i (no interactive prompt), -d, -R, -x, -V, and -v and
// -h, which are gilhost's own (--verbose, --help).
constexpr std::string_view kPythonFlags = "bBEIOPqsSu";
constexpr std::string_view kPythonValued = "WX";
constexpr const char* kPythonOptionList =
    "-b -B -E -I -O -OO -P -q -s -S -u -W ARG -X OPT, then SCRIPT, -m MODULE, -c CODE or -";

void take_rest_as_target(Target t, std::string value, const std::vector<std::string>& args,
                         std::size_t next, RunOptions& o) {
  o.target = t;
  o.target_value = std::move(value);
  o.args.assign(args.begin() + long(next), args.end());
}

// One token of python3.12's short options, as its getopt reads it: flags may be grouped
// ("-uB"), -W/-X take the rest of the token or the next one ("-Xdev", "-X dev"), and -m/-c end
// the options with the rest of the token or the next one ("-mhttp.server", "-cpass").
// Returns true when the token (and the ones it took) set the target.
bool take_python_option(const std::string& a, const std::vector<std::string>& args, std::size_t& i,
                        RunOptions& o) {
  for (std::size_t j = 1; j < a.size(); ++j) {
    const char c = a[j];
    const bool valued = kPythonValued.find(c) != std::string_view::npos;
    if (c == 'm' || c == 'c' || valued) {
      std::string value;
      if (j + 1 < a.size()) {
        value = a.substr(j + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw UsageError(fmt::format("-{} needs an argument", c));
      }
      if (valued) {
        o.python_options.insert(o.python_options.end(), {std::string("-") + c, value});
        return false;
      }
      take_rest_as_target(c == 'm' ? Target::kModule : Target::kCode, value, args, i + 1, o);
      return true;
    }
    if (kPythonFlags.find(c) == std::string_view::npos) {
      throw UsageError(fmt::format(
          "unknown option -{}{} (python options gilhost takes before the target: {})", c,
          c == 'i' ? ": gilhost runs no interactive prompt" : "", kPythonOptionList));
    }
    o.python_options.push_back(std::string("-") + c);
  }
  return false;
}

// Splits `gilhost run|sweep` arguments into options and the target: the first -m/-c, `-` or
// non-option token ends the options, as with python3.12 (everything after belongs to the
// script). gilhost's options are long ones (and -h, -v); the other short ones are python's.
std::vector<std::string> split_target_args(CLI::App* cmd, std::vector<std::string> args,
                                           RunOptions& o) {
  std::vector<std::string> mine;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-") {
      take_rest_as_target(Target::kStdin, a, args, i + 1, o);
      return mine;
    }
    if (a.size() >= 2 && a[0] == '-' && a[1] != '-' && a[1] != 'h' && a[1] != 'v') {
      if (take_python_option(a, args, i, o)) return mine;
      continue;
    }
    if (a == "--" || a.empty() || a[0] != '-') {
      std::size_t s = a == "--" ? i + 1 : i;
      if (s >= args.size()) break;
      take_rest_as_target(Target::kScript, args[s], args, s + 1, o);
      return mine;
    }
    mine.push_back(a);
    if (a.find('=') != std::string::npos) continue;
    const CLI::Option* opt = cmd->get_option_no_throw(a);
    if (opt != nullptr && opt->get_expected_max() > 0 && i + 1 < args.size()) {
      // `--json -- s.py`, `--workers --duration 1s`: a value is missing, not named "--".
      if (args[i + 1].rfind("--", 0) == 0) {
        throw UsageError(fmt::format("{} needs a value before '{}'", a, args[i + 1]));
      }
      mine.push_back(args[++i]);
    }
  }
  if (std::find(mine.begin(), mine.end(), "--help") == mine.end() &&
      std::find(mine.begin(), mine.end(), "-h") == mine.end()) {
    throw UsageError(
        fmt::format("{0}: no script given (gilhost {0} [OPTIONS] [PYTHON OPTIONS] SCRIPT | -m "
                    "MODULE | -c CODE | - [ARGS...])",
                    cmd->get_name()));
  }
  return mine;
}

struct Parser {
  CLI::App app{"gilhost: run Python on native threads and see exactly what the GIL does",
               "gilhost"};
  int verbose = 0;
  bool quiet_logs = false;
  RunFlags run_flags;
  SweepFlags sweep_flags;
  ReportFlags report_flags;
  CLI::App* run = nullptr;
  CLI::App* report = nullptr;
  CLI::App* sweep = nullptr;
  CLI::App* info = nullptr;

  explicit Parser(Invocation& inv) {
    app.set_version_flag("--version", std::string("gilhost ") + build::kVersion);
    app.require_subcommand(0, 1);
    // `gilhost run -v ...` as well as `gilhost -v run ...`: a subcommand passes the options it
    // does not know (-v, --log-quiet) up to gilhost's own.
    app.fallthrough();
    app.add_flag("-v,--verbose", verbose, "More log output on stderr (repeat for more)");
    app.add_flag("--log-quiet", quiet_logs, "Only errors on stderr");
    run = add_run(app, run_flags, inv.run);
    sweep = add_sweep(app, sweep_flags, inv.sweep);
    report = add_report(app, report_flags, inv.report);
    info = app.add_subcommand("info", "Versions, paths, the GIL layout and a self-check");
    for (CLI::App* cmd : {run, sweep, info}) {
      cmd->add_option("--python", inv.python,
                      "The CPython to run on: a version with a gilhost host (3.13), a python "
                      "executable's path, or for run/info several versions side by side "
                      "(3.11,3.12,3.13); default " +
                          std::string(build::kDefaultHost))
          ->type_name("VERSION");
    }
  }
};

// For `run` and `sweep` the tokens after the target are not gilhost's: only the tokens up to it
// go to CLI11. Keeps the tokens as given, for a catalog's children.
std::vector<std::string> command_tokens(Parser& p, Invocation& inv, std::vector<std::string> args) {
  auto cmd_at = std::find_if(args.begin(), args.end(),
                             [](const std::string& a) { return a.empty() || a[0] != '-'; });
  if (cmd_at == args.end() || (*cmd_at != "run" && *cmd_at != "sweep")) return args;
  bool is_run = *cmd_at == "run";
  RunOptions& o = is_run ? inv.run : inv.sweep.run;
  std::vector<std::string> rest(cmd_at + 1, args.end());
  std::vector<std::string> mine = split_target_args(is_run ? p.run : p.sweep, rest, o);
  o.global_args.assign(args.begin(), cmd_at);
  o.option_args = mine;
  args.erase(cmd_at + 1, args.end());
  args.insert(args.end(), mine.begin(), mine.end());
  return args;
}

void finish(Parser& p, Invocation& inv, int argc, char** argv) {
  inv.log_level = p.quiet_logs ? 4 : std::max(0, 3 - p.verbose);  // warnings unless -v
  inv.run.argv.assign(argv, argv + argc);
  inv.sweep.run.argv = inv.run.argv;
  inv.run.python = inv.sweep.run.python = inv.python;
  if (p.run->parsed()) {
    inv.command = Command::kRun;
    validate_run(p.run_flags, inv.run);
  } else if (p.sweep->parsed()) {
    inv.command = Command::kSweep;
    validate_sweep(p.sweep_flags, inv.sweep);
  } else if (p.report->parsed()) {
    inv.command = Command::kReport;
    inv.report.out.argv = inv.run.argv;
    validate_report(p.report_flags, inv.report);
  } else if (p.info->parsed()) {
    inv.command = Command::kInfo;
  } else {
    inv.command = Command::kUsage;
    inv.help_text = p.app.help();
  }
}

// CLI11 names a subcommand's usage "run [OPTIONS]": the targets and the script's arguments are
// parsed before it (split_target_args), so the usage line is written here.
std::string help_of(Parser& p) {
  CLI::App* cmd = p.run->parsed() ? p.run : p.sweep->parsed() ? p.sweep : nullptr;
  if (cmd == nullptr) return p.app.help();
  std::string text = cmd->help();
  const std::string cli11 = "Usage: " + cmd->get_name() + " [OPTIONS]";
  if (text.find(cli11) != std::string::npos) {
    text.replace(text.find(cli11), cli11.size(),
                 fmt::format("Usage: gilhost {} [OPTIONS] [PYTHON OPTIONS] (SCRIPT | -m MODULE | "
                             "-c CODE | -) [ARGS...]",
                             cmd->get_name()));
  }
  return text + fmt::format(
                    "\nPython options (before the target, with python3.12's meaning): {}.\n"
                    "ARGS after the target are the script's own (sys.argv[1:]).\n",
                    kPythonOptionList);
}

// Edit distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "--workrs" -> "--workers": the nearest long option of the command given (or of gilhost), when
// it is near enough to be a typo.
std::string nearest_option(Parser& p, const std::string& given) {
  CLI::App* cmd = p.run->parsed()      ? p.run
                  : p.sweep->parsed()  ? p.sweep
                  : p.report->parsed() ? p.report
                  : p.info->parsed()   ? p.info
                                       : &p.app;
  const std::string word = given.substr(0, given.find('='));
  std::string best;
  std::size_t best_d = 3;  // at most two edits
  for (CLI::App* app : {cmd, &p.app}) {
    for (const CLI::Option* opt : app->get_options()) {
      for (const std::string& name : opt->get_lnames()) {
        const std::size_t d = distance(word, "--" + name);
        if (d < best_d) best_d = d, best = "--" + name;
      }
    }
  }
  return best;
}

std::string unknown_option_message(Parser& p, const CLI::ExtrasError& e) {
  // CLI11: "The following argument was not expected: --workrs" (or "arguments ... : a b").
  std::string what = e.what();
  std::string first = what.substr(what.find(": ") == std::string::npos ? 0 : what.find(": ") + 2);
  first = first.substr(0, first.find(' '));
  if (first.rfind("--", 0) != 0) return what;
  std::string near = nearest_option(p, first);
  return fmt::format("unknown option {}{}", first,
                     near.empty() ? "" : fmt::format(" (did you mean {}?)", near));
}

}  // namespace

Invocation parse_command_line(int argc, char** argv) {
  Invocation inv;
  Parser p(inv);
  std::vector<std::string> args = command_tokens(p, inv, {argv + 1, argv + argc});
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    p.app.parse(args);
  } catch (const CLI::CallForHelp&) {
    inv.command = Command::kHelp;
    inv.help_text = help_of(p);
    return inv;
  } catch (const CLI::CallForVersion& e) {
    inv.command = Command::kVersion;
    inv.help_text = e.what();
    return inv;
  } catch (const CLI::ExtrasError& e) {
    throw UsageError(unknown_option_message(p, e));
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  finish(p, inv, argc, argv);
  return inv;
}

}  // namespace gilhost::cli
