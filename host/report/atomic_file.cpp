// write_output and check_writable: mkstemp in the target's directory, fsync, rename; or a write
// in place for what is not a regular file.
#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "report/output_paths.hpp"

namespace gilhost::report {
namespace {

constexpr mode_t kNewFileMode = 0644;

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw std::runtime_error(fmt::format("cannot write {}: {}", path, reason));
}

[[noreturn]] void fail_errno(const std::string& path, int err) { fail(path, std::strerror(err)); }

// Names a signal handler may unlink: fixed buffers published with an atomic flag (no lock, no
// allocation in the handler). A few reports are written at a time, one temporary file each.
struct ExitName {
  std::atomic<bool> used{false};
  char name[PATH_MAX] = {};
};
ExitName g_temps[4];
ExitName g_stale[8];
std::atomic<void (*)()> g_hook{nullptr};

template <std::size_t N>
ExitName* remember(ExitName (&table)[N], const std::string& name) {
  if (name.size() >= PATH_MAX) return nullptr;
  for (ExitName& e : table) {
    bool expected = false;
    if (e.used.load() || !e.used.compare_exchange_strong(expected, true)) continue;
    // Claimed but not yet filled: the handler may unlink "" (ENOENT), never a wrong name.
    std::memcpy(e.name, name.c_str(), name.size() + 1);
    return &e;
  }
  return nullptr;
}

void forget(ExitName* e) {
  if (e != nullptr) e->used.store(false);
}

// A file rewritten with the run's final status is no longer stale.
void mark_stale(const std::string& file, bool stale) {
  for (ExitName& e : g_stale) {
    if (e.used.load() && file == e.name) forget(&e);
  }
  if (stale) remember(g_stale, file);
}

// "dir/out.json" -> "dir/.out.json.XXXXXX": same directory, so rename() cannot cross devices.
// A name near the file system's limit (NAME_MAX) gets a short temporary name instead.
std::string temp_template(const std::string& path) {
  std::filesystem::path p(path);
  std::string name = fmt::format(".{}.XXXXXX", p.filename().string());
  if (name.size() > NAME_MAX) name = ".gilhost.XXXXXX";
  return (p.parent_path() / name).string();
}

// A mkstemp file, removed when it goes out of scope unless keep() was called after renaming it.
class TempFile {
 public:
  TempFile(const std::string& target, const std::string& shown) : name_(temp_template(target)) {
    fd_ = ::mkstemp(name_.data());
    if (fd_ < 0) fail_errno(shown, errno);
    exit_name_ = remember(g_temps, name_);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(name_.c_str());
    forget(exit_name_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void keep() { kept_ = true; }

 private:
  std::string name_;
  int fd_ = -1;
  bool kept_ = false;
  ExitName* exit_name_ = nullptr;
};

// 0 on success, else the errno of the failed write.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// An existing file keeps its permissions (mkstemp would leave 0600).
mode_t mode_for(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : kNewFileMode;
}

// Makes the rename itself durable; best effort, since the data is already safe in the file.
void sync_directory(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void replace_file(const std::string& shown, const std::string& file, std::string_view bytes,
                  bool stale_on_exit) {
  TempFile temp(file, shown);
  if (int err = write_all(temp.fd(), bytes)) fail_errno(shown, err);
  if (::fchmod(temp.fd(), mode_for(file)) != 0) fail_errno(shown, errno);
  if (::fsync(temp.fd()) != 0) fail_errno(shown, errno);
  if (temp.close() != 0) fail_errno(shown, errno);
  if (void (*hook)() = g_hook.load()) hook();
  if (::rename(temp.name().c_str(), file.c_str()) != 0) fail_errno(shown, errno);
  temp.keep();
  mark_stale(file, stale_on_exit);
  sync_directory(file);
}

// A device, FIFO or socket is written where it is: renaming over it would replace the node
// (as root, /dev/null with a regular file), and its directory is no place for temporary files.
void write_in_place(const std::string& shown, const std::string& target, std::string_view bytes) {
  int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) fail_errno(shown, errno);
  int err = write_all(fd, bytes);
  if (::close(fd) != 0 && err == 0 && errno != EINTR) err = errno;
  if (err != 0) fail_errno(shown, err);
}

}  // namespace

void write_output(const std::string& path, std::string_view bytes, bool stale_on_exit) {
  const OutputTarget t = resolve_output(path);
  switch (t.kind) {
    case OutputTarget::Kind::kReplace:
      replace_file(path, t.path, bytes, stale_on_exit);
      return;
    case OutputTarget::Kind::kInPlace:
      write_in_place(path, t.path, bytes);
      return;
    case OutputTarget::Kind::kFd:
      if (t.fd == 1) std::fflush(stdout);  // after whatever stdio holds for standard output
      if (int err = write_all(t.fd, bytes)) fail_errno(path == "-" ? "standard output" : path, err);
      return;
  }
}

void check_writable(const std::string& path) {
  const OutputTarget t = resolve_output(path);
  if (t.kind != OutputTarget::Kind::kReplace) return;
  TempFile probe(t.path, path);  // removed again on return
}

void remove_files_for_exit() {
  for (ExitName& e : g_temps) {
    if (e.used.load()) ::unlink(e.name);
  }
  for (ExitName& e : g_stale) {
    if (e.used.load()) ::unlink(e.name);
  }
}

void set_before_rename_hook(void (*hook)()) { g_hook.store(hook); }

}  // namespace gilhost::report
