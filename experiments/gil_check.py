"""Is the GIL enabled? The article's `sys._is_gil_enabled()` snippet, checked on 3.12.

Question. The source article's "GIL-aware programming" snippet calls `sys._is_gil_enabled()` and
says it needs "Python 3.12+". Does it exist here, and what is the right way to know whether
this interpreter has a GIL?

Hypothesis (from the CPython docs and source). `sys._is_gil_enabled()` was added in 3.13, together with the
free-threaded build (PEP 703, `./configure --disable-gil`, the `python3.13t` binary). On 3.12
it does not exist: calling it raises AttributeError. Every 3.12 build has a GIL. On a 3.13+
free-threaded build the GIL can still be switched on at run time (PYTHON_GIL=1, `-X gil=1`, or
importing an extension that does not declare Py_mod_gil = Py_MOD_GIL_NOT_USED), so the build
flag alone is not the answer there: `sys._is_gil_enabled()` is.

The portable check:

    import sys, sysconfig
    def gil_enabled():
        check = getattr(sys, "_is_gil_enabled", None)   # 3.13+
        return True if check is None else check()       # <= 3.12: always a GIL
    free_threaded_build = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))  # None on 3.12

Per version. 3.11 and 3.12: no `sys._is_gil_enabled`, `Py_GIL_DISABLED` is None. 3.13 (default
build): the function exists and returns True, `Py_GIL_DISABLED` is 0. Compare them with
`gilhost run --python 3.11,3.12,3.13 experiments/gil_check.py` (each RESULT line in turn).

Run.   gilhost run experiments/gil_check.py      (or python3.12 experiments/gil_check.py)
Output. The checks for this interpreter and `RESULT {json}`: on 3.12, hasattr is False and
the article's call raises AttributeError; under python3.13 the same script shows it returning
True (the default build).
"""
import sys
import sysconfig

import _lab


def gil_enabled():
    """True when this interpreter runs with a GIL (the portable form of sys._is_gil_enabled)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def main():
    has_function = hasattr(sys, "_is_gil_enabled")
    try:
        sys._is_gil_enabled()
        article_snippet = "ran"
    except AttributeError as e:
        article_snippet = f"AttributeError: {e}"
    build_flag = sysconfig.get_config_var("Py_GIL_DISABLED")
    rows = [
        ["sys.version_info", ".".join(map(str, sys.version_info[:3]))],
        ['hasattr(sys, "_is_gil_enabled")', has_function],
        ["the article's sys._is_gil_enabled()", article_snippet],
        ['sysconfig "Py_GIL_DISABLED"', build_flag],
        ["gil_enabled() (portable)", gil_enabled()],
    ]
    _lab.table(["check", "value"], rows)
    _lab.result({
        "version": list(sys.version_info[:3]),
        "has_is_gil_enabled": has_function,
        "article_snippet": article_snippet,
        "py_gil_disabled": build_flag,
        "gil_enabled": gil_enabled(),
    })


if __name__ == "__main__":
    main()
