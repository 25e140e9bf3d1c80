// render_chrome_trace: collects the events of every recording, applies the limit, writes JSON.
#include "report/trace/chrome_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "report/stacks/stack_views.hpp"
#include "report/trace/chrome_trace_events.hpp"
#include "report/trace_spans.hpp"

namespace gilhost::report {
namespace {

using detail::TraceBuild;
using detail::TraceEvent;
using detail::TraceKind;
using Out = std::string;  // appended to in place and moved out: a big trace is copied once

// What the limit removed: the trace holds every event that begins before `at_ns`.
struct Cut {
  bool truncated = false;
  std::uint64_t at_ns = 0;
  std::size_t omitted = 0;
  int pid = 0, tid = 0;  // where the first omitted event was
};

// Names may come from Python (thread names, labels): invalid UTF-8 is replaced, never thrown on.
std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TraceBuild collect(const Report& r) {
  TraceBuild b;
  if (has_stacks(r)) b.stacks = &r.stacks;
  for (const ConfigResult& c : r.configs) {
    for (std::size_t i = 0; i < c.runs.size(); ++i) {
      const RunRecord& run = c.runs[i];
      if (!run.recording) continue;
      std::string name = fmt::format("{} · run {}", cli::format_workers(c.workers), i + 1);
      if (run.sub_gils.empty()) {
        detail::add_recording(b, *run.recording, name);
        continue;
      }
      // One process per interpreter: the main GIL's threads, then each sub-interpreter's.
      detail::add_recording(b, detail::recording_of_gil(*run.recording, 0), name + " · main GIL");
      for (const GilRecord& sub : run.sub_gils) {
        std::uint8_t g = std::uint8_t(sub.gil);
        detail::add_recording(b, detail::recording_of_gil(*run.recording, g),
                              name + " · GIL of " + sub.interpreter, g);
      }
    }
  }
  if (r.script_recording)
    detail::add_recording(b, *r.script_recording, "script " + r.context.script);
  return b;
}

std::uint64_t time_origin(const Report& r) {
  std::uint64_t origin = UINT64_MAX;
  for (const ConfigResult& c : r.configs) {
    for (const RunRecord& run : c.runs)
      if (run.recording) origin = std::min(origin, run.recording->window_begin_ns);
  }
  if (r.script_recording) origin = std::min(origin, r.script_recording->window_begin_ns);
  return origin == UINT64_MAX ? 0 : origin;
}

// Keeps the events that begin before the first event past the budget (one event is kept back for
// the cut note), ends the slices open at that time there, and drops half-kept arrows.
Cut apply_limit(std::vector<TraceEvent>& events, std::size_t max_events) {
  Cut cut;
  if (max_events == 0 || events.size() <= max_events) return cut;
  const TraceEvent& first_cut = events[max_events - 1];
  cut = {true, first_cut.ts, 0, first_cut.pid, first_cut.tid};
  std::size_t total = events.size();
  auto past = std::find_if(events.begin(), events.end(),
                           [&](const TraceEvent& e) { return e.ts >= cut.at_ns; });
  events.erase(past, events.end());
  std::map<std::uint64_t, int> flow_ends;  // id -> number of its events kept (2 = whole arrow)
  for (const TraceEvent& e : events) {
    if (e.kind == TraceKind::kFlowStart || e.kind == TraceKind::kFlowEnd) ++flow_ends[e.a];
  }
  std::erase_if(events, [&](const TraceEvent& e) {
    bool flow = e.kind == TraceKind::kFlowStart || e.kind == TraceKind::kFlowEnd;
    return flow && flow_ends[e.a] != 2;
  });
  for (TraceEvent& e : events) e.dur = std::min(e.dur, cut.at_ns - e.ts);
  cut.omitted = total - events.size();
  return cut;
}

bool is_slice(TraceKind k) { return k <= TraceKind::kNative; }

// Slices on one track must nest. The analysis guarantees it for well-formed streams; a slice of
// a malformed one that would overlap its parent partially is ended at the parent's end.
void enforce_nesting(std::vector<TraceEvent>& events) {
  std::map<int, std::vector<std::uint64_t>> open_ends;  // tid -> ends of the enclosing slices
  for (TraceEvent& e : events) {
    if (!is_slice(e.kind)) continue;
    std::vector<std::uint64_t>& stack = open_ends[e.tid];
    while (!stack.empty() && stack.back() <= e.ts) stack.pop_back();
    if (!stack.empty()) e.dur = std::min(e.dur, stack.back() - e.ts);
    stack.push_back(e.ts + e.dur);
  }
}

// Writes events straight into one buffer: a recording can give millions, so no per-event
// strings. Times are exact decimal µs from integer ns, never rounded through a double.
class Writer {
 public:
  Writer(const TraceBuild& b, std::uint64_t origin) : origin_(origin) {
    for (const std::string& name : b.names) names_.push_back(json_string(name));
    out_.append(std::string_view("{\"traceEvents\":[\n"));
  }

  void metadata(const detail::TrackInfo& t, const char* what, const char* sort_what) {
    separate();
    fmt::format_to(out(),
                   R"({{"ph":"M","pid":{},"tid":{},"ts":0,"name":"{}","args":{{"name":{}}}}})",
                   t.pid, t.tid, what, json_string(t.name));
    separate();
    fmt::format_to(
        out(), R"({{"ph":"M","pid":{},"tid":{},"ts":0,"name":"{}","args":{{"sort_index":{}}}}})",
        t.pid, t.tid, sort_what, t.sort_index);
  }

