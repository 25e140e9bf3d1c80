// The recording file: round trips of randomized journals, truncation at every byte, every
// single-bit flip, the header's refusals and write errors.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "record/codec.hpp"
#include "record/journal.hpp"
#include "record_journal.hpp"

namespace {

using gilhost::record::ReadResult;
using gilhost::record::Writer;
using gilhost::testing::is_prefix;
using gilhost::testing::LogSink;
using gilhost::testing::random_event;
using gilhost::testing::random_journal;
using gilhost::testing::random_text;
using gilhost::testing::TempFile;
using gilhost::testing::write_journal;
using gilhost::trace::Event;

}  // namespace

TEST_CASE("record: CRC32 is the IEEE one, in every slicing path", "[record]") {
  const std::string check = "123456789";
  const auto* p = reinterpret_cast<const std::uint8_t*>(check.data());
  CHECK(gilhost::record::detail::crc32(p, check.size()) == 0xCBF43926u);
  std::mt19937_64 rng(3);
  std::vector<std::uint8_t> data(1000);
  for (auto& b : data) b = std::uint8_t(rng());
  for (std::size_t n : {0, 1, 7, 8, 9, 63, 1000}) {
    std::uint32_t bitwise = ~0u;  // the textbook one bit at a time
    for (std::size_t i = 0; i < n; ++i) {
      bitwise ^= data[i];
      for (int k = 0; k < 8; ++k) bitwise = (bitwise >> 1) ^ (0xEDB88320u & -(bitwise & 1));
    }
    CHECK(gilhost::record::detail::crc32(data.data(), n) == ~bitwise);
  }
}

TEST_CASE("record: randomized journals replay call by call", "[record]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    TempFile file;
    const auto expected = write_journal(file, seed, 1500, 1 + int(seed * 37 % 200));
    LogSink got;
    const ReadResult r = gilhost::record::replay(file.path, got);
    INFO("seed " << seed);
    CHECK(r.complete);
    CHECK_FALSE(r.corrupt);
    CHECK(r.problem.empty());
    CHECK(r.stop_offset == std::filesystem::file_size(file.path));
    CHECK(r.header.format == gilhost::record::kFormatVersion);
    CHECK(r.records == expected.size());
    REQUIRE(got.calls.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) REQUIRE(got.calls[i] == expected[i]);
  }
}

TEST_CASE("record: large blobs and batches cross chunk sizes", "[record]") {
  TempFile file;
  std::mt19937_64 rng(11);
  const std::string big = random_text(rng, 0) + std::string(5 << 20, 'x') + random_text(rng, 99);
  std::vector<Event> batch(150000);
  std::uint64_t ts = 0;
  std::uint32_t aux = 0;
  for (Event& e : batch) e = random_event(rng, ts, aux);
  LogSink expected;
  {
    Writer w(file.path);
    gilhost::record::Tee tee(w, expected);
    tee.context("result.json", big);
    tee.label(1, std::string(2 << 20, 'l'));
    tee.add_events(5, batch.data(), batch.size());
    tee.context("", "");
    tee.add_events(5, batch.data(), 0);
    w.finish();
  }
  LogSink got;
  const ReadResult r = gilhost::record::replay(file.path, got);
  CHECK(r.complete);
  CHECK(r.events == batch.size());
  // The 150,000-event batch (more than a chunk holds, more than a slice) arrives as consecutive
  // pieces of the same stream, in order.
  const auto& want = expected.calls;
  REQUIRE(got.calls.size() >= want.size());
  CHECK(got.calls[0] == want[0]);
  CHECK(got.calls[1] == want[1]);
  LogSink whole;
  whole.add_events(5, batch.data(), batch.size());
  std::string joined = fmt::format("events 5 {}:", batch.size());
  const std::size_t pieces = got.calls.size() - 4;
  CHECK(pieces > 1);
  for (std::size_t i = 2; i < 2 + pieces; ++i)
    joined += got.calls[i].substr(got.calls[i].find(':') + 1);
  CHECK(joined == whole.calls[0]);
  CHECK(got.calls[got.calls.size() - 2] == want[3]);
  CHECK(got.calls.back() == want[4]);
}

