// compute_metrics: a finished Recording through the streaming analysis, in one window.
#include "analysis/metrics.hpp"

#include <unordered_map>

#include "analysis/stream.hpp"

namespace gilhost::analysis {

GilMetrics compute_gil_metrics(const trace::Recording& recording, std::uint8_t gil,
                               std::size_t blocked_limit) {
  StreamAnalyzer analyzer;
  analyzer.begin_window(recording.window_begin_ns);
  std::unordered_map<int, std::uint32_t> stream_of_tid;
  for (std::size_t t = 0; t < recording.threads.size(); ++t) {
    const trace::ThreadEvents& thread = recording.threads[t];
    analyzer.declare(std::uint32_t(t));
    analyzer.add_events(std::uint32_t(t), thread.events.data(), thread.events.size());
    analyzer.add_lost(std::uint32_t(t), thread.lost);
    stream_of_tid.emplace(thread.info.tid, std::uint32_t(t));
  }
  for (const trace::SchedSample& s : recording.sched) {
    if (auto it = stream_of_tid.find(s.tid); it != stream_of_tid.end())
      analyzer.sched_sample(it->second, s.ts_ns, s.run_delay_ns);
  }
  const std::uint64_t end = std::max(recording.window_begin_ns, recording.window_end_ns);
  WindowMetrics w = analyzer.close_window(
      end, TimeScale{}, [&](std::uint32_t t) { return recording.threads[t].info; },
      recording.labels, blocked_limit, recording.switch_number_end);
  return gil_metrics_of(w, gil, recording);
}

GilMetrics gil_metrics_of(const WindowMetrics& w, std::uint8_t gil,
                          const trace::Recording& context) {
  const bool seen = gil < w.gils.size() && w.gils[gil];
  GilMetrics out = seen ? *w.gils[gil] : *w.gils.at(0);
  if (!seen) {
    // A GIL without one event: every figure of it is zero, the threads are still listed.
    for (ThreadMetrics& t : out.threads) {
      const std::uint64_t native_sections = t.gil.native_sections, native_ns = t.gil.native_ns;
      t.gil = GilStats{};
      t.gil.native_sections = native_sections;
      t.gil.native_ns = native_ns;
    }
    GilSummary empty;
    empty.window_ns = out.summary.window_ns;
    empty.free_ns = empty.window_ns;
    empty.sched_sampled = out.summary.sched_sampled;
    out.summary = empty;
    out.roles.clear();
    out.blocked.clear();
    out.blocked_pairs = out.blocked_other_ns = 0;
  }
  out.summary.configured_interval_ns = context.interval_us * 1000;
  // The recording's switch numbers are read from the main GIL only; wrap-around safe.
  out.summary.switch_number_read = gil == 0;
  out.summary.drop_request_read = context.drop_request_read;
  if (gil == 0) {
    out.summary.census = context.census;
    out.summary.switch_number_delta = context.switch_number_end - context.switch_number_begin;
  }
  out.summary.lost_events = context.lost_total;
  return out;
}

GilMetrics compute_metrics(const trace::Recording& recording, std::size_t blocked_limit) {
  return compute_gil_metrics(recording, 0, blocked_limit);
}

}  // namespace gilhost::analysis
