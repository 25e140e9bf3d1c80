"""Workers that misbehave, for the reliability tests."""
import os
import sys

import gilhost


def stuck_in_c():
    gilhost.hold_gil(600)


def stuck_in_python():
    while True:
        pass


def forker():
    pid = os.fork()
    if pid == 0:
        print("child says hello", flush=True)
        return
    os.waitpid(pid, 0)


def exits():
    sys.exit(7)


def recurses():
    def down(n):
        return down(n + 1)
    down(0)


def allocates_too_much():
    bytearray(1 << 62)


def tight():
    for _ in range(2000):
        gilhost.spin(0)


def cpu():
    total = 0
    for i in range(5_000):
        total += i * i
