// Journals for the recording file's tests and benchmark: a Sink that logs every call as text,
// a Sink that only looks at events, randomized journals, realistic GIL event streams, temp files.
#pragma once

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "record/journal.hpp"
#include "record/tee.hpp"

namespace gilhost::testing {

// Every call, with every argument, as one line: two journals are equal when their logs are.
class LogSink final : public record::Sink {
 public:
  std::vector<std::string> calls;
  std::uint64_t events = 0;

  void add_events(std::uint32_t stream, const trace::Event* ev, std::size_t n) override {
    std::string s = fmt::format("events {} {}:", stream, n);
    for (std::size_t i = 0; i < n; ++i)
      s += fmt::format(" {}/{}/{}/{}/{}", ev[i].ts_ns, int(ev[i].kind), int(ev[i].gil), ev[i].flags,
                       ev[i].aux);
    calls.push_back(std::move(s));
    events += n;
  }
  void add_lost(std::uint32_t stream, std::uint64_t n) override {
    calls.push_back(fmt::format("lost {} {}", stream, n));
  }
  void declare(std::uint32_t stream) override {
    calls.push_back(fmt::format("declare {}", stream));
  }
  void end_stream(std::uint32_t stream) override { calls.push_back(fmt::format("end {}", stream)); }
  void thread_info(std::uint32_t stream, const trace::ThreadInfo& i) override {
    calls.push_back(fmt::format("info {} {} [{}] [{}] [{}] [{}]", stream, i.tid, i.worker, i.role,
                                i.python_name, i.os_name));
  }
  void label(std::uint32_t id, std::string_view text) override {
    calls.push_back(fmt::format("label {} [{}]", id, text));
  }
  void gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) override {
    calls.push_back(fmt::format("gil {} {} {}", int(gil), stream, ts));
  }
  void sched_sample(const trace::SchedSample& s) override {
    calls.push_back(fmt::format("sched {} {} {} {}", s.tid, s.ts_ns, s.run_delay_ns, s.cpu_ns));
  }
  void begin_window(std::uint64_t ts) override { calls.push_back(fmt::format("begin {}", ts)); }
  void advance(std::uint64_t w) override { calls.push_back(fmt::format("advance {}", w)); }
  void close_window(std::uint64_t end) override { calls.push_back(fmt::format("close {}", end)); }
  void context(std::string_view key, std::string_view bytes) override {
    // Blobs may be megabytes: their size and a hash stand for them.
    calls.push_back(
        fmt::format("context [{}] {} {}", key, bytes.size(), std::hash<std::string_view>{}(bytes)));
  }
};

// A sink that only looks at events (the long journal's checker, the benchmark's counter).
class EventsOnlySink : public record::Sink {
 public:
  void add_lost(std::uint32_t, std::uint64_t) override {}
  void declare(std::uint32_t) override {}
  void end_stream(std::uint32_t) override {}
  void thread_info(std::uint32_t, const trace::ThreadInfo&) override {}
  void label(std::uint32_t, std::string_view) override {}
  void gil_registered(std::uint8_t, std::uint32_t, std::uint64_t) override {}
  void sched_sample(const trace::SchedSample&) override {}
  void begin_window(std::uint64_t) override {}
  void advance(std::uint64_t) override {}
  void close_window(std::uint64_t) override {}
  void context(std::string_view, std::string_view) override {}
};

