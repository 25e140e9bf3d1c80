"""A plain script (no workers) whose own threading threads must be traced and named."""
import threading


def crunch():
    total = 0
    for i in range(300_000):
        total += i * i


threads = [threading.Thread(target=crunch, name=f"cruncher-{c}") for c in "AB"]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
