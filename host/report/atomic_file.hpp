// Writing an export so that a reader never sees half a file, and checking early that we can.
#pragma once

#include <string>
#include <string_view>

namespace gilhost::report {

// Writes `bytes` to a temporary file in the directory of `path` (mkstemp), fsyncs it and renames
// it over `path`, so `path` holds either its old content or all of the new. An existing target
// keeps its permission bits; a new one gets 0644. On failure the temporary file is removed and
// std::runtime_error("cannot write <path>: <reason>") is thrown.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Called before a run starts, so that a long measurement is not lost to a typo in --json: creates
// and removes a temporary file in the directory of `path`. Throws std::runtime_error("cannot write
// <path>: <reason>") when that fails or when `path` names a directory.
void check_writable(const std::string& path);

}  // namespace gilhost::report
