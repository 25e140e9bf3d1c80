// Reading the two reports of `gilhost compare`, and whether they measure the same thing.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "cli/units.hpp"
#include "diff/diff.hpp"
#include "report/report_data.hpp"

namespace gilhost::diff {
namespace {

using cli::UsageError;

std::string text_or(const Json& j, const char* key, const char* fallback) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : fallback;
}

std::vector<std::string> workers_of(const Json& report) {
  std::vector<std::string> out;
  for (const Json& c : report.at("configs")) out.push_back(text_or(c, "workers", "?"));
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + ("--workers " + s);
  return out.empty() ? "no workers" : out;
}

}  // namespace

Json load_report(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw UsageError(fmt::format("{}: {}", path, std::strerror(errno)));
  Json j = Json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw UsageError(fmt::format("{}: not a gilhost report (not a JSON object)", path));
  }
  if (j.contains("sweep")) {
    throw UsageError(fmt::format(
        "{}: a sweep report: gilhost compare reads the JSON reports of gilhost run", path));
  }
  if (!j.contains("schema_version") || !j.contains("context") || !j.contains("configs") ||
      !j.at("configs").is_array() || !j.at("context").is_object()) {
    throw UsageError(
        fmt::format("{}: not a gilhost run report (no schema_version, context and configs)", path));
  }
  const Json& v = j.at("schema_version");
  if (!v.is_number_integer() || v.get<int>() != report::kSchemaVersion) {
    throw UsageError(fmt::format("{}: report schema version {}, this gilhost reads version {}",
                                 path, v.dump(), report::kSchemaVersion));
  }
  if (j.at("configs").empty()) {
    throw UsageError(fmt::format(
        "{}: a script run without workers: nothing to compare (give --workers to gilhost run)",
        path));
  }
  return j;
}

std::vector<std::string> mismatches(const Json& base, const Json& other) {
  std::vector<std::string> out;
  const auto wa = workers_of(base), wb = workers_of(other);
  if (wa != wb)
    out.push_back(fmt::format("different workers ({} against {})", joined(wa), joined(wb)));
  const Json &ca = base.at("context"), &cb = other.at("context");
  const std::string pa = text_or(ca, "python_version", "?"),
                    pb = text_or(cb, "python_version", "?");
  if (pa != pb) out.push_back(fmt::format("different Python versions ({} against {})", pa, pb));
  const Json ia = ca.value("switch_interval_ns", Json()),
             ib = cb.value("switch_interval_ns", Json());
  if (ia != ib) {
    auto shown = [](const Json& i) {
      return i.is_number() ? cli::format_ns(i.get<double>()) : std::string("?");
    };
    out.push_back(fmt::format("different switch intervals ({} against {})", shown(ia), shown(ib)));
  }
  return out;
}

}  // namespace gilhost::diff
