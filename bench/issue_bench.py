"""Ticket-issuing benchmark: N concurrent kiosks over HTTP against a real `hall serve`.

By default it starts its own `hall serve --demo` (the embedded default: SQLite, one process)
on a fresh temporary database, warms it up, then lets every kiosk issue tickets back to back
(each waits for its answer before the next tap, as a kiosk does) for a fixed count or duration.
Prints tickets/s and latency percentiles; exits non-zero if any request failed.

    .venv/bin/python bench/issue_bench.py                      # 8 kiosks, 4000 tickets
    .venv/bin/python bench/issue_bench.py --kiosks 16 --duration 20
    .venv/bin/python bench/issue_bench.py --db postgresql+psycopg://postgres@127.0.0.1/test
    .venv/bin/python bench/issue_bench.py --url http://127.0.0.1:8000 --token KIOSK_TOKEN
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

from counts import positive_float, positive_int

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["B", "D", "E", "F", "G", "J", "K"]   # demo categories without a daily quota or hours


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hall serve --demo` on a fresh database, in its own process group."""

    def __init__(self, db: str | None, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = db or f"sqlite:///{workdir / 'bench.sqlite3'}"
        self.log = open(workdir / "serve.log", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hall.cli", "serve", "--demo", "--db", self.db, "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)})

    def wait_ready(self, timeout: float = 60) -> str:
        """Waits for /health; returns the demo kiosk's token."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"hall serve exited:\n{self.output()}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise SystemExit(f"hall serve did not start:\n{self.output()}")
        m = re.search(r"kiosk-1\s+\S*token=(demo-[0-9a-f]+)", self.output())
        if not m:
            raise SystemExit(f"no kiosk-1 token in the demo output:\n{self.output()}")
        return m[1]

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def cpu_s(self) -> float:
        """CPU seconds the server has used: a figure other load on the machine disturbs less than time."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)


async def kiosk(session: aiohttp.ClientSession, url: str, n: int, latencies: list[float], errors: list[str],
                quota: list[int], until: float) -> None:
    """One kiosk: issue, wait for the answer, issue again, while tickets are left and time remains."""
    i = n
    while time.perf_counter() < until:
        if quota[0] <= 0:
            return
        quota[0] -= 1
        body = {"category": CATEGORIES[i % len(CATEGORIES)]}
        i += 1
        start = time.perf_counter()
        async with session.post(url, json=body) as r:
            await r.read()
            if r.status != 201:
                errors.append(f"{r.status} {(await r.text())[:200]}")
        latencies.append(time.perf_counter() - start)


async def run(url: str, token: str, kiosks: int, count: int, duration: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    quota = [count]
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=kiosks)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(kiosk(session, url, n, latencies, errors, quota, start + duration)
                               for n in range(kiosks)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kiosks", type=positive_int, default=8, help="concurrent kiosks (default 8)")
    p.add_argument("--count", type=positive_int, default=4000, help="tickets to issue in all (default 4000)")
    p.add_argument("--duration", type=positive_float, default=600, help="stop after this many seconds (default 600)")
    p.add_argument("--warmup", type=int, default=200, help="tickets issued first and not measured (default 200)")
    p.add_argument("--db", help="database for the server it starts (default: a fresh temporary SQLite file)")
    p.add_argument("--url", help="an already running server instead of starting one; needs --token")
    p.add_argument("--token", help="a kiosk token for --url")
    args = p.parse_args(argv)
    if args.url and not args.token:
        p.error("--url needs --token")

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmp:
        server = None
        if args.url:
            base, token = args.url.rstrip("/"), args.token
        else:
            server = Server(args.db, Path(tmp))
            token = server.wait_ready()
            base = server.url
        try:
            url = base + "/api/v1/tickets"
            asyncio.run(run(url, token, args.kiosks, args.warmup, args.duration))
            cpu_before, client_before = (server.cpu_s() if server else None), time.process_time()
            latencies, errors, elapsed = asyncio.run(run(url, token, args.kiosks, args.count, args.duration))
            cpu = server.cpu_s() - cpu_before if server else None
            client_cpu = time.process_time() - client_before
        finally:
            if server:
                server.stop()

    ordered = sorted(latencies)
    print(f"server     {base} ({'started here, ' + (args.db or 'temporary SQLite') if server else 'given'})")
    print(f"kiosks     {args.kiosks}")
    print(f"tickets    {len(latencies) - len(errors)} issued, {len(errors)} failed, in {elapsed:.2f} s")
    print(f"throughput {len(latencies) / elapsed:.0f} tickets/s")
    print(f"latency    p50 {percentile(ordered, 50) * 1000:.1f} ms, p99 {percentile(ordered, 99) * 1000:.1f} ms, "
          f"max {ordered[-1] * 1000:.1f} ms, mean {statistics.fmean(ordered) * 1000:.1f} ms")
    if cpu is not None:
        print(f"server CPU {cpu / len(latencies) * 1000:.2f} ms per ticket "
              f"(one core could issue {len(latencies) / cpu:.0f} tickets/s)")
    # The kiosks share the machine: what they use is not there for the server.
    print(f"client CPU {client_cpu / len(latencies) * 1000:.2f} ms per ticket")
    print(f"machine    {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    for e in errors[:5]:
        print("error     ", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
