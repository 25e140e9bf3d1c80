// replay and peek_header: the header's refusals, then one checksummed chunk at a time, each
// decoded into Sink calls (journal.hpp, codec.hpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "record/codec.hpp"
#include "record/journal.hpp"

namespace gilhost::record {

using detail::ByteReader;
using detail::get_u32;
using detail::Rec;

namespace {

// Events are handed to the sink in slices of at most this many (1 MiB of trace::Event), so
// the reader's memory does not depend on how large a batch the writer was given.
constexpr std::size_t kSliceEvents = std::size_t(1) << 16;

class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail();
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Reads up to n bytes; fewer only at the end of the file.
  std::size_t read(std::uint8_t* p, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(fd_, p + got, n - got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail();
      if (r == 0) break;
      got += std::size_t(r);
    }
    return got;
  }

 private:
  [[noreturn]] void fail() {
    throw std::runtime_error(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
  }
  std::string path_;
  int fd_ = -1;
};

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw std::runtime_error(fmt::format("{}: {}", path, why));
}

HeaderInfo read_header(File& f, const std::string& path) {
  std::uint8_t h[detail::kMaxHeaderBytes];
  std::size_t got = f.read(h, detail::kHeaderPrefix);
  if (got == 0) refuse(path, "empty file, not a gilhost recording");
  if (got < sizeof detail::kMagic || std::memcmp(h, detail::kMagic, sizeof detail::kMagic) != 0)
    refuse(path, "not a gilhost recording");
  if (got < detail::kHeaderPrefix)
    refuse(path, fmt::format("truncated at byte {}, inside the header: nothing was recorded", got));
  HeaderInfo info;
  info.format = get_u32(h + 10);
  const std::uint32_t size = get_u32(h + 14);
  const std::size_t vlen = std::size_t(h[18]) | std::size_t(h[19]) << 8;
  if (size < detail::kHeaderPrefix + vlen + 4 || size > detail::kMaxHeaderBytes)
    refuse(path, "corrupt at byte 14 (header length)");
  got += f.read(h + got, size - got);
  if (got < size)
    refuse(path, fmt::format("truncated at byte {}, inside the header: nothing was recorded", got));
  if (detail::crc32(h, size - 4) != get_u32(h + size - 4))
    refuse(path, "corrupt at byte 0 (header checksum)");
  info.gilhost_version.assign(reinterpret_cast<const char*>(h + detail::kHeaderPrefix), vlen);
  info.body_offset = size;
  return info;
}

// The decoding state of one replay: each live stream's coder and the slice buffer.
struct Decoder {
  Sink& sink;
  ReadResult& result;
  std::unordered_map<std::uint32_t, detail::StreamCoder> streams;
  std::vector<trace::Event> slice;
  bool ended = false;

