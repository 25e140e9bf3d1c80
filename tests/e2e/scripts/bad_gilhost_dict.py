import sys

GILHOST = {"workers": {"cpu": "four"}} if sys.argv[1:] == ["a"] else {"duration": [1]}


def cpu():
    pass
