"""Sub-interpreters the script makes itself: `own` = isolated (their own GIL, PEP 684), `legacy` =
shared-GIL ones (isolated=False). Two threads each run a loop in their own interpreter.

argv: own|legacy [loop_iterations]
"""
import sys
import threading

import _xxsubinterpreters as interpreters

import gilhost

KIND = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
CODE = f"x = 0\nfor i in range({N}):\n    x += i\n"

ids = [interpreters.create(isolated=(KIND == "own")) for _ in range(2)]


def run(index, interp):
    gilhost.mark(f"enter {index}")
    interpreters.run_string(interp, CODE)
    gilhost.mark(f"leave {index}")


threads = [threading.Thread(target=run, args=(k, i), name=f"interp-{k}") for k, i in enumerate(ids)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for i in ids:
    interpreters.destroy(i)
