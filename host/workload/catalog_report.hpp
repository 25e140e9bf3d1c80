// The combined report of a catalog (`gilhost run DIR`): each experiment's own JSON report inside.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/report_data.hpp"

namespace gilhost::workload {

struct CatalogEntry {
  std::string script;       // as run: DIR/NAME.py
  int exit_status = 0;      // the child's; 128 + N when killed by signal N
  std::string report_json;  // the child's --json output; empty when it wrote none
  std::string html_path;    // its HTML report, when written
};

struct CatalogResult {
  report::Context context;
  std::string status = "complete";  // complete | failed (some experiment did not exit 0) |
                                    // interrupted
  int exit_status = 0;
  std::vector<CatalogEntry> entries;  // the experiments run, in order
  std::size_t planned = 0;            // experiments found
};

// {"schema_version", "context", "status", "exit_status", "catalog": [{"script", "exit_status",
// "report"}]}; "report" is the child's JSON as is, or null. Pure.
std::string render_catalog_json(const CatalogResult& c);

// The closing summary on stdout: one line per experiment with its exit status. Pure.
std::string render_catalog_text(const CatalogResult& c);

// An index page linking each experiment's HTML report, which lies next to it. Pure.
std::string render_catalog_index(const CatalogResult& c);

}  // namespace gilhost::workload
