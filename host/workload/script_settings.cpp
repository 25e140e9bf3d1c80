// Validation of a script's GILHOST dict: wrong types give one clear line, not a traceback.
#include "workload/script_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "cli/units.hpp"
#include "python/ref.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;

constexpr const char* kKeys[] = {"workers", "duration", "calls",  "switch_interval",
                                 "runs",    "warmup",   "timeout"};

std::string str_of(PyObject* o) {
  const char* s = PyUnicode_AsUTF8(o);
  if (s == nullptr) {
    PyErr_Clear();
    return "?";
  }
  return s;
}

std::string repr_of(PyObject* o) {
  python::Ref r(PyObject_Repr(o));
  if (!r) PyErr_Clear();
  return r ? str_of(r.get()) : "?";
}

// A duration is "5ms"-style text or a number of seconds.
std::chrono::nanoseconds duration_of(PyObject* v, const char* key) {
  std::string what = fmt::format("GILHOST['{}']", key);
  if (PyUnicode_Check(v)) return cli::parse_duration(str_of(v), what);
  if (PyFloat_Check(v) || (PyLong_Check(v) && !PyBool_Check(v))) {
    return cli::parse_duration(fmt::format("{}", PyFloat_AsDouble(v)), what);
  }
  throw UsageError(fmt::format("{} must be a duration like '2s' or a number of seconds, not {}",
                               what, repr_of(v)));
}

std::uint64_t count_of(PyObject* v, const char* key, std::uint64_t max) {
  std::string what = fmt::format("GILHOST['{}']", key);
  if (!PyLong_Check(v) || PyBool_Check(v)) {
    throw UsageError(fmt::format("{} must be a whole number, not {}", what, repr_of(v)));
  }
  return cli::parse_count(repr_of(v), what, max);
}

cli::WorkerSet worker_set_of(PyObject* v) {
  if (PyUnicode_Check(v)) return cli::parse_workers(str_of(v), "GILHOST['workers']");
  if (!PyDict_Check(v)) {
    throw UsageError(fmt::format(
        "GILHOST['workers'] must be a dict like {{'cpu': 4}}, a string like 'cpu=4', or a list "
        "of those, not {}",
        repr_of(v)));
  }
  std::string spec;
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(v, &pos, &key, &value)) {
    if (!PyUnicode_Check(key) || !PyLong_Check(value) || PyBool_Check(value)) {
      throw UsageError(fmt::format("GILHOST['workers'] entries must be name: count, not {}: {}",
                                   repr_of(key), repr_of(value)));
    }
    spec += fmt::format("{}{}={}", spec.empty() ? "" : ",", str_of(key), repr_of(value));
  }
  if (spec.empty()) throw UsageError("GILHOST['workers'] is empty");
  return cli::parse_workers(spec, "GILHOST['workers']");
}

std::vector<cli::WorkerSet> worker_sets_of(PyObject* v) {
  if (!PyList_Check(v) && !PyTuple_Check(v)) return {worker_set_of(v)};
  std::vector<cli::WorkerSet> sets;
  for (Py_ssize_t i = 0; i < PySequence_Size(v); ++i) {
    python::Ref item(PySequence_GetItem(v, i));
    sets.push_back(worker_set_of(item.get()));
  }
  if (sets.empty()) throw UsageError("GILHOST['workers'] is an empty list");
  return sets;
}

void check_keys(PyObject* dict) {
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    std::string k = PyUnicode_Check(key) ? str_of(key) : repr_of(key);
    if (std::find(std::begin(kKeys), std::end(kKeys), k) == std::end(kKeys)) {
      throw UsageError(
          fmt::format("GILHOST: unknown key '{}' (known: workers, duration, calls, "
                      "switch_interval, runs, warmup, timeout)",
                      k));
    }
  }
}

}  // namespace

void apply_script_defaults(PyObject* globals, cli::RunOptions& o) {
  PyObject* dict = PyDict_GetItemString(globals, "GILHOST");  // borrowed
  if (dict == nullptr) return;
  if (!PyDict_Check(dict)) {
    throw UsageError(fmt::format("GILHOST must be a dict, not {}", repr_of(dict)));
  }
  check_keys(dict);
  auto get = [&](const char* k) { return PyDict_GetItemString(dict, k); };
  if (PyObject* v = get("workers"); v && o.worker_sets.empty()) o.worker_sets = worker_sets_of(v);
  bool cli_sets_length = o.duration || o.calls;
  if (PyObject* v = get("duration"); v && !cli_sets_length) o.duration = duration_of(v, "duration");
  if (PyObject* v = get("calls"); v && !cli_sets_length && !o.duration) {
    o.calls = count_of(v, "calls", 1'000'000'000);
  }
  if (PyObject* v = get("switch_interval"); v && !o.switch_interval) {
    o.switch_interval = duration_of(v, "switch_interval");
  }
  if (PyObject* v = get("runs"); v && !o.runs) o.runs = unsigned(count_of(v, "runs", 100000));
  if (PyObject* v = get("warmup"); v && !o.warmup)
    o.warmup = unsigned(count_of(v, "warmup", 100000));
  if (PyObject* v = get("timeout"); v && !o.timeout) o.timeout = duration_of(v, "timeout");
}

std::vector<PyObject*> resolve_functions(PyObject* globals, const cli::WorkerSet& roles) {
  std::vector<PyObject*> fns;
  for (const cli::RoleSpec& r : roles) {
    PyObject* f = PyDict_GetItemString(globals, r.name.c_str());  // borrowed
    if (f == nullptr) {
      throw UsageError(fmt::format("--workers: the script defines no function '{}'", r.name));
    }
    if (!PyCallable_Check(f)) {
      throw UsageError(
          fmt::format("--workers: '{}' is not callable (it is {})", r.name, Py_TYPE(f)->tp_name));
    }
    fns.push_back(f);
  }
  return fns;
}

}  // namespace gilhost::workload