TEST_CASE("record: a file cut at any byte replays a prefix and says truncated", "[record]") {
  TempFile full;
  const auto expected = write_journal(full, 21, 60, 4, 3, 8);
  const std::string bytes = full.bytes();
  const std::uint64_t header = gilhost::record::peek_header(full.path).body_offset;
  REQUIRE(bytes.size() > 1000);
  REQUIRE(bytes.size() < 8000);
  TempFile cut;
  std::uint64_t last_stop = 0;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    cut.write(std::string_view(bytes).substr(0, n));
    LogSink got;
    INFO("cut at " << n);
    if (n < header) {
      CHECK_THROWS_AS(gilhost::record::replay(cut.path, got), std::runtime_error);
      continue;
    }
    const ReadResult r = gilhost::record::replay(cut.path, got);
    CHECK_FALSE(r.complete);
    CHECK_FALSE(r.corrupt);
    CHECK(r.stop_offset <= n);
    CHECK(r.stop_offset >= last_stop);  // more bytes never replay less
    last_stop = r.stop_offset;
    CHECK(r.problem.find(fmt::format("{}: truncated at byte {}", cut.path, r.stop_offset)) == 0);
    CHECK(is_prefix(got.calls, expected));
  }
  CHECK(last_stop > header);  // the chunks before the cut did replay
}

TEST_CASE("record: every single-bit flip is detected", "[record]") {
  TempFile good;
  const auto expected = write_journal(good, 5, 24, 3, 4, 8);
  const std::string bytes = good.bytes();
  REQUIRE(bytes.size() < 2000);
  TempFile bad;
  for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string flipped = bytes;
    flipped[bit / 8] = char(flipped[bit / 8] ^ (1 << (bit % 8)));
    bad.write(flipped);
    LogSink got;
    INFO("bit " << bit << " of " << bytes.size() * 8);
    try {
      const ReadResult r = gilhost::record::replay(bad.path, got);
      CHECK_FALSE(r.complete);
      CHECK(r.corrupt);
      CHECK(r.problem.find("corrupt at byte") != std::string::npos);
    } catch (const std::runtime_error& e) {
      CHECK(got.calls.empty());  // a refused header replays nothing
    }
    CHECK(is_prefix(got.calls, expected));
  }
}

