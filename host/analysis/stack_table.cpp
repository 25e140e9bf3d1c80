// StackTable (stack_table.hpp): interning and the record bytes of its deltas.
#include "analysis/stack_table.hpp"

#include <algorithm>
#include <stdexcept>

#include "record/codec.hpp"

namespace gilhost::analysis {

using record::detail::ByteReader;
using record::detail::put_varint;

std::string frame_text(const Location& l) {
  switch (l.kind) {
    case Location::kKernel:
      return l.function + " [gilhost kernel]";
    case Location::kNative:
      return "[native]";
    case Location::kTruncated:
      return "[truncated]";
    case Location::kUnreadable:
      return "[stack not read]";
    case Location::kPython:
      break;
  }
  if (l.line > 0) return l.function + " (" + l.file + ":" + std::to_string(l.line) + ")";
  return l.function + " (" + l.file + ")";
}

std::uint32_t StackTable::intern_location(const Location& l) {
  auto key = std::make_tuple(int(l.kind), l.function, l.file, l.line);
  auto [it, added] = location_ids_.emplace(std::move(key), std::uint32_t(locations_.size()));
  if (added) locations_.push_back(l);
  return it->second;
}

std::uint32_t StackTable::intern_stack(const std::vector<std::uint32_t>& locations) {
  auto [it, added] = stack_ids_.emplace(locations, std::uint32_t(stacks_.size()));
  if (added) stacks_.push_back(locations);
  return it->second;
}

std::uint32_t StackTable::leaf(std::uint32_t stack) const {
  if (stack >= stacks_.size() || stacks_[stack].empty()) return 0;
  return stacks_[stack].back();
}

namespace {

void put_bytes(std::string& out, std::string_view s) {
  std::uint8_t buf[10];
  out.append(reinterpret_cast<char*>(buf), std::size_t(put_varint(buf, s.size()) - buf));
  out.append(s);
}

void put_number(std::string& out, std::uint64_t v) {
  std::uint8_t buf[10];
  out.append(reinterpret_cast<char*>(buf), std::size_t(put_varint(buf, v) - buf));
}

}  // namespace

// varint first location id, varint count, per location: u8 kind, bytes function, bytes file,
// varint line; then varint first stack id, varint count, per stack: varint depth, location ids.
std::string StackTable::take_new() {
  if (sent_locations_ == locations_.size() && sent_stacks_ == stacks_.size()) return {};
  std::string out;
  put_number(out, sent_locations_);
  put_number(out, locations_.size() - sent_locations_);
  for (std::size_t i = sent_locations_; i < locations_.size(); ++i) {
    const Location& l = locations_[i];
    out.push_back(char(l.kind));
    put_bytes(out, l.function);
    put_bytes(out, l.file);
    put_number(out, std::uint64_t(std::max(l.line, 0)));
  }
  put_number(out, sent_stacks_);
  put_number(out, stacks_.size() - sent_stacks_);
  for (std::size_t i = sent_stacks_; i < stacks_.size(); ++i) {
    put_number(out, stacks_[i].size());
    for (std::uint32_t id : stacks_[i]) put_number(out, id);
  }
  sent_locations_ = locations_.size();
  sent_stacks_ = stacks_.size();
  return out;
}

void StackTable::apply(std::string_view bytes) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  ByteReader in(p, p + bytes.size());
  auto fail = [] { throw std::runtime_error("a malformed stack table record"); };
  if (in.varint() != locations_.size()) fail();
  for (std::uint64_t n = in.varint(); n > 0 && !in.failed(); --n) {
    Location l;
    const std::uint8_t kind = in.u8();
    if (kind > Location::kUnreadable) fail();
    l.kind = Location::Kind(kind);
    l.function = std::string(in.bytes());
    l.file = std::string(in.bytes());
    l.line = int(in.varint());
    if (intern_location(l) != locations_.size() - 1) fail();
  }
  if (in.varint() != stacks_.size()) fail();
  for (std::uint64_t n = in.varint(); n > 0 && !in.failed(); --n) {
    std::vector<std::uint32_t> s(in.varint() & 0xFFFF);
    for (auto& id : s) {
      id = std::uint32_t(in.varint());
      if (id == 0 || id >= locations_.size()) fail();
    }
    if (intern_stack(s) != stacks_.size() - 1) fail();
  }
  if (in.failed() || !in.at_end()) fail();
  sent_locations_ = locations_.size();
  sent_stacks_ = stacks_.size();
}

}  // namespace gilhost::analysis
