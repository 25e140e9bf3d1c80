# Finds a CPython 3.12 with a shared libpython and its internal headers, and defines the
# imported target Gilhost::Python plus GILHOST_PYTHON_EXECUTABLE (the real python3.12 that
# becomes sys.executable, so multiprocessing's spawn and subprocess run the same Python).
#
# Search order (the first hit that passes every check wins):
#   1. -DGILHOST_PYTHON=/path/to/python3.12 or the GILHOST_PYTHON environment variable
#   2. python3.12-config / python3.12 on PATH (Ubuntu 24.04's python3.12-dev)
#   3. pyenv: `pyenv prefix 3.12*`, then $PYENV_ROOT/versions/3.12.* (newest first)
#   4. uv's managed Pythons under ~/.local/share/uv/python/cpython-3.12.*

set(_gilhost_py_help [=[
gilhost needs CPython 3.12 built with a shared libpython (libpython3.12.so) and its headers.
Get one of:
  - Ubuntu 24.04:  sudo apt-get install python3.12-dev
  - pyenv:         env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.12
  - uv:            uv python install 3.12   (uv's managed Pythons ship libpython3.12.so)
then re-run CMake, or point it at the interpreter:
  cmake -DGILHOST_PYTHON=/path/to/bin/python3.12 ...   (or export GILHOST_PYTHON=...)]=])

set(_gilhost_probe [=[
import sys, sysconfig, os
v = sys.version_info
libdir = sysconfig.get_config_var("LIBDIR") or ""
ldlib = sysconfig.get_config_var("LDLIBRARY") or ""
print(f"{v.major}.{v.minor}.{v.micro}")
print(sysconfig.get_config_var("Py_ENABLE_SHARED") or 0)
print(sysconfig.get_paths()["include"])
print(os.path.join(libdir, ldlib))
print(os.path.realpath(sys.executable))
print(sysconfig.get_paths()["stdlib"])
]=])

# Sets _ok and the GILHOST_PY_* variables when `exe` is a usable CPython 3.12.
function(_gilhost_try_python exe)
  set(_ok FALSE PARENT_SCOPE)
  if(NOT exe OR NOT EXISTS "${exe}")
    return()
  endif()
  execute_process(COMMAND "${exe}" -c "${_gilhost_probe}" OUTPUT_VARIABLE out
                  RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    return()
  endif()
  string(REPLACE "\n" ";" out "${out}")
  list(GET out 0 ver)
  list(GET out 1 shared)
  list(GET out 2 inc)
  list(GET out 3 lib)
  list(GET out 4 real)
  list(GET out 5 stdlib)
  if(NOT ver MATCHES "^3\\.12\\.")
    message(STATUS "gilhost: ${exe} is Python ${ver}, not 3.12: skipped")
    return()
  endif()
  if(NOT shared EQUAL 1 OR NOT EXISTS "${lib}")
    message(STATUS "gilhost: ${exe} has no shared libpython (built without --enable-shared): skipped")
    return()
  endif()
  if(NOT EXISTS "${inc}/internal/pycore_gil.h")
    message(STATUS "gilhost: ${exe} lacks the internal headers (${inc}/internal): skipped")
    return()
  endif()
  set(GILHOST_PY_VERSION "${ver}" PARENT_SCOPE)
  set(GILHOST_PY_INCLUDE "${inc}" PARENT_SCOPE)
  set(GILHOST_PY_LIBRARY "${lib}" PARENT_SCOPE)
  set(GILHOST_PY_EXECUTABLE "${real}" PARENT_SCOPE)
  set(GILHOST_PY_STDLIB "${stdlib}" PARENT_SCOPE)
  set(_ok TRUE PARENT_SCOPE)
endfunction()

function(_gilhost_candidates out)
  set(c "")
  if(GILHOST_PYTHON)
    list(APPEND c "${GILHOST_PYTHON}")
  elseif(DEFINED ENV{GILHOST_PYTHON})
    list(APPEND c "$ENV{GILHOST_PYTHON}")
  endif()
  find_program(_cfg python3.12-config NO_CACHE)
  if(_cfg)
    execute_process(COMMAND "${_cfg}" --prefix OUTPUT_VARIABLE p OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
    list(APPEND c "${p}/bin/python3.12")
  endif()
  find_program(_py python3.12 NO_CACHE)
  if(_py)
    list(APPEND c "${_py}")
  endif()
  find_program(_pyenv pyenv NO_CACHE)
  if(_pyenv)
    execute_process(COMMAND "${_pyenv}" root OUTPUT_VARIABLE root
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  foreach(root IN ITEMS "${root}" "$ENV{PYENV_ROOT}" "$ENV{HOME}/.pyenv")
    if(root)
      file(GLOB vs LIST_DIRECTORIES true "${root}/versions/3.12.*")
      list(SORT vs COMPARE NATURAL ORDER DESCENDING)
      foreach(v IN LISTS vs)
        list(APPEND c "${v}/bin/python3.12")
      endforeach()
    endif()
  endforeach()
  file(GLOB uvs LIST_DIRECTORIES true "$ENV{HOME}/.local/share/uv/python/cpython-3.12.*")
  list(SORT uvs COMPARE NATURAL ORDER DESCENDING)
  foreach(v IN LISTS uvs)
    list(APPEND c "${v}/bin/python3.12")
  endforeach()
  list(REMOVE_DUPLICATES c)
  set(${out} "${c}" PARENT_SCOPE)
endfunction()

_gilhost_candidates(_gilhost_cands)
set(_ok FALSE)
foreach(_exe IN LISTS _gilhost_cands)
  _gilhost_try_python("${_exe}")
  if(_ok)
    break()
  endif()
endforeach()
if(NOT _ok)
  message(FATAL_ERROR "No usable CPython 3.12 found (tried: ${_gilhost_cands}).\n${_gilhost_py_help}")
endif()

message(STATUS "gilhost: CPython ${GILHOST_PY_VERSION} at ${GILHOST_PY_EXECUTABLE}")
set(GILHOST_PYTHON_EXECUTABLE "${GILHOST_PY_EXECUTABLE}" CACHE INTERNAL "")
get_filename_component(_gilhost_libdir "${GILHOST_PY_LIBRARY}" DIRECTORY)
add_library(Gilhost::Python INTERFACE IMPORTED)
target_include_directories(Gilhost::Python INTERFACE "${GILHOST_PY_INCLUDE}")
target_link_libraries(Gilhost::Python INTERFACE "${GILHOST_PY_LIBRARY}" dl m)
target_link_options(Gilhost::Python INTERFACE "LINKER:-rpath,${_gilhost_libdir}")