// A GIL event stream as the tracer records it for a busy thread: request (aux 0), acquire
// (switch_number), release (switch_number + 1, sometimes forced), with 100..2000 ticks between
// events and switch_number growing by 0..2 per event (the other threads' switches).
class RealisticStream {
 public:
  explicit RealisticStream(std::uint64_t seed) : rng_(seed), ts_(1'000'000'000 + seed) {}
  void fill(trace::Event* out, std::size_t n) {
    static constexpr trace::EventKind kCycle[] = {
        trace::EventKind::kRequest, trace::EventKind::kAcquire, trace::EventKind::kRelease};
    for (std::size_t i = 0; i < n; ++i) {
      ts_ += 100 + rng_() % 1901;
      switch_ += std::uint32_t(rng_() % 3);
      const trace::EventKind kind = kCycle[step_++ % 3];
      std::uint16_t flags = 0;
      if (kind == trace::EventKind::kRelease && rng_() % 4 == 0)
        flags = trace::kReleaseForced | trace::kReleaseRequestPending;
      const std::uint32_t aux = kind == trace::EventKind::kRequest ? 0 : switch_;
      out[i] = trace::Event{ts_, kind, 0, flags, aux};
    }
  }

 private:
  std::mt19937_64 rng_;
  std::uint64_t ts_;
  std::uint32_t switch_ = 0;
  unsigned step_ = 0;
};

// A unique file, removed at scope exit: in memory (/dev/shm) for the tests that rewrite a small
// file thousands of times, on disk for the long journal.
struct TempFile {
  std::string path;
  explicit TempFile(bool in_memory = true) {
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    if (in_memory && std::filesystem::is_directory("/dev/shm")) dir = "/dev/shm";
    path = (dir / "gilhost-rec-XXXXXX").string();
    int fd = ::mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    ::close(fd);
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::string bytes() const {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write(std::string_view b) const {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(b.data(), std::streamsize(b.size()));
  }
};

inline std::uint64_t pick_ts(std::mt19937_64& rng, std::uint64_t prev) {
  switch (rng() % 8) {
    case 0:
      return prev;  // same tick
    case 1:
      return prev - rng() % 100000;  // backwards
    case 2:
      return rng();  // anywhere, up to 2^64 - 1
    case 3:
      return ~std::uint64_t(0) - rng() % 3;
    default:
      return prev + 100 + rng() % 1901;
  }
}

inline trace::Event random_event(std::mt19937_64& rng, std::uint64_t& ts, std::uint32_t& aux) {
  ts = pick_ts(rng, ts);
  auto kind = std::uint8_t(rng() % 4 == 0 ? rng() % 256 : 1 + rng() % 14);
  auto gil = std::uint8_t(rng() % 5 == 0 ? rng() % 256 : 0);
  auto flags = std::uint16_t(rng() % 3 == 0 ? rng() : rng() % 8);
  aux = rng() % 4 == 0 ? std::uint32_t(rng()) : aux + std::uint32_t(rng() % 3);
  return trace::Event{ts, trace::EventKind(kind), gil, flags, aux};
}

inline std::string random_text(std::mt19937_64& rng, std::size_t max) {
  std::string s(rng() % (max + 1), '\0');
  for (char& c : s) c = char(rng());  // any byte, NUL included
  return s;
}

// A journal of every kind of call on `streams` streams, applied to `sink`; `flush_every`
// ends a chunk after that many calls (0: never) so small files still have several chunks.
inline void random_journal(record::Sink& sink, record::Writer* w, std::uint64_t seed, int calls,
                           int streams, int flush_every = 0, int max_batch = 300) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> ts(streams);
  std::vector<std::uint32_t> aux(streams);
  std::vector<trace::Event> batch;
  auto stream_id = [&](int i) { return i == 0 ? UINT32_MAX : std::uint32_t(i * 7919); };
  for (int c = 0; c < calls; ++c) {
    const int s = int(rng() % std::uint64_t(streams));
    const std::uint32_t id = stream_id(s);
    switch (rng() % 16) {
      case 0:
        sink.add_lost(id, rng() % 2 ? rng() : 0);
        break;
      case 1:
        sink.declare(id);
        break;
      case 2:
        sink.end_stream(id);
        break;
      case 3:
        sink.thread_info(id, {int(rng()), random_text(rng, 9), random_text(rng, 3),
                              random_text(rng, 20), random_text(rng, 15)});
        break;
      case 4:
        sink.label(std::uint32_t(rng()), random_text(rng, 30));
        break;
      case 5:
        sink.gil_registered(std::uint8_t(rng()), id, rng());
        break;
      case 6:
        sink.sched_sample({int(rng()), rng(), rng() % 1000, rng()});
        break;
      case 7:
        sink.begin_window(rng());
        break;
      case 8:
        sink.advance(rng());
        break;
      case 9:
        sink.close_window(rng());
        break;
      case 10:
        sink.context(random_text(rng, 12), random_text(rng, 200));
        break;
      default:
        batch.resize(rng() % std::uint64_t(max_batch + 1));
        for (trace::Event& e : batch) e = random_event(rng, ts[s], aux[s]);
        sink.add_events(id, batch.data(), batch.size());
    }
    if (w != nullptr && flush_every > 0 && c % flush_every == flush_every - 1) w->flush();
  }
}

// Writes a random journal to `file`; returns the calls it made.
inline std::vector<std::string> write_journal(const TempFile& file, std::uint64_t seed, int calls,
                                              int streams, int flush_every = 0,
                                              int max_batch = 300) {
  LogSink expected;
  record::Writer w(file.path);
  record::Tee tee(w, expected);
  random_journal(tee, &w, seed, calls, streams, flush_every, max_batch);
  w.finish();
  return expected.calls;
}

inline bool is_prefix(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  return part.size() <= whole.size() && std::equal(part.begin(), part.end(), whole.begin());
}

}  // namespace gilhost::testing
