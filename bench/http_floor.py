"""The floor under every ticket: what one HTTP request costs the server before any hall work.

Runs the real application (`create_app`: gevent pywsgi with `hall serve`'s handler, the
Socket.IO middleware, Flask, flask-openapi3, the kiosk's bearer-token check, a JSON answer)
with one extra route that does nothing else, and lets 8 kiosks call it back to back as
`issue_bench.py` does. Server CPU per request here is the part of a ticket's cost that no
change to the use case, the repositories or the database can remove.

    .venv/bin/python bench/http_floor.py
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIOSKS, WARMUP, PER_KIOSK = 8, 50, 500


def serve(port: int) -> None:
    from gevent import monkey
    monkey.patch_all()
    import gc

    from flask import jsonify

    from hall import demo
    from hall.bootstrap import hall_context
    from hall.entrypoints.api.common import caller
    from hall.entrypoints.app import create_app
    from hall.entrypoints.realtime import ServeHandler

    ctx = hall_context(f"sqlite:///{tempfile.mkdtemp(prefix='hall-floor-')}/floor.sqlite3", single_connection=True)
    demo.install(ctx)
    app, socketio = create_app(ctx, async_mode="gevent")

    @app.post("/floor")
    def floor():
        caller()
        return jsonify({"ticket": {"id": 1, "number": "A001"}}), 201

    print(demo.device_token(ctx, "kiosk-1"), flush=True)
    gc.freeze()   # as `hall serve` does
    gc.set_threshold(20000, 20, 20)
    socketio.run(app, host="127.0.0.1", port=port, log_output=False, handler_class=ServeHandler)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(url: str, token: str, pid: int) -> None:
    import aiohttp

    async def kiosk(session, n):
        for _ in range(n):
            async with session.post(url, json={"category": "B"}) as r:
                await r.read()
                if r.status != 201:
                    raise SystemExit(f"floor route answered {r.status}")

    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        await asyncio.gather(*(kiosk(session, WARMUP) for _ in range(KIOSKS)))
        cpu, start = cpu_s(pid), time.perf_counter()
        await asyncio.gather(*(kiosk(session, PER_KIOSK) for _ in range(KIOSKS)))
        n, elapsed = KIOSKS * PER_KIOSK, time.perf_counter() - start
        print(f"requests   {n} by {KIOSKS} kiosks: {n / elapsed:.0f} requests/s")
        print(f"server CPU {(cpu_s(pid) - cpu) / n * 1000:.3f} ms per request")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return 0
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        token = proc.stdout.readline().strip()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(measure(f"http://127.0.0.1:{port}/floor", token, proc.pid))
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
