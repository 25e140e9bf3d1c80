// The streaming analysis behind a record::Sink: what the tracer's collector feeds during a run
// and what a recording replays afterwards, through the same calls (record/journal.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/stack_table.hpp"
#include "analysis/stream.hpp"
#include "record/journal.hpp"
#include "trace/event.hpp"

namespace gilhost::analysis {

// gil_registered's stream for a GIL nobody holds yet (one the script's interpreter created).
inline constexpr std::uint32_t kNoHolder = ~std::uint32_t(0);

// One closed measured window: its context and, when kept, raw events (`recording`), and the
// figures of every GIL (`metrics`).
struct WindowResult {
  trace::Recording recording;
  WindowMetrics metrics;
};

// What the analysis needs to close a window beyond its end, given in a context("close", …)
// record just before close_window. Kept in the recording, so a replay closes identically.
struct CloseParams {
  std::uint64_t begin_ticks = 0;
  TimeScale scale;
  std::size_t blocked_limit = kBlockedPairsListed;
  std::optional<std::uint64_t> main_sn_end;  // main GIL's switch_number at the end
  std::uint64_t unslotted_lost = 0;          // events of threads without a ring
  std::vector<trace::GilEntry> gils;         // registrations overlapping the window (ticks)
  std::vector<std::string> kernels;          // native kernel names, by id
};
std::string encode(const CloseParams& p);
CloseParams decode_close(std::string_view bytes);  // throws std::runtime_error

// The most raw events a window keeps for the timeline reports (--trace, --html): 8 Mi events,
// 128 MiB (about 0.7 s of the fastest two workers); the timelines then stop at the first event
// not kept and say so (the figures, computed as the events pass, are never cut). --events keeps
// all of them.
inline constexpr std::size_t kRawEventsDrawn = std::size_t(8) << 20;

class AnalysisSink final : public record::Sink {
 public:
  // `keep_raw`: also gather each window's raw events into WindowResult::recording (for the
  // timeline reports), at most `raw_limit` per window; otherwise only the figures are computed,
  // in fixed memory.
  explicit AnalysisSink(bool keep_raw = false, std::size_t raw_limit = kRawEventsDrawn)
      : keep_raw_(keep_raw), raw_limit_(raw_limit) {}

  void add_events(std::uint32_t stream, const trace::Event* events, std::size_t n) override;
  void add_lost(std::uint32_t stream, std::uint64_t n) override;
  void declare(std::uint32_t stream) override { analyzer_.declare(stream); }
  void end_stream(std::uint32_t stream) override;
  void thread_info(std::uint32_t stream, const trace::ThreadInfo& info) override;
  void label(std::uint32_t id, std::string_view text) override;
  void gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) override;
  // `s.tid` carries the stream (the tracer maps thread ids to streams before recording).
  void sched_sample(const trace::SchedSample& s) override;
  void begin_window(std::uint64_t ts) override { analyzer_.begin_window(ts); }
  void advance(std::uint64_t watermark) override { analyzer_.advance(watermark); }
  void close_window(std::uint64_t end) override;
  // "close" is the analysis's own; every other key goes to `on_context`.
  void context(std::string_view key, std::string_view bytes) override;

  // The result of the latest close_window (moved out).
  WindowResult take_window() { return std::move(last_); }
  std::function<void(std::string_view key, std::string_view bytes)> on_context;
  std::function<void()> on_close;  // after each close_window, with take_window() ready

  const StreamAnalyzer& analyzer() const { return analyzer_; }
  // Every stack and location the inputs defined so far (context "stacks").
  const StackTable& stacks() const { return stacks_; }
  std::uint64_t windows() const { return windows_; }

 private:
  trace::ThreadInfo info_of(std::uint32_t stream) const;
  void cut_raw(std::uint64_t end, trace::Recording& rec);

  StreamAnalyzer analyzer_;
  bool keep_raw_;
  std::size_t raw_limit_;
  std::size_t raw_kept_ = 0;                   // raw events held now
  std::uint64_t raw_cut_ = ~std::uint64_t(0);  // ticks: events from here on are not kept
  std::uint64_t raw_not_kept_ = 0;
  std::unordered_map<std::uint32_t, trace::ThreadInfo> infos_;
  std::vector<std::string> labels_;
  std::vector<std::uint32_t> ended_;  // ended streams whose identity is still kept
  CloseParams params_;
  struct Raw {
    std::vector<trace::Event> events;
    std::uint64_t lost = 0;
    bool ended = false;
  };
  std::map<std::uint32_t, Raw> raw_;  // by stream: a recording's threads come in stream order
  WindowResult last_;
  StackTable stacks_;
  std::uint64_t windows_ = 0;
};

}  // namespace gilhost::analysis
