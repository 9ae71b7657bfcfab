"""bench/issue_bench.py stays runnable: a short run against its own server issues every ticket."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_issue_bench_runs(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "issue_bench.py"), "--kiosks", "4", "--count", "80",
                        "--warmup", "8"], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^tickets\s+80 issued, 0 failed", r.stdout, re.M), r.stdout
    assert re.search(r"^throughput\s+\d+ tickets/s", r.stdout, re.M)
    assert re.search(r"p50 [\d.]+ ms, p99 [\d.]+ ms", r.stdout)
