// Float input for kernels: a zero-copy view of a 'd' buffer, or a copy of a float sequence.
#pragma once

#include <Python.h>

#include <span>
#include <vector>

namespace gilhost::python {

// Holds the Py_buffer (so the exporter cannot resize it) while a kernel runs without the GIL.
// Precondition for load() and destruction: the GIL is held.
class Doubles {
 public:
  Doubles() = default;
  Doubles(const Doubles&) = delete;
  Doubles& operator=(const Doubles&) = delete;
  ~Doubles() {
    if (has_view_) PyBuffer_Release(&view_);
  }

  // Accepts a C-contiguous buffer of format 'd' (array('d'), memoryview.cast('d'), ...) or any
  // sequence of numbers. Sets a Python exception naming `what` and returns false otherwise.
  bool load(PyObject* obj, const char* what) {
    if (PyObject_CheckBuffer(obj) &&
        PyObject_GetBuffer(obj, &view_, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0) {
      has_view_ = true;
      if (view_.format != nullptr && view_.format[0] == 'd' && view_.format[1] == '\0') {
        data_ = static_cast<const double*>(view_.buf);
        size_ = view_.len / Py_ssize_t(sizeof(double));
        return true;
      }
      PyBuffer_Release(&view_);
      has_view_ = false;
    }
    PyErr_Clear();
    return load_sequence(obj, what);
  }

  std::span<const double> span() const { return {data_, std::size_t(size_)}; }
  Py_ssize_t size() const { return size_; }

 private:
  bool load_sequence(PyObject* obj, const char* what) {
    PyObject* seq = PySequence_Fast(obj, "");
    if (seq == nullptr) {
      PyErr_Format(PyExc_TypeError, "%s must be a sequence of floats or a 'd' buffer, not %s", what,
                   Py_TYPE(obj)->tp_name);
      return false;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    copy_.resize(std::size_t(n));
    PyObject** items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; ++i) {
      copy_[std::size_t(i)] = PyFloat_AsDouble(items[i]);
      if (copy_[std::size_t(i)] == -1.0 && PyErr_Occurred()) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_TypeError, "%s[%zd] is not a number", what, i);
        return false;
      }
    }
    Py_DECREF(seq);
    data_ = copy_.data();
    size_ = n;
    return true;
  }

  Py_buffer view_{};
  bool has_view_ = false;
  std::vector<double> copy_;
  const double* data_ = nullptr;
  Py_ssize_t size_ = 0;
};

}  // namespace gilhost::python
