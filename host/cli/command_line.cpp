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

// Splits `gilhost run|sweep` arguments into options and the target: the first -m/-c or
// non-option token ends gilhost's options, as with python3.12 (everything after belongs to the
// script).
// The target after `-m`/`-c`: the next token, or the rest of the same one ("-mhttp.server",
// "-cpass"), as python3.12 reads it.
bool take_inline_target(const std::string& a, std::vector<std::string>& args, std::size_t& i,
                        RunOptions& o) {
  if (a.size() < 2 || a[0] != '-' || (a[1] != 'm' && a[1] != 'c')) return false;
  o.target = a[1] == 'm' ? Target::kModule : Target::kCode;
  if (a.size() > 2) {
    o.target_value = a.substr(2);
  } else {
    if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs an argument", a));
    o.target_value = args[++i];
  }
  o.args.assign(args.begin() + long(i) + 1, args.end());
  return true;
}

// Splits `gilhost run|sweep` arguments into options and the target: the first -m/-c or
// non-option token ends gilhost's options, as with python3.12 (everything after belongs to the
// script).
std::vector<std::string> split_target_args(CLI::App* cmd, std::vector<std::string> args,
                                           RunOptions& o) {
  std::vector<std::string> mine;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 && take_inline_target(a, args, i, o)) return mine;
    if (a == "--" || a.empty() || a[0] != '-' || a == "-") {
      std::size_t s = a == "--" ? i + 1 : i;
      if (s >= args.size()) break;
      o.target_value = args[s];
      o.args.assign(args.begin() + long(s) + 1, args.end());
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
        fmt::format("{0}: no script given (gilhost {0} [OPTIONS] SCRIPT | -m MODULE "
                    "| -c CODE)",
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
  CLI::App* compare = nullptr;

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
    compare = add_compare(app, inv.compare);
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
  } else if (p.compare->parsed()) {
    inv.command = Command::kCompare;
  } else {
    inv.help_text = p.app.help();
  }
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
    CLI::App* asked = &p.app;
    for (CLI::App* cmd : {p.run, p.sweep, p.report, p.compare, p.info})
      if (cmd->parsed()) asked = cmd;
    inv.help_text = asked->help();
    return inv;
  } catch (const CLI::CallForVersion& e) {
    inv.command = Command::kVersion;
    inv.help_text = e.what();
    return inv;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  finish(p, inv, argc, argv);
  return inv;
}

}  // namespace gilhost::cli
