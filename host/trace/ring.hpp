// A single-producer single-consumer ring of events: the owning thread pushes, the collector drains.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "trace/event.hpp"

namespace gilhost::trace {

// The producer never blocks, allocates or makes a system call: when the ring is full the event
// is counted in lost() and dropped. Capacity is a power of two.
class Ring {
 public:
  explicit Ring(std::size_t capacity_pow2)
      : mask_(capacity_pow2 - 1), slots_(new Event[capacity_pow2]) {}
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Producer side (the owning thread only).
  void push(const Event& e) {
    std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h - cached_tail_ > mask_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h - cached_tail_ > mask_) {
        lost_.store(lost_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return;
      }
    }
    slots_[h & mask_] = e;
    head_.store(h + 1, std::memory_order_release);
  }

  // Publishes `n` events at once or none of them (a stack's frames with the event they
  // describe, so a reader never sees a partial group). False when they do not fit: counted as
  // one lost event.
  bool push_n(const Event* e, std::size_t n) {
    std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h + n - cached_tail_ > mask_ + 1) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h + n - cached_tail_ > mask_ + 1) {
        lost_.store(lost_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
      }
    }
    for (std::size_t i = 0; i < n; ++i) slots_[(h + i) & mask_] = e[i];
    head_.store(h + n, std::memory_order_release);
    return true;
  }

  // Consumer side (one thread at a time): appends everything published so far to `out`.
  std::size_t drain_into(std::vector<Event>& out) {
    std::uint64_t t = tail_.load(std::memory_order_relaxed);
    std::uint64_t h = head_.load(std::memory_order_acquire);
    // At most two contiguous pieces: up to the end of the array, then from its start.
    const Event* base = slots_.get();
    std::uint64_t first_end = std::min(h, (t | mask_) + 1);
    out.insert(out.end(), base + (t & mask_), base + (t & mask_) + (first_end - t));
    if (first_end != h) out.insert(out.end(), base, base + (h - first_end));
    tail_.store(h, std::memory_order_release);
    return std::size_t(h - t);
  }

  std::uint64_t lost() const { return lost_.load(std::memory_order_relaxed); }
  std::size_t capacity() const { return mask_ + 1; }

 private:
  const std::uint64_t mask_;
  std::unique_ptr<Event[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;  // producer's last view of tail_
  std::atomic<std::uint64_t> lost_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace gilhost::trace