  void event(const TraceEvent& e) {
    switch (e.kind) {
      case TraceKind::kHold:
        if (e.b) {
          slice(e, "");
          return rest(R"(,"cat":"gil","name":"holds GIL","args":{{"forced":{},"stack":{}}}}})",
                      e.a ? "true" : "false", names_[e.name]);
        }
        return slice(e, e.a ? R"(,"cat":"gil","name":"holds GIL","args":{"forced":true}})"
                            : R"(,"cat":"gil","name":"holds GIL","args":{"forced":false}})");
      case TraceKind::kWait:
        if (e.b) {
          slice(e, "");
          return rest(R"(,"cat":"gil","name":"waits for GIL","args":{{"stack":{}}}}})",
                      names_[e.name]);
        }
        return slice(e, R"(,"cat":"gil","name":"waits for GIL"})");
      case TraceKind::kHandoff:
        return slice(e, R"(,"cat":"gil","name":"hand-off wait"})");
      case TraceKind::kCall:
        slice(e, "");
        return rest(R"(,"cat":"call","name":{},"args":{{"call":{}}}}})", names_[e.name], e.a);
      case TraceKind::kNative:
        slice(e, "");
        return rest(R"(,"cat":"native","name":{}}})", names_[e.name]);
      case TraceKind::kDrop:
        head("i", e.pid, e.tid, e.ts);
        out_.append(R"(,"s":"t","cat":"gil","name":"drop request"})");
        return;
      case TraceKind::kMark:
        head("i", e.pid, e.tid, e.ts);
        return rest(R"(,"s":"t","cat":"mark","name":{}}})", names_[e.name]);
      case TraceKind::kFlowStart:
        head("s", e.pid, e.tid, e.ts);
        return rest(R"(,"id":{},"cat":"gil","name":"forced release"}})", e.a);
      case TraceKind::kFlowEnd:
        head("f", e.pid, e.tid, e.ts);
        return rest(R"(,"bp":"e","id":{},"cat":"gil","name":"forced release"}})", e.a);
      case TraceKind::kCounter:
        head("C", e.pid, e.tid, e.ts);
        return rest(R"(,"name":"GIL","args":{{"held":{},"waiters":{}}}}})", e.a, e.b);
    }
  }

  void cut_note(const Cut& cut) {
    std::string name =
        fmt::format("trace cut here ({} events omitted; raise --trace-limit)", cut.omitted);
    head("i", cut.pid, cut.tid, cut.at_ns);
    rest(R"(,"s":"g","cat":"gilhost","name":{}}})", json_string(name));
  }

  std::string finish(const std::string& other_data) {
    rest("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{}}}\n", other_data);
    return std::move(out_);
  }

 private:
  std::back_insert_iterator<Out> out() { return std::back_inserter(out_); }
  void separate() {
    if (!first_) out_.append(std::string_view(",\n"));
    first_ = false;
  }
  void head(const char* ph, int pid, int tid, std::uint64_t ts) {
    separate();
    std::uint64_t us = ts - origin_;
    fmt::format_to(out(), R"({{"ph":"{}","pid":{},"tid":{},"ts":{}.{:03})", ph, pid, tid, us / 1000,
                   us % 1000);
  }
  void slice(const TraceEvent& e, std::string_view tail) {
    head("X", e.pid, e.tid, e.ts);
    fmt::format_to(out(), R"(,"dur":{}.{:03})", e.dur / 1000, e.dur % 1000);
    out_.append(tail);
  }
  template <typename... Args>
  void rest(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(out(), f, std::forward<Args>(args)...);
  }

  std::uint64_t origin_;
  std::vector<std::string> names_;
  Out out_;
  bool first_ = true;
};

std::string other_data(const Report& r, std::uint64_t origin, std::size_t max_events,
                       std::size_t written, const Cut& cut) {
  using Json = nlohmann::ordered_json;
  const Context& c = r.context;
  Json j = {{"generator", "gilhost " + c.gilhost_version},
            {"context",
             {{"script", c.script},
              {"python_version", c.python_version},
              {"cpu_model", c.cpu_model},
              {"cpu_count", c.cpu_count},
              {"switch_interval_ns", c.switch_interval_ns},
              {"date", c.date},
              {"clock_source", c.clock_source},
              {"argv", c.argv}}},
            {"status", r.status},
            {"time_origin_ns", origin},
            {"trace_limit", max_events},
            {"events_written", written},
            {"truncated", cut.truncated}};
  if (cut.truncated) {
    j["cut_at_us"] = double(cut.at_ns - origin) / 1000.0;
    j["events_omitted"] = cut.omitted;
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string render_chrome_trace(const Report& r, std::size_t max_events, TraceCut* cut_out) {
  TraceBuild b = collect(r);
  std::uint64_t origin = time_origin(r);
  std::sort(b.events.begin(), b.events.end(), detail::trace_order);
  Cut cut = apply_limit(b.events, max_events);
  enforce_nesting(b.events);
  Writer w(b, origin);
  for (const detail::TrackInfo& p : b.processes)
    w.metadata(p, "process_name", "process_sort_index");
  for (const detail::TrackInfo& t : b.tracks) w.metadata(t, "thread_name", "thread_sort_index");
  for (const TraceEvent& e : b.events) w.event(e);
  if (cut.truncated) w.cut_note(cut);
  std::size_t written = b.events.size() + (cut.truncated ? 1 : 0);
  if (cut_out != nullptr) {
    *cut_out = {cut.truncated, cut.truncated ? double(cut.at_ns - origin) / 1e9 : 0.0, cut.omitted,
                written};
  }
  return w.finish(other_data(r, origin, max_events, written, cut));
}

}  // namespace gilhost::report
