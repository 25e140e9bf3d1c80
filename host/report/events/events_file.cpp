// render_events: a line-oriented dump of recordings that awk, Python or a spreadsheet can read.
#include "report/events/events_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace gilhost::report {
namespace {

using Out = fmt::memory_buffer;

constexpr const char* kKindNames[] = {"request",      "acquire",       "release",     "forced",
                                      "drop_request", "handoff_begin", "handoff_end", "call_begin",
                                      "call_end",     "native_begin",  "native_end",  "mark",
                                      "held_begin",   "held_end",      "stack"};

// Position of one event in its recording; sorted by (ts, thread, stream order).
struct EventRef {
  std::uint64_t ts;
  std::uint32_t thread;
  std::uint32_t index;
  auto operator<=>(const EventRef&) const = default;
};

std::vector<EventRef> merged_order(const trace::Recording& rec) {
  std::vector<EventRef> order;
  for (std::size_t t = 0; t < rec.threads.size(); ++t) {
    const auto& events = rec.threads[t].events;
    for (std::size_t i = 0; i < events.size(); ++i)
      order.push_back({events[i].ts_ns, std::uint32_t(t), std::uint32_t(i)});
  }
  std::sort(order.begin(), order.end());
  return order;
}

void write_header(Out& out, const trace::Recording& rec) {
  fmt::format_to(std::back_inserter(out), "window {} {}\n", rec.window_begin_ns, rec.window_end_ns);
  fmt::format_to(std::back_inserter(out), "switch_number {} {}\n", rec.switch_number_begin,
                 rec.switch_number_end);
  fmt::format_to(std::back_inserter(out), "interval_us {}\nlost {}\n", rec.interval_us,
                 rec.lost_total);
  for (std::size_t t = 0; t < rec.threads.size(); ++t) {
    const trace::ThreadEvents& th = rec.threads[t];
    fmt::format_to(std::back_inserter(out), "thread {} {} {} {} {} {} {}\n", t, th.info.tid,
                   encode_field(th.info.worker), encode_field(th.info.python_name), th.lost,
                   encode_field(th.info.role), encode_field(th.info.os_name));
  }
  for (std::size_t i = 0; i < rec.labels.size(); ++i)
    fmt::format_to(std::back_inserter(out), "label {} {}\n", i, encode_field(rec.labels[i]));
  for (std::size_t i = 0; i < rec.kernels.size(); ++i)
    fmt::format_to(std::back_inserter(out), "kernel {} {}\n", i, encode_field(rec.kernels[i]));
}

void write_events(Out& out, const trace::Recording& rec) {
  std::vector<EventRef> order = merged_order(rec);
  fmt::format_to(std::back_inserter(out), "events {}\n", order.size());
  for (const EventRef& ref : order) {
    const trace::Event& e = rec.threads[ref.thread].events[ref.index];
    fmt::format_to(std::back_inserter(out), "{} {} {} {} {} {}\n", e.ts_ns, ref.thread,
                   event_kind_name(e.kind), unsigned(e.gil), e.aux, unsigned(e.flags));
  }
}

void write_recording(Out& out, std::string_view id, const trace::Recording& rec) {
  fmt::format_to(std::back_inserter(out), "recording {}\n", id);
  write_header(out, rec);
  write_events(out, rec);
}

}  // namespace

std::string event_kind_name(trace::EventKind kind) {
  auto k = static_cast<std::size_t>(kind);
  if (k >= 1 && k <= std::size(kKindNames)) return kKindNames[k - 1];
  return fmt::format("kind{}", k);
}

std::string encode_field(std::string_view text) {
  if (text.empty()) return "-";
  if (text == "-") return "%2D";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '%') {
      out += fmt::format("%{:02X}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_events(const Report& r) {
  Out out;
  fmt::format_to(std::back_inserter(out), "{}\n", kEventsHeader);
  for (std::size_t c = 0; c < r.configs.size(); ++c) {
    const auto& runs = r.configs[c].runs;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].recording) write_recording(out, fmt::format("{} {}", c, i), *runs[i].recording);
    }
  }
  if (r.script_recording) write_recording(out, "script", *r.script_recording);
  return fmt::to_string(out);
}

}  // namespace gilhost::report
