"""Parity workload: the same pure-Python CPU work on 4 threading.Threads, timed by itself."""
import sys
import threading
import time


def work():
    total = 0
    for i in range(300_000):
        total += i * i
    return total


def main(n_threads=4, rounds=4):
    threads = [threading.Thread(target=lambda: [work() for _ in range(rounds)])
               for _ in range(n_threads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{time.perf_counter() - t0:.6f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
