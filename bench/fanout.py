"""Fan-out benchmark: how fast a call reaches every screen that shows it, at hall scale.

Builds its own hall (a layout of WINDOWS windows in 10 zones, devices enrolled with
`hall device add`, clerks with `hall user add`), starts one `hall serve` (SQLite, the
embedded default) or two nodes on PostgreSQL + a private Redis, connects N Socket.IO
clients from several processes (window screens, pads, counter terminals, lobby screens),
then has every window call every PERIOD seconds for DURATION seconds, and finally all
windows at once. Latency is the time from sending `POST /windows/{n}/call-next` to the
`ticket.called` event arriving at each client that shows it, both on this machine's clock.

    .venv/bin/python bench/fanout.py                     # one node, 1,000 clients
    .venv/bin/python bench/fanout.py --nodes 2           # two nodes, PostgreSQL + Redis
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from counts import positive_float, positive_int

ROOT = Path(__file__).resolve().parent.parent
HALL = [sys.executable, "-m", "hall.cli"]
ZONES = 10
PASSWORD = "bench-pass-2026"
MIX = "screen=0.3,pad=0.3,terminal=0.3,lobby=0.1"  # shares of the N clients: a terminal, screen, pad per window


# -- the hall -------------------------------------------------------------------------------

def zone_of(window: int, windows: int) -> str:
    return f"Z{(window - 1) * ZONES // windows}"


def layout_toml(windows: int) -> str:
    out = ['[hall]\nname = "fan-out bench hall"\ntimezone = "Asia/Shanghai"\n'
           'announce = "请{number}号到{window}号窗口办理"\n']
    for z in range(ZONES):
        out.append(f'[[zones]]\ncode = "Z{z}"\nname = "zone {z}"\nfloor = 1\n')
        out.append(f'[[categories]]\ncode = "{chr(65 + z)}"\nname = "category {z}"\nzone = "Z{z}"\n')
    for n in range(1, windows + 1):
        z = zone_of(n, windows)
        out.append(f'[[windows]]\nnumber = {n}\nzone = "{z}"\ncategories = ["{chr(65 + int(z[1:]))}"]\n')
    return "\n".join(out)


def hall_cli_batch(commands: list[tuple[list[str], str | None]]) -> list[str]:
    """Runs `hall` commands (argv, stdin) in this process: a new interpreter each would take
    ten times longer than the command itself. Returns each one's stdout."""
    import contextlib
    import io
    from hall.cli import main
    outputs = []
    for argv, stdin in commands:
        out = io.StringIO()
        sys.stdin = io.StringIO(stdin or "")
        with contextlib.redirect_stdout(out):
            if main(argv):
                raise RuntimeError(f"hall {' '.join(argv)} failed")
        outputs.append(out.getvalue())
    return outputs


def build_hall(work: Path, db: str, windows: int) -> dict:
    """Layout, devices and clerks, through the `hall` commands; kept in WORK for the next run."""
    saved = work / f"tokens-{windows}.json"
    if saved.exists():
        return json.loads(saved.read_text())
    layout = work / f"hall-{windows}.toml"
    layout.write_text(layout_toml(windows), encoding="utf-8")
    hall_cli_batch([(["init", "--config", str(layout), "--db", db], None)])
    devices = [("kiosk-1", "kiosk", None, None)] + \
              [(f"lobby-Z{z}", "display", None, f"Z{z}") for z in range(ZONES)] + \
              [(f"screen-{n}", "window-screen", n, None) for n in range(1, windows + 1)] + \
              [(f"pad-{n}", "pad", n, None) for n in range(1, windows + 1)]
    enrol = [(["device", "add", name, "--kind", kind, "--db", db] + (["--window", str(window)] if window else [])
              + (["--zone", zone] if zone else []), None) for name, kind, window, zone in devices]
    clerks = [(["user", "add", f"clerk{n}", "--role", "clerk", "--password-stdin", "--db", db], PASSWORD + "\n")
              for n in range(1, windows + 1)]
    started = time.monotonic()
    printed = hall_cli_batch(enrol)
    hall_cli_batch(clerks)
    tokens = {name: out.strip().splitlines()[-1] for (name, *_), out in zip(devices, printed)}
    print(f"enrolled {len(devices)} devices and {windows} clerks in {time.monotonic() - started:.0f} s", flush=True)
    saved.write_text(json.dumps(tokens))
    return tokens


# -- servers ----------------------------------------------------------------------------------

