"""Load test of ``sitrep serve``: concurrent clients on the list endpoints, on loopback only.

    python bench/load_test.py --db STORE [--clients 20] [--requests 2000] [--seconds 60]

Starts ``sitrep serve`` on 127.0.0.1 at a free port over the given store, waits until it answers,
then runs ``--clients`` threads that each request the list endpoints in turn (``/api/incidents``,
``/api/tallies``, ``/api/figures?limit=50``, ``/api/quotes?limit=50``, ``/api/figures?status=killed``)
until ``--requests`` requests in all or ``--seconds`` have passed, whichever comes first. Prints
requests per second, p50 / p99 latency per endpoint and overall, and errors. The first request
(which loads the record: the kept record as stored, or for a store without one the record
linked in memory) is made and timed before the clients start: the app loads the record once
per change to the store.

Bounded by count and time, loopback only; it stops the server it started.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ENDPOINTS = ["/api/incidents", "/api/tallies", "/api/figures?limit=50", "/api/quotes?limit=50",
             "/api/figures?status=killed&limit=50"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[float, int]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            status = r.status
    except Exception:  # noqa: BLE001 - counted as an error
        status = 0
    return time.perf_counter() - t0, status


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "serve", "--db", args.db,
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        # The first request reads the kept record (or, for a store without one, links it): give
        # it time.
        first, status = get(base + "/api/incidents", timeout=1800)
        if status != 200:
            print(f"server did not answer ({status})", file=sys.stderr)
            return 1

        results: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        issued = [0]
        stop_at = time.monotonic() + args.seconds

        def client(k: int) -> None:
            i = k
            while time.monotonic() < stop_at:
                with lock:
                    if issued[0] >= args.requests:
                        return
                    issued[0] += 1
                path = ENDPOINTS[i % len(ENDPOINTS)]
                i += 1
                dt, st = get(base + path)
                with lock:
                    results.append((path, dt, st))

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)

    lat = [dt for _, dt, st in results if st == 200]
    out = {"store": args.db, "clients": args.clients, "requests": len(results),
           "errors": sum(st != 200 for _, _, st in results), "wall_s": round(wall, 2),
           "requests_per_s": round(len(results) / wall, 1) if wall else 0.0,
           "first_request_ms": round(first * 1000, 1),
           "p50_ms": round(pct(lat, 50) * 1000, 1), "p99_ms": round(pct(lat, 99) * 1000, 1),
           "endpoints": {p: {"p50_ms": round(pct([dt for q, dt, st in results if q == p and st == 200], 50) * 1000, 1),
                             "p99_ms": round(pct([dt for q, dt, st in results if q == p and st == 200], 99) * 1000, 1)}
                         for p in ENDPOINTS},
           "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"{out['requests']} requests, {out['errors']} errors, {out['requests_per_s']} req/s, "
              f"p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms (first request {out['first_request_ms']} ms)")
        for p, v in out["endpoints"].items():
            print(f"  {p:40} p50 {v['p50_ms']:7} ms  p99 {v['p99_ms']:7} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
