// Writing a report where its path says (output_paths.hpp), so that a reader never sees half a
// file, and checking early that it can be done.
#pragma once

#include <string>
#include <string_view>

namespace gilhost::report {

// Writes `bytes` to what `path` names (resolve_output). A regular file or a new name: a
// temporary file in the same directory (mkstemp), fsynced and renamed over it, so it holds
// either its old content or all of the new; a symlink is followed and its target replaced (the
// link stays a link); an existing file keeps its permission bits, a new one gets 0644. Anything
// else (a device, a FIFO, "-", /dev/stdout, /proc/self/fd/N) is written in place, never renamed
// over. On failure the temporary file is removed and std::runtime_error("cannot write <path>:
// <reason>") is thrown. `stale_on_exit`: the written file is removed if the process exits on a
// second stop signal (remove_files_for_exit): its content is known to be out of date then.
void write_output(const std::string& path, std::string_view bytes, bool stale_on_exit = false);

// Called before a run starts, so that a long measurement is not lost to a typo in --json: for a
// file to replace, creates and removes a temporary file in its directory. Throws
// std::runtime_error("cannot write <path>: <reason>") when that fails or `path` is a directory.
void check_writable(const std::string& path);

// Async-signal-safe: unlinks the temporary files being written and the files marked
// `stale_on_exit`. For a handler that is about to _exit.
void remove_files_for_exit();

// A test hook: called after a temporary file was written, before it is renamed.
void set_before_rename_hook(void (*hook)());

}  // namespace gilhost::report
