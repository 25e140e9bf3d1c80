// StreamAnalyzer::close_window: a window's figures, from the states the events left behind.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "analysis/stream.hpp"

namespace gilhost::analysis {

using detail::GilState;
using detail::kNobody;
using detail::StreamState;
using detail::ThreadGil;

namespace {

Distribution scaled(const Histogram& h, const TimeScale& scale) {
  Distribution d;
  d.count = h.count();
  d.total_ns = scale.ns_of(h.total());
  d.min_ns = scale.ns_of(h.min());
  d.p50_ns = scale.ns_of(h.percentile(50));
  d.p90_ns = scale.ns_of(h.percentile(90));
  d.p99_ns = scale.ns_of(h.percentile(99));
  d.max_ns = scale.ns_of(h.max());
  return d;
}

double fraction(std::uint64_t part, std::uint64_t whole) {
  return whole ? double(part) / double(whole) : 0.0;
}

// A thread's or a role's figures, in ticks, before scaling: roles pool their threads' here.
struct Pool {
  Histogram hold, wait, handoff;
  std::uint64_t releases = 0, forced = 0, drop_requests = 0, handoff_waits = 0;
  std::uint64_t native_sections = 0, native_ticks = 0, held_ticks = 0;

  void add(const ThreadGil* t, const StreamState& s) {
    native_sections += s.native_sections;
    native_ticks += s.native_ticks;
    if (t == nullptr) return;
    hold.merge(t->hold_h);
    wait.merge(t->wait_h);
    handoff.merge(t->handoff_h);
    releases += t->releases;
    forced += t->forced;
    drop_requests += t->drop_requests;
    handoff_waits += t->handoff_waits;
    held_ticks += t->held_ticks;
  }

