"""The private sub-interpreter module of each CPython, behind one create/run_string/destroy.

3.11 and 3.12: _xxsubinterpreters, create(isolated=...) (3.11 ignores it: one GIL per process);
3.13: _interpreters, named configs ("isolated", "legacy"), run_string returns the exception
description instead of raising.
"""
import sys

if sys.version_info >= (3, 13):
    import _interpreters as _m
else:
    import _xxsubinterpreters as _m


def create(own_gil):
    if sys.version_info >= (3, 13):
        return _m.create("isolated" if own_gil else "legacy")
    return _m.create(isolated=own_gil)


def run_string(interp, code):
    failure = _m.run_string(interp, code)
    if failure is not None:
        raise RuntimeError(f"in a sub-interpreter: {failure.formatted}")


destroy = _m.destroy
