"""a() -> b() -> hog() holds the GIL in gilhost.hold_gil while victim() waits for it."""
import threading

import gilhost

SECTIONS = 25
done = False
started = threading.Event()


def hog():
    for _ in range(SECTIONS):
        gilhost.hold_gil(0.004)  # HOLD-LINE


def b():
    hog()


def a():
    global done
    started.wait()
    b()
    done = True


def victim():
    started.set()
    x = 0
    while not done:  # VICTIM-LINE
        x += 1


hog_thread = threading.Thread(target=a, name="hogger")
victim_thread = threading.Thread(target=victim, name="victim")
hog_thread.start()
victim_thread.start()
hog_thread.join()
victim_thread.join()
