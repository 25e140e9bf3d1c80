// Glue between Python and the C++ kernels: argument conversion, GIL release, trace events.
// Kernels themselves live in kernels/ and know nothing of Python.
#include "python/gilhost_module.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <new>
#include <stdexcept>

#include "build_info.hpp"
#include "kernels/kernels.hpp"
#include "python/buffer.hpp"
#include "python/compat.hpp"
#include "python/ref.hpp"
#include "trace/tracer.hpp"

namespace gilhost::python {
namespace {

// A C++ exception must never unwind through CPython's frames (it would skip their clean-up, and
// with the GIL released the caller would return without it): every function of the module runs
// inside `guarded`, which turns whatever escapes into the Python exception a caller can handle.
PyObject* set_python_error() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return PyErr_NoMemory();
  } catch (const std::invalid_argument& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "gilhost: unknown C++ exception");
  }
  return nullptr;
}

template <PyObject* (*F)(PyObject*, PyObject*)>
PyObject* guarded(PyObject* self, PyObject* arg) noexcept {
  try {
    return F(self, arg);
  } catch (...) {
    return set_python_error();
  }
}

template <PyObject* (*F)(PyObject*, PyObject*, PyObject*)>
PyObject* guarded(PyObject* self, PyObject* args, PyObject* kw) noexcept {
  try {
    return F(self, args, kw);
  } catch (...) {
    return set_python_error();
  }
}

thread_local const WorkerIdentity* t_worker = nullptr;

// The released span of a native section: ends it and takes the GIL back on every path, also
// when the kernel throws (the exception then reaches `guarded` with the GIL held).
class ReleasedGil {
 public:
  explicit ReleasedGil(std::uint32_t kernel) : kernel_(kernel), ts_(PyEval_SaveThread()) {
    trace::emit_host(trace::EventKind::kNativeBegin, kernel_);
  }
  ReleasedGil(const ReleasedGil&) = delete;
  ReleasedGil& operator=(const ReleasedGil&) = delete;
  ~ReleasedGil() {
    trace::emit_host(trace::EventKind::kNativeEnd, kernel_);
    PyEval_RestoreThread(ts_);
  }

 private:
  std::uint32_t kernel_;
  PyThreadState* ts_;
};

// n * k, or -1 when the product overflows Py_ssize_t (no buffer can hold that many values).
Py_ssize_t checked_product(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c = 1) {
  Py_ssize_t ab = 0, abc = 0;
  if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, &abc)) return -1;
  return abc;
}

// Runs `fn` with the GIL released when `release` is set, as a traced native section named
// `kernel`. The section events sit inside the released span, so their length is the time the
// kernel ran without the GIL.
template <typename Fn>
void native_section(const char* kernel, bool release, Fn&& fn) {
  static thread_local const char* last_kernel = nullptr;
  static thread_local std::uint32_t last_id = 0;
  if (kernel != last_kernel) {
    last_id = trace::Tracer::intern_kernel(kernel);
    last_kernel = kernel;
  }
  // The kernel is the innermost frame of the stacks captured while it runs (the release in
  // ReleasedGil, the held section's begin).
  struct KernelFrame {
    explicit KernelFrame(std::uint32_t id) { trace::t_kernel = id + 1; }
    ~KernelFrame() { trace::t_kernel = 0; }
  } frame(last_id);
  if (!release) {  // stamped too: the GIL hold around it can be checked against this clock
    trace::emit_host_stacked(PyThreadState_Get(), trace::EventKind::kHeldBegin, last_id);
    fn();
    trace::emit_host(trace::EventKind::kHeldEnd, last_id);
    return;
  }
  ReleasedGil released(last_id);
  fn();
}

bool seconds_arg(PyObject* arg, std::chrono::nanoseconds& out) {
  double s = PyFloat_AsDouble(arg);
  if (s == -1.0 && PyErr_Occurred()) return false;
  if (!std::isfinite(s) || s < 0 || s > 86400.0 * 365) {
    PyErr_SetString(PyExc_ValueError, "seconds must be between 0 and one year");
    return false;
  }
  out = std::chrono::nanoseconds(std::int64_t(s * 1e9));
  return true;
}

PyObject* py_spin(PyObject*, PyObject* args, PyObject* kw) {
  static const char* names[] = {"seconds", "release_gil", nullptr};
  PyObject* sec = nullptr;
  int release = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:spin", const_cast<char**>(names), &sec,
                                   &release)) {
    return nullptr;
  }
  std::chrono::nanoseconds d;
  if (!seconds_arg(sec, d)) return nullptr;
  native_section("spin", release, [&] { kernels::spin_for(d); });
  Py_RETURN_NONE;
}

