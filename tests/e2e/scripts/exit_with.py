import sys

arg = sys.argv[1]
if arg == "raise":
    raise RuntimeError("boom from the script")
if arg == "none":
    raise SystemExit(None)
if arg.isdigit():
    raise SystemExit(int(arg))
raise SystemExit(arg)
