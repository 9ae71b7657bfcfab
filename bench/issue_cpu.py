"""CPU per ticket issued, in one process, with no network and no other client in the way.

`issue_bench.py` measures what a kiosk sees, but on a shared 2-core machine its figures move by
a third from run to run. This one pushes `POST /api/v1/tickets` through the whole WSGI
application (Flask, validation, the use case, SQLite, the realtime publisher) with Flask's test
client, one request after another, and prints the CPU time per ticket: the figure to compare
two versions of the code by. `--profile` prints where the time goes.

    .venv/bin/python bench/issue_cpu.py                  # 3 rounds of 2,000 tickets
    .venv/bin/python bench/issue_cpu.py --profile 30     # and the 30 costliest functions
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall import demo  # noqa: E402
from hall.bootstrap import hall_context  # noqa: E402
from hall.entrypoints.app import create_app  # noqa: E402

from counts import positive_int  # noqa: E402  (bench/ is the script's own folder)

CATEGORIES = ["B", "D", "E", "F", "G", "J", "K"]   # demo categories without a daily quota or hours


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=positive_int, default=2000, help="tickets per round")
    parser.add_argument("--rounds", type=positive_int, default=3)
    parser.add_argument("--profile", type=positive_int, metavar="N", help="profile one more round; print the top N")
    parser.add_argument("--sort", default="cumulative", help="profile order: cumulative, tottime, ...")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ctx = hall_context(f"sqlite:///{Path(tmp) / 'cpu.sqlite3'}", single_connection=True)
        demo.install(ctx)
        app, _ = create_app(ctx, async_mode="threading")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {demo.device_token(ctx, 'kiosk-1')}"}
        issued = 0

        def issue_round(n: int) -> None:
            nonlocal issued
            for _ in range(n):
                r = client.post("/api/v1/tickets", headers=headers,
                                json={"category": CATEGORIES[issued % len(CATEGORIES)]})
                if r.status_code != 201:
                    raise SystemExit(f"issue failed: {r.status_code} {r.get_data(as_text=True)}")
                issued += 1

        issue_round(200)   # warm-up: caches, statement compilation
        gc.freeze()        # as `hall serve` does
        per_ticket = []
        for _ in range(args.rounds):
            start = time.process_time()
            issue_round(args.tickets)
            per_ticket.append((time.process_time() - start) / args.tickets * 1000)
        print(f"tickets    {args.rounds} rounds of {args.tickets}, SQLite, one thread")
        print("CPU/ticket " + ", ".join(f"{ms:.3f} ms" for ms in per_ticket)
              + f" (best {min(per_ticket):.3f} ms: one core could issue {1000 / min(per_ticket):.0f} tickets/s)")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(issue_round, args.tickets)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
