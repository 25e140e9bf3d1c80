"""Workers for the e2e tests: counting, failing, identity."""
import gilhost

GILHOST = {"workers": {"count": 2}, "calls": 7}
seen = []


def count():
    seen.append(gilhost.worker())


def fail():
    raise ValueError("worker failure for the test")


def spin_a_bit():
    gilhost.spin(0.0005)


not_callable = 42
