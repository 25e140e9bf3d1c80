// StackInterner (stack_interner.hpp): code object copies, the location table, frames -> stacks.
#include "trace/stack_interner.hpp"

#include <algorithm>

namespace gilhost::trace {
namespace {

// CPython's strings as they are stored (PEP 393: 1, 2 or 4 bytes per code point) to UTF-8.
std::string utf8_of(const void* data, std::size_t length, int kind) {
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    std::uint32_t c = kind == 1   ? static_cast<const std::uint8_t*>(data)[i]
                      : kind == 2 ? static_cast<const std::uint16_t*>(data)[i]
                                  : static_cast<const std::uint32_t*>(data)[i];
    if (c < 0x80) {
      out.push_back(char(c));
    } else if (c < 0x800) {
      out.push_back(char(0xC0 | (c >> 6)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // a lone surrogate: not encodable
      out.push_back(char(0xE0 | (c >> 12)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (c >> 18)));
      out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// The location table's varints: 6 bits per byte, bit 6 = more follow (Objects/codeobject.c,
// scan_varint / scan_signed_varint; InternalDocs/locations.md).
unsigned varint_at(const std::string& t, std::size_t& i) {
  unsigned v = 0, shift = 0;
  while (i < t.size()) {
    const auto b = std::uint8_t(t[i++]);
    v |= unsigned(b & 63) << shift;
    shift += 6;
    if (!(b & 64) || shift > 30) break;
  }
  return v;
}

int signed_varint_at(const std::string& t, std::size_t& i) {
  const unsigned u = varint_at(t, i);
  return (u & 1) ? -int(u >> 1) : int(u >> 1);
}

}  // namespace

// Each entry starts with a byte whose bit 7 is set: bits 3-6 its code, bits 0-2 its length - 1
// in code units. Codes 15: no location; 14 (long) and 13 (no columns): a signed line delta
// follows; 10-12: the line moves by code - 10; 0-9: same line (get_line_delta).
int line_of(const std::string& t, int firstlineno, int lasti) {
  if (lasti < 0) return 0;
  int line = firstlineno;
  int addr = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    const auto head = std::uint8_t(t[i++]);
    if (!(head & 0x80)) continue;  // not at an entry's start: a damaged table, resynchronise
    const int code = (head >> 3) & 15;
    const int length = (head & 7) + 1;
    int delta = 0;
    if (code == 13 || code == 14) {
      std::size_t j = i;
      delta = signed_varint_at(t, j);
    } else if (code >= 10 && code <= 12) {
      delta = code - 10;
    }
    line += delta;
    if (lasti < addr + length) return code == 15 ? 0 : std::max(line, 0);
    addr += length;
    while (i < t.size() && !(std::uint8_t(t[i]) & 0x80)) ++i;  // the entry's other bytes
  }
  return 0;
}

bool StackInterner::copy_code(const void* code, CodeCopy& out) {
  gilhost_code_view v{};
  if (view_ == nullptr || view_(code, &v) != 0) return false;
  out.qualname = utf8_of(v.qualname, v.qualname_length, v.qualname_kind);
  out.filename = utf8_of(v.filename, v.filename_length, v.filename_kind);
  out.linetable.assign(reinterpret_cast<const char*>(v.linetable), v.linetable_length);
  out.firstlineno = v.firstlineno;
  return true;
}

void StackInterner::code_destroyed(const void* code, std::uint64_t ticks) {
  std::lock_guard lock(mu_);
  if (auto node = live_.extract(code)) {
    dead_.emplace(code, Dead{ticks, std::move(node.mapped())});
    return;
  }
  CodeCopy c;
  if (copy_code(code, c)) dead_.emplace(code, Dead{ticks, std::move(c)});
}

// A frame stamped at `ticks` names the object that lived at `code` then: the earliest copy of
// an object freed after `ticks`, else the object alive now. It cannot be freed while mu_ is
// held (its watcher waits for mu_ before the memory goes), so reading it here is safe.
// Precondition: mu_ is held.
CodeCopy* StackInterner::code_at(const void* code, std::uint64_t ticks) {
  Dead* best = nullptr;
  auto [lo, hi] = dead_.equal_range(code);
  for (auto it = lo; it != hi; ++it) {
    if (it->second.ticks > ticks && (!best || it->second.ticks < best->ticks)) best = &it->second;
  }
  if (best) return &best->copy;
  if (auto it = live_.find(code); it != live_.end()) return &it->second;
  CodeCopy c;
  if (!copy_code(code, c)) return nullptr;
  return &live_.emplace(code, std::move(c)).first->second;
}

std::uint32_t StackInterner::frame_location(const Event& f, std::uint64_t ticks,
                                            const KernelName& kernel_name) {
  using analysis::Location;
  switch (f.flags) {
    case kFrameKernel:
      return table_.intern_location({Location::kKernel, kernel_name(f.aux), "", 0});
    case kFrameNative:
      return table_.intern_location({Location::kNative, "", "", 0});
    case kFrameTruncated:
      return table_.intern_location({Location::kTruncated, "", "", 0});
    case kFrameUnreadable:
      return table_.intern_location({Location::kUnreadable, "", "", 0});
    default:
      break;
  }
  CodeCopy* c = code_at(reinterpret_cast<const void*>(std::uintptr_t(f.ts_ns)), ticks);
  if (c == nullptr) return table_.intern_location({Location::kPython, "?", "?", 0});
  const auto lasti = std::int32_t(f.aux);
  if (auto it = c->locations.find(lasti); it != c->locations.end()) return it->second;
  const std::uint32_t id = table_.intern_location(
      {Location::kPython, c->qualname, c->filename, line_of(c->linetable, c->firstlineno, lasti)});
  c->locations.emplace(lasti, id);
  return id;
}

void StackInterner::translate(std::vector<Event>& events, const KernelName& kernel_name) {
  if (std::none_of(events.begin(), events.end(),
                   [](const Event& e) { return e.kind == EventKind::kFrame; }))
    return;
  out_.clear();
  std::size_t first_frame = 0, frames = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.kind == EventKind::kFrame) {
      if (frames++ == 0) first_frame = i;
      continue;
    }
    if (frames) {
      scratch_.clear();
      {
        std::lock_guard lock(mu_);
        // Captured innermost first; the table keeps stacks outermost first.
        for (std::size_t k = first_frame + frames; k-- > first_frame;)
          if (events[k].flags != kFrameNone)
            scratch_.push_back(frame_location(events[k], e.ts_ns, kernel_name));
      }
      out_.push_back(Event{e.ts_ns, EventKind::kStack, e.gil, 0, table_.intern_stack(scratch_)});
      frames = 0;
    }
    out_.push_back(e);
  }
  events.swap(out_);
}

void StackInterner::forget_before(std::uint64_t ticks) {
  std::lock_guard lock(mu_);
  for (auto it = dead_.begin(); it != dead_.end();) {
    it = it->second.ticks < ticks ? dead_.erase(it) : std::next(it);
  }
}

}  // namespace gilhost::trace
