// A Sink that forwards every call to two others: the live analysis and the recording Writer
// are fed the same inputs in the same order, which is what makes a replay reproduce the run.
#pragma once

#include "record/journal.hpp"

namespace gilhost::record {

class Tee final : public Sink {
 public:
  Tee(Sink& first, Sink& second) : a_(first), b_(second) {}
  void add_events(std::uint32_t s, const trace::Event* e, std::size_t n) override {
    a_.add_events(s, e, n);
    b_.add_events(s, e, n);
  }
  void add_lost(std::uint32_t s, std::uint64_t n) override {
    a_.add_lost(s, n);
    b_.add_lost(s, n);
  }
  void declare(std::uint32_t s) override {
    a_.declare(s);
    b_.declare(s);
  }
  void end_stream(std::uint32_t s) override {
    a_.end_stream(s);
    b_.end_stream(s);
  }
  void thread_info(std::uint32_t s, const trace::ThreadInfo& i) override {
    a_.thread_info(s, i);
    b_.thread_info(s, i);
  }
  void label(std::uint32_t id, std::string_view t) override {
    a_.label(id, t);
    b_.label(id, t);
  }
  void gil_registered(std::uint8_t g, std::uint32_t s, std::uint64_t ts) override {
    a_.gil_registered(g, s, ts);
    b_.gil_registered(g, s, ts);
  }
  void sched_sample(const trace::SchedSample& x) override {
    a_.sched_sample(x);
    b_.sched_sample(x);
  }
  void begin_window(std::uint64_t t) override {
    a_.begin_window(t);
    b_.begin_window(t);
  }
  void advance(std::uint64_t w) override {
    a_.advance(w);
    b_.advance(w);
  }
  void close_window(std::uint64_t e) override {
    a_.close_window(e);
    b_.close_window(e);
  }
  void context(std::string_view k, std::string_view v) override {
    a_.context(k, v);
    b_.context(k, v);
  }

 private:
  Sink& a_;
  Sink& b_;
};

}  // namespace gilhost::record