PyObject* py_hold_gil(PyObject*, PyObject* arg) {
  std::chrono::nanoseconds d;
  if (!seconds_arg(arg, d)) return nullptr;
  // The badly written extension: long C work with the GIL held.
  native_section("hold_gil", false, [&] { kernels::spin_for(d); });
  Py_RETURN_NONE;
}

PyObject* py_sleep(PyObject*, PyObject* arg) {
  std::chrono::nanoseconds d;
  if (!seconds_arg(arg, d)) return nullptr;
  native_section("sleep", true, [&] { kernels::sleep_for(d); });
  Py_RETURN_NONE;
}

PyObject* py_dot(PyObject*, PyObject* args, PyObject* kw) {
  static const char* names[] = {"a", "b", "release_gil", nullptr};
  PyObject *a = nullptr, *b = nullptr;
  int release = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|$p:dot", const_cast<char**>(names), &a, &b,
                                   &release)) {
    return nullptr;
  }
  Doubles x, y;
  if (!x.load(a, "a") || !y.load(b, "b")) return nullptr;
  if (x.size() != y.size()) {
    return PyErr_Format(PyExc_ValueError, "dot: sizes differ (%zd and %zd)", x.size(), y.size());
  }
  double r = 0;
  native_section("dot", release, [&] { r = kernels::dot(x.span(), y.span()); });
  return PyFloat_FromDouble(r);
}

PyObject* py_vector_norm(PyObject*, PyObject* args, PyObject* kw) {
  static const char* names[] = {"x", "release_gil", nullptr};
  PyObject* a = nullptr;
  int release = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$p:vector_norm", const_cast<char**>(names), &a,
                                   &release)) {
    return nullptr;
  }
  Doubles x;
  if (!x.load(a, "x")) return nullptr;
  double r = 0;
  native_section("vector_norm", release, [&] { r = kernels::vector_norm(x.span()); });
  return PyFloat_FromDouble(r);
}

PyObject* py_matmul(PyObject*, PyObject* args, PyObject* kw) {
  static const char* names[] = {"a", "b", "n", "k", "m", "threads", "release_gil", nullptr};
  PyObject *a = nullptr, *b = nullptr;
  Py_ssize_t n = 0, k = -1, m = -1;
  int threads = 1, release = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OOn|nn$ip:matmul", const_cast<char**>(names), &a, &b,
                                   &n, &k, &m, &threads, &release)) {
    return nullptr;
  }
  if (k == -1) k = n;  // -1: not given
  if (m == -1) m = n;
  if (n < 1 || k < 1 || m < 1 || threads < 1 || threads > int(kernels::kMaxThreads)) {
    return PyErr_Format(PyExc_ValueError, "matmul: need n, k, m >= 1 and 1 <= threads <= %u",
                        kernels::kMaxThreads);
  }
  // Checked before any value is read: a product that overflows can match no buffer.
  const Py_ssize_t nk = checked_product(n, k), km = checked_product(k, m),
                   out_bytes = checked_product(n, m, Py_ssize_t(sizeof(double)));
  if (nk < 0 || km < 0 || out_bytes < 0) {
    return PyErr_Format(PyExc_ValueError, "matmul: %zd x %zd x %zd is too large", n, k, m);
  }
  Doubles x, y;
  if (!x.load(a, "a") || !y.load(b, "b")) return nullptr;
  if (x.size() != nk || y.size() != km) {
    return PyErr_Format(PyExc_ValueError,
                        "matmul: a has %zd values (need %zd), b has %zd (need %zd)", x.size(), nk,
                        y.size(), km);
  }
  Ref out(PyByteArray_FromStringAndSize(nullptr, out_bytes));
  if (!out) return nullptr;
  std::span<double> c(reinterpret_cast<double*>(PyByteArray_AS_STRING(out.get())),
                      std::size_t(out_bytes) / sizeof(double));
  native_section("matmul", release, [&] {
    kernels::matmul(x.span(), y.span(), c, std::size_t(n), std::size_t(k), std::size_t(m),
                    unsigned(threads));
  });
  Ref view(PyMemoryView_FromObject(out.get()));
  return view ? PyObject_CallMethod(view.get(), "cast", "s", "d") : nullptr;
}

PyObject* py_mark(PyObject*, PyObject* arg) {
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(arg, &n);
  if (s == nullptr) return nullptr;
  trace::emit_host(trace::EventKind::kMark, trace::Tracer::intern_label({s, std::size_t(n)}));
  Py_RETURN_NONE;
}

