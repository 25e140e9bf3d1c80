// StreamAnalyzer::close_window: a window's figures, from the states the events left behind.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "analysis/stack_metrics.hpp"
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

// A histogram already in ns (run-queue delays).
Distribution scaled_ns(const Histogram& h) { return scaled(h, TimeScale{}); }

double fraction(std::uint64_t part, std::uint64_t whole) {
  return whole ? double(part) / double(whole) : 0.0;
}

// A thread's or a role's figures, in ticks, before scaling: roles pool their threads' here.
struct Pool {
  Histogram hold, wait, handoff, hold_off_cpu;
  std::uint64_t releases = 0, forced = 0, pending = 0, handshakes = 0, unclassified = 0;
  std::uint64_t drop_requests = 0, handoff_waits = 0, switched = 0;
  std::uint64_t native_sections = 0, native_ticks = 0, held_ticks = 0;
  double off_cpu_ns = 0;
  bool unsampled_holder = false;  // held the GIL, but no sample interval covered the window

  void add(const ThreadGil* t, const StreamState& s) {
    native_sections += s.native_sections;
    native_ticks += s.native_ticks;
    if (t == nullptr) return;
    hold.merge(t->hold_h);
    wait.merge(t->wait_h);
    handoff.merge(t->handoff_h);
    hold_off_cpu.merge(t->hold_off_cpu_h);
    releases += t->releases;
    forced += t->forced;
    pending += t->pending;
    handshakes += t->handshakes;
    unclassified += t->unclassified;
    drop_requests += t->drop_requests;
    handoff_waits += t->handoff_waits;
    switched += t->switched;
    held_ticks += t->held_ticks;
    off_cpu_ns += t->off_cpu_ns;
    unsampled_holder = unsampled_holder || (t->held_ticks > 0 && !t->sched_covered);
  }

  GilStats stats(const TimeScale& scale, std::uint64_t window_ticks) const {
    GilStats g;
    g.hold = scaled(hold, scale);
    g.wait = scaled(wait, scale);
    g.handoff_wait = scaled(handoff, scale);
    g.releases = releases;
    g.forced_releases = forced;
    g.request_pending_releases = pending;
    g.handshakes = handshakes;
    g.unclassified_releases = unclassified;
    g.held_off_cpu_ns = std::uint64_t(off_cpu_ns + 0.5);
    g.hold_off_cpu = hold_off_cpu.count() ? scaled_ns(hold_off_cpu) : Distribution{};
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
  std::vector<std::uint32_t> used_labels;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const StreamState& s = *streams_.at(listed[i]);
    const ThreadGil* t = g.thread_or_null(listed[i]);
    Pool p;
    p.add(t, s);
    if (!infos[i].role.empty()) roles[infos[i].role].add(t, s);
    out.threads.push_back({infos[i], p.stats(scale, window_ticks), s.lost});
    sum.drop_requests += p.drop_requests;
    sum.forced_switches += p.forced;
    sum.request_pending_releases += p.pending;
    sum.voluntary_with_request += p.pending - p.forced;
    sum.handshakes += p.handshakes;
    sum.unclassified_releases += p.unclassified;
    sum.thread_state_switches += p.switched;
    if (p.unsampled_holder) {
      ++sum.threads_without_sched;
    } else {
      sum.held_off_cpu_ns += std::uint64_t(p.off_cpu_ns + 0.5);
    }
    sum.malformed_events += s.malformed + (t ? t->malformed : 0);
    index[listed[i]] = int(i);
    for (const auto& [ts, id] : s.marks) {
      bool known = id < labels.size();
      if (known) used_labels.push_back(id);
      out.marks.emplace_back(scale.ns_at(ts), known ? labels[id] : fmt::format("#{}", id));
      sum.malformed_events += known ? 0 : 1;
    }
  }
  for (const auto& [role, pool] : roles) out.roles[role] = pool.stats(scale, window_ticks);
  std::stable_sort(out.marks.begin(), out.marks.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // The labels this window's marks use, in the order they were made (not every label ever
  // made: run 200 of --runs 200 carries its own).
  std::sort(used_labels.begin(), used_labels.end());
  used_labels.erase(std::unique(used_labels.begin(), used_labels.end()), used_labels.end());
  for (std::uint32_t id : used_labels) out.labels.push_back(labels[id]);
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
  sum.sched_sampled = sampled_;
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
  // The listed pairs are the largest (ties by waiter, holder): only they need sorting, the rest
  // only summing (838,930 pairs with 4096 threads).
  auto larger = [](const BlockedPair& a, const BlockedPair& b) {
    return std::tie(b.ns, a.waiter, a.holder) < std::tie(a.ns, b.waiter, b.holder);
  };
  if (blocked_limit != 0 && blocked_limit < pairs.size()) {
    std::nth_element(pairs.begin(), pairs.begin() + std::ptrdiff_t(blocked_limit), pairs.end(),
                     larger);
    std::sort(pairs.begin(), pairs.begin() + std::ptrdiff_t(blocked_limit), larger);
  } else {
    std::sort(pairs.begin(), pairs.end(), larger);
  }
  out.blocked_pairs = pairs.size();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (blocked_limit == 0 || i < blocked_limit) {
      out.blocked[pairs[i].waiter][pairs[i].holder] = pairs[i].ns;
    } else {
      out.blocked_other_ns += pairs[i].ns;
    }
  }
  if (stacks_seen_) detail::stack_metrics(g, index, scale, out);
  return out;
}

WindowMetrics StreamAnalyzer::close_window(std::uint64_t end, const TimeScale& scale,
                                           const InfoOf& info_of,
                                           const std::vector<std::string>& labels,
                                           std::size_t blocked_limit,
                                           std::optional<std::uint64_t> main_sn_end) {
  advance(end);
  gil(0);               // the main GIL is always reported, seen or not
  if (!window_.open) {  // closed without a begin: an empty window at its end
    window_.open = true;
    window_.begin = end;
  }
  window_.end = std::max(end, window_.begin);
  // The tracer samples every thread once more just after `end`: each stream's first sample past
  // the end closes the last interval of this window (clipped to it), and is processed again,
  // in order, for the next window.
  std::unordered_map<std::uint32_t, bool> peeked;
  for (std::size_t i = marker_head_; i < markers_.size(); ++i) {
    const Marker& m = markers_[i];
    if (m.type != kSchedSample || !peeked.emplace(m.stream, true).second) continue;
    if (auto it = streams_.find(m.stream); it != streams_.end())
      apply_sample(*it->second, m.ts, m.delay_ns);
  }
  for (std::size_t i = 0; i < gils_.size(); ++i)
    if (gils_[i]) gils_[i]->close_window(i == 0 ? main_sn_end : std::nullopt);
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
