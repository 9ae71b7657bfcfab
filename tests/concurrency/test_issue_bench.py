"""bench/issue_bench.py stays runnable: a short run against its own server issues every ticket;
the benchmarks refuse counts they cannot run with."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_issue_bench_runs(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "issue_bench.py"), "--kiosks", "4", "--count", "80",
                        "--warmup", "8"], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^tickets\s+80 issued, 0 failed", r.stdout, re.M), r.stdout
    assert re.search(r"^throughput\s+\d+ tickets/s", r.stdout, re.M)
    assert re.search(r"p50 [\d.]+ ms, p99 [\d.]+ ms", r.stdout)


@pytest.mark.parametrize("script, args, error", [
    ("issue_bench.py", ["--count", "0"], "--count: must be at least 1, not 0"),
    ("issue_bench.py", ["--duration", "soon"], "--duration: not a number: 'soon'"),
    ("issue_cpu.py", ["--tickets", "-5"], "--tickets: must be at least 1, not -5"),
    ("fanout.py", ["--work", "unused", "--period", "0"], "--period: must be more than 0, not 0"),
])
def test_benchmarks_refuse_counts_they_cannot_run_with(tmp_path, script, args, error):
    r = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True,
                       timeout=60, cwd=tmp_path)
    assert r.returncode == 2 and error in r.stderr, r.stderr
