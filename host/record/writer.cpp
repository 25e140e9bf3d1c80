// Writer: the header, then records gathered into checksummed chunks (journal.hpp, codec.hpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "build_info.hpp"
#include "record/codec.hpp"
#include "record/journal.hpp"

namespace gilhost::record {

using detail::put_u32;
using detail::put_varint;
using detail::Rec;

namespace {

// Type byte, stream varint and the u32 count of an event record.
constexpr std::size_t kEventsRecordHead = 10;

std::uint8_t* put_bytes(std::uint8_t* p, std::string_view s) {
  p = put_varint(p, s.size());
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

struct Writer::State {
  std::string name;
  int fd = -1;
  bool own_fd = false;
  bool finished = false;
  std::string error;  // the first write error: every later call repeats it
  std::vector<std::uint8_t> chunk;
  std::size_t used = detail::kChunkHeader;  // chunk header + payload built so far
  std::uint64_t offset = 0, records = 0, events = 0;
  std::unordered_map<std::uint32_t, detail::StreamCoder> streams;

  // Here rather than in ~Writer: a constructor that throws after open() still closes.
  ~State() {
    if (own_fd && fd >= 0) ::close(fd);
  }
  void write_all(const std::uint8_t* p, std::size_t n);
  void write_header();
  void emit_chunk();
  std::uint8_t* reserve(std::size_t max_bytes);
  void commit(const std::uint8_t* end) {
    used = std::size_t(end - chunk.data());
    ++records;
  }
  void time_record(Rec type, std::uint64_t ts);
  void check_open() const;
  void check_blob(std::string_view what, std::size_t bytes) const;
};

void Writer::State::write_all(const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error =
          fmt::format("cannot write {}: {}", name, w < 0 ? std::strerror(errno) : "no progress");
      throw std::runtime_error(error);
    }
    p += w;
    n -= std::size_t(w);
    offset += std::uint64_t(w);
  }
}

void Writer::State::write_header() {
  std::string_view version = build::kVersion;
  std::vector<std::uint8_t> h(detail::kHeaderPrefix + version.size() + 4);
  std::memcpy(h.data(), detail::kMagic, sizeof detail::kMagic);
  put_u32(h.data() + 10, kFormatVersion);
  put_u32(h.data() + 14, std::uint32_t(h.size()));
  h[18] = std::uint8_t(version.size());
  h[19] = std::uint8_t(version.size() >> 8);
  std::memcpy(h.data() + detail::kHeaderPrefix, version.data(), version.size());
  put_u32(h.data() + h.size() - 4, detail::crc32(h.data(), h.size() - 4));
  write_all(h.data(), h.size());
}

void Writer::State::emit_chunk() {
  const std::size_t len = used - detail::kChunkHeader;
  std::uint8_t* h = chunk.data();
  put_u32(h, std::uint32_t(len));
  put_u32(h + 4, detail::crc32(h + detail::kChunkHeader, len));
  put_u32(h + 8, detail::crc32(h, 8));
  const std::size_t n = used;
  used = detail::kChunkHeader;
  if (chunk.size() > detail::kChunkHeader + kChunkBytes) {
    // An oversized chunk held one large blob: give the memory back once it is written.
    std::vector<std::uint8_t> big;
    big.swap(chunk);
    chunk.resize(detail::kChunkHeader + kChunkBytes);
    write_all(big.data(), n);
    return;
  }
  write_all(h, n);
}

// Room for a record of at most `max_bytes`: the current chunk if it fits, else a new one
// (larger than kChunkBytes for a record that needs it).
std::uint8_t* Writer::State::reserve(std::size_t max_bytes) {
  check_open();
  if (used + max_bytes > chunk.size()) {
    if (used > detail::kChunkHeader) emit_chunk();
    if (detail::kChunkHeader + max_bytes > chunk.size())
      chunk.resize(detail::kChunkHeader + max_bytes);
  }
  return chunk.data() + used;
}

void Writer::State::check_open() const {
  if (!error.empty()) throw std::runtime_error(error);
  if (finished) throw std::logic_error(fmt::format("{}: recording already finished", name));
}

void Writer::State::check_blob(std::string_view what, std::size_t bytes) const {
  if (bytes > kMaxBlobBytes)
    throw std::runtime_error(
        fmt::format("cannot write {}: {} of {} bytes exceeds the {} MiB a "
                    "recording holds per record",
                    name, what, bytes, kMaxBlobBytes >> 20));
}

Writer::Writer(const std::string& path) : s_(std::make_unique<State>()) {
  s_->name = path;
  s_->fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (s_->fd < 0)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  s_->own_fd = true;
  s_->chunk.resize(detail::kChunkHeader + kChunkBytes);
  s_->write_header();
}

Writer::Writer(int fd, std::string name) : s_(std::make_unique<State>()) {
  s_->name = std::move(name);
  s_->fd = fd;
  s_->chunk.resize(detail::kChunkHeader + kChunkBytes);
  s_->write_header();
}

Writer::~Writer() {
  // No end record: the file reads as truncated, with every record written so far.
  if (!s_->finished && s_->error.empty() && s_->used > detail::kChunkHeader) {
    try {
      s_->emit_chunk();
    } catch (const std::exception&) {  // destructors never throw; the file reads as truncated
    }
  }
}

void Writer::add_events(std::uint32_t stream, const trace::Event* events, std::size_t n) {
  s_->check_open();
  State& s = *s_;
  detail::StreamCoder& coder = s.streams[stream];
  // A batch that a fresh chunk can hold whole is not split across two.
  const std::size_t worst = kEventsRecordHead + n * detail::kMaxEventBytes;
  if (s.used + worst > s.chunk.size() && s.used > detail::kChunkHeader && worst <= kChunkBytes)
    s.emit_chunk();
  std::size_t i = 0;
  do {
    std::uint8_t* p = s.reserve(kEventsRecordHead + detail::kMaxEventBytes);
    *p++ = std::uint8_t(Rec::kEvents);
    p = put_varint(p, stream);
    std::uint8_t* count_at = p;
    p += 4;
    const std::uint8_t* limit = s.chunk.data() + s.chunk.size() - detail::kMaxEventBytes;
    const std::size_t first = i;
    for (; i < n && p <= limit; ++i) p = coder.encode(events[i], p);
    put_u32(count_at, std::uint32_t(i - first));
    s.commit(p);
    s.events += i - first;
  } while (i < n);
}

void Writer::add_lost(std::uint32_t stream, std::uint64_t n) {
  std::uint8_t* p = s_->reserve(21);
  *p++ = std::uint8_t(Rec::kLost);
  p = put_varint(put_varint(p, stream), n);
  s_->commit(p);
}

void Writer::declare(std::uint32_t stream) {
  std::uint8_t* p = s_->reserve(6);
  *p++ = std::uint8_t(Rec::kDeclare);
  s_->commit(put_varint(p, stream));
}

void Writer::end_stream(std::uint32_t stream) {
  std::uint8_t* p = s_->reserve(6);
  *p++ = std::uint8_t(Rec::kEndStream);
  s_->commit(put_varint(p, stream));
  s_->streams.erase(stream);  // the reader forgets the stream's coder at the same record
}

void Writer::thread_info(std::uint32_t stream, const trace::ThreadInfo& info) {
  const std::size_t text =
      info.worker.size() + info.role.size() + info.python_name.size() + info.os_name.size();
  s_->check_blob("a thread's names", text);
  std::uint8_t* p = s_->reserve(1 + 5 + 10 + 4 * 10 + text);
  *p++ = std::uint8_t(Rec::kThreadInfo);
  p = put_varint(p, stream);
  p = put_varint(p, detail::zigzag(info.tid));
  for (const std::string* s : {&info.worker, &info.role, &info.python_name, &info.os_name})
    p = put_bytes(p, *s);
  s_->commit(p);
}

void Writer::label(std::uint32_t id, std::string_view text) {
  s_->check_blob("a label", text.size());
  std::uint8_t* p = s_->reserve(1 + 5 + 10 + text.size());
  *p++ = std::uint8_t(Rec::kLabel);
  s_->commit(put_bytes(put_varint(p, id), text));
}

void Writer::gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) {
  std::uint8_t* p = s_->reserve(17);
  *p++ = std::uint8_t(Rec::kGilRegistered);
  *p++ = gil;
  s_->commit(put_varint(put_varint(p, stream), ts));
}

