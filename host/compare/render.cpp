// The side-by-side outputs: a text table, one JSON document and one HTML page, each its own room.
#include <fmt/format.h>

#include <chrono>

#include "cli/units.hpp"
#include "compare/comparison.hpp"
#include "report/markup.hpp"

namespace gilhost::compare {
namespace {

std::string cell(const Row& r, std::size_t v) {
  if (v >= r.values.size() || !r.values[v]) return "–";  // not seen: never shown as zero
  double x = *r.values[v];
  if (r.unit == "ns") return cli::format_ns(x);
  if (r.unit == "%") return fmt::format("{:.1f} %", x);
  if (r.unit == "x") return fmt::format("{:.2f}×", x);
  if (r.unit == "/s") return fmt::format("{:.1f}", x);
  return fmt::format("{:.2f}", x);
}

std::string header_line(const Comparison& c) {
  std::string s;
  for (std::size_t v = 0; v < c.hosts.size(); ++v) {
    s += fmt::format("{}{}", v ? ", " : "", c.python_versions[v]);
  }
  return fmt::format("{} on CPython {} · {} round{} interleaved · medians over rounds", c.script, s,
                     c.rounds_planned, c.rounds_planned == 1 ? "" : "s");
}

}  // namespace

std::string render_text(const Comparison& c) {
  std::string out = header_line(c) + "\n";
  if (c.status != "complete") out += fmt::format("status: {} ({})\n", c.status, c.failure);
  for (const ConfigTable& t : c.configs) {
    std::size_t w = 12;
    for (const Row& r : t.rows) w = std::max(w, r.label.size());
    out += fmt::format("\nWorkers {}\n  {:<{}}", t.workers, "", w);
    for (const std::string& h : c.hosts) out += fmt::format("  {:>12}", h);
    out += "\n";
    for (const Row& r : t.rows) {
      out += fmt::format("  {:<{}}", r.label, w);
      for (std::size_t v = 0; v < c.hosts.size(); ++v) out += fmt::format("  {:>12}", cell(r, v));
      out += "\n";
    }
    out += fmt::format("  {:<{}}", "checks", w);
    for (bool ok : t.checks) out += fmt::format("  {:>12}", ok ? "✓" : "✗");
    out += "\n";
  }
  out += fmt::format("\nNote: {}.\n", kThroughputNote);
  return out;
}

std::string render_json(const Comparison& c) {
  using Json = nlohmann::json;
  Json versions = Json::array();
  for (std::size_t v = 0; v < c.hosts.size(); ++v) {
    versions.push_back({{"host", c.hosts[v]},
                        {"python_version", c.python_versions[v]},
                        {"context", v < c.contexts.size() ? c.contexts[v] : Json(nullptr)},
                        {"rounds", c.rounds[v]}});
  }
  Json configs = Json::array();
  for (const ConfigTable& t : c.configs) {
    Json rows = Json::array();
    for (const Row& r : t.rows) {
      Json vals = Json::array();
      for (const auto& x : r.values) vals.push_back(x ? Json(*x) : Json(nullptr));
      rows.push_back({{"figure", r.label}, {"unit", r.unit}, {"medians", vals}});
    }
    configs.push_back({{"workers", t.workers}, {"checks", t.checks}, {"rows", rows}});
  }
  Json doc = {{"schema_version", 1}, {"kind", "side_by_side"},  {"script", c.script},
              {"status", c.status},  {"failure", c.failure},    {"rounds", c.rounds_planned},
              {"hosts", c.hosts},    {"note", kThroughputNote}, {"configs", configs},
              {"versions", versions}};
  return doc.dump(2) + "\n";
}

std::string render_html(const Comparison& c) {
  using report::xml_escape;
  std::string out = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>gilhost · {}</title>\n<style>body{{font:14px system-ui,sans-serif;margin:2em}}"
      "table{{border-collapse:collapse;margin:1em 0}}td,th{{padding:3px 10px;border-bottom:1px "
      "solid #ddd;text-align:right}}td:first-child,th:first-child{{text-align:left}}"
      ".bad{{color:#b00}}</style></head><body>\n<h1>{}</h1>\n",
      xml_escape(c.script), xml_escape(header_line(c)));
  if (c.status != "complete") {
    out += fmt::format("<p class=\"bad\">status: {} ({})</p>\n", xml_escape(c.status),
                       xml_escape(c.failure));
  }
  for (const ConfigTable& t : c.configs) {
    out += fmt::format("<h2>Workers {}</h2>\n<table><tr><th></th>", xml_escape(t.workers));
    for (const std::string& h : c.hosts) out += fmt::format("<th>CPython {}</th>", xml_escape(h));
    out += "</tr>\n";
    for (const Row& r : t.rows) {
      out += fmt::format("<tr><td>{}</td>", xml_escape(r.label));
      for (std::size_t v = 0; v < c.hosts.size(); ++v) {
        out += fmt::format("<td>{}</td>", xml_escape(cell(r, v)));
      }
      out += "</tr>\n";
    }
    out += "<tr><td>checks</td>";
    for (bool ok : t.checks) out += ok ? "<td>✓</td>" : "<td class=\"bad\">✗</td>";
    out += "</tr></table>\n";
  }
  out += fmt::format("<p>Note: {}.</p>\n</body></html>\n", xml_escape(kThroughputNote));
  return out;
}

}  // namespace gilhost::compare