  GilStats stats(const TimeScale& scale, std::uint64_t window_ticks) const {
    GilStats g;
    g.hold = scaled(hold, scale);
    g.wait = scaled(wait, scale);
    g.handoff_wait = scaled(handoff, scale);
    g.releases = releases;
    g.forced_releases = forced;
    g.drop_requests = drop_requests;
    g.handoff_waits = handoff_waits;
    g.native_sections = native_sections;
    g.native_ns = scale.ns_of(native_ticks);
    g.held_fraction = fraction(held_ticks, window_ticks);
    return g;
  }
};

}  // namespace

// Every stream with an event, a loss or an open span in the window, in stream order.
std::vector<std::uint32_t> StreamAnalyzer::listed_streams() {
  std::vector<std::uint32_t> out;
  for (auto& [id, s] : streams_) {
    bool open = s->native.open;
    for (const auto& g : gils_) {
      const ThreadGil* t = g ? g->thread_or_null(id) : nullptr;
      open = open || (t && (t->holding || t->waiting));
    }
    if (s->active || open) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

GilMetrics StreamAnalyzer::gil_metrics(const GilState& g, const std::vector<std::uint32_t>& listed,
                                       const std::vector<trace::ThreadInfo>& infos,
                                       const TimeScale& scale,
                                       const std::vector<std::string>& labels,
                                       std::size_t blocked_limit) const {
  const std::uint64_t window_ticks = window_.end - window_.begin;
  GilMetrics out;
  GilSummary& sum = out.summary;
  std::map<std::string, Pool> roles;
  std::unordered_map<std::uint32_t, int> index;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const StreamState& s = *streams_.at(listed[i]);
    const ThreadGil* t = g.thread_or_null(listed[i]);
    Pool p;
    p.add(t, s);
    if (!infos[i].role.empty()) roles[infos[i].role].add(t, s);
    out.threads.push_back({infos[i], p.stats(scale, window_ticks), s.lost});
    sum.drop_requests += p.drop_requests;
    sum.forced_switches += p.forced;
    sum.malformed_events += s.malformed + (t ? t->malformed : 0);
    index[listed[i]] = int(i);
    for (const auto& [ts, id] : s.marks) {
      bool known = id < labels.size();
      out.marks.emplace_back(scale.ns_at(ts), known ? labels[id] : fmt::format("#{}", id));
      sum.malformed_events += known ? 0 : 1;
    }
  }
  for (const auto& [role, pool] : roles) out.roles[role] = pool.stats(scale, window_ticks);
  std::stable_sort(out.marks.begin(), out.marks.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.labels = labels;
  sum.window_ns = scale.ns_at(window_.end) - scale.ns_at(window_.begin);
  sum.held_ns = std::min(sum.window_ns, scale.ns_of(g.held_ticks));
  sum.free_ns = sum.window_ns - sum.held_ns;
  sum.utilisation = fraction(g.held_ticks, window_ticks);
  sum.acquires = g.acquires;
  sum.holder_changes = g.holder_changes;
  sum.overlapping_holds = g.overlapping;
  sum.handoff = scaled(g.handoff_h, scale);
  sum.handoff_voluntary = scaled(g.handoff_voluntary_h, scale);
  sum.handoff_forced = scaled(g.handoff_forced_h, scale);
  sum.achieved_interval = scaled(g.achieved_interval_h, scale);
  sum.mean_waiters = fraction(g.wait_ticks, window_ticks);
  sum.max_waiters = g.max_waiters;
  sum.malformed_events += g.malformed;
  // Who blocked whom, largest first; past the limit only the sum is kept (reports stay linear
  // in the number of threads).
  std::vector<BlockedPair> pairs;
  g.blocked.for_each([&](std::uint32_t w, std::uint32_t h, std::uint64_t ticks) {
    auto wi = index.find(w);
    auto hi = index.find(h);
    pairs.push_back({wi == index.end() ? -2 : wi->second,
                     h == kNobody ? -1 : (hi == index.end() ? -2 : hi->second),
                     scale.ns_of(ticks)});
  });
  std::sort(pairs.begin(), pairs.end(), [](const BlockedPair& a, const BlockedPair& b) {
    return std::tie(b.ns, a.waiter, a.holder) < std::tie(a.ns, b.waiter, b.holder);
  });
  out.blocked_pairs = pairs.size();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (blocked_limit == 0 || i < blocked_limit) {
      out.blocked[pairs[i].waiter][pairs[i].holder] = pairs[i].ns;
    } else {
      out.blocked_other_ns += pairs[i].ns;
    }
  }
  return out;
}

WindowMetrics StreamAnalyzer::close_window(std::uint64_t end, const TimeScale& scale,
                                           const InfoOf& info_of,
                                           const std::vector<std::string>& labels,
                                           std::size_t blocked_limit) {
  advance(end);
  gil(0);               // the main GIL is always reported, seen or not
  if (!window_.open) {  // closed without a begin: an empty window at its end
    window_.open = true;
    window_.begin = end;
  }
  window_.end = std::max(end, window_.begin);
  for (auto& g : gils_)
    if (g) g->close_window();
  for (auto& [id, s] : streams_)
    if (s->native.open) s->native_ticks += window_.clip(s->native.begin, window_.end);
  std::vector<std::uint32_t> listed = listed_streams();
  std::vector<trace::ThreadInfo> infos;
  infos.reserve(listed.size());
  for (std::uint32_t id : listed) infos.push_back(info_of(id));
  WindowMetrics out;
  for (std::uint32_t id : listed) out.lost += streams_.at(id)->lost;
  for (const auto& g : gils_) {
    out.gils.emplace_back();
    if (g) out.gils.back() = gil_metrics(*g, listed, infos, scale, labels, blocked_limit);
  }
  reset_window();
  return out;
}

void StreamAnalyzer::reset_window() {
  window_ = detail::OpenWindow{};
  for (auto& g : gils_)
    if (g) g->reset_figures();
  for (auto it = streams_.begin(); it != streams_.end();) {
    StreamState& s = *it->second;
    s.reset_figures();
    if (s.ended && !s.has_pending()) {
      for (auto& g : gils_)
        if (g) g->forget(it->first);
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace gilhost::analysis
