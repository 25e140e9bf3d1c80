// The --json export: every figure of a Report, after a context block and a schema version.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// Pretty-printed JSON (two-space indent, keys in a fixed order, trailing newline). Every key is
// documented in docs/formats.md; a key's unit is part of its name (wall_ns, held_fraction).
std::string render_json(const Report& r);

// The context block as render_json writes it, for the other reports that embed it (sweep,
// catalog).
nlohmann::ordered_json context_json(const Context& c);

}  // namespace gilhost::report
