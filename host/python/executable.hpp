// sys.executable of the embedded interpreter: the python a shell would have run.
#pragma once

#include <string>

namespace gilhost::python {

// `python_flag` is --python as given. A path (a venv's bin/python) is the executable, made
// absolute but not resolved: getpath.py finds the venv's pyvenv.cfg next to it or one directory
// up, as when that python runs. Otherwise (none, or a version) the first python3.X on PATH when
// it runs this host's CPython: itself (a symlink to it) or a virtual environment made from it
// (an activated venv puts its bin first on PATH); else the python3.X gilhost was built with.
std::string choose_executable(const std::string& python_flag);

}  // namespace gilhost::python
