// Catalog reports: the combined JSON, the closing summary and the HTML index.
#include "workload/catalog_report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "report/json/json_report.hpp"
#include "report/sweep/sweep_report.hpp"
#include "report/sweep/sweep_svg.hpp"

namespace gilhost::workload {
namespace {

using Json = nlohmann::ordered_json;

Json child_report(const std::string& text) {
  if (text.empty()) return nullptr;
  Json j = Json::parse(text, nullptr, false);  // no exceptions: a torn file is simply absent
  return j.is_discarded() ? Json() : j;
}

std::string outcome(const CatalogEntry& e) {
  if (e.exit_status == 0) return "ok";
  if (e.exit_status == 130 || e.exit_status == 143)
    return fmt::format("interrupted (exit status {})", e.exit_status);
  return fmt::format("failed (exit status {})", e.exit_status);
}

}  // namespace

std::string render_catalog_json(const CatalogResult& c) {
  Json entries = Json::array();
  for (const CatalogEntry& e : c.entries) {
    entries.push_back({{"script", e.script},
                       {"exit_status", e.exit_status},
                       {"report", child_report(e.report_json)}});
  }
  Json doc = {{"schema_version", report::kSchemaVersion},
              {"context", report::context_json(c.context)},
              {"status", c.status},
              {"exit_status", c.exit_status},
              {"catalog", std::move(entries)}};
  return doc.dump(2) + "\n";
}

std::string render_catalog_text(const CatalogResult& c) {
  std::size_t width = 0;
  for (const CatalogEntry& e : c.entries) width = std::max(width, e.script.size());
  std::string out = fmt::format("Catalog {}: {} of {} experiment{} run\n", c.context.script,
                                c.entries.size(), c.planned, c.planned == 1 ? "" : "s");
  for (const CatalogEntry& e : c.entries) {
    out += fmt::format("  {:<{}}  {}\n", e.script, width, outcome(e));
  }
  if (c.status == "interrupted") out += "  (interrupted: the remaining experiments were not run)\n";
  return out;
}

std::string render_catalog_index(const CatalogResult& c) {
  std::string items;
  for (const CatalogEntry& e : c.entries) {
    // Each experiment's page is written next to the index (per_experiment_path).
    std::string file = std::filesystem::path(e.html_path).filename().string();
    std::string link = e.html_path.empty()
                           ? "no report"
                           : fmt::format("<a href=\"{}\">report</a>", report::xml_escape(file));
    items += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         report::xml_escape(e.script), report::xml_escape(outcome(e)), link);
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>gilhost catalog: {0}</title>\n<style>body {{ font: 14px/1.4 system-ui, "
      "sans-serif; margin: 2em; }} td {{ padding: .2em 1em .2em 0; }}</style>\n</head>\n<body>\n"
      "<h1>gilhost catalog: {0}</h1>\n<p>{1} · {2}{3}</p>\n<table>\n{4}</table>\n</body>\n"
      "</html>\n",
      report::xml_escape(c.context.script), report::xml_escape(c.context.date),
      report::xml_escape(c.context.python_version),
      c.status == "complete" ? "" : " · PARTIAL: " + report::xml_escape(c.status), items);
}

}  // namespace gilhost::workload
