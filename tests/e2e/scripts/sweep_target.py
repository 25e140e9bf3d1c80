"""Sweep target for the e2e tests: a CPU-bound role and a latency role."""
import gilhost

GILHOST = {"workers": {"cpu": 1, "lat": 1}}


def cpu():
    """Pure-Python CPU work: gives the GIL up only when asked (forced switches)."""
    total = 0
    for i in range(2_000):
        total += i * i
    return total


def lat():
    """A short wait without the GIL, then a little Python: its latency is the convoy effect."""
    gilhost.sleep(0.0005)
    return sum(range(100))


def fail():
    raise ValueError("sweep worker failure for the test")
