"""asyncio vs threads for I/O-bound work (the article's third "weapon").

Question. The source article credits asyncio with a "1.5-5x" gain for I/O-bound work and says
threads are for I/O. For a client waiting on the network, what do threads and asyncio give
against a sequential loop, and what does each request cost in CPU?

Workload. A local TCP server (a forked child process running asyncio) answers each line after a
10 ms delay: a slow backend. Clients send N one-line requests over C persistent connections:
- `sequential`: one connection, one request at a time;
- `threads C`: C threads (ThreadPoolExecutor), each with its own blocking socket;
- `asyncio C`: C tasks on one event loop, each with its own stream.

Hypothesis. The work is waiting, and a blocking `recv` releases the GIL, so threads overlap
their waits as well as asyncio does: both give ~C x the sequential rate (C = 10: ~10x), until the
CPU cost per request becomes the limit (C = 100: the ideal is 10 000 requests/s; the server
process and the client each spend tens of µs of CPU per request). So the gain is set by the
concurrency, not a fixed "1.5-5x", and it is not about the GIL at all. asyncio's advantage is
cost per waiting request (no thread stacks, no GIL hand-off per wake-up), which shows as
client CPU µs per request at high concurrency.

Run.   gilhost run experiments/asyncio_vs_threads.py [--scale 0.3]
Output. A table (requests/s, speed-up vs sequential, client CPU µs per request) and
`RESULT {json}`.
"""
import asyncio
import concurrent.futures as cf
import multiprocessing as mp
import socket
import time

import _lab

DELAY = 0.010  # the backend's latency per request


def serve(conn, delay):
    """The slow backend: echo each line after `delay` seconds (runs in a forked child)."""
    async def handle(reader, writer):
        try:
            while line := await reader.readline():
                await asyncio.sleep(delay)
                writer.write(line)
                await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        conn.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def thread_client(port, requests):
    with socket.create_connection(("127.0.0.1", port)) as s, s.makefile("rb") as f:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(requests):
            s.sendall(b"ping\n")
            if f.readline() != b"ping\n":
                raise RuntimeError("bad answer")


async def task_client(port, requests):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(requests):
        writer.write(b"ping\n")
        await writer.drain()
        if await reader.readline() != b"ping\n":
            raise RuntimeError("bad answer")
    writer.close()
    await writer.wait_closed()


def split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def run_threads(port, total, concurrency):
    with cf.ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(thread_client, port, n) for n in split(total, concurrency)]:
            f.result()


def run_asyncio(port, total, concurrency):
    async def main():
        await asyncio.gather(*(task_client(port, n) for n in split(total, concurrency)))
    asyncio.run(main())


def measure(fn, *args):
    w0, c0 = time.perf_counter(), time.process_time()  # this process only: the client
    fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0


def main():
    parent, child = mp.get_context("fork").Pipe()
    server = mp.get_context("fork").Process(target=serve, args=(child, DELAY), daemon=True)
    server.start()
    port = parent.recv()
    try:
        plan = [("sequential", run_threads, 1, _lab.scaled(50, minimum=10)),
                ("threads 10", run_threads, 10, _lab.scaled(500, minimum=50)),
                ("asyncio 10", run_asyncio, 10, _lab.scaled(500, minimum=50)),
                ("threads 100", run_threads, 100, _lab.scaled(2000, minimum=200)),
                ("asyncio 100", run_asyncio, 100, _lab.scaled(2000, minimum=200))]
        rows, figures, base = [], {}, None
        for label, fn, concurrency, total in plan:
            wall, cpu = measure(fn, port, total, concurrency)
            rate = total / wall
            base = base or rate
            figures[label] = {"requests": total, "concurrency": concurrency,
                              "requests_per_second": rate, "speedup": rate / base,
                              "client_cpu_us_per_request": cpu / total * 1e6}
            rows.append([label, total, f"{rate:.0f}", f"{rate / base:.1f}x",
                         f"{cpu / total * 1e6:.0f} us", f"{1 / DELAY * concurrency:.0f}"])
    finally:
        server.terminate()
        server.join()
    print(f"backend delay {DELAY * 1e3:.0f} ms per request; ideal rate = concurrency / delay")
    _lab.table(["client", "requests", "req/s", "speed-up", "client CPU/req", "ideal req/s"],
               rows)
    _lab.result({"delay_s": DELAY, "clients": figures})


if __name__ == "__main__":
    main()
