"""One thread holds the GIL (gilhost.hold_gil) from every kind of code a stack can name; each
line that holds it is marked `# L:NAME` for the test (test_stacks.py)."""
import asyncio
import gc
import threading
import time

import gilhost


class Worker:
    def method(self):
        gilhost.hold_gil(0.001)  # L:method


lam = lambda: gilhost.hold_gil(0.001)  # L:lambda  # noqa: E731


def gen():
    for _ in range(2):
        gilhost.hold_gil(0.001)  # L:gen
        yield


async def coro():
    gilhost.hold_gil(0.001)  # L:coro
    await asyncio.sleep(0)


def run_exec(i):
    # A new code object each time, freed when exec returns: its address is soon reused.
    src = f"def dyn_{i}():\n    gilhost.hold_gil(0.0005)\ndyn_{i}()\n"
    exec(compile(src, f"<dyn {i}>", "exec"), {"gilhost": gilhost})


def deep(n):
    if n == 0:
        gilhost.hold_gil(0.001)  # L:deep
    else:
        deep(n - 1)


def sleeper():
    gilhost.sleep(0.001)  # L:kernel_release
    time.sleep(0.001)  # L:native


def body():
    Worker().method()
    lam()
    list(gen())
    asyncio.run(coro())
    for i in range(40):
        run_exec(i)
        gc.collect()
    deep(80)
    sleeper()


t = threading.Thread(target=body, name="kinds")
t.start()
t.join()
