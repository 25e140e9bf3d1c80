// The --json export: every figure of a Report, after a context block and a schema version.
#pragma once

#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// Pretty-printed JSON (two-space indent, keys in a fixed order, trailing newline). Every key is
// documented in docs/formats.md; a key's unit is part of its name (wall_ns, held_fraction).
std::string render_json(const Report& r);

}  // namespace gilhost::report
