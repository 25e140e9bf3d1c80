// The streaming analysis: events in, GIL metrics out, in memory that does not grow with the run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/metrics.hpp"
#include "analysis/stream_state.hpp"
#include "trace/event.hpp"

namespace gilhost::analysis {

// From the tracer's timestamps (ticks) to CLOCK_MONOTONIC ns, for the figures a window reports.
// The identity for recordings whose timestamps are already ns.
struct TimeScale {
  std::uint64_t ticks0 = 0;
  std::uint64_t ns0 = 0;
  double ns_per_tick = 1.0;
  std::uint64_t ns_at(std::uint64_t ticks) const;
  std::uint64_t ns_of(std::uint64_t duration_ticks) const;
};

// The figures of one closed window: one GilMetrics per GIL that had a state (index = tracer GIL
// index; GILs never seen are empty optionals), plus the identity of every listed thread.
struct WindowMetrics {
  std::vector<std::optional<GilMetrics>> gils;
  std::uint64_t lost = 0;  // events of listed threads lost in their rings
};

// Events arrive per stream (one OS thread's events, in the order it recorded them), in batches,
// from any mix of streams; advance(w) processes every event stamped <= w in one global order
// (timestamp, then a rank that puts drop requests before releases before acquires at the same
// instant, then stream). Windows and GIL registrations are markers placed in that same order.
// Memory: the events not yet processed, one state per live stream and GIL, fixed-size histograms
// and a sparse who-blocked-whom map per window.
//
// An event stamped before one already processed (it reached its ring late) is processed at the
// time already reached and counted in malformed_events: never dropped silently.
class StreamAnalyzer {
 public:
  StreamAnalyzer();
  ~StreamAnalyzer();
  StreamAnalyzer(const StreamAnalyzer&) = delete;
  StreamAnalyzer& operator=(const StreamAnalyzer&) = delete;

  void add_events(std::uint32_t stream, const trace::Event* events, std::size_t n);
  void add_lost(std::uint32_t stream, std::uint64_t n);
  // Lists the stream in the current window's threads even without an event there.
  void declare(std::uint32_t stream);
  // The stream's thread exited: its state goes once its events are processed and reported.
  void end_stream(std::uint32_t stream);
  // GIL `gil` was registered at `ts` by `stream`: a new GIL, fresh state. `holder`: the stream
  // holds it from there (else nobody does until its first acquire).
  void gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts, bool holder);
  // The stream's thread had `delay_ns` of run-queue delay in total at `ts` (schedstat).
  void sched_sample(std::uint32_t stream, std::uint64_t ts, std::uint64_t delay_ns);
  void begin_window(std::uint64_t ts);
  void advance(std::uint64_t watermark);
  // Processes everything stamped <= end and closes the window. `info_of` names a stream;
  // `labels` resolve marks. Pairs of who-blocked-whom beyond `blocked_limit` (0 = all) are
  // summed into GilMetrics::blocked_other_ns instead of being listed. `main_sn_end`: the main
  // GIL's switch_number at `end`, for holds still open then. Each stream's first sample after
  // `end` (taken to cover it) is applied to this window's holds too.
  using InfoOf = std::function<trace::ThreadInfo(std::uint32_t stream)>;
  WindowMetrics close_window(std::uint64_t end, const TimeScale& scale, const InfoOf& info_of,
                             const std::vector<std::string>& labels, std::size_t blocked_limit,
                             std::optional<std::uint64_t> main_sn_end = std::nullopt);
  std::size_t pending_events() const { return pending_; }
  bool has_stream(std::uint32_t stream) const { return streams_.count(stream) != 0; }

 private:
  enum MarkerType { kWindowBegin, kGilHeld, kGilCreated, kSchedSample };
  struct Marker {
    std::uint64_t ts;
    int type;
    std::uint8_t gil;
    std::uint32_t stream;
    std::uint64_t delay_ns;  // kSchedSample
  };
  // Streams with unprocessed events, keyed by their first one.
  struct Head {
    std::uint64_t ts;
    int rank;
    std::uint32_t stream;
    bool operator>(const Head& o) const;
  };
  detail::StreamState& stream(std::uint32_t id);
  detail::GilState& gil(std::uint8_t index);
  void add_marker(const Marker& m);
  void process_marker(const Marker& m);
  void apply_sample(detail::StreamState& s, std::uint64_t ts, std::uint64_t delay_ns);
  void process_event(detail::StreamState& s, const trace::Event& e);
  void process_native(detail::StreamState& s, bool begin, std::uint64_t ts);
  std::vector<std::uint32_t> listed_streams();
  GilMetrics gil_metrics(const detail::GilState& g, const std::vector<std::uint32_t>& listed,
                         const std::vector<trace::ThreadInfo>& infos, const TimeScale& scale,
                         const std::vector<std::string>& labels, std::size_t blocked_limit) const;
  void reset_window();

  std::unordered_map<std::uint32_t, std::unique_ptr<detail::StreamState>> streams_;
  std::vector<std::unique_ptr<detail::GilState>> gils_;
  std::vector<Marker> markers_;  // sorted by ts
  std::size_t marker_head_ = 0;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads_;
  std::uint64_t now_ = 0;  // the latest timestamp processed
  std::size_t pending_ = 0;
  bool sampled_ = false;      // a schedstat sample was ever given
  bool stacks_seen_ = false;  // a kStack was ever processed: stacks are read
  detail::OpenWindow window_;
};

// The figures of GIL `gil` from a closed window, completed from the recording's context
// (configured interval, switch_number delta for the main GIL, events lost). A GIL without
// a state gets zero figures over the listed threads.
GilMetrics gil_metrics_of(const WindowMetrics& w, std::uint8_t gil,
                          const trace::Recording& context);

// Order of events at the same instant between threads (lower first).
int event_rank(trace::EventKind kind);

}  // namespace gilhost::analysis
