"""Workers for the recording tests: CPU-bound Python, a GIL-released sleep, marks."""
import time

import gilhost


def cpu():
    gilhost.mark("cpu-call")
    s = 0
    for i in range(3000):
        s += i


def io():
    time.sleep(0.0005)
