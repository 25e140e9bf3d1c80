// resolve_output and check_outputs: what a report path names, and the checks before a run.
#include "report/output_paths.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "report/atomic_file.hpp"

namespace gilhost::report {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw std::runtime_error(fmt::format("cannot write {}: {}", path, reason));
}

constexpr int kMaxLinks = 40;  // as the kernel's own limit (ELOOP)

// Descriptor N when `p` names one of this process's own descriptors: /dev/stdout, /dev/stderr,
// /dev/fd/N, /proc/self/fd/N, /proc/thread-self/fd/N, /proc/<our pid>/fd/N. Writing to it
// shares the descriptor's offset and mode, as the shell's redirection meant; opening the path
// again would start a second file description at offset 0 (and renaming over what the link
// resolves to would cut the descriptor off from the name).
int own_descriptor(const std::string& p) {
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  const std::string pid_prefix = fmt::format("/proc/{}/fd/", getpid());
  for (std::string_view prefix :
       {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/"),
        std::string_view("/proc/thread-self/fd/"), std::string_view(pid_prefix)}) {
    if (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0) {
      int fd = -1;
      const char* b = p.data() + prefix.size();
      const char* e = p.data() + p.size();
      auto [end, ec] = std::from_chars(b, e, fd);
      if (ec == std::errc() && end == e && fd >= 0) return fd;
    }
  }
  return -1;
}

// A link in /proc (/proc/PID/fd/N of another process, ...) is a "magic" link: its text is no
// path (`pipe:[123]`), but open() reaches the object.
bool on_procfs(const std::string& link) {
  struct statfs st {};
  fs::path dir = fs::path(link).parent_path();
  return ::statfs(dir.empty() ? "." : dir.c_str(), &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

OutputTarget descriptor_target(const std::string& given, int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) fail(given, fmt::format("descriptor {} is not open", fd));
  if ((flags & O_ACCMODE) == O_RDONLY) fail(given, fmt::format("descriptor {} is read-only", fd));
  return {OutputTarget::Kind::kFd, given, fd};
}

}  // namespace

OutputTarget resolve_output(const std::string& path) {
  if (path == "-") return descriptor_target(path, 1);
  if (path.empty() || !fs::path(path).has_filename()) fail(path, "not a file name");
  std::string cur = path;
  for (int hops = 0; hops <= kMaxLinks; ++hops) {
    if (int fd = own_descriptor(cur); fd >= 0) return descriptor_target(path, fd);
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) {
      if (errno == ENOENT) return {OutputTarget::Kind::kReplace, cur};  // a new file
      fail(path, std::strerror(errno));
    }
    if (S_ISREG(st.st_mode)) return {OutputTarget::Kind::kReplace, cur};
    if (S_ISDIR(st.st_mode)) fail(path, "is a directory");
    if (!S_ISLNK(st.st_mode)) return {OutputTarget::Kind::kInPlace, cur};
    if (on_procfs(cur)) {
      struct stat target {};
      if (::stat(cur.c_str(), &target) == 0 && S_ISDIR(target.st_mode)) {
        fail(path, "is a directory");
      }
      return {OutputTarget::Kind::kInPlace, cur};
    }
    std::string text(PATH_MAX, '\0');
    ssize_t n = ::readlink(cur.c_str(), text.data(), text.size());
    if (n < 0) fail(path, std::strerror(errno));
    text.resize(std::size_t(n));
    fs::path next(text);
    cur = next.is_absolute() ? text : (fs::path(cur).parent_path() / next).string();
  }
  fail(path, std::strerror(ELOOP));
}

bool is_stdout(const std::string& path) {
  if (path.empty()) return false;
  try {
    OutputTarget t = resolve_output(path);
    return t.kind == OutputTarget::Kind::kFd && t.fd == 1;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

// What makes two outputs "the same place": a descriptor, an existing object (device and
// inode), or the absolute, normalised name of a file still to be made.
std::string identity(const OutputTarget& t) {
  if (t.kind == OutputTarget::Kind::kFd) {
    struct stat st {};
    if (::fstat(t.fd, &st) == 0 && !S_ISCHR(st.st_mode)) {
      return fmt::format("inode {}:{}", st.st_dev, st.st_ino);
    }
    return fmt::format("fd {}", t.fd);
  }
  struct stat st {};
  if (::stat(t.path.c_str(), &st) == 0) {
    // Many reports may go to /dev/null: a sink that keeps nothing cannot be overwritten.
    if (S_ISCHR(st.st_mode)) return {};
    return fmt::format("inode {}:{}", st.st_dev, st.st_ino);
  }
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(t.path, ec), ec);
  return "name " + abs.lexically_normal().string();
}

void check_one(const NamedOutput& o, const OutputTarget& t) {
  switch (t.kind) {
    case OutputTarget::Kind::kFd:
      return;  // resolve_output checked that it is open for writing
    case OutputTarget::Kind::kInPlace:
      // Not opened now: opening a FIFO waits for a reader, and a device may act on open.
      if (::access(t.path.c_str(), W_OK) != 0) fail(o.path, std::strerror(errno));
      return;
    case OutputTarget::Kind::kReplace:
      check_writable(o.path);
      return;
  }
}

}  // namespace

void check_outputs(const std::vector<NamedOutput>& outputs) {
  std::vector<std::pair<std::string, const NamedOutput*>> seen;
  const NamedOutput* on_stdout = nullptr;
  for (const NamedOutput& o : outputs) {
    if (o.path.empty()) continue;
    OutputTarget t = resolve_output(o.path);
    check_one(o, t);
    if (t.kind == OutputTarget::Kind::kFd && t.fd == 1) {
      if (on_stdout != nullptr) {
        throw std::runtime_error(
            fmt::format("{} and {} both go to standard output: at most one report can",
                        on_stdout->option, o.option));
      }
      on_stdout = &o;
    }
    std::string id = identity(t);
    if (id.empty()) continue;
    for (const auto& [other_id, other] : seen) {
      if (other_id == id) {
        throw std::runtime_error(fmt::format("{} and {} name the same file '{}': give each its own",
                                             other->option, o.option, o.path));
      }
    }
    seen.emplace_back(std::move(id), &o);
  }
}

}  // namespace gilhost::report
