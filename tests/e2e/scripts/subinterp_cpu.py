"""Pure-Python CPU work for sub-interpreter workers (test_subinterpreters.py)."""
import os
import sys

import gilhost

REFUSE = os.environ.get("SUBINTERP_IMPORT")  # a module to import at top level (refusal test)
if REFUSE:
    __import__(REFUSE)

WORKERS_SEEN = []


def cpu():
    total = 0
    for i in range(20000):
        total += i * i
    return total


def io():
    return cpu()


def who():
    w = gilhost.worker()
    print(f"worker={w} argv={sys.argv[1:]} path0={os.path.basename(sys.path[0])}", flush=True)