void Writer::sched_sample(const trace::SchedSample& s) {
  std::uint8_t* p = s_->reserve(41);
  *p++ = std::uint8_t(Rec::kSched);
  p = put_varint(p, detail::zigzag(s.tid));
  p = put_varint(put_varint(put_varint(p, s.ts_ns), s.run_delay_ns), s.cpu_ns);
  s_->commit(p);
}

void Writer::State::time_record(Rec type, std::uint64_t ts) {
  std::uint8_t* p = reserve(11);
  *p++ = std::uint8_t(type);
  commit(put_varint(p, ts));
}

void Writer::begin_window(std::uint64_t ts) { s_->time_record(Rec::kBeginWindow, ts); }
void Writer::advance(std::uint64_t watermark) { s_->time_record(Rec::kAdvance, watermark); }
void Writer::close_window(std::uint64_t end) { s_->time_record(Rec::kCloseWindow, end); }

void Writer::context(std::string_view key, std::string_view bytes) {
  s_->check_blob(fmt::format("context \"{}\"", key), key.size() + bytes.size());
  std::uint8_t* p = s_->reserve(1 + 20 + key.size() + bytes.size());
  *p++ = std::uint8_t(Rec::kContext);
  s_->commit(put_bytes(put_bytes(p, key), bytes));
}

void Writer::flush() {
  s_->check_open();
  if (s_->used > detail::kChunkHeader) s_->emit_chunk();
}

void Writer::finish() {
  std::uint8_t* p = s_->reserve(21);
  *p++ = std::uint8_t(Rec::kEnd);
  p = put_varint(put_varint(p, s_->records), s_->events);
  s_->commit(p);
  s_->emit_chunk();
  s_->finished = true;
  if (s_->own_fd) {
    int fd = s_->fd;
    s_->fd = -1;
    if (::close(fd) != 0)
      throw std::runtime_error(fmt::format("cannot write {}: {}", s_->name, std::strerror(errno)));
  }
}

std::uint64_t Writer::events_written() const { return s_->events; }
std::uint64_t Writer::bytes_written() const { return s_->offset; }

}  // namespace gilhost::record
