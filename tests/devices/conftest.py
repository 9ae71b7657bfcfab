import shutil
import subprocess
import time

import pytest


@pytest.fixture
def make_pty_pair(tmp_path):
    """Makes linked pseudo-terminal pairs: the agent opens the first end, an emulator the second."""
    if not shutil.which("socat"):
        pytest.skip("socat is not installed")
    procs = []

    def make(name="tty"):
        host, device = tmp_path / f"{name}HOST", tmp_path / f"{name}DEV"
        procs.append(subprocess.Popen(["socat", f"pty,raw,echo=0,link={host}", f"pty,raw,echo=0,link={device}"]))
        deadline = time.monotonic() + 5
        while not (host.exists() and device.exists()):
            assert time.monotonic() < deadline, "socat did not create the pty pair"
            time.sleep(0.01)
        return str(host), str(device)

    yield make
    for proc in procs:
        proc.terminate()
        proc.wait()


@pytest.fixture
def pty_pair(make_pty_pair):
    return make_pty_pair()
