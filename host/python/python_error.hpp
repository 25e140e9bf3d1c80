// Python exceptions crossing into C++: one exception type carrying the formatted traceback.
#pragma once

#include <stdexcept>
#include <string>

namespace gilhost::python {

// The pending Python exception, fetched and formatted. Precondition: the GIL is held.
class PythonError : public std::runtime_error {
 public:
  // Takes the current Python error (PyErr_Occurred() must be true) and clears it.
  static PythonError fetch(const std::string& context);
  const std::string& type_name() const { return type_name_; }
  const std::string& traceback() const { return traceback_; }

 private:
  PythonError(std::string message, std::string type_name, std::string traceback)
      : std::runtime_error(std::move(message)),
        type_name_(std::move(type_name)),
        traceback_(std::move(traceback)) {}
  std::string type_name_;
  std::string traceback_;
};

// Formats the pending exception like Python's own traceback printer, and clears it. The GIL
// must be held. Returns "" when no exception is pending.
std::string format_pending_exception(std::string* type_name = nullptr);

}  // namespace gilhost::python
