// Writer: the header, then records gathered into checksummed chunks (journal.hpp, codec.hpp).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "build_info.hpp"
#include "record/codec.hpp"
#include "record/journal.hpp"
#include "trace/quiet_thread.hpp"

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

// Finished chunks are written by a thread of their own: a slow disk (writeback, another
// program's I/O) must not stall the caller, the tracer's collector, which has to keep draining
// the rings. At most kQueuedBytes wait to be written; beyond that the caller waits.
constexpr std::size_t kQueuedBytes = std::size_t(64) << 20;

struct Writer::State {
  std::string name;
  int fd = -1;
  bool own_fd = false;
  bool finished = false;
  std::string error;  // the first write error: every later call repeats it (guarded by mu)
  std::vector<std::uint8_t> chunk;
  std::size_t used = detail::kChunkHeader;  // chunk header + payload built so far
  std::atomic<std::uint64_t> offset{0};
  std::uint64_t records = 0, events = 0;
  std::unordered_map<std::uint32_t, detail::StreamCoder> streams;
  // The writing thread and its queue.
  mutable std::mutex mu;
  std::condition_variable to_write, written;
  std::deque<std::vector<std::uint8_t>> queue;
  std::vector<std::vector<std::uint8_t>> spare;  // written buffers, reused
  std::size_t queued = 0;
  bool busy = false, stop = false;
  std::thread io;

  // Here rather than in ~Writer: a constructor that throws after open() still closes. What is
  // queued is written first.
  ~State() {
    stop_io();
    if (own_fd && fd >= 0) ::close(fd);
  }
  void start_io() {
    trace::AllSignalsBlocked quiet;  // the script's signals are never the writer's
    io = std::thread([this] { io_loop(); });
  }
  void stop_io() {
    if (!io.joinable()) return;
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    to_write.notify_all();
    io.join();
  }
  void io_loop();
  void enqueue(std::vector<std::uint8_t> bytes);
  void drain();  // waits until everything queued is written; throws the write error
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
      std::string e =
          fmt::format("cannot write {}: {}", name, w < 0 ? std::strerror(errno) : "no progress");
      {
        std::lock_guard lock(mu);
        error = e;
      }
      throw std::runtime_error(e);
    }
    p += w;
    n -= std::size_t(w);
    offset += std::uint64_t(w);
  }
}

void Writer::State::io_loop() {
  std::unique_lock lock(mu);
  for (;;) {
    to_write.wait(lock, [this] { return stop || !queue.empty(); });
    if (queue.empty()) return;  // stopped, and everything queued is written
    std::vector<std::uint8_t> bytes = std::move(queue.front());
    queue.pop_front();
    busy = true;
    const bool failed = !error.empty();
    lock.unlock();
    if (!failed) {
      try {
        write_all(bytes.data(), bytes.size());
      } catch (const std::runtime_error&) {  // kept in `error` for the caller
      }
    }
    lock.lock();
    busy = false;
    queued -= bytes.size();
    if (bytes.capacity() <= detail::kChunkHeader + kChunkBytes && spare.size() < 4) {
      spare.push_back(std::move(bytes));
    }
    written.notify_all();
  }
}

void Writer::State::enqueue(std::vector<std::uint8_t> bytes) {
  std::unique_lock lock(mu);
  written.wait(lock, [&] {
    return !error.empty() || queued + bytes.size() <= kQueuedBytes || queue.empty();
  });
  if (!error.empty()) throw std::runtime_error(error);
  queued += bytes.size();
  queue.push_back(std::move(bytes));
  to_write.notify_one();
}

void Writer::State::drain() {
  std::unique_lock lock(mu);
  written.wait(lock, [this] { return queue.empty() && !busy; });
  if (!error.empty()) throw std::runtime_error(error);
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
    big.resize(n);
    enqueue(std::move(big));
    return;
  }
  std::vector<std::uint8_t> out;
  {
    std::lock_guard lock(mu);
    if (!spare.empty()) {
      out = std::move(spare.back());
      spare.pop_back();
    }
  }
  out.assign(h, h + n);
  enqueue(std::move(out));
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
  {
    std::lock_guard lock(mu);
    if (!error.empty()) throw std::runtime_error(error);
  }
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
  s_->start_io();
}

Writer::Writer(int fd, std::string name) : s_(std::make_unique<State>()) {
  s_->name = std::move(name);
  s_->fd = fd;
  s_->chunk.resize(detail::kChunkHeader + kChunkBytes);
  s_->write_header();
  s_->start_io();
}

Writer::~Writer() {
  // No end record: the file reads as truncated, with every record written so far.
  if (!s_->finished && s_->used > detail::kChunkHeader) {
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
  s_->drain();
}

void Writer::finish() {
  std::uint8_t* p = s_->reserve(21);
  *p++ = std::uint8_t(Rec::kEnd);
  p = put_varint(put_varint(p, s_->records), s_->events);
  s_->commit(p);
  s_->emit_chunk();
  s_->drain();
  s_->stop_io();
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
