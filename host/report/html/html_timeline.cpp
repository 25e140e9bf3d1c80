// html_timeline: a recording's spans for the page's timeline, exact up to a budget, then as the
// share of time each thread spent in each state per bin.
#include <algorithm>
#include <string_view>

#include "report/html/html_data.hpp"

namespace gilhost::report::detail {
namespace {

// Coverage cells (bins × kinds × threads) per recording: about 1 byte each in the page.
constexpr std::size_t kCoverageCells = 1'500'000;
constexpr std::size_t kMaxBins = 20'000;
constexpr std::size_t kMinBins = 1'000;
// One character per bin: the share of the bin covered, in 64 levels. None of these characters
// needs escaping in JSON or HTML.
constexpr std::string_view kLevels =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

// Every span that begins before the returned time is embedded: all of them when they fit the
// budget, else the earliest `budget` in time order (as the Chrome trace keeps its beginning).
std::uint64_t detail_end(const RecordingSpans& spans, std::size_t budget) {
  std::vector<std::uint64_t> begins;
  for (const ThreadSpans& t : spans.threads) {
    for (const std::vector<Interval>* list : {&t.holds, &t.waits, &t.natives})
      for (const Interval& s : *list) begins.push_back(s.begin);
  }
  if (begins.size() <= budget) return UINT64_MAX;
  auto nth = begins.begin() + std::ptrdiff_t(budget);
  std::nth_element(begins.begin(), nth, begins.end());
  return *nth;
}

std::vector<Interval> before(const std::vector<Interval>& spans, std::uint64_t end) {
  std::vector<Interval> out;
  for (const Interval& s : spans)
    if (s.begin < end) out.push_back(s);
  return out;
}

// [gap, length, gap, length, ...] in ns, each gap from the end of the previous span (the first
// from the window begin): small integers, so the blob stays compact.
HtmlJson pairs(const std::vector<Interval>& spans, std::uint64_t origin) {
  HtmlJson out = HtmlJson::array();
  std::int64_t last = 0;
  for (const Interval& s : spans) {
    std::int64_t begin = std::int64_t(s.begin - origin), end = std::int64_t(s.end - origin);
    out.push_back(begin - last);
    out.push_back(end - begin);
    last = end;
  }
  return out;
}

struct Bins {
  std::uint64_t origin = 0, window = 0, width = 0;
  std::size_t count = 0;
};

// The share of each bin the spans cover; a bin touched at all shows at least the first level.
std::string coverage(const std::vector<Interval>& spans, const Bins& bins) {
  std::vector<std::uint64_t> covered(bins.count, 0);
  for (const Interval& s : spans) {
    std::uint64_t b = s.begin - bins.origin, e = s.end - bins.origin;
    for (std::size_t i = std::size_t(b / bins.width); i < bins.count && i * bins.width < e; ++i) {
      std::uint64_t lo = std::max(b, i * bins.width), hi = std::min(e, (i + 1) * bins.width);
      covered[i] += hi > lo ? hi - lo : 0;
    }
  }
  std::string out(bins.count, kLevels[0]);
  for (std::size_t i = 0; i < bins.count; ++i) {
    std::uint64_t len = std::min(bins.window, (i + 1) * bins.width) - i * bins.width;
    if (covered[i] == 0 || len == 0) continue;
    std::size_t level = std::size_t(double(covered[i]) / double(len) * 63.0 + 0.999);
    out[i] = kLevels[std::clamp<std::size_t>(level, 1, 63)];
  }
  return out;
}

Bins bins_for(const RecordingSpans& spans) {
  Bins b;
  b.origin = spans.window_begin;
  b.window = std::max<std::uint64_t>(1, spans.window_end - spans.window_begin);
  std::size_t threads = std::max<std::size_t>(1, spans.threads.size());
  std::size_t count = std::clamp(kCoverageCells / (3 * threads), kMinBins, kMaxBins);
  b.width = std::max<std::uint64_t>(1, (b.window + count - 1) / count);
  b.count = std::size_t((b.window + b.width - 1) / b.width);
  return b;
}

HtmlJson thread_timeline(const trace::ThreadEvents& thread, const ThreadSpans& t,
                         const RecordingSpans& spans, std::uint64_t end, const Bins* bins) {
  const trace::ThreadInfo& info = thread.info;
  std::uint64_t origin = spans.window_begin;
  std::vector<Interval> natives = before(t.natives, end);
  HtmlJson kernels = HtmlJson::array(), forced = HtmlJson::array(), marks = HtmlJson::array();
  HtmlJson drops = HtmlJson::array();
  for (const Interval& n : natives) kernels.push_back(n.aux);
  for (const Interval& h : t.holds)
    if (h.forced && h.release_seen && h.begin < end) forced.push_back(h.end - origin);
  for (const Instant& m : t.marks)
    if (m.ts < end) marks.push_back({m.ts - origin, m.aux});
  for (const Instant& d : t.drops)
    if (d.ts < end) drops.push_back(d.ts - origin);
  HtmlJson out = {{"name", thread_display_name(info)},
                  {"role", info.role},
                  {"holds", pairs(before(t.holds, end), origin)},
                  {"waits", pairs(before(t.waits, end), origin)},
                  {"natives", pairs(natives, origin)},
                  {"native_kernels", std::move(kernels)},
                  {"forced", std::move(forced)},
                  {"drops", std::move(drops)},
                  {"handoffs", pairs(before(t.handoffs, end), origin)},
                  {"marks", std::move(marks)},
                  {"lost", thread.lost},  // events this thread's full buffer dropped
                  {"coverage", nullptr}};
  // The Python stack of each hold (at its release) and wait (at its request), aligned with
  // `holds` / `waits`; ids of the page's `stack_texts` (0: not known).
  if (std::any_of(t.holds.begin(), t.holds.end(), [](const Interval& h) { return h.stack; }) ||
      std::any_of(t.waits.begin(), t.waits.end(), [](const Interval& w) { return w.stack; })) {
    HtmlJson hs = HtmlJson::array(), ws = HtmlJson::array();
    for (const Interval& h : before(t.holds, end)) hs.push_back(h.stack);
    for (const Interval& w : before(t.waits, end)) ws.push_back(w.stack);
    out["hold_stacks"] = std::move(hs);
    out["wait_stacks"] = std::move(ws);
  }
  if (bins) {
    out["coverage"] = {{"holds", coverage(t.holds, *bins)},
                       {"waits", coverage(t.waits, *bins)},
                       {"natives", coverage(t.natives, *bins)}};
  }
  return out;
}

// [waiter, request, holder, release] per drop request that forced another thread's release,
// thread indices as in "threads" and times from the window begin: the page's arrows.
HtmlJson forcings_json(const RecordingSpans& spans, std::uint64_t end) {
  HtmlJson out = HtmlJson::array();
  for (const Forcing& f : spans.forcings) {
    const Interval& hold = spans.threads[f.holder].holds[f.hold];
    if (f.request_ts >= end || hold.begin >= end) continue;
    out.push_back(
        {f.waiter, f.request_ts - spans.window_begin, f.holder, hold.end - spans.window_begin});
  }
  return out;
}

}  // namespace

HtmlJson html_timeline(const trace::Recording& recording, const RecordingSpans& spans,
                       std::size_t span_budget) {
  std::uint64_t end = detail_end(spans, span_budget);
  bool cut = end != UINT64_MAX;
  Bins bins = bins_for(spans);
  HtmlJson threads = HtmlJson::array();
  for (std::size_t t = 0; t < spans.threads.size(); ++t) {
    threads.push_back(
        thread_timeline(recording.threads[t], spans.threads[t], spans, end, cut ? &bins : nullptr));
  }
  std::uint64_t window = spans.window_end - spans.window_begin;
  return {{"window_ns", window},
          {"detail_end_ns", cut ? std::min(end - spans.window_begin, window) : window},
          {"bin_ns", cut ? bins.width : 0},
          {"levels", kLevels},
          {"labels", recording.labels},
          {"kernels", recording.kernels},
          {"threads", std::move(threads)},
          {"forcings", forcings_json(spans, end)}};
}

}  // namespace gilhost::report::detail