namespace {
// A header as a later gilhost might write it: same layout, another format number.
std::string header_with_format(std::uint32_t format, std::string_view version) {
  std::vector<std::uint8_t> h(20 + version.size() + 4);
  std::memcpy(h.data(), "GILHOSTREC", 10);
  gilhost::record::detail::put_u32(h.data() + 10, format);
  gilhost::record::detail::put_u32(h.data() + 14, std::uint32_t(h.size()));
  h[18] = std::uint8_t(version.size());
  std::memcpy(h.data() + 20, version.data(), version.size());
  gilhost::record::detail::put_u32(h.data() + h.size() - 4,
                                   gilhost::record::detail::crc32(h.data(), h.size() - 4));
  return std::string(h.begin(), h.end()) + "later chunks";
}

std::string refusal(const std::string& path) {
  LogSink sink;
  try {
    gilhost::record::replay(path, sink);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

TEST_CASE("record: files that are not a readable recording are refused in one line", "[record]") {
  TempFile f;
  f.write("");
  CHECK(refusal(f.path) == f.path + ": empty file, not a gilhost recording");
  f.write("GILHOSTRE");
  CHECK(refusal(f.path) == f.path + ": not a gilhost recording");
  f.write("# gilhost events v1\nthread 1\n");
  CHECK(refusal(f.path) == f.path + ": not a gilhost recording");
  f.write(std::string("GILHOSTREC\1\0\0", 13));
  CHECK(refusal(f.path).find(": truncated at byte 13, inside the header") != std::string::npos);
  f.write(header_with_format(3, "9.4.1"));
  CHECK(refusal(f.path) ==
        f.path + ": recording format 3, this gilhost reads format 2 (written by gilhost 9.4.1)");
  const gilhost::record::HeaderInfo later = gilhost::record::peek_header(f.path);
  CHECK(later.format == 3);
  CHECK(later.gilhost_version == "9.4.1");
  CHECK(refusal(f.path + ".missing") ==
        "cannot read " + f.path + ".missing: No such file or directory");
  CHECK(refusal("/") == "cannot read /: Is a directory");
}

TEST_CASE("record: bytes after the end record make the file corrupt", "[record]") {
  TempFile f;
  write_journal(f, 8, 40, 2);
  const auto size = std::filesystem::file_size(f.path);
  std::ofstream(f.path, std::ios::binary | std::ios::app) << "x";
  LogSink got;
  const ReadResult r = gilhost::record::replay(f.path, got);
  CHECK_FALSE(r.complete);
  CHECK(r.corrupt);
  CHECK(r.problem ==
        fmt::format("{}: corrupt at byte {} (data after the end record)", f.path, size));
}

TEST_CASE("record: a writer never finished leaves a truncated file with every call", "[record]") {
  TempFile f;
  LogSink expected;
  {
    Writer w(f.path);
    gilhost::record::Tee tee(w, expected);
    random_journal(tee, &w, 13, 500, 9);
  }
  LogSink got;
  const ReadResult r = gilhost::record::replay(f.path, got);
  CHECK_FALSE(r.complete);
  CHECK_FALSE(r.corrupt);
  CHECK(r.stop_offset == std::filesystem::file_size(f.path));
  CHECK(r.problem.find("no end record") != std::string::npos);
  CHECK(got.calls == expected.calls);
}

namespace {
std::size_t open_descriptors() {
  auto it = std::filesystem::directory_iterator("/proc/self/fd");
  return std::size_t(std::distance(it, std::filesystem::directory_iterator()));
}
}  // namespace

TEST_CASE("record: write errors throw one line naming the file", "[record]") {
  CHECK_THROWS_WITH(Writer("/dev/full"), "cannot write /dev/full: No space left on device");
  // Counted after a first failure: a sanitizer runtime may open a file of its own at the first
  // exception.
  const std::size_t fds = open_descriptors();
  CHECK_THROWS_WITH(Writer("/dev/full"), "cannot write /dev/full: No space left on device");
  CHECK_THROWS_WITH(Writer("/nonexistent-dir/r.rec"),
                    "cannot write /nonexistent-dir/r.rec: No such file or directory");
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK_THROWS_WITH(Writer(fd, "disk.rec"), "cannot write disk.rec: No space left on device");
  ::close(fd);
  CHECK(open_descriptors() == fds);  // a Writer that failed to start closed what it opened
  {
    // The disk fills up mid-run: the chunk that cannot be written throws, so does every later
    // call, and the destructor does not.
    TempFile f;
    int file = ::open(f.path.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(file >= 0);
    Writer w(file, "full.rec");
    int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(::dup2(full, file) == file);
    ::close(full);
    w.begin_window(5);
    CHECK_THROWS_WITH(w.flush(), "cannot write full.rec: No space left on device");
    CHECK_THROWS_WITH(w.advance(6), "cannot write full.rec: No space left on device");
    CHECK_THROWS_WITH(w.finish(), "cannot write full.rec: No space left on device");
    ::close(file);
  }
  TempFile f;
  Writer w(f.path);
  w.finish();
  CHECK_THROWS_AS(w.advance(1), std::logic_error);
  CHECK_THROWS_WITH(w.context("k", std::string(65 << 20, 'b')),
                    Catch::Contains("exceeds the 64 MiB a recording holds"));
}

TEST_CASE("record: forged chunks with valid checksums never crash the reader", "[record]") {
  TempFile f;
  { Writer w(f.path); }  // the header alone
  const std::string header = f.bytes();
  std::mt19937_64 rng(17);
  for (int i = 0; i < 3000; ++i) {
    // A record type, then bytes that are mostly small (continuing varints, escapes, counts).
    std::vector<std::uint8_t> payload(1 + rng() % 120);
    payload[0] = std::uint8_t(1 + rng() % 13);
    for (std::size_t k = 1; k < payload.size(); ++k)
      payload[k] = std::uint8_t(rng() % 2 ? rng() % 4 : rng());
    std::uint8_t h[12];
    gilhost::record::detail::put_u32(h, std::uint32_t(payload.size()));
    gilhost::record::detail::put_u32(
        h + 4, gilhost::record::detail::crc32(payload.data(), payload.size()));
    gilhost::record::detail::put_u32(h + 8, gilhost::record::detail::crc32(h, 8));
    f.write(header + std::string(h, h + 12) + std::string(payload.begin(), payload.end()));
    LogSink got;
    const ReadResult r = gilhost::record::replay(f.path, got);
    CHECK((r.complete || !r.problem.empty()));
  }
}
