import json
import os
import sys

print(json.dumps({"argv": sys.argv, "name": __name__, "path0": sys.path[0],
                  "executable": sys.executable, "version": list(sys.version_info[:2]),
                  "file": os.path.abspath(__file__)}))
