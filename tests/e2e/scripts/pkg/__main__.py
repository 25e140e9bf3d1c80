import json
import sys

print(json.dumps({"argv": sys.argv, "name": __name__}))