PyObject* py_worker(PyObject*, PyObject*) {
  if (t_worker == nullptr) Py_RETURN_NONE;
  return Py_BuildValue("(si)", t_worker->role.c_str(), t_worker->index);
}

PyObject* py_interpreter(PyObject*, PyObject*) {
  return PyUnicode_FromString(PyInterpreterState_Get() == PyInterpreterState_Main() ? "main"
                                                                                    : "sub");
}

PyObject* py_name_thread(PyObject*, PyObject* arg) {
  const char* s = PyUnicode_AsUTF8(arg);
  if (s == nullptr) return nullptr;
  if (trace::armed()) trace::Tracer::set_python_name(s);
  Py_RETURN_NONE;
}

PyMethodDef kMethods[] = {
    {"spin", as_cfunction(guarded<py_spin>), METH_VARARGS | METH_KEYWORDS,
     "spin(seconds, release_gil=True)\n--\n\nBusy C++ loop for `seconds`; with release_gil the "
     "GIL is released while it runs."},
    {"hold_gil", guarded<py_hold_gil>, METH_O,
     "hold_gil(seconds)\n--\n\nA C++ section that keeps the GIL for `seconds` (the badly "
     "written extension)."},
    {"sleep", guarded<py_sleep>, METH_O,
     "sleep(seconds)\n--\n\nSleep in C++ with the GIL released."},
    {"dot", as_cfunction(guarded<py_dot>), METH_VARARGS | METH_KEYWORDS,
     "dot(a, b, *, release_gil=True)\n--\n\nDot product of two float sequences or 'd' buffers."},
    {"vector_norm", as_cfunction(guarded<py_vector_norm>), METH_VARARGS | METH_KEYWORDS,
     "vector_norm(x, *, release_gil=True)\n--\n\nEuclidean norm (the Cython nogil example)."},
    {"matmul", as_cfunction(guarded<py_matmul>), METH_VARARGS | METH_KEYWORDS,
     "matmul(a, b, n, k=n, m=n, *, threads=1, release_gil=True)\n--\n\nC[n x m] = A[n x k] B[k "
     "x m], row-major; returns a memoryview of format 'd'. threads > 1 splits the rows over "
     "gilhost's own C++ thread pool."},
    {"mark", guarded<py_mark>, METH_O, "mark(label)\n--\n\nRecord an instant on the timeline."},
    {"worker", guarded<py_worker>, METH_NOARGS,
     "worker()\n--\n\n(role, index) of the calling gilhost worker, or None."},
    {"interpreter", guarded<py_interpreter>, METH_NOARGS,
     "interpreter()\n--\n\n'main' in the main interpreter, 'sub' in a sub-interpreter (a :sub "
     "worker's own). Lets a script run set-up code once, in the main interpreter."},
    {"_name_thread", guarded<py_name_thread>, METH_O, "Record the calling thread's Python name."},
    {nullptr, nullptr, 0, nullptr}};

// Runs once per interpreter that imports the module (multi-phase initialisation): nothing is
// shared between interpreters, which is what lets the module declare per-interpreter-GIL
// support for sub-interpreters with their own GIL (PEP 684).
int exec_module(PyObject* module) {
  return PyModule_AddStringConstant(module, "__version__", build::kVersion);
}

PyModuleDef_Slot kSlots[] = {
    {Py_mod_exec, reinterpret_cast<void*>(exec_module)},
#if GILHOST_HAS_PER_INTERPRETER_GIL
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#if GILHOST_HAS_MOD_GIL_SLOT
    // The module keeps no Python state of its own, so it is safe without the GIL; declaring so
    // keeps a free-threaded build's GIL off when a script imports gilhost (PEP 703).
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, nullptr}};

PyModuleDef kModule = {
    PyModuleDef_HEAD_INIT,
    "gilhost",
    "Native helpers of the gilhost experiment host: kernels that release or hold the GIL, "
    "markers for the timeline, and the identity of the calling worker.",
    0,  // no module state: every function is stateless or uses the process-wide tracer
    kMethods,
    kSlots,
    nullptr,
    nullptr,
    nullptr};

}  // namespace

extern "C" PyObject* init_gilhost_module() { return PyModuleDef_Init(&kModule); }

void set_current_worker(const WorkerIdentity* identity) { t_worker = identity; }
const WorkerIdentity* current_worker() { return t_worker; }

}  // namespace gilhost::python
