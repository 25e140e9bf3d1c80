# Finds every supported CPython (3.11 .. 3.14) with a shared libpython and its internal headers.
# For each version found it defines the imported target Gilhost::Python<M>_<m> (e.g.
# Gilhost::Python3_13) and the variables GILHOST_PY_<M>_<m>_{VERSION,INCLUDE,LIBRARY,EXECUTABLE,
# STDLIB}; GILHOST_HOST_VERSIONS lists the versions found ("3.11;3.12;3.13") and
# GILHOST_DEFAULT_VERSION is the one plain `gilhost` runs.
#
# Choosing:
#   -DGILHOST_PYTHON=/path/to/python3.X (or the GILHOST_PYTHON environment variable): that exact
#      Python is used for its version, which becomes the default; refused with one line if it
#      is not a usable CPython 3.11+.
#   -DGILHOST_PYTHON_3_13=/path/to/python3.13 (one hint per version, also from the environment):
#      the Python for that version; refused with one line if unusable.
#   -DGILHOST_PYTHON_VERSIONS="3.12;3.13": build only these (each must be found); empty (the
#      default) builds every supported version found.
# Search order per version without a hint: python3.X-config / python3.X on PATH, pyenv
# ($PYENV_ROOT/versions/3.X.*, newest first), uv's managed Pythons.

set(GILHOST_SUPPORTED_VERSIONS 3.11 3.12 3.13 3.14)
set(GILHOST_PYTHON_VERSIONS "" CACHE STRING
    "CPython versions to build a host for (e.g. 3.12;3.13); empty = every supported one found")

set(_gilhost_py_help [=[
gilhost needs CPython 3.11, 3.12, 3.13 or 3.14 built with a shared libpython and its headers.
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
print(sysconfig.get_config_var("Py_GIL_DISABLED") or 0)
print(sys.implementation.name)
]=])

