// write_file_atomically and check_writable: mkstemp in the target's directory, fsync, rename.
#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace gilhost::report {
namespace {

constexpr mode_t kNewFileMode = 0644;

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw std::runtime_error(fmt::format("cannot write {}: {}", path, reason));
}

[[noreturn]] void fail_errno(const std::string& path, int err) { fail(path, std::strerror(err)); }

// rename() over a directory fails late and with a vaguer message; say it up front.
void reject_directory(const std::string& path) {
  std::filesystem::path p(path);
  struct stat st {};
  if (path.empty() || !p.has_filename()) fail(path, "not a file name");
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path, "is a directory");
}

// "dir/out.json" -> "dir/.out.json.XXXXXX": same directory, so rename() cannot cross devices.
std::string temp_template(const std::string& path) {
  std::filesystem::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".XXXXXX")).string();
}

// A mkstemp file, removed when it goes out of scope unless keep() was called after renaming it.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : name_(temp_template(target)) {
    fd_ = ::mkstemp(name_.data());
    if (fd_ < 0) fail_errno(target, errno);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(name_.c_str());
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
};

// 0 on success, else the errno of the failed write.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
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

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  reject_directory(path);
  TempFile temp(path);
  if (int err = write_all(temp.fd(), bytes)) fail_errno(path, err);
  if (::fchmod(temp.fd(), mode_for(path)) != 0) fail_errno(path, errno);
  if (::fsync(temp.fd()) != 0) fail_errno(path, errno);
  if (temp.close() != 0) fail_errno(path, errno);
  if (::rename(temp.name().c_str(), path.c_str()) != 0) fail_errno(path, errno);
  temp.keep();
  sync_directory(path);
}

void check_writable(const std::string& path) {
  reject_directory(path);
  TempFile probe(path);  // removed again on return
}

}  // namespace gilhost::report
