"""`hall agent`: drives a hall's printers, LED screens, keypads and card readers.

Plain threads, no gevent: every device's blocking I/O runs in its own thread.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading

from devices.config import ConfigError, load


def main(server: str, token: str, config_path: str) -> int:
    """Runs the agent until SIGINT or SIGTERM; returns the process exit code."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load(config_path)
    except ConfigError as e:
        print(f"hall agent: {e}", file=sys.stderr)
        return 2
    from devices.agent.runtime import Agent

    if not config.devices:
        logging.getLogger("hall.agent").warning("%s names no devices", config_path)
    agent = Agent(config, server, token)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    agent.start()
    stop.wait()
    agent.stop()
    return 0