def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, work: Path, db: str, layout: Path, queue: str | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(work / f"serve-{self.port}.log", "w")
        args = [*HALL, "serve", "--db", db, "--config", str(layout), "--port", str(self.port)]
        self.proc = subprocess.Popen(args + (["--message-queue", queue] if queue else []), cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"hall serve did not start; see {self.log.name}")
            time.sleep(0.2)

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(20)


def private_redis(work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


def fresh_pg_schema(base: str) -> str:
    import psycopg
    schema = f"fanout_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


# -- clients (one process per CLIENTS_PER_PROC) ----------------------------------------------

def client_process(clients: list[dict], ready, stop, heard, out_path: str) -> None:
    asyncio.run(_clients(clients, ready, stop, heard, out_path))


async def _clients(clients: list[dict], ready, stop, heard, out_path: str) -> None:
    import socketio
    received: list[tuple[int, int, float]] = []   # client, ticket id, arrival
    problems = {"gaps": 0, "dropped": 0, "events": 0}
    sockets = []

    def attach(cid: int, sio) -> asyncio.Event:
        seen: dict[str, int] = {}
        snapshotted = asyncio.Event()

        async def snapshot(data):
            seen.clear()
            seen.update(data["streams"])
            snapshotted.set()

        async def any_event(event, data=None):
            now = time.time()
            problems["events"] += 1
            heard.value += 1  # no lock: only this process writes it
            last = seen.get(data.get("stream")) if isinstance(data, dict) else None
            if last is not None:
                if data["seq"] <= last:
                    problems["dropped"] += 1
                elif data["seq"] > last + 1:
                    problems["gaps"] += 1
                seen[data["stream"]] = max(last, data["seq"])
            if event == "ticket.called" and not data["recall"]:
                received.append((cid, data["ticket"]["id"], now))

        sio.on("snapshot", snapshot)
        sio.on("*", any_event)
        return snapshotted

    async def connect(c):
        sio = socketio.AsyncClient(reconnection=False)
        snapshotted = attach(c["id"], sio)
        await sio.connect(c["url"], auth={"token": c["token"]}, transports=["websocket"], wait_timeout=30)
        await asyncio.wait_for(snapshotted.wait(), 30)
        sockets.append(sio)

    for i in range(0, len(clients), 25):  # in batches: no accept-queue storm
        await asyncio.gather(*(connect(c) for c in clients[i:i + 25]))
    ready.release()
    cpu_start = time.process_time()
    while not stop.is_set():
        await asyncio.sleep(0.2)
    Path(out_path).write_text(json.dumps({"received": received, **problems, "cpu_s": time.process_time() - cpu_start,
                                          "connected": sum(s.connected for s in sockets)}))
    await asyncio.gather(*(s.disconnect() for s in sockets), return_exceptions=True)


# -- the calls ----------------------------------------------------------------------------------

class Clerks:
    """The clerk at every window, calling through whichever node it is given."""

    def __init__(self, nodes: list[str], windows: int):
        self.nodes, self.windows = nodes, windows
        self.local = threading.local()
        self.calls: list[dict] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        with ThreadPoolExecutor(8) as pool:
            self.tokens = dict(pool.map(self._sign_in, range(1, windows + 1)))

    def session(self) -> requests.Session:
        if not hasattr(self.local, "s"):
            self.local.s = requests.Session()
        return self.local.s

    def post(self, window: int, path: str, token: str, **kw) -> requests.Response:
        base = self.nodes[window % len(self.nodes)]
        return self.session().post(f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"},
                                   timeout=60, **kw)

    def _sign_in(self, n: int) -> tuple[int, str]:
        r = self.session().post(f"{self.nodes[0]}/api/v1/auth/login",
                                json={"username": f"clerk{n}", "password": PASSWORD}, timeout=60)
        r.raise_for_status()
        token = r.json()["token"]
        self.post(n, f"/windows/{n}/sign-in", token, json={"post": "A"}).raise_for_status()
        return n, token

    def finish(self, n: int) -> None:
        r = self.post(n, f"/windows/{n}/finish", self.tokens[n])
        if r.status_code not in (200, 409):
            self.errors.append(f"finish {n}: {r.status_code} {r.text[:100]}")

    def call(self, n: int, phase: str) -> None:
        sent = time.time()
        r = self.post(n, f"/windows/{n}/call-next", self.tokens[n])
        if r.status_code != 200:
            with self.lock:
                self.errors.append(f"call {n}: {r.status_code} {r.text[:100]}")
            return
        with self.lock:
            self.calls.append({"ticket": r.json()["ticket"]["id"], "window": n, "sent": sent,
                               "answered": time.time(), "phase": phase})


def issue_tickets(node: str, kiosk: str, per_category: int) -> None:
    def one(code):
        r = requests.post(f"{node}/api/v1/tickets", json={"category": code},
                          headers={"Authorization": f"Bearer {kiosk}"}, timeout=60)
        r.raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, [chr(65 + z) for z in range(ZONES) for _ in range(per_category)]))


