import shutil
import subprocess
import time

import pytest


@pytest.fixture
def pty_pair(tmp_path):
    """Two linked pseudo-terminals: the agent opens the first, an emulator the second."""
    if not shutil.which("socat"):
        pytest.skip("socat is not installed")
    host, device = tmp_path / "ttyHOST", tmp_path / "ttyDEV"
    proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={host}", f"pty,raw,echo=0,link={device}"])
    deadline = time.monotonic() + 5
    while not (host.exists() and device.exists()):
        assert time.monotonic() < deadline, "socat did not create the pty pair"
        time.sleep(0.01)
    yield str(host), str(device)
    proc.terminate()
    proc.wait()


def wait_until(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
