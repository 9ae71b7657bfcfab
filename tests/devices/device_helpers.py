"""Helpers shared by the device tests (a plain module: `conftest` names clash across test folders)."""

import time


def wait_until(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
