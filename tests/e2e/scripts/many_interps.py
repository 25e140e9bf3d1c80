"""Creates N isolated sub-interpreters (their own GIL each) and keeps them alive to the end.

argv: N
"""
import sys

import _xxsubinterpreters as interpreters

ids = [interpreters.create(isolated=True) for _ in range(int(sys.argv[1]))]
for i in ids:
    interpreters.run_string(i, "x = sum(range(1000))")
