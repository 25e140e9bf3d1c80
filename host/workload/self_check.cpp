// Ping-pong over the GIL: each turn is exactly one acquire by a thread that did not hold it.
#include "workload/self_check.hpp"

#include <Python.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "analysis/metrics.hpp"
#include "trace/tracer.hpp"

namespace gilhost::workload {
namespace {

struct Table {
  std::mutex mu;
  std::condition_variable cv;
  int token = 0;     // whose turn it is
  int attached = 0;  // threads holding a thread state and waiting
  bool go = false;
};

// A player takes the GIL only on its turn and releases it before passing the token, so the
// other player's acquire is always a change of holder. The C++ mutex is never held while the
// GIL is taken (lock order: C++ mutex first, GIL second, never the other way round).
void player(Table& t, int me, unsigned rounds) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyThreadState* ts = PyEval_SaveThread();
  {
    std::unique_lock lock(t.mu);
    ++t.attached;
    t.cv.notify_all();
    t.cv.wait(lock, [&] { return t.go; });
  }
  for (unsigned i = 0; i < rounds; ++i) {
    {
      std::unique_lock lock(t.mu);
      t.cv.wait(lock, [&] { return t.token == me; });
    }
    PyEval_RestoreThread(ts);
    ts = PyEval_SaveThread();
    {
      std::lock_guard lock(t.mu);
      t.token = 1 - me;
    }
    t.cv.notify_all();
  }
  PyEval_RestoreThread(ts);
  PyGILState_Release(g);
}

}  // namespace

SelfCheck run_self_check(Session& s, unsigned rounds) {
  Table t;
  std::thread a(player, std::ref(t), 0, rounds), b(player, std::ref(t), 1, rounds);
  PyThreadState* main_ts = PyEval_SaveThread();
  std::uint64_t begin = 0, sn0 = 0;
  {
    std::unique_lock lock(t.mu);
    t.cv.wait(lock, [&] { return t.attached == 2; });
    sn0 = s.switch_number();
    begin = trace::Tracer::open_window();
    t.go = true;
  }
  t.cv.notify_all();
  a.join();
  b.join();
  std::uint64_t end = trace::now_ticks();
  std::uint64_t sn1 = s.switch_number();
  PyEval_RestoreThread(main_ts);

  trace::WindowResult w = s.record(begin, end, sn0, sn1);
  analysis::GilMetrics m = Session::gil_metrics(w, 0);
  SelfCheck c;
  // 2 turns per round plus each player's final re-acquire to detach (PyGILState_Release).
  c.turns = 2ull * rounds + 2;
  c.acquires = m.summary.acquires;
  c.holder_changes = m.summary.holder_changes;
  c.switch_number_delta = m.summary.switch_number_delta;
  c.lost = m.summary.lost_events;
  c.overlapping_holds = m.summary.overlapping_holds;
  return c;
}

}  // namespace gilhost::workload
