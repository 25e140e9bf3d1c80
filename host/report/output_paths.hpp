// Where a report goes: what a path names (a file to replace, a device or FIFO to write in place,
// one of gilhost's own descriptors) and the checks of a whole set of outputs before a run.
#pragma once

#include <string>
#include <vector>

namespace gilhost::report {

// How a report reaches the place its path names (docs/formats.md, "Output paths").
struct OutputTarget {
  enum class Kind {
    kReplace,  // a regular file or a new name: a temporary file renamed over `path`
    kInPlace,  // anything else (character device, FIFO, socket...): opened and written in place
    kFd,       // "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N: written to descriptor `fd`
  };
  Kind kind = Kind::kReplace;
  std::string path;  // kReplace: the regular file, symlinks followed; kInPlace: what to open
  int fd = -1;
};

// Follows `path` to what it names. Throws std::runtime_error("cannot write <path>: <reason>")
// for a directory, an empty name, a symlink loop or a descriptor that is not open for writing.
OutputTarget resolve_output(const std::string& path);

// Whether `path` goes to standard output ("-", /dev/stdout, /proc/self/fd/1...).
bool is_stdout(const std::string& path);

// One report option as given: "--json", "out.json".
struct NamedOutput {
  std::string option;
  std::string path;
};

// Checked before any work, so a typo never costs a measurement: every path can be written (a
// file: a temporary file can be made in its directory; in place: write permission; a
// descriptor: open for writing), no two options name the same file, and at most one goes to
// standard output. Empty paths (options not given) are skipped. Throws std::runtime_error with
// the one-line message.
void check_outputs(const std::vector<NamedOutput>& outputs);

}  // namespace gilhost::report
