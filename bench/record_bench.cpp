// The recording file's cost: bytes per event on disk and encode / decode rates (Google
// Benchmark). Realistic GIL streams (tests/unit/record_journal.hpp): 100..2000 ticks between
// a thread's events, switch_number growing by 0..2 per event. Results: docs/performance.md,
// "Recording file".
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "record/journal.hpp"
#include "record_journal.hpp"

namespace {

using gilhost::record::Writer;
using gilhost::trace::Event;

constexpr int kStreams = 8;
constexpr std::size_t kBatch = 4096;
constexpr std::size_t kBatchesPerStream = 32;

// 8 streams x 32 batches x 4096 events, generated once and fed round robin (a stream's
// timestamps jump back once per 32 batches, a negligible share of the deltas).
const std::vector<std::vector<Event>>& batches() {
  static const std::vector<std::vector<Event>> all = [] {
    std::vector<std::vector<Event>> b(kStreams * kBatchesPerStream, std::vector<Event>(kBatch));
    std::vector<gilhost::testing::RealisticStream> gen;
    for (int s = 0; s < kStreams; ++s) gen.emplace_back(s);
    for (std::size_t i = 0; i < b.size(); ++i) gen[i % kStreams].fill(b[i].data(), kBatch);
    return b;
  }();
  return all;
}

void feed(Writer& w, std::size_t i) {
  const auto& b = batches()[i % batches().size()];
  w.add_events(std::uint32_t(i % kStreams), b.data(), b.size());
}

// Encoding and checksumming alone: the bytes go to /dev/null.
void BM_Encode(benchmark::State& state) {
  int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  Writer w(fd, "/dev/null");
  std::size_t i = 0;
  for (auto _ : state) feed(w, i++);
  w.flush();
  state.SetItemsProcessed(std::int64_t(w.events_written()));
  state.counters["bytes_per_event"] = double(w.bytes_written()) / double(w.events_written());
  ::close(fd);
}
BENCHMARK(BM_Encode);

// Randomized events (any kind, flags, GIL, timestamps and aux anywhere): the format's
// bytes per event when nothing repeats.
void BM_EncodeRandom(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<Event> b(kBatch);
  std::uint64_t ts = 0;
  std::uint32_t aux = 0;
  for (Event& e : b) e = gilhost::testing::random_event(rng, ts, aux);
  int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  Writer w(fd, "/dev/null");
  for (auto _ : state) w.add_events(0, b.data(), b.size());
  w.flush();
  state.SetItemsProcessed(std::int64_t(w.events_written()));
  state.counters["bytes_per_event"] = double(w.bytes_written()) / double(w.events_written());
  ::close(fd);
}
BENCHMARK(BM_EncodeRandom);

class CountSink final : public gilhost::testing::EventsOnlySink {
 public:
  std::uint64_t events = 0, sum = 0;
  void add_events(std::uint32_t, const Event* e, std::size_t n) override {
    events += n;
    if (n > 0) sum += e[n - 1].ts_ns;  // touch the data so decoding is not optimised away
  }
};

// Writing to a file and replaying it (the file is in the page cache: read and decode cost,
// not the disk's). Arg: events in the recording.
void BM_WriteFile(benchmark::State& state) {
  const std::string path = std::filesystem::temp_directory_path() / "gilhost-bench.rec";
  const auto n = std::size_t(state.range(0)) / kBatch;
  for (auto _ : state) {
    Writer w(path);
    for (std::size_t i = 0; i < n; ++i) feed(w, i);
    w.finish();
  }
  state.SetItemsProcessed(std::int64_t(state.iterations() * n * kBatch));
  state.counters["file_MB"] = double(std::filesystem::file_size(path)) / 1e6;
  std::filesystem::remove(path);
}
BENCHMARK(BM_WriteFile)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_Replay(benchmark::State& state) {
  const std::string path = std::filesystem::temp_directory_path() / "gilhost-bench.rec";
  const auto n = std::size_t(state.range(0)) / kBatch;
  {
    Writer w(path);
    for (std::size_t i = 0; i < n; ++i) feed(w, i);
    w.finish();
  }
  for (auto _ : state) {
    CountSink sink;
    auto r = gilhost::record::replay(path, sink);
    if (!r.complete) state.SkipWithError(r.problem.c_str());
    benchmark::DoNotOptimize(sink.sum);
  }
  state.SetItemsProcessed(std::int64_t(state.iterations() * n * kBatch));
  std::filesystem::remove(path);
}
BENCHMARK(BM_Replay)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
