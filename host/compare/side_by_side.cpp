// Interleaved rounds of one experiment on several hosts, each round a host process of its own.
#include "compare/side_by_side.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/units.hpp"
#include "compare/comparison.hpp"
#include "report/atomic_file.hpp"
#include "report/output_paths.hpp"
#include "select/python_select.hpp"

namespace gilhost::compare {
namespace {

namespace fs = std::filesystem;

bool starts_with_option(const std::string& tok, const std::string& opt) {
  return tok == opt || tok.rfind(opt + "=", 0) == 0;
}

void check_request(const cli::RunOptions& o) {
  if (!o.trace_path.empty() || !o.events_path.empty()) {
    throw cli::UsageError("--trace and --events record one host's events: give one --python");
  }
  if (o.target == cli::Target::kStdin) {
    throw cli::UsageError(
        "-: standard input can be read once: save the script to a file to compare versions");
  }
  struct stat st {};
  if (o.target == cli::Target::kScript && stat(o.target_value.c_str(), &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    throw cli::UsageError(
        fmt::format("'{}' is a directory: --python with several versions compares one experiment",
                    o.target_value));
  }
  try {
    report::check_outputs({{"--json", o.json_path}, {"--html", o.html_path}});
  } catch (const std::runtime_error& e) {
    throw cli::UsageError(e.what());
  }
  if (!o.quiet && (report::is_stdout(o.json_path) || report::is_stdout(o.html_path))) {
    throw cli::UsageError("a report on standard output needs --quiet (the table goes there)");
  }
}

std::vector<std::string> child_args(const cli::RunOptions& o, const std::string& json_path) {
  std::vector<std::string> a = {"gilhost"};
  a.insert(a.end(), o.global_args.begin(), o.global_args.end());
  a.push_back("run");
  std::vector<std::string> mine = without_options(
      o.option_args,
      {"--python", "--json", "--html", "--runs", "--trace", "--events", "--trace-limit"},
      {"--quiet"});
  a.insert(a.end(), mine.begin(), mine.end());
  a.insert(a.end(), {"--runs", "1", "--quiet", "--json", json_path});
  a.insert(a.end(), o.python_options.begin(), o.python_options.end());
  if (o.target == cli::Target::kModule) a.push_back("-m");
  if (o.target == cli::Target::kCode) a.push_back("-c");
  if (o.target == cli::Target::kScript && !o.target_value.empty() && o.target_value[0] == '-') {
    a.push_back("--");
  }
  a.push_back(o.target_value);
  a.insert(a.end(), o.args.begin(), o.args.end());
  return a;
}

std::optional<nlohmann::json> read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// A private directory for the rounds' reports, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gilhost-compare-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr)
      throw cli::UsageError("cannot create a temporary directory");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void run_rounds(const cli::RunOptions& o, const std::vector<const build::HostBuild*>& hosts,
                Comparison& c, int& exit_status) {
  TempDir tmp;
  for (unsigned round = 0; round < c.rounds_planned; ++round) {
    for (std::size_t v = 0; v < hosts.size(); ++v) {
      std::string json = fmt::format("{}/{}-{}.json", tmp.path, hosts[v]->minor, round);
      int status = select::run_host(*hosts[v], child_args(o, json));
      std::optional<nlohmann::json> doc = read_json(json);
      if (doc) {
        if (c.contexts[v].is_null()) c.contexts[v] = (*doc)["context"];
        c.rounds[v].push_back(std::move(*doc));
      }
      if (status != 0 || !doc) {
        c.status = status == 130 || status == 143 ? "interrupted" : "failed";
        c.failure = fmt::format("the {} host exited with status {} in round {}", hosts[v]->minor,
                                status, round + 1);
        exit_status = status != 0 ? status : 1;
        return;
      }
    }
  }
}

}  // namespace

std::vector<std::string> without_options(const std::vector<std::string>& tokens,
                                         const std::vector<std::string>& with_value,
                                         const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (std::find(flags.begin(), flags.end(), t) != flags.end()) continue;
    auto opt = std::find_if(with_value.begin(), with_value.end(),
                            [&](const std::string& o) { return starts_with_option(t, o); });
    if (opt != with_value.end()) {
      if (t == *opt) ++i;  // "--opt value": skip the value too
      continue;
    }
    out.push_back(t);
  }
  return out;
}

int run_side_by_side(const cli::Invocation& inv,
                     const std::vector<const build::HostBuild*>& hosts) {
  const cli::RunOptions& o = inv.run;
  check_request(o);
  for (const build::HostBuild* h : hosts) select::check_runnable(*h);
  Comparison c;
  for (const build::HostBuild* h : hosts) {
    c.hosts.push_back(h->minor);
    c.python_versions.push_back(h->version);
  }
  c.contexts.assign(hosts.size(), nullptr);
  c.rounds.assign(hosts.size(), {});
  c.rounds_planned = o.given.runs.value_or(3);
  c.script = o.target == cli::Target::kScript   ? o.target_value
             : o.target == cli::Target::kModule ? "-m " + o.target_value
                                                : "-c";
  int exit_status = 0;
  run_rounds(o, hosts, c, exit_status);
  compute_tables(c);
  if (!o.quiet) {
    std::fputs(render_text(c).c_str(), stdout);
    std::fflush(stdout);
  }
  if (!o.json_path.empty()) report::write_output(o.json_path, render_json(c));
  if (!o.html_path.empty()) report::write_output(o.html_path, render_html(c));
  return exit_status;
}

}  // namespace gilhost::compare