  bool events(ByteReader& in);
  bool thread_info(ByteReader& in);
  bool record(ByteReader& in);
};

bool stream_id(ByteReader& in, std::uint32_t& out) {
  std::uint64_t v = in.varint();
  out = std::uint32_t(v);
  return !in.failed() && v <= UINT32_MAX;
}

bool Decoder::events(ByteReader& in) {
  std::uint32_t stream = 0;
  if (!stream_id(in, stream)) return false;
  std::size_t n = in.u32();
  // Every event takes at least 3 bytes (head, ts delta, aux delta).
  if (in.failed() || n > in.left() / 3) return false;
  detail::StreamCoder& coder = streams[stream];
  do {
    const std::size_t k = std::min(n, kSliceEvents);
    slice.resize(k);
    for (trace::Event& e : slice)
      if (!coder.decode(in, e)) return false;
    sink.add_events(stream, slice.data(), k);
    result.events += k;
    n -= k;
  } while (n > 0);
  return true;
}

bool Decoder::thread_info(ByteReader& in) {
  std::uint32_t stream = 0;
  if (!stream_id(in, stream)) return false;
  trace::ThreadInfo info;
  const std::int64_t tid = detail::unzigzag(in.varint());
  info.tid = int(tid);
  for (std::string* s : {&info.worker, &info.role, &info.python_name, &info.os_name})
    *s = std::string(in.bytes());
  if (in.failed() || tid != info.tid) return false;
  sink.thread_info(stream, info);
  return true;
}

// One record at `in`; false when it does not decode (the chunk passed its checksum, so only a
// writer bug or a forged file gets here).
bool Decoder::record(ByteReader& in) {
  const auto type = Rec(in.u8());
  std::uint32_t stream = 0;
  switch (type) {
    case Rec::kEvents:
      return events(in);
    case Rec::kThreadInfo:
      return thread_info(in);
    case Rec::kLost: {
      if (!stream_id(in, stream)) return false;
      const std::uint64_t n = in.varint();
      if (in.failed()) return false;
      sink.add_lost(stream, n);
      return true;
    }
    case Rec::kDeclare:
    case Rec::kEndStream:
      if (!stream_id(in, stream)) return false;
      if (type == Rec::kDeclare) {
        sink.declare(stream);
      } else {
        streams.erase(stream);
        sink.end_stream(stream);
      }
      return true;
    case Rec::kLabel: {
      const std::uint64_t id = in.varint();
      const std::string_view text = in.bytes();
      if (in.failed() || id > UINT32_MAX) return false;
      sink.label(std::uint32_t(id), text);
      return true;
    }
    case Rec::kGilRegistered: {
      const std::uint8_t gil = in.u8();
      if (!stream_id(in, stream)) return false;
      const std::uint64_t ts = in.varint();
      if (in.failed()) return false;
      sink.gil_registered(gil, stream, ts);
      return true;
    }
    case Rec::kSched: {
      trace::SchedSample s;
      const std::int64_t tid = detail::unzigzag(in.varint());
      s.tid = int(tid);
      s.ts_ns = in.varint();
      s.run_delay_ns = in.varint();
      s.cpu_ns = in.varint();
      if (in.failed() || tid != s.tid) return false;
      sink.sched_sample(s);
      return true;
    }
    case Rec::kBeginWindow:
    case Rec::kAdvance:
    case Rec::kCloseWindow: {
      const std::uint64_t ts = in.varint();
      if (in.failed()) return false;
      if (type == Rec::kBeginWindow) sink.begin_window(ts);
      if (type == Rec::kAdvance) sink.advance(ts);
      if (type == Rec::kCloseWindow) sink.close_window(ts);
      return true;
    }
    case Rec::kContext: {
      const std::string_view key = in.bytes();
      const std::string_view bytes = in.bytes();
      if (in.failed()) return false;
      sink.context(key, bytes);
      return true;
    }
    case Rec::kEnd: {
      // The end record repeats the counts, and nothing may follow it in its chunk.
      const std::uint64_t records = in.varint();
      const std::uint64_t events = in.varint();
      ended = true;
      return !in.failed() && in.at_end() && records == result.records && events == result.events;
    }
  }
  return false;
}

void stop(ReadResult& r, const std::string& path, std::uint64_t at, bool corrupt,
          std::string_view why) {
  r.stop_offset = at;
  r.corrupt = corrupt;
  r.problem = corrupt ? fmt::format("{}: corrupt at byte {} ({})", path, at, why)
                      : fmt::format("{}: truncated at byte {}: {}", path, at, why);
}

// Reads, checks and decodes the chunk at `at`; false once replay must stop (r says why).
bool next_chunk(File& f, const std::string& path, std::vector<std::uint8_t>& payload, Decoder& d,
                std::uint64_t& at) {
  ReadResult& r = d.result;
  std::uint8_t h[detail::kChunkHeader];
  const std::size_t got = f.read(h, sizeof h);
  if (got == 0) return stop(r, path, at, false, "no end record (the run did not finish it)"), false;
  if (got < sizeof h) return stop(r, path, at, false, "a chunk header is cut"), false;
  const std::uint32_t len = get_u32(h);
  if (detail::crc32(h, 8) != get_u32(h + 8) || len > detail::kMaxChunkPayload)
    return stop(r, path, at, true, "chunk header checksum"), false;
  payload.resize(len);
  if (f.read(payload.data(), len) < len) return stop(r, path, at, false, "a chunk is cut"), false;
  if (detail::crc32(payload.data(), len) != get_u32(h + 4))
    return stop(r, path, at, true, "checksum"), false;
  ByteReader in(payload.data(), payload.data() + len);
  while (!in.at_end() && !d.ended) {
    const std::size_t record_at = in.offset();
    if (!d.record(in))
      return stop(r, path, at + sizeof h + record_at, true, "undecodable record"), false;
    if (!d.ended) ++r.records;
  }
  ++r.chunks;
  at += sizeof h + len;
  return !d.ended;
}

}  // namespace

HeaderInfo peek_header(const std::string& path) {
  File f(path);
  return read_header(f, path);
}

ReadResult replay(const std::string& path, Sink& sink) {
  File f(path);
  ReadResult r;
  r.header = read_header(f, path);
  if (r.header.format != kFormatVersion)
    refuse(path, fmt::format("recording format {}, this gilhost reads format {} (written by "
                             "gilhost {})",
                             r.header.format, kFormatVersion, r.header.gilhost_version));
  std::vector<std::uint8_t> payload;
  Decoder d{sink, r, {}, {}, false};
  std::uint64_t at = r.header.body_offset;
  while (next_chunk(f, path, payload, d, at)) {
  }
  if (!d.ended || !r.problem.empty()) return r;
  std::uint8_t extra = 0;
  if (f.read(&extra, 1) != 0) return stop(r, path, at, true, "data after the end record"), r;
  r.complete = true;
  r.stop_offset = at;
  return r;
}

}  // namespace gilhost::record
