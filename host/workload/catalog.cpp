// The catalog: find the experiments, run each in a child gilhost, gather their JSON reports.
#include "workload/catalog.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/units.hpp"
#include "plan/plan.hpp"
#include "report/output_paths.hpp"
#include "report/report_outputs.hpp"
#include "trace/clock.hpp"
#include "workload/catalog_report.hpp"
#include "workload/context.hpp"
#include "workload/phases.hpp"
#include "workload/runner.hpp"
#include "workload/stop_signals.hpp"

namespace gilhost::workload {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kExports[] = {"--json", "--html", "--events", "--trace"};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// 2 for an export option followed by its value ("--json F"), 1 for "--json=F", else 0.
int export_tokens(std::string_view arg) {
  for (std::string_view flag : kExports) {
    if (arg == flag) return 2;
    if (starts_with(arg, flag) && arg.size() > flag.size() && arg[flag.size()] == '=') return 1;
  }
  return 0;
}

// `GILHOST = ...` or `GILHOST: dict = ...` at column 0 (not `GILHOST == ...`).
bool assigns_gilhost(std::string_view line) {
  if (!starts_with(line, "GILHOST")) return false;
  std::size_t i = line.find_first_not_of(" \t", 7);
  if (i == std::string_view::npos) return false;
  return line[i] == ':' || (line[i] == '=' && line.substr(i, 2) != "==");
}

// A string literal at column 0 (an optional r/u prefix): the module's docstring when it is the
// first statement.
bool opens_string(std::string_view line) {
  if (!line.empty() && std::string_view("rRuU").find(line[0]) != std::string_view::npos) {
    line.remove_prefix(1);
  }
  return !line.empty() && (line[0] == '"' || line[0] == '\'');
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// mkdtemp in $TMPDIR (or /tmp), removed with everything in it when done.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = fmt::format("{}/gilhost-catalog-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(templ.data()) == nullptr) {
      throw std::runtime_error(fmt::format("cannot create a temporary directory in {}: {}",
                                           base && *base ? base : "/tmp", std::strerror(errno)));
    }
    path_ = templ;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> child_argv(const cli::RunOptions& o, const fs::path& json,
                                    const fs::path& script, const std::string& name) {
  std::vector<std::string> argv = {o.argv.empty() ? "gilhost" : o.argv[0]};
  argv.insert(argv.end(), o.global_args.begin(), o.global_args.end());
  argv.insert(argv.end(), {"run", "--json", json.string()});
  std::vector<std::string> opts = child_options(o.option_args);
  argv.insert(argv.end(), opts.begin(), opts.end());
  for (auto [flag, path] : {std::pair{"--html", &o.html_path},
                            {"--events", &o.events_path},
                            {"--trace", &o.trace_path}}) {
    if (!path->empty()) argv.insert(argv.end(), {flag, per_experiment_path(*path, name)});
  }
  argv.insert(argv.end(), o.python_options.begin(), o.python_options.end());
  argv.insert(argv.end(), {"--", script.string()});
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  return argv;
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv) {
  std::vector<char*> raw;
  for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  raw.push_back(nullptr);
  execv("/proc/self/exe", raw.data());
  std::fprintf(stderr, "gilhost: error: cannot run /proc/self/exe: %s\n", std::strerror(errno));
  _exit(127);
}

int status_of(int wstatus) {
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

// How long a catalog waits for an experiment to stop after passing a stop signal on: it is
// then writing its reports (its workers stop within 3 s of being asked, see runner.cpp).
constexpr auto kChildReportGrace = std::chrono::seconds(30);

// Waits for the child. The child has a process group of its own, so a stop signal (Ctrl-C on
// a terminal too) reaches it only through here: passed on once, so the child stops and writes
// its reports. A second signal, or kChildReportGrace without an exit, is passed on again: the
// child then exits at once, removing its temporary files. The child is never killed.
int wait_child(pid_t pid) {
  int forwarded = 0;
  std::optional<Clock::time_point> first_forward;
  for (;;) {
    int wstatus = 0;
    pid_t r = waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) return status_of(wstatus);
    if (r < 0 && errno != EINTR) return 1;
    const int sig = g_stop_signal.load(), seen = stop_signal_count();
    const bool overdue = first_forward && Clock::now() - *first_forward > kChildReportGrace;
    if (sig != 0 && (forwarded < std::min(seen, 2) || (forwarded == 1 && overdue))) {
      kill(pid, sig);
      if (++forwarded == 1) first_forward = Clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int run_child(const std::vector<std::string>& argv) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    setpgid(0, 0);  // signals reach the experiment only through wait_child
    exec_child(argv);
  }
  return wait_child(pid);
}

CatalogEntry run_experiment(const cli::RunOptions& o, const TempDir& tmp, const std::string& file,
                            std::size_t index, std::size_t total) {
  const std::string name = fs::path(file).stem().string();
  const fs::path script = fs::path(o.target_value) / file;
  const fs::path json = tmp.path() / (name + ".json");
  if (!o.quiet) std::printf("==> %s (%zu/%zu) <==\n", script.c_str(), index + 1, total);
  CatalogEntry e;
  e.script = script.string();
  e.exit_status = run_child(child_argv(o, json, script, name));
  if (fs::exists(json)) e.report_json = read_file(json);
  if (!o.html_path.empty() && fs::exists(per_experiment_path(o.html_path, name))) {
    e.html_path = per_experiment_path(o.html_path, name);
  }
  if (!o.quiet) std::printf("\n");
  return e;
}

std::vector<std::string> find_experiments(const std::string& dir) {
  std::vector<std::string> files;
  try {
    files = catalog_scripts(dir);
  } catch (const fs::filesystem_error& e) {
    throw cli::UsageError(fmt::format("cannot read directory '{}': {}", dir, e.code().message()));
  }
  if (files.empty()) {
    throw cli::UsageError(fmt::format(
        "'{}' is a directory without experiments (no *.py with a GILHOST dict or a module "
        "docstring)",
        dir));
  }
  return files;
}

void write_reports(const cli::RunOptions& o, CatalogResult& c) {
  report::Verdict v{c.status, c.exit_status};
  const bool report_on_stdout = report::is_stdout(o.json_path) || report::is_stdout(o.html_path);
  if (!o.quiet) report::write_table(render_catalog_text(c), report_on_stdout ? stderr : stdout, v);
  report::write_reports(
      {
          {"--json", o.json_path, [&c] { return render_catalog_json(c); }},
          {"--html", o.html_path, [&c] { return render_catalog_index(c); }},
      },
      v, [] { return g_stop_signal.load(); });
}

// Each experiment writes its own --html, --events and --trace file, named after it.
void check_catalog_outputs(const cli::RunOptions& o) {
  for (auto [option, path] : {std::pair{"--html", &o.html_path},
                              {"--events", &o.events_path},
                              {"--trace", &o.trace_path}}) {
    if (*path == "-" || report::is_stdout(*path)) {
      throw cli::UsageError(fmt::format(
          "{}: a catalog writes one file per experiment: give a file name, not standard output",
          option));
    }
  }
  plan::check_outputs(plan::run_outputs(o));
}

}  // namespace

bool is_experiment_source(std::string_view src) {
  if (starts_with(src, "\xEF\xBB\xBF")) src.remove_prefix(3);  // UTF-8 BOM
  bool first_statement = true;
  std::istringstream in{std::string(src)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (assigns_gilhost(line)) return true;
    if (!first_statement) continue;
    std::size_t text = line.find_first_not_of(" \t\f");
    if (text == std::string::npos || line[text] == '#') continue;
    first_statement = false;
    if (opens_string(line)) return true;
  }
  return false;
}

std::vector<std::string> catalog_scripts(const std::string& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.size() < 4 || name.substr(name.size() - 3) != ".py" || name[0] == '_' ||
        name[0] == '.') {
      continue;
    }
    // A symlink loop or a dangling link is not an experiment: it must not end the whole catalog.
    std::error_code ec;
    if (!e.is_regular_file(ec)) {
      if (ec) spdlog::warn("skipping {}: {}", e.path().string(), ec.message());
      continue;
    }
    if (is_experiment_source(read_file(e.path()))) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> child_options(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    int tokens = export_tokens(args[i]);
    if (tokens == 0) out.push_back(args[i]);
    if (tokens == 2) ++i;  // skip its value too
  }
  return out;
}

std::string per_experiment_path(const std::string& path, const std::string& name) {
  fs::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + name + p.extension().string())).string();
}

int run_catalog(const cli::RunOptions& o) {
  own_stop_signals(false);  // a second signal is passed on to the child (wait_child)
  check_catalog_outputs(o);
  std::vector<std::string> files = find_experiments(o.target_value);
  trace::Clock::init();  // for the context's clock source
  CatalogResult c{make_context(o, 0, !o.no_trace), "complete", 0, {}, files.size()};
  {
    TempDir tmp;  // removed before the catalog's own reports: a second signal leaves nothing
    for (std::size_t i = 0; i < files.size() && g_stop_signal.load() == 0; ++i) {
      c.entries.push_back(run_experiment(o, tmp, files[i], i, files.size()));
      int status = c.entries.back().exit_status;
      if (status != 0 && c.exit_status == 0) c.exit_status = status;
    }
  }
  if (c.exit_status != 0) c.status = "failed";
  if (g_stop_signal.load() != 0) {
    c.status = "interrupted";
    c.exit_status = interrupted_status();
  }
  own_stop_signals(true);
  write_reports(o, c);
  return c.exit_status;
}

}  // namespace gilhost::workload
