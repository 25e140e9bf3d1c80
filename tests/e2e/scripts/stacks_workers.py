"""Workers whose GIL holds and releases carry their own stacks (test_stacks.py)."""
import gilhost


def hold():
    gilhost.hold_gil(0.0002)  # L:hold


def io():
    gilhost.sleep(0.0002)  # L:io
