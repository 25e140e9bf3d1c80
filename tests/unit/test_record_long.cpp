// The recording file at length: a 100 M-event journal written and replayed in bounded memory,
// every event checked, at most 8 bytes per event on disk.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "record/journal.hpp"
#include "record_journal.hpp"

namespace {

using gilhost::trace::Event;

// Resident memory now (not the peak: earlier tests' peaks would hide this one's growth).
std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

constexpr int kLongStreams = 8;
constexpr std::size_t kLongBatch = 4096;

// Checks every replayed event against the same generators the writer was fed from.
class VerifySink final : public gilhost::testing::EventsOnlySink {
 public:
  VerifySink() {
    for (int s = 0; s < kLongStreams; ++s) gen_.emplace_back(s);
  }
  std::uint64_t events = 0, mismatches = 0;
  std::int64_t peak_resident = 0;
  void add_events(std::uint32_t stream, const Event* ev, std::size_t n) override {
    want_.resize(n);
    gen_.at(stream).fill(want_.data(), n);
    if (std::memcmp(want_.data(), ev, n * sizeof(Event)) != 0) ++mismatches;
    if ((events += n) % (kLongBatch * 256) == 0)
      peak_resident = std::max(peak_resident, resident_bytes());
  }

 private:
  std::vector<gilhost::testing::RealisticStream> gen_;
  std::vector<Event> want_;
};

// 100 M events take ~15 s in a normal build on a busy 2-core machine; a sanitized build is
// several times slower, so it runs 5 M (GILHOST_TEST_RECORD_EVENTS overrides both).
std::uint64_t long_journal_events() {
  if (const char* env = std::getenv("GILHOST_TEST_RECORD_EVENTS"))
    return std::strtoull(env, nullptr, 10);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 5'000'000;
#else
  return 100'000'000;
#endif
}
}  // namespace

TEST_CASE("record: a 100 M-event journal is written and replayed in bounded memory",
          "[record][long]") {
  const std::uint64_t total =
      long_journal_events() / (kLongStreams * kLongBatch) * (kLongStreams * kLongBatch);
  gilhost::testing::TempFile f(false);
  const std::int64_t before = resident_bytes();
  std::int64_t peak = before;
  {
    std::vector<gilhost::testing::RealisticStream> gen;
    for (int s = 0; s < kLongStreams; ++s) gen.emplace_back(s);
    std::vector<Event> batch(kLongBatch);
    gilhost::record::Writer w(f.path);
    w.begin_window(1);
    for (std::uint64_t done = 0; done < total; done += kLongBatch) {
      const auto s = std::uint32_t(done / kLongBatch % kLongStreams);
      gen[s].fill(batch.data(), batch.size());
      w.add_events(s, batch.data(), batch.size());
      if (done % (kLongBatch * 1024) == 0) w.advance(batch.back().ts_ns);
      if (done % (kLongBatch * 256) == 0) peak = std::max(peak, resident_bytes());
    }
    w.close_window(2);
    w.finish();
    CHECK(w.events_written() == total);
  }
  const auto size = std::filesystem::file_size(f.path);
  // The format's target for GIL event streams: at most 8 bytes per event on disk.
  CHECK(double(size) / double(total) <= 8.0);
  VerifySink sink;
  sink.peak_resident = resident_bytes();
  const gilhost::record::ReadResult r = gilhost::record::replay(f.path, sink);
  CHECK(r.complete);
  CHECK(sink.events == total);
  CHECK(sink.mismatches == 0);
  peak = std::max(peak, sink.peak_resident);
  INFO("resident before " << before << ", peak " << peak << ", file " << size << " bytes");
  CHECK(peak - before < (std::int64_t(64) << 20));
}
