// compute_metrics: scans each thread once, then derives per-thread, per-role and whole-GIL
// figures (docs/metrics.md).
#include "analysis/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "analysis/off_cpu.hpp"
#include "analysis/spans.hpp"
#include "analysis/thread_scan.hpp"
#include "analysis/timeline.hpp"

namespace gilhost::analysis {
namespace {

using detail::Span;
using detail::ThreadScan;
using detail::Window;

// The raw material of a GilStats, kept apart so that roles can pool their threads' samples.
struct Samples {
  std::vector<std::uint64_t> hold, wait, handoff;
  std::uint64_t releases = 0, forced = 0, pending = 0, handshakes = 0, unclassified = 0;
  std::uint64_t drop_requests = 0, handoff_waits = 0, switched = 0;
  std::uint64_t native_sections = 0, native_ns = 0, held_ns = 0;
};

void add_holds(const std::vector<Span>& holds, const Window& window, Samples& out) {
  for (const Span& hold : holds) {
    if (detail::complete_inside(hold, window)) out.hold.push_back(hold.end - hold.begin);
    if (hold.switched && window.contains(hold.begin)) ++out.switched;
    out.held_ns += detail::clipped_ns(hold, window);
    if (!hold.end_seen || !window.contains(hold.end)) continue;
    ++out.releases;
    out.forced += hold.forced ? 1 : 0;
    out.pending += hold.request_pending ? 1 : 0;
    out.handshakes += hold.handshake ? 1 : 0;
    out.unclassified += hold.unclassified ? 1 : 0;
  }
}

// Complete samples go to `durations`; the number of spans that began inside the window is returned.
std::uint64_t add_spans(const std::vector<Span>& spans, const Window& window,
                        std::vector<std::uint64_t>& durations) {
  std::uint64_t begun = 0;
  for (const Span& span : spans) {
    if (detail::complete_inside(span, window)) durations.push_back(span.end - span.begin);
    begun += span.begin_seen && window.contains(span.begin) ? 1 : 0;
  }
  return begun;
}

Samples samples_of(const ThreadScan& scan, const Window& window) {
  Samples s;
  add_holds(scan.holds, window, s);
  add_spans(scan.waits, window, s.wait);
  s.handoff_waits = add_spans(scan.handoffs, window, s.handoff);
  std::vector<std::uint64_t> unused;
  s.native_sections = add_spans(scan.natives, window, unused);
  for (const Span& native : scan.natives) s.native_ns += detail::clipped_ns(native, window);
  s.drop_requests = scan.drop_requests;
  return s;
}

void pool(Samples& into, const Samples& from) {
  into.hold.insert(into.hold.end(), from.hold.begin(), from.hold.end());
  into.wait.insert(into.wait.end(), from.wait.begin(), from.wait.end());
  into.handoff.insert(into.handoff.end(), from.handoff.begin(), from.handoff.end());
  into.releases += from.releases;
  into.forced += from.forced;
  into.pending += from.pending;
  into.handshakes += from.handshakes;
  into.unclassified += from.unclassified;
  into.drop_requests += from.drop_requests;
  into.handoff_waits += from.handoff_waits;
  into.native_sections += from.native_sections;
  into.native_ns += from.native_ns;
  into.held_ns += from.held_ns;
}

GilStats stats_of(Samples s, std::uint64_t window_ns) {
  GilStats g;
  g.hold = distribution_of(std::move(s.hold));
  g.wait = distribution_of(std::move(s.wait));
  g.releases = s.releases;
  g.forced_releases = s.forced;
  g.request_pending_releases = s.pending;
  g.handshakes = s.handshakes;
  g.unclassified_releases = s.unclassified;
  g.drop_requests = s.drop_requests;
  g.handoff_waits = s.handoff_waits;
  g.handoff_wait = distribution_of(std::move(s.handoff));
  g.native_sections = s.native_sections;
  g.native_ns = s.native_ns;
  g.held_fraction = window_ns ? double(s.held_ns) / double(window_ns) : 0.0;
  return g;
}

void fill_threads(const trace::Recording& recording, const std::vector<ThreadScan>& scans,
                  const Window& window, GilMetrics& out) {
  std::map<std::string, Samples> roles;
  for (std::size_t t = 0; t < scans.size(); ++t) {
    const trace::ThreadEvents& thread = recording.threads[t];
    Samples samples = samples_of(scans[t], window);
    if (!thread.info.role.empty()) pool(roles[thread.info.role], samples);
    out.summary.drop_requests += samples.drop_requests;
    out.summary.forced_switches += samples.forced;
    out.summary.request_pending_releases += samples.pending;
    out.summary.voluntary_with_request += samples.pending - samples.forced;
    out.summary.handshakes += samples.handshakes;
    out.summary.thread_state_switches += samples.switched;
    out.summary.unclassified_releases += samples.unclassified;
    out.summary.malformed_events += scans[t].malformed;
    out.threads.push_back(
        {thread.info, stats_of(std::move(samples), window.length()), thread.lost});
  }
  for (auto& [role, samples] : roles)
    out.roles[role] = stats_of(std::move(samples), window.length());
}

// Marks of all threads by time; a label id outside the table is kept as "#<id>" and counted.
void fill_marks(const trace::Recording& recording, const std::vector<ThreadScan>& scans,
                GilMetrics& out) {
  for (const ThreadScan& scan : scans) {
    for (const auto& [ts, id] : scan.marks) {
      bool known = id < recording.labels.size();
      out.marks.emplace_back(ts, known ? recording.labels[id] : fmt::format("#{}", id));
      out.summary.malformed_events += known ? 0 : 1;
    }
  }
  std::stable_sort(out.marks.begin(), out.marks.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

// A hold still open at the window's end has no release to read switch_number from; for the main
// GIL the Recording's end value serves (nobody else can change it while the hold lasts).
void close_open_switches(std::vector<ThreadScan>& scans, std::uint64_t sn_end) {
  for (ThreadScan& scan : scans) {
    for (Span& hold : scan.holds) {
      if (!hold.end_seen && hold.begin_seen)
        hold.switched = std::uint32_t(sn_end) != hold.sn_acquire;
    }
  }
}

}  // namespace

GilMetrics compute_gil_metrics(const trace::Recording& recording, std::uint8_t gil) {
  Window window = detail::window_of(recording);
  // Forced / voluntary / request pending come from each release's own flags (scan_thread).
  std::vector<ThreadScan> scans;
  scans.reserve(recording.threads.size());
  for (const trace::ThreadEvents& thread : recording.threads) {
    scans.push_back(detail::scan_thread(thread.events, gil, window));
  }
  if (gil == 0) close_open_switches(scans, recording.switch_number_end);
  GilMetrics out;
  out.labels = recording.labels;
  fill_threads(recording, scans, window, out);
  out.blocked = detail::fill_hold_figures(scans, window, out.summary);
  detail::fill_off_cpu(recording, scans, window, out);
  detail::fill_switch_figures(scans, window, out.summary);
  fill_marks(recording, scans, out);
  out.summary.configured_interval_ns = recording.interval_us * 1000;
  // The recording's switch numbers are read from the main GIL only; wrap-around safe.
  if (gil == 0) out.summary.census = recording.census;
  out.summary.switch_number_read = gil == 0;
  out.summary.drop_request_read = recording.drop_request_read;
  if (gil == 0)
    out.summary.switch_number_delta = recording.switch_number_end - recording.switch_number_begin;
  out.summary.lost_events = recording.lost_total;
  return out;
}

GilMetrics compute_metrics(const trace::Recording& recording) {
  return compute_gil_metrics(recording, 0);
}

}  // namespace gilhost::analysis
