// The recording file's byte-level pieces shared by the writer and the reader: CRC32, varints,
// the record types and the per-stream event coder (docs/formats.md, "Recording file").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "trace/event.hpp"

namespace gilhost::record::detail {

inline constexpr char kMagic[10] = {'G', 'I', 'L', 'H', 'O', 'S', 'T', 'R', 'E', 'C'};
// magic, u32 format, u32 header bytes, u16 version length: the part every format shares.
inline constexpr std::size_t kHeaderPrefix = 20;
inline constexpr std::size_t kMaxHeaderBytes = 4096;
// u32 payload length, u32 CRC32 of the payload, u32 CRC32 of those 8 bytes.
inline constexpr std::size_t kChunkHeader = 12;
// No chunk is larger than the largest record: a blob of kMaxBlobBytes plus its framing.
inline constexpr std::size_t kMaxChunkPayload = (std::size_t(64) << 20) + 4096;
// The most bytes one event takes: head, kind, gil, flags (3), ts delta (10), aux delta (5).
inline constexpr std::size_t kMaxEventBytes = 21;

enum class Rec : std::uint8_t {
  kEvents = 1,  // varint stream, u32 count, count events
  kLost = 2,
  kDeclare = 3,
  kEndStream = 4,
  kThreadInfo = 5,
  kLabel = 6,
  kGilRegistered = 7,
  kSched = 8,
  kBeginWindow = 9,
  kAdvance = 10,
  kCloseWindow = 11,
  kContext = 12,
  kEnd = 13,  // varint records before it, varint events before it; last in the file
};

// IEEE 802.3 CRC32 (the polynomial of zlib and PNG), so a file can be checked with common
// tools; `crc` chains calls over consecutive pieces.
std::uint32_t crc32(const std::uint8_t* data, std::size_t n, std::uint32_t crc = 0);

inline std::uint64_t zigzag(std::int64_t v) {
  return (std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return std::int64_t(v >> 1) ^ -std::int64_t(v & 1);
}

inline std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = std::uint8_t(v | 0x80);
    v >>= 7;
  }
  *p++ = std::uint8_t(v);
  return p;
}
inline std::uint8_t* put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) *p++ = std::uint8_t(v >> (8 * i));
  return p;
}
inline std::uint32_t get_u32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}

// Reads a chunk's payload; any read past the end or an over-long varint sets `failed` and
// yields zeros, so decoders check once per record rather than per field.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* p, const std::uint8_t* end) : begin_(p), p_(p), end_(end) {}
  std::uint64_t varint();
  std::uint8_t u8() { return p_ < end_ ? *p_++ : fail(); }
  std::uint32_t u32();
  std::string_view bytes();  // varint length + bytes
  bool failed() const { return failed_; }
  bool at_end() const { return p_ == end_; }
  std::size_t offset() const { return std::size_t(p_ - begin_); }
  std::size_t left() const { return std::size_t(end_ - p_); }
  const std::uint8_t* pos() const { return p_; }
  void skip_to(const std::uint8_t* p) { p_ = p; }

 private:
  std::uint8_t fail() {
    failed_ = true;
    p_ = end_;
    return 0;
  }
  const std::uint8_t* begin_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool failed_ = false;
};

// One stream's coding state: the previous event's timestamp and GIL, and the previous aux of
// each kind group. Writer and reader keep identical copies, created at a stream's first
// record and dropped at its end_stream.
struct StreamCoder {
  std::uint64_t ts = 0;
  std::uint32_t aux[16] = {};
  std::uint8_t gil = 0;

  // Appends one event (at most kMaxEventBytes) at `p`; returns the new end.
  std::uint8_t* encode(const trace::Event& e, std::uint8_t* p);
  // Decodes one event; false when the bytes run out or do not form an event.
  bool decode(ByteReader& in, trace::Event& e);
};

}  // namespace gilhost::record::detail
