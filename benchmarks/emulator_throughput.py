"""Emulator throughput: keep-alive `GET /api/2.0/clusters/list` (30 clusters) from several client threads.

    python -m benchmarks.emulator_throughput [--threads 4] [--seconds 2] [--runs 5]

The emulator runs as `python -m notebook_tokens emulator` in its own process (as in `make demo`), so the
client threads do not share its interpreter lock. Prints requests/s per run and the median.
Target: at least 2,000 requests/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import http.client
import signal
import statistics
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

TARGET = 2000.0
PATH = "/api/2.0/clusters/list"


def start_emulator() -> tuple[subprocess.Popen[str], str, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "notebook_tokens", "emulator", "--seed", "minimal"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    host = process.stdout.readline().strip().split("=", 1)[1]
    token = process.stdout.readline().strip().split("=", 1)[1]
    return process, host, token


def _client(port: int, token: str, deadline: float, counts: list[int], index: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}"}
    done = 0
    while time.perf_counter() < deadline:
        connection.request("GET", PATH, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"unexpected HTTP {response.status}")
        done += 1
    connection.close()
    counts[index] = done


def one_run(host: str, token: str, threads: int, seconds: float) -> float:
    """Requests per second over `seconds`, `threads` keep-alive connections."""
    port = int(urlsplit(host).port or 80)
    counts = [0] * threads
    start = time.perf_counter()
    deadline = start + seconds
    workers = [
        threading.Thread(target=_client, args=(port, token, deadline, counts, n)) for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - start)


def measure(threads: int = 4, seconds: float = 2.0, runs: int = 5) -> list[float]:
    process, host, token = start_emulator()
    try:
        one_run(host, token, threads, 0.3)  # warm up: connections, first-call costs
        return [one_run(host, token, threads, seconds) for _ in range(runs)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def run(quick: bool = False) -> Any:
    """The `python -m benchmarks` section: median req/s and the 2,000 req/s check."""
    from benchmarks import Section

    rates = measure(seconds=0.5 if quick else 2.0, runs=5)
    section = Section("Emulator throughput (keep-alive GET /api/2.0/clusters/list, 4 client threads)")
    section.add("requests/s (median)", statistics.median(rates), "req/s", runs=len(rates))
    section.check("emulator >= 2,000 req/s", statistics.median(rates), TARGET, "req/s", at_least=True)
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rates = measure(args.threads, args.seconds, args.runs)
    for number, rate in enumerate(rates, 1):
        print(f"run {number}: {rate:,.0f} requests/s")
    median = statistics.median(rates)
    verdict = "meets" if median >= TARGET else "MISSES"
    print(f"median of {len(rates)}: {median:,.0f} requests/s ({verdict} the {TARGET:,.0f} req/s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
