"""Workloads with known GIL behaviour, for the tracer's ground-truth tests."""
import gilhost

SPINS_PER_CALL = 3


def holder():
    """A C++ section that keeps the GIL for exactly 20 ms per call."""
    gilhost.hold_gil(0.02)


def cpu():
    """Pure-Python CPU work: the GIL is only given up when a waiter asks for it."""
    total = 0
    for i in range(5_000):
        total += i * i
    return total


def spinner():
    """Releases the GIL exactly SPINS_PER_CALL times per call, with a little Python between."""
    for _ in range(SPINS_PER_CALL):
        gilhost.spin(0.001, release_gil=True)
        sum(range(50))
