"""Creates N isolated sub-interpreters (their own GIL each; on 3.11 they share the one GIL) and
keeps them alive to the end.

argv: N
"""
import sys

import interp_api as interpreters

ids = [interpreters.create(True) for _ in range(int(sys.argv[1]))]
for i in ids:
    interpreters.run_string(i, "x = sum(range(1000))")
