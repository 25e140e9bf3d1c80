"""A script that tells the test when it has reached a phase, for the signal tests.

Environment: MARKER (a file this script appends a line to when it reaches a phase);
TOP_LEVEL_WAITS=1 (the top level waits in time.sleep until interrupted);
OWN_SIGTERM=1 (the top level installs a SIGTERM handler of its own that prints and exits 3).
"""
import os
import signal
import sys
import time

import gilhost

MARKER = os.environ.get("MARKER", "")


def mark(text):
    if MARKER:
        with open(MARKER, "a") as f:
            f.write(text + "\n")


def cpu():
    if not getattr(cpu, "marked", False):
        cpu.marked = True
        mark("worker")
    gilhost.spin(0.001)


def rebinds():
    global rebinds
    rebinds = None
    gilhost.spin(0.0001)


def deletes():
    globals().pop("deletes", None)


def _own_sigterm(signum, frame):
    print("script handler ran", flush=True)
    sys.exit(3)


if os.environ.get("OWN_SIGTERM"):
    signal.signal(signal.SIGTERM, _own_sigterm)

if os.environ.get("TOP_LEVEL_WAITS"):
    mark("top level")
    while True:
        time.sleep(0.05)
