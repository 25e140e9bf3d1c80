// The tracer's slow paths: slot claiming, GIL registration, the collector thread, recordings.
#include "trace/tracer.hpp"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "analysis/analysis_sink.hpp"
#include "record/tee.hpp"
#include "trace/quiet_thread.hpp"
#include "trace/release_site.hpp"
#include "trace/sched_sampler.hpp"
#include "trace/stack_interner.hpp"

namespace gilhost::trace {

std::uintptr_t g_lo = 0;
std::uintptr_t g_span = 0;
GilAddrs g_gils[kMaxGils];
int g_gil_count = 0;
CreationPattern g_creation;
thread_local ThreadTrace t_trace;
std::atomic<bool> g_trace_calls{false};

namespace {

constexpr std::size_t kMaxSlots = 4096;
// How often the collector drains the rings. A 2^18-event ring then fills only above ~130 M
// events/s per thread; the wake-ups cost nothing measurable when there is nothing to drain.
constexpr auto kDrainPeriod = std::chrono::milliseconds(2);
// Events are analysed in one global time order once they are this old: an event is stamped
// before it is pushed, so a thread preempted in between publishes it late. One that comes later
// still is counted (malformed_events), never dropped.
constexpr std::uint64_t kAnalysisLagNs = 50'000'000;

// One OS thread's events. `ring` is written by that thread only; `lost_seen` belongs to
// whoever holds g.drain_mu; `info` and `stream` are guarded by g.info_mu.
struct Slot {
  std::unique_ptr<Ring> ring;
  std::atomic<bool> ready{false};
  std::atomic<bool> finished{false};  // the owning thread has exited
  ThreadInfo info;
  std::uint32_t stream = 0;  // the analysis's name for this occupant of the slot
  std::uint64_t lost_seen = 0;
};

// Interned names: constant-time lookup (a 40,000-label script must not pay a linear search per
// gilhost.mark, under label_mu and with the GIL held). The deque keeps each string where the
// map's views point.
struct Names {
  std::deque<std::string> names;
  std::unordered_map<std::string_view, std::uint32_t> ids;
};

struct State {
  std::size_t ring_capacity = 1 << 18;
  std::unique_ptr<Slot[]> slots;
  std::atomic<std::size_t> next_slot{0};
  // Slots of exited threads whose events were all consumed: reused with their ring, so that
  // many short-lived threads (a worker set per run, --runs 200) neither grow memory nor run
  // out of slots. Guarded by free_mu; a slot on this list has ready == false.
  std::mutex free_mu;
  std::vector<std::size_t> free_slots;
  // The online analysis, fed by every drain, and where its inputs go: the analysis alone, or
  // the analysis and a recording file (record::Tee). Guarded by drain_mu. Identities of exited
  // threads' streams are kept until their last window is reported (guarded by info_mu).
  analysis::AnalysisSink feed;
  std::unique_ptr<record::Writer> writer;
  std::unique_ptr<record::Tee> tee;
  record::Sink* sink = &feed;
  std::string record_error;  // the recording's write error; the analysis goes on without it
  std::unordered_map<std::uint32_t, ThreadInfo> info_sent;  // identities the sink was given
  std::size_t labels_sent = 0;
  std::vector<Event> scratch;
  StackInterner stacks;              // guarded by drain_mu, except code_destroyed (its own lock)
  std::vector<SchedSample> samples;  // scratch for the sampler's new samples
  // The latest sample of each thread that has no stream yet: it opens the stream's first
  // interval once the thread records its first event.
  std::unordered_map<int, SchedSample> unmapped_samples;
  std::uint32_t next_stream = 0;
  std::unordered_map<std::uint32_t, ThreadInfo> retired_info;
  std::uint64_t lag_ticks = 0;
  std::uint64_t analysis_cap = ~std::uint64_t(0);  // stamp_window_end: not past here yet
  std::uint64_t events_total = 0;
  std::size_t blocked_limit = analysis::kBlockedPairsListed;
  pthread_key_t exit_key;
  std::atomic<std::uint64_t> unslotted_lost{0};
  std::atomic<bool> armed{false};
  std::mutex drain_mu;
  std::mutex info_mu;
  std::mutex label_mu;
  Names labels;
  Names kernels;
  std::thread collector;
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
};
// Never destroyed: a fork child (os.fork() in the script) exits through the static destructors,
// and destroying stop_cv there blocks forever in pthread_cond_destroy, which waits for the
// parent's collector, a waiter that does not exist in the child.
State& g = *new State;

std::size_t slot_count() {
  return std::min(g.next_slot.load(std::memory_order_acquire), kMaxSlots);
}

// Gives one input to the analysis (and the recording). A recording that cannot be written
// (disk full) is dropped with its error kept for the end of the run; the analysis goes on.
// Precondition: drain_mu is held.
template <typename F>
void feed(F&& call) {
  if (g.sink == &g.feed) return call(g.feed);
  try {
    call(*g.sink);
  } catch (const std::runtime_error& e) {
    g.record_error = e.what();
    g.sink = &g.feed;
    g.tee.reset();
    try {
      g.writer.reset();
    } catch (const std::exception&) {  // the same error again while flushing
    }
  }
}

std::string kernel_name(std::uint32_t id) {
  std::lock_guard lock(g.label_mu);
  return id < g.kernels.names.size() ? g.kernels.names[id] : "kernel " + std::to_string(id);
}

// Moves a slot's published events into the analysis, each run of stack frames made one kStack,
// after the stack table entries they need. Precondition: drain_mu is held.
void drain_slot(Slot& s) {
  g.scratch.clear();
  s.ring->drain_into(g.scratch);
  const std::uint64_t lost_now = s.ring->lost();
  const std::uint64_t lost = lost_now - s.lost_seen;
  s.lost_seen = lost_now;
  g.stacks.translate(g.scratch, kernel_name);
  g.events_total += g.scratch.size();
  const std::string table = g.stacks.table().take_new();
  feed([&](record::Sink& k) {
    if (!table.empty()) k.context(analysis::kStacksKey, table);
    if (!g.scratch.empty()) k.add_events(s.stream, g.scratch.data(), g.scratch.size());
    if (lost) k.add_lost(s.stream, lost);
  });
}

// Precondition: drain_mu is held and the slot's thread has exited (so its ring is final).
void retire(std::size_t i) {
  Slot& s = g.slots[i];
  drain_slot(s);
  feed([&](record::Sink& k) { k.end_stream(s.stream); });
  {
    std::lock_guard info(g.info_mu);
    g.retired_info[s.stream] = s.info;
  }
  s.ready.store(false, std::memory_order_release);
  std::lock_guard lock(g.free_mu);
  g.free_slots.push_back(i);
}

void drain_all_locked() {
  const std::uint64_t start = now_ticks();
  for (std::size_t i = 0, n = slot_count(); i < n; ++i) {
    Slot& s = g.slots[i];
    if (!s.ready.load(std::memory_order_acquire)) continue;
    // `finished` is read before draining: the thread's last push happened before it was set.
    if (s.finished.load(std::memory_order_acquire)) {
      retire(i);
    } else {
      drain_slot(s);
    }
  }
  g.stacks.forget_before(start);
}

// Hands the sampler's new run-queue samples to the analysis, by stream.
// Precondition: drain_mu is held.
void feed_sched_samples() {
  SchedSampler::take_new(g.samples);
  // Only when the sampler took a round (every 10 ms or more): mapping thread ids to streams
  // walks every slot, too much for every 2 ms drain with thousands of threads.
  if (g.samples.empty()) return;
  std::unordered_map<int, std::uint32_t> stream_of;
  {
    std::lock_guard info(g.info_mu);
    for (std::size_t i = 0, n = slot_count(); i < n; ++i) {
      const Slot& s = g.slots[i];
      if (s.ready.load(std::memory_order_acquire)) stream_of[s.info.tid] = s.stream;
    }
  }
  for (auto it = g.unmapped_samples.begin(); it != g.unmapped_samples.end();) {
    auto found = stream_of.find(it->first);
    if (found == stream_of.end()) {
      ++it;
      continue;
    }
    feed([&](record::Sink& k) {
      k.sched_sample({int(found->second), it->second.ts_ns, it->second.run_delay_ns, 0});
    });
    it = g.unmapped_samples.erase(it);
  }
  for (const SchedSample& s : g.samples) {
    if (auto found = stream_of.find(s.tid); found != stream_of.end()) {
      feed([&](record::Sink& k) {
        k.sched_sample({int(found->second), s.ts_ns, s.run_delay_ns, 0});
      });
    } else {
      g.unmapped_samples[s.tid] = s;
    }
  }
  // Threads that exited without an event: forget them (bounded by the live threads).
  if (g.unmapped_samples.size() > 2 * kMaxSlots) g.unmapped_samples.clear();
}

void collector_loop() {
  std::unique_lock lock(g.stop_mu);
  while (!g.stop) {
    g.stop_cv.wait_for(lock, kDrainPeriod);
    // The watermark is read before draining: whatever is drained below it was pushed in time.
    const std::uint64_t now = now_ticks();
    std::lock_guard drain(g.drain_mu);
    drain_all_locked();
    feed_sched_samples();
    if (now > g.lag_ticks) {
      const std::uint64_t watermark = std::min(now - g.lag_ticks, g.analysis_cap);
      feed([&](record::Sink& k) { k.advance(watermark); });
    }
  }
}

// The identities and labels the analysis will need to close a window, given to the sink only
// when new or changed (a recording carries each once). Precondition: drain_mu and info_mu held.
void send_identities() {
  std::unordered_map<std::uint32_t, const ThreadInfo*> now;
  for (std::size_t i = 0, n = slot_count(); i < n; ++i) {
    const Slot& s = g.slots[i];
    if (s.ready.load(std::memory_order_acquire)) now[s.stream] = &s.info;
  }
  for (const auto& [stream, info] : g.retired_info) now.emplace(stream, &info);
  for (const auto& [stream, info] : now) {
    auto [it, added] = g.info_sent.try_emplace(stream, *info);
    if (!added && it->second == *info) continue;
    it->second = *info;
    feed([&](record::Sink& k) { k.thread_info(stream, *info); });
  }
  std::erase_if(g.info_sent, [&now](const auto& kv) { return now.count(kv.first) == 0; });
  std::lock_guard lock(g.label_mu);
  for (; g.labels_sent < g.labels.names.size(); ++g.labels_sent) {
    const std::string& text = g.labels.names[g.labels_sent];
    feed([&](record::Sink& k) { k.label(std::uint32_t(g.labels_sent), text); });
  }
}

std::uint32_t intern(Names& table, std::string_view s) {
  std::lock_guard lock(g.label_mu);
  if (auto it = table.ids.find(s); it != table.ids.end()) return it->second;
  const auto id = std::uint32_t(table.names.size());
  table.ids.emplace(table.names.emplace_back(s), id);
  return id;
}

Slot* slot_of_current_thread() {
  if (t_trace.ring == nullptr && claim_ring() == nullptr) return nullptr;
  for (std::size_t i = 0, n = slot_count(); i < n; ++i) {
    if (g.slots[i].ring.get() == t_trace.ring) return &g.slots[i];
  }
  return nullptr;
}

// Readers test `p - g_lo < g_span` with two independent loads, so every intermediate state must
// be a superset of both the old and the new range: widen to everything, move lo, then narrow.
void recompute_bounds() {
  std::uintptr_t lo = ~std::uintptr_t(0), hi = 0;
  for (int i = 0; i < g_gil_count; ++i) {
    if (g_gils[i].mutex == nullptr) continue;  // unregistered
    for (void* p :
         {g_gils[i].mutex, g_gils[i].cond, g_gils[i].switch_mutex, g_gils[i].switch_cond}) {
      lo = std::min(lo, std::uintptr_t(p));
      hi = std::max(hi, std::uintptr_t(p) + 1);
    }
  }
  const bool armed = g.armed.load();
  if (armed) __atomic_store_n(&g_span, ~std::uintptr_t(0), __ATOMIC_SEQ_CST);
  __atomic_store_n(&g_lo, lo, __ATOMIC_SEQ_CST);
  if (armed) __atomic_store_n(&g_span, hi > lo ? hi - lo : 0, __ATOMIC_SEQ_CST);
}

// Runs at thread exit (pthread key destructor): the slot can be recycled once drained and
// consumed. Events the thread might still emit later are dropped (counted as lost).
void on_thread_exit(void* slot) {
  static_cast<Slot*>(slot)->finished.store(true, std::memory_order_release);
  t_trace.ring = nullptr;
  t_trace.dead = true;
}

std::size_t take_slot_index() {
  {
    std::lock_guard lock(g.free_mu);
    if (!g.free_slots.empty()) {
      std::size_t idx = g.free_slots.back();
      g.free_slots.pop_back();
      return idx;
    }
  }
  return g.next_slot.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace

Ring* claim_ring() {
  if (t_trace.dead || !g.slots) {
    if (t_trace.dead) g.unslotted_lost.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  std::size_t idx = take_slot_index();
  if (idx >= kMaxSlots) {
    t_trace.dead = true;  // no slot for this thread: its events are counted, not recorded
    g.unslotted_lost.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  Slot& s = g.slots[idx];
  if (!s.ring) {
    try {
      s.ring = std::make_unique<Ring>(g.ring_capacity);
    } catch (const std::bad_alloc&) {
      // Out of memory inside a pthread call: the thread's events are counted as lost (and
      // reported so), never an exception through the interposer (std::terminate).
      try {
        std::lock_guard lock(g.free_mu);
        g.free_slots.push_back(idx);
      } catch (const std::bad_alloc&) {  // the slot stays unused
      }
      t_trace.dead = true;
      g.unslotted_lost.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
  }
  {
    std::lock_guard lock(g.info_mu);
    s.stream = g.next_stream++;
    s.info = ThreadInfo{};
    s.info.tid = int(syscall(SYS_gettid));
    char name[16] = {};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    s.info.os_name = name;
    s.lost_seen = s.ring->lost();
  }
  s.finished.store(false, std::memory_order_relaxed);
  pthread_setspecific(g.exit_key, &s);
  s.ready.store(true, std::memory_order_release);
  t_trace.ring = s.ring.get();
  return t_trace.ring;
}

bool armed() { return g.armed.load(std::memory_order_relaxed); }

void Tracer::init(std::size_t ring_capacity_events) {
  std::size_t cap = 1024;
  while (cap < ring_capacity_events) cap <<= 1;
  g.ring_capacity = cap;
  g.slots = std::make_unique<Slot[]>(kMaxSlots);
  pthread_key_create(&g.exit_key, on_thread_exit);
  Clock::init();
  // A forked child has one thread and no collector: it must not record into copied rings.
  pthread_atfork(nullptr, nullptr, [] {
    __atomic_store_n(&g_span, 0, __ATOMIC_RELAXED);
    g.armed.store(false);
    t_trace.dead = true;
    new (&g.collector) std::thread();  // the parent's thread object does not exist here
    // The recording is the parent's; its writing thread does not exist here either.
    (void)g.writer.release();
    (void)g.tee.release();
    g.sink = &g.feed;
    // The parent's threads may have held these at fork(); in the child nobody will release
    // them (gilhost.mark() in the child takes label_mu).
    new (&g.stop_mu) std::mutex();
    new (&g.stop_cv) std::condition_variable();
    new (&g.drain_mu) std::mutex();
    new (&g.info_mu) std::mutex();
    new (&g.label_mu) std::mutex();
    new (&g.free_mu) std::mutex();
  });
}

namespace {
std::mutex g_table_mu;  // serialises writers of g_gils; readers never take it

// Tells the analysis that GIL `idx` is a GIL it has never seen (a new one, or a reused index),
// held from now on by the calling thread when `holder`: a marker in the analysis's time order.
// Precondition: g_table_mu is not held (close_window takes it under drain_mu).
void note_registration(int idx, bool holder) {
  Slot* s = slot_of_current_thread();
  if (s == nullptr) return;
  std::uint32_t stream = 0;
  {
    std::lock_guard info(g.info_mu);
    stream = s->stream;
  }
  std::lock_guard drain(g.drain_mu);
  const std::uint64_t ts = now_ticks();
  feed([&](record::Sink& k) {
    k.gil_registered(std::uint8_t(idx), holder ? stream : analysis::kNoHolder, ts);
  });
}

void store_gil(int idx, const GilAddrs& a) {
  GilAddrs& d = g_gils[idx];
  __atomic_store_n(&d.mutex, a.mutex, __ATOMIC_RELEASE);
  __atomic_store_n(&d.cond, a.cond, __ATOMIC_RELEASE);
  __atomic_store_n(&d.switch_mutex, a.switch_mutex, __ATOMIC_RELEASE);
  __atomic_store_n(&d.switch_cond, a.switch_cond, __ATOMIC_RELEASE);
  __atomic_store_n(&d.switch_number, a.switch_number, __ATOMIC_RELEASE);
  __atomic_store_n(&d.locked, a.locked, __ATOMIC_RELEASE);
  __atomic_store_n(&d.drop_request, a.drop_request, __ATOMIC_RELEASE);
  __atomic_store_n(&d.last_holder, a.last_holder, __ATOMIC_RELEASE);
}
}  // namespace

namespace {
// Every registration, for the reports: which GIL an index meant when (GilEntry).
struct Registration {
  int gil, creator_tid;
  std::uint64_t begin_ticks, end_ticks;
  bool created;
};
std::vector<Registration> g_registrations;  // guarded by g_table_mu

int find_index(const void* mutex) {
  for (int i = 0; i < g_gil_count; ++i)
    if (g_gils[i].mutex == mutex) return i;
  return -1;
}

// Precondition: g_table_mu held. `fresh_first`: an index never used before is preferred, so
// that events of a GIL the script destroyed are not mixed with a later one in the same window.
int store_new(const gilhost_gil_layout& l, bool fresh_first, bool created) {
  int idx = 0;
  while (idx < g_gil_count && g_gils[idx].mutex != nullptr) ++idx;  // reuse a freed index
  if (fresh_first && g_gil_count < kMaxGils) idx = g_gil_count;
  if (idx >= kMaxGils) return -1;
  store_gil(idx, GilAddrs{l.mutex, l.cond, l.switch_mutex, l.switch_cond, l.switch_number, l.locked,
                          l.gil_drop_request, l.last_holder});
  if (idx == g_gil_count) __atomic_store_n(&g_gil_count, idx + 1, __ATOMIC_RELEASE);
  g_registrations.push_back({idx, int(syscall(SYS_gettid)), now_ticks(), 0, created});
  recompute_bounds();
  return idx;
}

void end_registration(int idx) {
  for (Registration& r : g_registrations)
    if (r.gil == idx && r.end_ticks == 0) r.end_ticks = now_ticks();
}
}  // namespace

int Tracer::register_gil(const gilhost_gil_layout& l) {
  int idx = -1;
  bool fresh = false;
  {
    std::lock_guard lock(g_table_mu);
    // Already registered when create_gil was recognised (a :sub worker's GIL): its events have
    // been traced since, so the analysis knows its state.
    idx = find_index(l.mutex);
    if (idx < 0) fresh = (idx = store_new(l, false, false)) >= 0;
    if (idx < 0) return -1;
    // The caller holds this GIL, so its own bits for a reused index must describe that; other
    // threads that used the index's previous GIL have exited (see unregister_gil).
    t_trace.holds |= 1ull << idx;
    t_trace.in_mutex &= ~(1ull << idx);
  }
  if (fresh && g.armed.load()) note_registration(idx, true);
  return idx;
}

int Tracer::register_created_gil(const gilhost_gil_layout& l) {
  int idx = -1;
  {
    std::lock_guard lock(g_table_mu);
    if (find_index(l.mutex) >= 0) return find_index(l.mutex);
    idx = store_new(l, true, true);
    if (idx < 0) return idx;
    t_trace.holds &= ~(1ull << idx), t_trace.in_mutex &= ~(1ull << idx);
  }
  if (g.armed.load()) note_registration(idx, false);
  return idx;
}

void Tracer::unregister_gil(int index) {
  std::lock_guard lock(g_table_mu);
  if (index <= 0 || index >= g_gil_count) return;  // the main GIL (0) stays for the process
  store_gil(index, GilAddrs{});
  end_registration(index);
  t_trace.holds &= ~(1ull << index);
  t_trace.in_mutex &= ~(1ull << index);
  recompute_bounds();
}

void Tracer::unregister_destroyed_gil(const void* cond) {
  int idx = -1;
  {
    std::lock_guard lock(g_table_mu);
    for (int i = 1; i < g_gil_count; ++i)
      if (g_gils[i].cond == cond) idx = i;
  }
  if (idx > 0) unregister_gil(idx);
}

void Tracer::set_creation_pattern(const gilhost_gil_layout& l) {
  g_creation = CreationPattern{l.size, l.offset_mutex, l.offset_switch_mutex, l.offset_cond,
                               l.offset_switch_cond};
}

int Tracer::index_of(const void* mutex) {
  std::lock_guard lock(g_table_mu);
  return find_index(mutex);
}

void Tracer::arm(int holder_gil) {
  init_release_sites();   // before the first release can need it
  SchedSampler::start();  // samples every thread before the first event below
  t_trace.holds |= 1ull << holder_gil;
  t_trace.in_mutex = 0;
  g.armed.store(true);
  // The caller holds the GIL from now on: without this event a thread that never releases it
  // (`gilhost run -c "sum(range(3*10**7))"`) would have no hold at all.
  emit_at(now_ticks_ordered(), EventKind::kAcquire, holder_gil,
          std::uint32_t(__atomic_load_n(g_gils[holder_gil].switch_number, __ATOMIC_ACQUIRE)),
          kAcquireAtArm);
  {
    std::lock_guard lock(g.stop_mu);
    g.stop = false;
  }
  g.lag_ticks = Clock::current().ticks_of_ns(kAnalysisLagNs);
  {
    AllSignalsBlocked quiet;  // the script's signals are never the collector's
    g.collector = std::thread(collector_loop);
  }
  recompute_bounds();
}

void Tracer::disarm() {
  if (!g.armed.exchange(false)) return;
  __atomic_store_n(&g_span, 0, __ATOMIC_RELEASE);
  {
    std::lock_guard lock(g.stop_mu);
    g.stop = true;
  }
  g.stop_cv.notify_all();
  if (g.collector.joinable()) g.collector.join();
  SchedSampler::stop();
}

void Tracer::pause_threads() {
  if (!g.armed.load() || !g.collector.joinable()) return;
  {
    std::lock_guard lock(g.stop_mu);
    g.stop = true;
  }
  g.stop_cv.notify_all();
  g.collector.join();
  SchedSampler::stop();
}

void Tracer::resume_threads() {
  if (!g.armed.load() || g.collector.joinable()) return;
  {
    std::lock_guard lock(g.stop_mu);
    g.stop = false;
  }
  SchedSampler::start();
  AllSignalsBlocked quiet;
  g.collector = std::thread(collector_loop);
}

void Tracer::keep_events(bool keep) { g_trace_calls.store(keep); }

void Tracer::start_recording(std::unique_ptr<record::Writer> writer) {
  std::lock_guard drain(g.drain_mu);
  g.writer = std::move(writer);
  g.tee = std::make_unique<record::Tee>(g.feed, *g.writer);
  g.sink = g.tee.get();
  g.record_error.clear();
  g.info_sent.clear();  // the file starts knowing nobody
  g.labels_sent = 0;
}

void Tracer::record_context(std::string_view key, std::string_view bytes) {
  std::lock_guard drain(g.drain_mu);
  if (g.writer) {
    feed([&](record::Sink&) {
      g.writer->context(key, bytes);
      g.writer->flush();
    });
  }
}

bool Tracer::recording() {
  std::lock_guard drain(g.drain_mu);
  return g.writer != nullptr;
}

std::string Tracer::finish_recording() {
  std::lock_guard drain(g.drain_mu);
  if (g.writer) {
    feed([&](record::Sink&) { g.writer->finish(); });
    g.sink = &g.feed;
    g.tee.reset();
    g.writer.reset();
  }
  return g.record_error;
}

void Tracer::set_blocked_limit(std::size_t pairs) {
  std::lock_guard drain(g.drain_mu);
  g.blocked_limit = pairs;
}

std::uint64_t Tracer::open_window() {
  if (!armed()) return now_ticks();
  // Stamped under drain_mu: the collector's watermark (read before it took the lock, minus the
  // lag) is behind it, so no event after the begin was analysed outside the window.
  std::lock_guard drain(g.drain_mu);
  const std::uint64_t begin = now_ticks();
  feed([&](record::Sink& k) { k.begin_window(begin); });
  return begin;
}

std::uint64_t Tracer::stamp_window_end() {
  if (!armed()) return now_ticks();
  std::lock_guard drain(g.drain_mu);
  const std::uint64_t end = now_ticks();
  g.analysis_cap = std::min(g.analysis_cap, end);
  return end;
}

WindowResult Tracer::close_window(std::uint64_t begin_ticks, std::uint64_t end_ticks,
                                  std::optional<std::uint64_t> main_sn_end) {
  if (armed()) SchedSampler::sample_now();  // covers the window's end exactly
  std::lock_guard drain(g.drain_mu);
  drain_all_locked();
  feed_sched_samples();
  g.analysis_cap = ~std::uint64_t(0);
  const Clock clock = Clock::current();
  analysis::CloseParams p;
  p.begin_ticks = begin_ticks;
  if (!clock.identity()) p.scale = {clock.ticks0(), clock.ns0(), clock.ns_per_tick()};
  p.blocked_limit = g.blocked_limit;
  p.main_sn_end = main_sn_end;
  p.unslotted_lost = g.unslotted_lost.load();
  {
    std::lock_guard table(g_table_mu);
    for (const Registration& reg : g_registrations) {
      if (reg.begin_ticks > end_ticks || (reg.end_ticks && reg.end_ticks < begin_ticks)) continue;
      p.gils.push_back({reg.gil, reg.creator_tid, reg.begin_ticks, reg.end_ticks, reg.created});
    }
  }
  {
    std::lock_guard lock(g.label_mu);
    p.kernels.assign(g.kernels.names.begin(), g.kernels.names.end());
  }
  std::lock_guard info(g.info_mu);
  send_identities();
  const std::string params = analysis::encode(p);
  feed([&](record::Sink& k) {
    k.context("close", params);
    k.close_window(end_ticks);
  });
  // On disk at once: a run killed later still leaves this window readable.
  if (g.writer) feed([](record::Sink&) { g.writer->flush(); });
  std::erase_if(g.retired_info,
                [](const auto& kv) { return !g.feed.analyzer().has_stream(kv.first); });
  return g.feed.take_window();
}

std::uint32_t Tracer::intern_label(std::string_view label) { return intern(g.labels, label); }
std::uint32_t Tracer::intern_kernel(std::string_view name) { return intern(g.kernels, name); }

void Tracer::set_worker(std::string_view role, std::string_view worker) {
  Slot* s = slot_of_current_thread();
  if (s == nullptr) return;
  std::lock_guard lock(g.info_mu);
  s->info.role = role;
  s->info.worker = worker;
}

void Tracer::set_python_name(std::string_view name) {
  Slot* s = slot_of_current_thread();
  if (s == nullptr) return;
  std::lock_guard lock(g.info_mu);
  s->info.python_name = name;
}

void Tracer::set_python_name_of(int tid, std::string_view name) {
  std::lock_guard lock(g.info_mu);
  for (std::size_t i = slot_count(); i-- > 0;) {
    Slot& s = g.slots[i];
    if (s.ready.load(std::memory_order_acquire) && s.info.tid == tid) {
      s.info.python_name = name;
      return;
    }
  }
}

void Tracer::enable_stacks(CaptureFn capture, ViewCodeFn view, ThisThreadStateFn this_tstate) {
  g.stacks.set_view(view);
  g_this_thread_state = this_tstate;
  g_capture = capture;
}

void code_destroyed_hook(const void* code) { Tracer::code_destroyed(code); }

void Tracer::code_destroyed(const void* code) {
  // Disarmed, every frame was drained already: nothing can name the code object any more
  // (Py_FinalizeEx frees thousands, which need no copy).
  if (g_capture == nullptr || !armed()) return;
  g.stacks.code_destroyed(code, now_ticks());
  g_code_generation.fetch_add(1, std::memory_order_release);
}

analysis::StackTable Tracer::stack_table() {
  std::lock_guard drain(g.drain_mu);
  return g.feed.stacks();
}

TracerStatus Tracer::status() {
  TracerStatus st;
  st.armed = armed();
  st.gils = g_gil_count;
  st.ring_capacity = g.ring_capacity;
  std::lock_guard drain(g.drain_mu);
  for (std::size_t i = 0, n = slot_count(); i < n; ++i) {
    Slot& s = g.slots[i];
    if (!s.ready.load(std::memory_order_acquire)) continue;
    ++st.threads;
    st.lost += s.ring->lost();
  }
  st.events = g.events_total;
  st.pending = g.feed.analyzer().pending_events();
  st.lost += g.unslotted_lost.load();
  return st;
}

}  // namespace gilhost::trace
