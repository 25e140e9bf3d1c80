// Choosing sys.executable so that a virtual environment is honoured as python3.12 honours it.
#include "python/executable.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <regex>

#include "python_build.hpp"

namespace gilhost::python {
namespace {

std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

std::string parent(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[PATH_MAX];
  return getcwd(cwd, sizeof cwd) != nullptr ? std::string(cwd) + "/" + path : path;
}

std::string trimmed(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  const std::size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The `home` key of the pyvenv.cfg beside `exe` or one directory up, where getpath.py looks
// (Modules/getpath.py, "CHECK FOR venv"); nothing when there is no such file.
std::optional<std::string> venv_home(const std::string& exe) {
  for (const std::string& dir : {parent(exe), parent(parent(exe))}) {
    std::ifstream f(dir + "/pyvenv.cfg");
    if (!f) continue;
    for (std::string line; std::getline(f, line);) {
      const std::size_t eq = line.find('=');
      if (eq != std::string::npos && trimmed(line.substr(0, eq)) == "home")
        return trimmed(line.substr(eq + 1));
    }
    return std::string();
  }
  return std::nullopt;
}

// `candidate` runs the CPython this host embeds: it is that python (through symlinks) or a venv
// made from it (pyvenv.cfg's home is that python's directory; --copies venvs included).
bool runs_this_python(const std::string& candidate) {
  const std::string ours = resolved(build::kPythonExecutable);
  if (ours.empty()) return false;
  if (resolved(candidate) == ours) return true;
  std::optional<std::string> home = venv_home(candidate);
  return home && !home->empty() && resolved(*home) == parent(ours);
}

bool is_version(const std::string& s) {
  static const std::regex re(R"(^[0-9]+\.[0-9]+t?$)");
  return std::regex_match(s, re);
}

}  // namespace

std::string choose_executable(const std::string& python_flag) {
  if (!python_flag.empty() && !is_version(python_flag)) return absolute(python_flag);
  const char* path = std::getenv("PATH");
  const std::string name = std::string("python") + build::kPythonMinor;
  std::string dirs = path != nullptr ? path : "";
  for (std::size_t pos = 0; path != nullptr && pos <= dirs.size();) {
    std::size_t colon = std::min(dirs.find(':', pos), dirs.size());
    std::string dir = dirs.substr(pos, colon - pos);
    pos = colon + 1;
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) != 0) continue;
    // The shell would run this one: it is sys.executable only when it runs this CPython.
    if (runs_this_python(candidate)) return absolute(candidate);
    break;
  }
  return build::kPythonExecutable;
}

}  // namespace gilhost::python
