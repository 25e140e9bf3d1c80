// Tracer overhead per GIL event: a tight Py_BEGIN/END_ALLOW_THREADS loop, traced or not.
// Run through scripts/bench_overhead.sh, which alternates traced and untraced processes
// (A B A B ...) and reports median ratios; the environment variable GILHOST_BENCH_TRACE=1
// arms the tracer. Goal (docs/performance.md): <= 10 ns added per GIL event.
#include <Python.h>
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "python/executable.hpp"
#include "trace/tracer.hpp"
#include "workload/session.hpp"

namespace {

std::unique_ptr<gilhost::workload::Session> g_session;
PyThreadState* g_main = nullptr;

// One re-acquire + release of the GIL (PyEval_RestoreThread / SaveThread, what
// Py_END/BEGIN_ALLOW_THREADS expand to): with the tracer armed that is 3 events (request,
// acquire, release). The GIL is not held around the loop, so that benchmark's own thread
// barriers never wait for a thread that holds it.
void BM_ReleaseReacquire(benchmark::State& state) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyThreadState* ts = PyEval_SaveThread();
  for (auto _ : state) {
    PyEval_RestoreThread(ts);
    ts = PyEval_SaveThread();
  }
  PyEval_RestoreThread(ts);
  PyGILState_Release(g);
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    // Analyse what was recorded so memory stays flat across repetitions.
    gilhost::trace::Tracer::close_window(0, gilhost::trace::now_ticks());
  }
}
BENCHMARK(BM_ReleaseReacquire)->Threads(1)->Threads(2)->UseRealTime();

// The same from inside 16 Python frames (stack depth 16, docs/performance.md "Stacks"): a
// Python function recursing 15 times calls back into C, which runs the loop. Each release
// reads the 16 frames and compares them with the thread's previous stack (unchanged here, so
// nothing more is pushed).
benchmark::State* g_state = nullptr;

PyObject* run_loop(PyObject*, PyObject*) {
  PyThreadState* ts = PyEval_SaveThread();
  for (auto _ : *g_state) {
    PyEval_RestoreThread(ts);
    ts = PyEval_SaveThread();
  }
  PyEval_RestoreThread(ts);
  Py_RETURN_NONE;
}
PyMethodDef g_loop_def = {"run_loop", run_loop, METH_NOARGS, nullptr};

void BM_ReleaseReacquireDepth16(benchmark::State& state) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* loop = PyCFunction_New(&g_loop_def, nullptr);
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(globals, "loop", loop);
  PyObject* r = PyRun_String("def f(n):\n    return f(n - 1) if n else loop()\n", Py_file_input,
                             globals, globals);
  Py_XDECREF(r);
  PyObject* f = PyDict_GetItemString(globals, "f");
  g_state = &state;
  PyObject* out = f ? PyObject_CallFunction(f, "i", 15) : nullptr;  // 16 frames with f(0)
  if (out == nullptr) PyErr_Print();
  Py_XDECREF(out);
  Py_DECREF(globals);
  Py_DECREF(loop);
  PyGILState_Release(g);
  state.SetItemsProcessed(state.iterations());
  gilhost::trace::Tracer::close_window(0, gilhost::trace::now_ticks());
}
BENCHMARK(BM_ReleaseReacquireDepth16)->UseRealTime();

// The compare every non-GIL pthread call pays: an uncontended std::mutex-style lock/unlock.
void BM_OtherMutex(benchmark::State& state) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  for (auto _ : state) {
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
  }
}
BENCHMARK(BM_OtherMutex);

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("GILHOST_BENCH_TRACE");
  bool trace = env != nullptr && env[0] == '1';
  // GILHOST_BENCH_STACKS=0: traced without Python stacks (--no-stacks).
  const char* stacks_env = std::getenv("GILHOST_BENCH_STACKS");
  const bool stacks = stacks_env == nullptr || stacks_env[0] != '0';
  gilhost::python::Launch launch{
      gilhost::python::choose_executable(""), {}, gilhost::python::MainKind::kCode, "", {}};
  g_session = std::make_unique<gilhost::workload::Session>(launch, trace, 1 << 20, stacks);
  g_main = PyEval_SaveThread();
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("gilhost_trace", trace ? "on" : "off");
  benchmark::AddCustomContext("gilhost_stacks", trace && stacks ? "on" : "off");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PyEval_RestoreThread(g_main);
  g_session->finalize();
  return 0;
}
