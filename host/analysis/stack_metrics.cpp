// stack_metrics (stack_metrics.hpp).
#include "analysis/stack_metrics.hpp"

#include <algorithm>
#include <tuple>

namespace gilhost::analysis::detail {

Histogram scaled_histogram(const Histogram& ticks, const TimeScale& scale) {
  if (scale.ns_per_tick == 1.0) return ticks;
  Histogram out;
  ticks.for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
    out.record_n(scale.ns_of(lo + (hi - lo) / 2), n);
  });
  return out;
}

namespace {

void figures(const std::unordered_map<std::uint64_t, StackFigure>& m,
             const std::unordered_map<std::uint32_t, int>& index, const TimeScale& scale,
             std::vector<StackTime>& out) {
  for (const auto& [key, f] : m) {
    auto it = index.find(std::uint32_t(key >> 32));
    if (it == index.end() || (f.ticks == 0 && f.count == 0)) continue;
    out.push_back({it->second, std::uint32_t(key), scale.ns_of(f.ticks), f.count,
                   scaled_histogram(f.pieces, scale)});
  }
  std::sort(out.begin(), out.end(), [](const StackTime& a, const StackTime& b) {
    return std::tie(a.thread, a.stack) < std::tie(b.thread, b.stack);
  });
}

}  // namespace

void stack_metrics(const GilState& g, const std::unordered_map<std::uint32_t, int>& index,
                   const TimeScale& scale, GilMetrics& out) {
  figures(g.hold_stacks, index, scale, out.hold_stacks);
  figures(g.wait_stacks, index, scale, out.wait_stacks);
  for (const auto& [k, ticks] : g.blocked_code) {
    auto w = index.find(k.waiter);
    if (w == index.end() || ticks == 0) continue;
    auto h = index.find(k.holder);
    const int holder = k.holder == kNobody ? -1 : (h == index.end() ? -2 : h->second);
    out.blocked_code.push_back(
        {w->second, k.waiter_stack, holder, k.holder_stack, scale.ns_of(ticks)});
  }
  std::sort(out.blocked_code.begin(), out.blocked_code.end(),
            [](const BlockedCode& a, const BlockedCode& b) {
              return std::tie(b.ns, a.waiter, a.waiter_stack, a.holder, a.holder_stack) <
                     std::tie(a.ns, b.waiter, b.waiter_stack, b.holder, b.holder_stack);
            });
}

}  // namespace gilhost::analysis::detail
