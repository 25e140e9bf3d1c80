// html_histograms: complete holds and waits in log-spaced bins, per role, for the HTML report.
#include <algorithm>
#include <cmath>
#include <map>

#include "report/html/html_data.hpp"

namespace gilhost::report::detail {
namespace {

// Bins: below 1 µs, then kBinsPerDecade log-spaced bins per decade up to 10 s, then 10 s and
// more.
constexpr double kHistMinNs = 1e3;
constexpr double kHistMaxNs = 1e10;
constexpr int kBinsPerDecade = 5;
constexpr int kLogBins = 7 * kBinsPerDecade;

int bin_of(std::uint64_t ns) {
  if (double(ns) < kHistMinNs) return 0;
  if (double(ns) >= kHistMaxNs) return kLogBins + 1;
  int b = 1 + int(std::floor(kBinsPerDecade * std::log10(double(ns) / kHistMinNs)));
  return std::clamp(b, 1, kLogBins);
}

struct Group {
  std::string name;
  std::vector<std::uint64_t> hold = std::vector<std::uint64_t>(kLogBins + 2, 0);
  std::vector<std::uint64_t> wait = std::vector<std::uint64_t>(kLogBins + 2, 0);
  const analysis::GilStats* stats = nullptr;  // for the percentile lines
};

HtmlJson side(const std::vector<std::uint64_t>& counts, const analysis::Distribution& d) {
  return {{"counts", counts}, {"n", d.count}, {"p50_ns", d.p50_ns}, {"p99_ns", d.p99_ns}};
}

}  // namespace

// Complete holds and waits only, the samples of the metrics' distributions; grouped by role,
// and threads without a role each on their own.
HtmlJson html_histograms(const trace::Recording& recording, const RecordingSpans& spans,
                         const analysis::GilMetrics& gil) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t t = 0; t < spans.threads.size() && t < gil.threads.size(); ++t) {
    const trace::ThreadInfo& info = recording.threads[t].info;
    std::string key = info.role.empty() ? thread_display_name(info) : info.role;
    auto [it, added] = index.try_emplace(key, groups.size());
    if (added) {
      auto role = gil.roles.find(info.role);
      bool pooled = !info.role.empty() && role != gil.roles.end();
      groups.emplace_back();
      groups.back().name = key;
      groups.back().stats = pooled ? &role->second : &gil.threads[t].gil;
    }
    Group& g = groups[it->second];
    for (const Interval& h : spans.threads[t].holds)
      if (h.complete) ++g.hold[std::size_t(bin_of(h.end - h.begin))];
    for (const Interval& w : spans.threads[t].waits)
      if (w.complete) ++g.wait[std::size_t(bin_of(w.end - w.begin))];
  }
  HtmlJson out = HtmlJson::array();
  for (const Group& g : groups) {
    if (g.stats->hold.count == 0 && g.stats->wait.count == 0) continue;  // nothing to draw
    out.push_back({{"name", g.name},
                   {"hold", side(g.hold, g.stats->hold)},
                   {"wait", side(g.wait, g.stats->wait)}});
  }
  return {{"min_ns", kHistMinNs},
          {"bins_per_decade", kBinsPerDecade},
          {"decades", kLogBins / kBinsPerDecade},
          {"switch_interval_ns", gil.summary.configured_interval_ns},
          {"groups", std::move(out)}};
}

}  // namespace gilhost::report::detail
