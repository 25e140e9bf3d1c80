// Resolving --python to per-version hosts and starting them.
#include "select/python_select.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <regex>

#include "cli/units.hpp"

extern char** environ;

namespace gilhost::select {
namespace {

bool is_version(std::string_view s) {
  static const std::regex re(R"(^[0-9]+\.[0-9]+t?$)");
  return std::regex_match(s.begin(), s.end(), re);
}

const build::HostBuild* find_minor(std::string_view minor) {
  for (const build::HostBuild* h : available_hosts()) {
    if (minor == h->minor) return h;
  }
  return nullptr;
}

std::string no_host(std::string_view what) {
  return fmt::format("--python {}: no gilhost host for it; available: {}", what, available_list());
}

// "3.13" or "3.13t" of a python executable, asked from the executable itself.
std::string version_of_executable(const std::string& path) {
  if (access(path.c_str(), X_OK) != 0) {
    throw cli::UsageError(fmt::format("--python {}: not a version (3.13) nor an executable: {}",
                                      path, std::strerror(errno)));
  }
  const char* code =
      "import sys, sysconfig; v = sys.version_info; "
      "print(f'{v[0]}.{v[1]}' + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else '') "
      "if sys.implementation.name == 'cpython' else sys.implementation.name)";
  std::vector<std::string> args = {path, "-I", "-c", code};
  int fds[2];
  if (pipe(fds) != 0) throw cli::UsageError("--python: pipe: " + std::string(strerror(errno)));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  std::string out;
  std::array<char, 256> buf{};
  for (ssize_t n; rc == 0 && (n = read(fds[0], buf.data(), buf.size())) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    out.append(buf.data(), std::size_t(n));
  }
  close(fds[0]);
  int status = 0;
  if (rc == 0) waitpid(pid, &status, 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty()) {
    throw cli::UsageError(fmt::format("--python {}: does not run as a Python interpreter", path));
  }
  return out;
}

}  // namespace

std::string binary_dir() {
  std::array<char, PATH_MAX> buf{};
  ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return ".";
  std::string p(buf.data(), std::size_t(n));
  return p.substr(0, p.find_last_of('/'));
}

std::string host_path(const build::HostBuild& h) { return binary_dir() + "/gilhost-" + h.minor; }

std::vector<const build::HostBuild*> available_hosts() {
  std::vector<const build::HostBuild*> out;
  for (const build::HostBuild& h : build::kHosts) {
    if (access(host_path(h).c_str(), X_OK) == 0) out.push_back(&h);
  }
  return out;
}

std::string available_list() {
  std::string s;
  for (const build::HostBuild* h : available_hosts())
    s += (s.empty() ? "" : ", ") + std::string(h->minor);
  return s.empty() ? "none" : s;
}

const build::HostBuild* default_host() {
  if (const build::HostBuild* h = find_minor(build::kDefaultHost)) return h;
  throw cli::HostUnavailable(
      fmt::format("the default host gilhost-{} is missing next to {}; "
                  "available: {}",
                  build::kDefaultHost, binary_dir(), available_list()));
}

std::vector<const build::HostBuild*> resolve(std::string_view spec) {
  std::vector<const build::HostBuild*> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t comma = std::min(spec.find(',', pos), spec.size());
    std::string item(spec.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) throw cli::UsageError(fmt::format("--python '{}': an empty entry", spec));
    std::string minor = is_version(item) ? item : version_of_executable(item);
    const build::HostBuild* h = find_minor(minor);
    if (h == nullptr) {
      throw cli::UsageError(is_version(item) ? no_host(item)
                                             : no_host(fmt::format("{} (Python {})", item, minor)));
    }
    if (std::find(out.begin(), out.end(), h) != out.end()) {
      throw cli::UsageError(fmt::format("--python '{}': {} given twice", spec, h->minor));
    }
    out.push_back(h);
  }
  return out;
}

void check_runnable(const build::HostBuild& h) {
  if (access(h.libpython, R_OK) != 0) {
    throw cli::HostUnavailable(fmt::format(
        "the {} host needs {} (CPython {}), which is gone: reinstall that Python or rebuild "
        "gilhost; available hosts: {}",
        h.minor, h.libpython, h.version, available_list()));
  }
  if (access(host_path(h).c_str(), X_OK) != 0) {
    throw cli::HostUnavailable(fmt::format("the {} host {} is missing", h.minor, host_path(h)));
  }
}

void exec_host(const build::HostBuild& h, char** argv) {
  check_runnable(h);
  std::string path = host_path(h);
  argv[0] = path.data();
  execv(path.c_str(), argv);
  throw cli::HostUnavailable(fmt::format("cannot start {}: {}", path, std::strerror(errno)));
}

namespace {

// The host run in progress, for the stop-signal handler: the launcher passes a stop on to it
// and waits for its report, so that the rounds done so far are not lost.
volatile sig_atomic_t g_child = 0;

void forward_stop(int sig, siginfo_t* info, void*) {
  // A terminal's Ctrl-C (si_code SI_KERNEL) reached the host too, as one process group: a second
  // copy would count as a second stop, which ends a host without its report.
  if (sig == SIGINT && info != nullptr && info->si_code == SI_KERNEL) return;
  if (pid_t child = g_child; child > 0) kill(child, sig);
}

// SIGINT, SIGTERM and SIGHUP go to the running host while it runs (Ctrl-C already reaches the
// whole foreground process group; kill PID reaches only the launcher).
struct ForwardStops {
  struct sigaction old[3]{};
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  explicit ForwardStops(pid_t child) {
    g_child = child;
    struct sigaction sa {};
    sa.sa_sigaction = forward_stop;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old[i]);
  }
  ~ForwardStops() {
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old[i], nullptr);
    g_child = 0;
  }
};

}  // namespace

int run_host(const build::HostBuild& h, const std::vector<std::string>& args) {
  check_runnable(h);
  std::string path = host_path(h);
  std::vector<std::string> copy = args;
  copy[0] = path;
  std::vector<char*> cargv;
  for (std::string& a : copy) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, path.c_str(), nullptr, nullptr, cargv.data(), environ); rc != 0) {
    throw cli::HostUnavailable(fmt::format("cannot start {}: {}", path, std::strerror(rc)));
  }
  ForwardStops forward(pid);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void stay_or_switch(std::string_view spec, std::string_view self, char** argv) {
  std::vector<const build::HostBuild*> hosts = resolve(spec);
  if (hosts.size() == 1 && self == hosts[0]->minor) return;
  if (hosts.size() == 1) exec_host(*hosts[0], argv);
  std::string launcher = binary_dir() + "/gilhost";
  argv[0] = launcher.data();
  execv(launcher.c_str(), argv);
  throw cli::HostUnavailable(fmt::format("cannot start {}: {}", launcher, std::strerror(errno)));
}

}  // namespace gilhost::select