# Sets _ok, _why (one line when not usable) and _py_* when `exe` is a usable CPython.
# `want` is "3.X" to require that version, or empty for any supported one.
function(_gilhost_try_python exe want)
  set(_ok FALSE PARENT_SCOPE)
  if(NOT exe OR NOT EXISTS "${exe}")
    set(_why "${exe} does not exist" PARENT_SCOPE)
    return()
  endif()
  execute_process(COMMAND "${exe}" -c "${_gilhost_probe}" OUTPUT_VARIABLE out
                  RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    set(_why "${exe} does not run as a Python interpreter" PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "\n" ";" out "${out}")
  list(GET out 0 ver)
  list(GET out 1 shared)
  list(GET out 2 inc)
  list(GET out 3 lib)
  list(GET out 4 real)
  list(GET out 5 stdlib)
  list(GET out 6 nogil)
  list(GET out 7 impl)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" minor "${ver}")
  if(NOT impl STREQUAL "cpython")
    set(_why "${exe} is ${impl}, not CPython" PARENT_SCOPE)
  elseif(NOT minor IN_LIST GILHOST_SUPPORTED_VERSIONS)
    list(JOIN GILHOST_SUPPORTED_VERSIONS ", " sv)
    set(_why "${exe} is Python ${ver}; gilhost supports CPython ${sv}" PARENT_SCOPE)
  elseif(want AND NOT minor STREQUAL want)
    set(_why "${exe} is Python ${ver}, not ${want}" PARENT_SCOPE)
  elseif(nogil EQUAL 1 AND want)
    # A free-threaded build (PEP 703) has its GIL off unless re-enabled: it gets a host of its
    # own ("3.13t") only when named (docs/architecture.md, "Free-threaded builds").
    set(_why "${exe} is a free-threaded build (Py_GIL_DISABLED); name it with GILHOST_PYTHON "
             "for a ${minor}t host" PARENT_SCOPE)
  elseif(NOT shared EQUAL 1 OR NOT EXISTS "${lib}")
    set(_why "${exe} has no shared libpython (built without --enable-shared)" PARENT_SCOPE)
  elseif(NOT EXISTS "${inc}/internal/pycore_gil.h")
    set(_why "${exe} lacks the internal headers (${inc}/internal)" PARENT_SCOPE)
  else()
    if(nogil EQUAL 1)
      set(minor "${minor}t")
    endif()
    set(_py_minor "${minor}" PARENT_SCOPE)
    set(_py_version "${ver}" PARENT_SCOPE)
    set(_py_include "${inc}" PARENT_SCOPE)
    set(_py_library "${lib}" PARENT_SCOPE)
    set(_py_executable "${real}" PARENT_SCOPE)
    set(_py_stdlib "${stdlib}" PARENT_SCOPE)
    set(_ok TRUE PARENT_SCOPE)
  endif()
endfunction()

# The places a CPython `minor` (e.g. 3.13) may be, best first.
function(_gilhost_candidates minor out)
  set(c "")
  find_program(_cfg python${minor}-config NO_CACHE)
  if(_cfg)
    execute_process(COMMAND "${_cfg}" --prefix OUTPUT_VARIABLE p OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
    list(APPEND c "${p}/bin/python${minor}")
  endif()
  find_program(_py python${minor} NO_CACHE)
  if(_py)
    list(APPEND c "${_py}")
  endif()
  find_program(_pyenv pyenv NO_CACHE)
  set(root "")
  if(_pyenv)
    execute_process(COMMAND "${_pyenv}" root OUTPUT_VARIABLE root
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  foreach(r IN ITEMS "${root}" "$ENV{PYENV_ROOT}" "$ENV{HOME}/.pyenv")
    if(r)
      file(GLOB vs LIST_DIRECTORIES true "${r}/versions/${minor}.*")
      list(SORT vs COMPARE NATURAL ORDER DESCENDING)
      foreach(v IN LISTS vs)
        list(APPEND c "${v}/bin/python${minor}")
      endforeach()
    endif()
  endforeach()
  file(GLOB uvs LIST_DIRECTORIES true "$ENV{HOME}/.local/share/uv/python/cpython-${minor}.*")
  list(SORT uvs COMPARE NATURAL ORDER DESCENDING)
  foreach(v IN LISTS uvs)
    list(APPEND c "${v}/bin/python${minor}")
  endforeach()
  list(REMOVE_DUPLICATES c)
  set(${out} "${c}" PARENT_SCOPE)
endfunction()

# Records the probed Python (_py_*) as version `minor`'s and defines its imported target.
macro(_gilhost_accept minor)
  string(REPLACE "." "_" _id "${minor}")
  set(GILHOST_PY_${_id}_VERSION "${_py_version}")
  set(GILHOST_PY_${_id}_INCLUDE "${_py_include}")
  set(GILHOST_PY_${_id}_LIBRARY "${_py_library}")
  set(GILHOST_PY_${_id}_EXECUTABLE "${_py_executable}")
  set(GILHOST_PY_${_id}_STDLIB "${_py_stdlib}")
  list(APPEND GILHOST_HOST_VERSIONS "${minor}")
  message(STATUS "gilhost: CPython ${_py_version} at ${_py_executable}")
  get_filename_component(_libdir "${_py_library}" DIRECTORY)
  add_library(Gilhost::Python${_id} INTERFACE IMPORTED)
  target_include_directories(Gilhost::Python${_id} INTERFACE "${_py_include}")
  target_link_libraries(Gilhost::Python${_id} INTERFACE "${_py_library}" dl m)
  target_link_options(Gilhost::Python${_id} INTERFACE "LINKER:-rpath,${_libdir}")
endmacro()

set(GILHOST_HOST_VERSIONS "")
set(GILHOST_DEFAULT_VERSION "")

# A Python named by the variable `var` (cache or environment) is used or refused with one line,
# never skipped: sets _named (whether one was named) and, when it was, _py_* as
# _gilhost_try_python does.
macro(_gilhost_named var want)
  set(_named "${${var}}")
  if(NOT _named AND DEFINED ENV{${var}})
    set(_named "$ENV{${var}}")
  endif()
  if(_named)
    _gilhost_try_python("${_named}" "${want}")
    if(NOT _ok)
      message(FATAL_ERROR "gilhost: ${var}: ${_why}")
    endif()
  endif()
endmacro()

# 1. GILHOST_PYTHON: its version is built and is the default.
_gilhost_named(GILHOST_PYTHON "")
if(_named)
  set(GILHOST_DEFAULT_VERSION "${_py_minor}")
  set(_explicit_minor "${_py_minor}")
  _gilhost_accept("${_py_minor}")
endif()

# 2. Every other version: its hint (must work), or the first usable candidate.
if(GILHOST_PYTHON_VERSIONS)
  set(_wanted ${GILHOST_PYTHON_VERSIONS})
  foreach(_m IN LISTS _wanted)
    if(NOT _m IN_LIST GILHOST_SUPPORTED_VERSIONS)
      list(JOIN GILHOST_SUPPORTED_VERSIONS ", " _sv)
      message(FATAL_ERROR "gilhost: GILHOST_PYTHON_VERSIONS: ${_m} is not one of ${_sv}")
    endif()
  endforeach()
else()
  set(_wanted ${GILHOST_SUPPORTED_VERSIONS})
endif()
foreach(_m IN LISTS _wanted)
  if(_m STREQUAL _explicit_minor)
    continue()
  endif()
  string(REPLACE "." "_" _id "${_m}")
  _gilhost_named(GILHOST_PYTHON_${_id} "${_m}")
  if(NOT _named)
    _gilhost_candidates("${_m}" _cands)
    set(_ok FALSE)
    foreach(_exe IN LISTS _cands)
      _gilhost_try_python("${_exe}" "${_m}")
      if(_ok)
        break()
      endif()
      if(EXISTS "${_exe}")
        message(STATUS "gilhost: ${_why}: skipped")
      endif()
    endforeach()
    if(NOT _ok)
      if(GILHOST_PYTHON_VERSIONS)
        message(FATAL_ERROR "gilhost: GILHOST_PYTHON_VERSIONS names ${_m}, but no usable CPython "
                            "${_m} was found (set GILHOST_PYTHON_${_id}=/path/to/python${_m})")
      endif()
      message(STATUS "gilhost: no usable CPython ${_m}: no ${_m} host")
      continue()
    endif()
  endif()
  _gilhost_accept("${_m}")
endforeach()

if(NOT GILHOST_HOST_VERSIONS)
  message(FATAL_ERROR "gilhost: no usable CPython found.\n${_gilhost_py_help}")
endif()
list(SORT GILHOST_HOST_VERSIONS COMPARE NATURAL)
if(NOT GILHOST_DEFAULT_VERSION)
  # The design's default is 3.12; without it, the newest version found.
  if("3.12" IN_LIST GILHOST_HOST_VERSIONS)
    set(GILHOST_DEFAULT_VERSION 3.12)
  else()
    list(GET GILHOST_HOST_VERSIONS -1 GILHOST_DEFAULT_VERSION)
  endif()
endif()
option(GILHOST_DEFAULT_HOST_ONLY
       "Build only the default version's host (the sanitizer job: one instrumented host)" OFF)
if(GILHOST_DEFAULT_HOST_ONLY)
  set(GILHOST_HOST_VERSIONS "${GILHOST_DEFAULT_VERSION}")
endif()
string(REPLACE "." "_" _id "${GILHOST_DEFAULT_VERSION}")
# The default host's Python also drives the end-to-end tests and scripts.
set(GILHOST_PYTHON_EXECUTABLE "${GILHOST_PY_${_id}_EXECUTABLE}" CACHE INTERNAL "")
message(STATUS "gilhost: hosts for ${GILHOST_HOST_VERSIONS}; default ${GILHOST_DEFAULT_VERSION}")
