// The recording file: a journal of every input the streaming analysis receives, in order.
//
// "Record once, report many times" (as perf record / perf report): a run writes its recording
// through a Writer while the analysis consumes the same calls; replay() later feeds the journal
// back into any Sink (an analysis, a counter, a test's log) in the original order, so a report
// rendered from a recording is the one the live run computed, by construction. The on-disk
// format is described in docs/formats.md, "Recording file".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"

namespace gilhost::record {

// The format this gilhost writes and the only one it reads. Bump it on any change to the
// bytes; the header layout up to the writer's version string must stay the same in every
// format, so that an older gilhost can still say which version wrote a newer file.
inline constexpr std::uint32_t kFormatVersion = 2;

// Everything the streaming analysis is told, one virtual method per input. A recording replays
// as the same sequence of calls, with one exception: an add_events batch larger than a chunk
// (see Writer) or than 65,536 events arrives as several consecutive add_events calls of the
// same stream, so a Sink must treat add_events as "append these to the stream" (pieces are
// never merged with another batch, never reordered).
class Sink {
 public:
  virtual ~Sink() = default;
  // One OS thread's events (`stream`), in the order that thread recorded them.
  virtual void add_events(std::uint32_t stream, const trace::Event* events, std::size_t n) = 0;
  virtual void add_lost(std::uint32_t stream, std::uint64_t n) = 0;
  virtual void declare(std::uint32_t stream) = 0;
  virtual void end_stream(std::uint32_t stream) = 0;
  virtual void thread_info(std::uint32_t stream, const trace::ThreadInfo& info) = 0;
  virtual void label(std::uint32_t id, std::string_view text) = 0;
  virtual void gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) = 0;
  virtual void sched_sample(const trace::SchedSample& s) = 0;
  virtual void begin_window(std::uint64_t ts) = 0;
  virtual void advance(std::uint64_t watermark) = 0;
  virtual void close_window(std::uint64_t end) = 0;
  // An opaque blob the host keeps with the recording (run settings, time scale, the run result
  // as JSON text): several per file, up to kMaxBlobBytes each.
  virtual void context(std::string_view key, std::string_view bytes) = 0;
};

// The largest key + blob of one context() (or text of one label / thread_info): a record must
// fit in one chunk, and a reader must be able to refuse an absurd chunk length.
inline constexpr std::size_t kMaxBlobBytes = std::size_t(64) << 20;

// Writes a recording. Records are gathered in a chunk buffer (kChunkBytes) and written one
// chunk at a time, each with its length and CRC32. finish() writes the end record; a Writer
// destroyed without finish() still writes what it has, and the file then reads as truncated
// (a crashed or interrupted run keeps what it recorded). Write errors (ENOSPC, EIO, ...) throw
// std::runtime_error with one line naming the file. Not thread-safe: one caller at a time.
class Writer final : public Sink {
 public:
  static constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

  // Creates or truncates `path` (mode 0644 before umask).
  explicit Writer(const std::string& path);
  // Writes to an open descriptor, which stays the caller's to close; `name` is for messages.
  Writer(int fd, std::string name);
  ~Writer() override;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void add_events(std::uint32_t stream, const trace::Event* events, std::size_t n) override;
  void add_lost(std::uint32_t stream, std::uint64_t n) override;
  void declare(std::uint32_t stream) override;
  void end_stream(std::uint32_t stream) override;
  void thread_info(std::uint32_t stream, const trace::ThreadInfo& info) override;
  void label(std::uint32_t id, std::string_view text) override;
  void gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) override;
  void sched_sample(const trace::SchedSample& s) override;
  void begin_window(std::uint64_t ts) override;
  void advance(std::uint64_t watermark) override;
  void close_window(std::uint64_t end) override;
  void context(std::string_view key, std::string_view bytes) override;

  // Ends the current chunk and writes it: what is flushed survives the process crashing
  // (not the machine: there is no fsync).
  void flush();
  // Writes the end record and the last chunk. Any call after it throws std::logic_error.
  void finish();

  std::uint64_t events_written() const;
  std::uint64_t bytes_written() const;  // on disk so far (header and flushed chunks)

 private:
  struct State;  // writer.cpp: the descriptor, the chunk buffer, each stream's coder
  std::unique_ptr<State> s_;
};

// What a recording's header says.
struct HeaderInfo {
  std::uint32_t format = 0;
  std::string gilhost_version;    // the gilhost that wrote the file
  std::uint64_t body_offset = 0;  // the header's size: where the first chunk starts
};

// How a replay ended. Refusals (not a recording, another format, a corrupt header, an
// unreadable file) are thrown instead, as std::runtime_error with one line naming the file.
struct ReadResult {
  HeaderInfo header;
  bool complete = false;  // the end record was read and the file ends right after it
  bool corrupt = false;   // stopped at a chunk that fails its checksum or does not decode
  // Where replay stopped: the file's size when complete, else the first byte not replayed
  // (the start of the cut or damaged chunk, or of an undecodable record inside a chunk whose
  // checksum matched); every record before it was delivered to the sink.
  std::uint64_t stop_offset = 0;
  std::uint64_t chunks = 0, records = 0, events = 0;  // replayed
  // One line for a partial replay ("FILE: truncated at byte N: ..." or
  // "FILE: corrupt at byte N (checksum)"), empty when complete.
  std::string problem;
};

// The header alone: cheap (reads a few dozen bytes). Throws as replay() does for a file that
// is not a recording or has a corrupt header; another format is returned, not refused.
HeaderInfo peek_header(const std::string& path);

// Feeds the recording at `path` to `sink` in the original order, reading one chunk at a time
// (memory bounded by the largest chunk, not the file). A truncated or corrupt body replays
// every complete chunk before the damage and reports where it stopped. An exception thrown
// by the sink ends the replay and propagates unchanged.
ReadResult replay(const std::string& path, Sink& sink);

}  // namespace gilhost::record
