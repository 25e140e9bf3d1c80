// CRC32, varint reading and the event coder of the recording file (codec.hpp).
#include "record/codec.hpp"

#include <array>
#include <cstdint>

namespace gilhost::record::detail {
namespace {

// Slicing-by-8 tables for the reflected polynomial 0xEDB88320: eight bytes per step, so the
// checksum costs well under a nanosecond per event (docs/performance.md, "Recording file").
using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_tables() {
  CrcTables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i)
    for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  return t;
}
constexpr CrcTables kCrc = make_tables();

// Which previous aux an event's aux is coded against. Acquire, release and drop request carry
// gil->switch_number (event.hpp), which a thread sees grow by a few between its own events: one
// group, so an acquire after a release codes as "+0..2". Call begin/end share the call index,
// native and held sections the kernel id; every other kind of 1..15 has its own slot, and
// kind 0 and kinds beyond 15 (not produced today) share slot 0.
constexpr int aux_slot(std::uint8_t kind) {
  using K = trace::EventKind;
  switch (K(kind)) {
    case K::kAcquire:
    case K::kRelease:
    case K::kDropRequest:
      return 2;
    case K::kCallBegin:
    case K::kCallEnd:
      return 8;
    case K::kNativeBegin:
    case K::kNativeEnd:
    case K::kHeldBegin:
    case K::kHeldEnd:
      return 10;
    default:
      return kind < 16 ? kind : 0;
  }
}

// The head byte: bits 0-3 the kind (15: a kind byte follows), bit 4 "gil differs from this
// stream's previous event" (a gil byte follows), bits 5-7 the flags (7: a varint follows).
constexpr unsigned kKindEscape = 15;
constexpr unsigned kGilChanged = 0x10;
constexpr unsigned kFlagsEscape = 7;

}  // namespace

std::uint32_t crc32(const std::uint8_t* p, std::size_t n, std::uint32_t crc) {
  crc = ~crc;
  while (n >= 8) {
    std::uint32_t lo = crc ^ get_u32(p);
    std::uint32_t hi = get_u32(p + 4);
    crc = kCrc[7][lo & 0xFF] ^ kCrc[6][(lo >> 8) & 0xFF] ^ kCrc[5][(lo >> 16) & 0xFF] ^
          kCrc[4][lo >> 24] ^ kCrc[3][hi & 0xFF] ^ kCrc[2][(hi >> 8) & 0xFF] ^
          kCrc[1][(hi >> 16) & 0xFF] ^ kCrc[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ kCrc[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

std::uint64_t ByteReader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ == end_) return fail();
    std::uint8_t b = *p_++;
    v |= std::uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      // The tenth byte may only hold the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return fail();
      return v;
    }
  }
  return fail();
}

std::uint32_t ByteReader::u32() {
  if (left() < 4) return fail();
  std::uint32_t v = get_u32(p_);
  p_ += 4;
  return v;
}

std::string_view ByteReader::bytes() {
  std::uint64_t n = varint();
  if (failed_ || n > left()) {
    fail();
    return {};
  }
  std::string_view s(reinterpret_cast<const char*>(p_), std::size_t(n));
  p_ += n;
  return s;
}

std::uint8_t* StreamCoder::encode(const trace::Event& e, std::uint8_t* p) {
  const auto kind = std::uint8_t(e.kind);
  std::uint8_t* head = p++;
  unsigned h = kind < kKindEscape ? kind : kKindEscape;
  if (h == kKindEscape) *p++ = kind;
  if (e.gil != gil) {
    h |= kGilChanged;
    *p++ = e.gil;
    gil = e.gil;
  }
  if (e.flags < kFlagsEscape) {
    h |= unsigned(e.flags) << 5;
  } else {
    h |= kFlagsEscape << 5;
    p = put_varint(p, e.flags);
  }
  *head = std::uint8_t(h);
  // Wrapping differences: a timestamp that goes backwards (or an aux that wraps) still codes.
  p = put_varint(p, zigzag(std::int64_t(e.ts_ns - ts)));
  ts = e.ts_ns;
  std::uint32_t& prev = aux[aux_slot(kind)];
  p = put_varint(p, zigzag(std::int32_t(e.aux - prev)));
  prev = e.aux;
  return p;
}

namespace {

// A varint read without bounds checks: the caller guarantees 10 readable bytes.
inline bool unchecked_varint(const std::uint8_t*& p, std::uint64_t& v) {
  v = *p++;
  if (v < 0x80) return true;
  v &= 0x7F;
  for (int shift = 7; shift < 64; shift += 7) {
    const std::uint8_t b = *p++;
    v |= std::uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return shift < 63 || b <= 1;
  }
  return false;
}

// The most bytes decode_unchecked may read, valid or not: head, kind, gil, three varints.
constexpr std::size_t kUncheckedBytes = 3 + 3 * 10;

}  // namespace

bool StreamCoder::decode(ByteReader& in, trace::Event& e) {
  if (in.left() >= kUncheckedBytes) {
    // Away from the chunk's end (nearly every event): no bounds check per byte.
    const std::uint8_t* p = in.pos();
    const unsigned h = *p++;
    std::uint8_t kind = std::uint8_t(h & 0xF);
    if (kind == kKindEscape) kind = *p++;
    if (h & kGilChanged) gil = *p++;
    std::uint64_t flags = (h >> 5) & 7, dts = 0, daux = 0;
    if (flags == kFlagsEscape && !unchecked_varint(p, flags)) return false;
    if (!unchecked_varint(p, dts) || !unchecked_varint(p, daux)) return false;
    const std::int64_t sdaux = unzigzag(daux);
    if (flags > 0xFFFF || sdaux < INT32_MIN || sdaux > INT32_MAX) return false;
    in.skip_to(p);
    ts += std::uint64_t(unzigzag(dts));
    std::uint32_t& prev = aux[aux_slot(kind)];
    prev += std::uint32_t(sdaux);
    e = trace::Event{ts, trace::EventKind(kind), gil, std::uint16_t(flags), prev};
    return true;
  }
  unsigned h = in.u8();
  std::uint8_t kind = std::uint8_t(h & 0xF);
  if (kind == kKindEscape) kind = in.u8();
  if (h & kGilChanged) gil = in.u8();
  std::uint64_t flags = (h >> 5) & 7;
  if (flags == kFlagsEscape) flags = in.varint();
  ts += std::uint64_t(unzigzag(in.varint()));
  std::int64_t daux = unzigzag(in.varint());
  if (in.failed() || flags > 0xFFFF || daux < INT32_MIN || daux > INT32_MAX) return false;
  std::uint32_t& prev = aux[aux_slot(kind)];
  prev += std::uint32_t(daux);
  e.ts_ns = ts;
  e.kind = trace::EventKind(kind);
  e.gil = gil;
  e.flags = std::uint16_t(flags);
  e.aux = prev;
  return true;
}

}  // namespace gilhost::record::detail