def steady(clerks: Clerks, windows: int, period: float, duration: float) -> None:
    """Every window calls every PERIOD seconds, the windows spread evenly over the period."""
    start = time.monotonic() + 1
    plan = sorted((start + k * period + (n - 1) * period / windows, n)
                  for k in range(int(duration // period)) for n in range(1, windows + 1))
    with ThreadPoolExecutor(64) as pool:
        for at, n in plan:
            time.sleep(max(0.0, at - time.monotonic()))
            pool.submit(lambda n=n: (clerks.finish(n), clerks.call(n, "steady")))


def burst(clerks: Clerks, windows: int) -> None:
    """Every window calls at the same moment."""
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(clerks.finish, range(1, windows + 1)))
    gate = threading.Barrier(windows)

    def call(n):
        clerks.session()  # connected before the gate opens
        gate.wait()
        clerks.call(n, "burst")

    threads = [threading.Thread(target=call, args=(n,)) for n in range(1, windows + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def quiet(heard, still_s: float = 3, limit_s: float = 120) -> None:
    """Waits until the clients have heard nothing new for STILL_S seconds: the backlog is out."""
    deadline = time.monotonic() + limit_s
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = sum(h.value for h in heard)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= still_s:
            return
        time.sleep(0.2)


# -- the numbers --------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def analyse(clients: list[dict], calls: list[dict], results: list[dict], windows: int) -> dict:
    arrivals = {(cid, ticket): at for r in results for cid, ticket, at in r["received"]}
    # A call shows on its window's screen and counter terminal and on its zone's lobby screens.
    by_window, by_zone = {}, {}
    for c in clients:
        if c["kind"] in ("screen", "terminal"):
            by_window.setdefault(c["window"], []).append(c["id"])
        elif c["kind"] == "lobby":
            by_zone.setdefault(c["zone"], []).append(c["id"])
    out = {}
    for phase in ("steady", "burst"):
        lat, last, missed, expected = [], [], 0, 0
        for call in (c for c in calls if c["phase"] == phase):
            shown_by = by_window.get(call["window"], []) + by_zone.get(zone_of(call["window"], windows), [])
            got = [(arrivals[(cid, call["ticket"])] - call["sent"]) * 1000
                   for cid in shown_by if (cid, call["ticket"]) in arrivals]
            expected += len(shown_by)
            missed += len(shown_by) - len(got)
            lat += got
            last.append(max(got, default=float("nan")))
        answered = [(c["answered"] - c["sent"]) * 1000 for c in calls if c["phase"] == phase]
        out[phase] = {"calls": len(answered), "deliveries": expected, "missed": missed,
                      "p50_ms": round(percentile(lat, .5), 1), "p99_ms": round(percentile(lat, .99), 1),
                      "max_ms": round(max(lat, default=float("nan")), 1),
                      "whole_hall_p99_ms": round(percentile(last, .99), 1),
                      "http_p99_ms": round(percentile(answered, .99), 1)}
    out["gaps"] = sum(r["gaps"] for r in results)
    out["dropped_as_seen"] = sum(r["dropped"] for r in results)
    out["events_received"] = sum(r["events"] for r in results)
    out["still_connected"] = sum(r["connected"] for r in results)
    return out


def plan_clients(n: int, mix: str, windows: int, tokens: dict, clerk_tokens: dict, nodes: list[str]) -> list[dict]:
    shares = {kind: float(share) for kind, share in (part.split("=") for part in mix.split(","))}
    counts = {kind: round(n * share) for kind, share in shares.items()}
    counts["terminal"] = n - sum(v for k, v in counts.items() if k != "terminal")
    clients = []
    for kind, count in counts.items():
        for i in range(count):
            window = i % windows + 1
            zone = f"Z{i % ZONES}"
            token = {"screen": tokens.get(f"screen-{window}"), "pad": tokens.get(f"pad-{window}"),
                     "terminal": clerk_tokens[window], "lobby": tokens[f"lobby-{zone}"]}[kind]
            clients.append({"id": len(clients), "kind": kind, "window": window, "zone": zone, "token": token,
                            "url": nodes[len(clients) % len(nodes)]})
    return clients


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", type=int, choices=[1, 2], default=1)
    p.add_argument("--clients", type=positive_int, default=1000)
    p.add_argument("--mix", default=MIX, help="shares of screen, pad, terminal (clerks), lobby clients")
    p.add_argument("--windows", type=positive_int, default=300)
    p.add_argument("--procs", type=positive_int, default=4, help="client processes (one manages ~500 clients)")
    p.add_argument("--period", type=positive_float, default=30, help="seconds between two calls of one window")
    p.add_argument("--duration", type=positive_float, default=60, help="seconds of steady calling")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                   help="PostgreSQL for --nodes 2 (a fresh schema is made in it)")
    p.add_argument("--work", default=str(ROOT / "var" / "bench"), help="where the hall and logs are kept")
    a = p.parse_args(argv)

    work = Path(a.work) / f"{a.nodes}-node"
    work.mkdir(parents=True, exist_ok=True)
    redis_proc = None
    if a.nodes == 1:
        db = f"sqlite:///{work / 'hall.sqlite3'}"
    else:
        if not shutil.which("redis-server"):
            sys.exit("redis-server is needed for --nodes 2")
        db_file = work / "db-url"
        if not db_file.exists():
            db_file.write_text(fresh_pg_schema(a.pg))
        db = db_file.read_text()
        redis_proc, queue = private_redis(work)
    tokens = build_hall(work, db, a.windows)
    layout = work / f"hall-{a.windows}.toml"
    nodes = [Node(work, db, layout, queue if a.nodes == 2 else None) for _ in range(a.nodes)]
    urls = [n.url for n in nodes]
    procs = []
    try:
        clerks = Clerks(urls, a.windows)
        calls_per_window = int(a.duration // a.period) + 2
        issue_tickets(urls[0], tokens["kiosk-1"], a.windows // ZONES * calls_per_window)
        rss_before = [n.rss_kib() for n in nodes]
        clients = plan_clients(a.clients, a.mix, a.windows, tokens, clerks.tokens, urls)
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Semaphore(0), ctx.Event()
        heard = [ctx.Value("q", 0, lock=False) for _ in range(a.procs)]
        outs = [work / f"clients-{i}.json" for i in range(a.procs)]
        for i in range(a.procs):
            procs.append(ctx.Process(target=client_process,
                                     args=(clients[i::a.procs], ready, stop, heard[i], str(outs[i]))))
            procs[-1].start()
        started = time.monotonic()
        for _ in procs:
            if not ready.acquire(timeout=300):
                raise RuntimeError("clients did not connect within 300 s")
        print(f"{len(clients)} clients connected in {time.monotonic() - started:.1f} s", flush=True)
        time.sleep(2)
        rss_after = [n.rss_kib() for n in nodes]
        cpu_before, load_before = sum(n.cpu_s() for n in nodes), os.getloadavg()[0]
        steady(clerks, a.windows, a.period, a.duration)
        quiet(heard)
        burst(clerks, a.windows)
        quiet(heard)
        server_cpu = sum(n.cpu_s() for n in nodes) - cpu_before
        stop.set()
        for proc in procs:
            proc.join(120)
        results = [json.loads(o.read_text()) for o in outs]
        report = analyse(clients, clerks.calls, results, a.windows)
        report.update(mix=a.mix, server_cpu_s=round(server_cpu, 1), clients_cpu_s=round(sum(r["cpu_s"] for r in results), 1),
                      loadavg_1min_at_start=load_before, nodes=a.nodes, clients=len(clients), windows=a.windows, period_s=a.period,
                      duration_s=a.duration, errors=clerks.errors[:10], error_count=len(clerks.errors),
                      rss_kib_before=rss_before, rss_kib_after=rss_after,
                      kib_per_connection=round((sum(rss_after) - sum(rss_before)) / len(clients), 1))
        (work / "result.json").write_text(json.dumps(report, indent=2))
        print(json.dumps(report, indent=2))
        return 0 if report["steady"]["missed"] == report["burst"]["missed"] == 0 else 1
    finally:
        stop_all = [proc for proc in procs if proc.is_alive()]
        for proc in stop_all:
            proc.terminate()
        for n in nodes:
            n.stop()
        if redis_proc:
            redis_proc.terminate()


if __name__ == "__main__":
    sys.exit(main())
