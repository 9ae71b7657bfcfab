"""Byte links to serial-bus and network devices, opened from the `connection` URL of the config.

Everything goes through pyserial so that one driver speaks to a real RS-485 adapter, a
serial-to-Ethernet converter (`tcp://`, `socket://`, `rfc2217://`) or a test peer alike.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

import serial

SERIAL_OPTIONS = {"baudrate": int, "bytesize": int, "parity": str, "stopbits": float}
URL_SCHEMES = ("serial", "tcp", "socket", "rfc2217", "loop")


def check_link_url(url: str) -> None:
    """Raises ValueError with the reason when `url` cannot name a link."""
    parts = urlsplit(url)
    if parts.scheme not in URL_SCHEMES:
        raise ValueError(f"unsupported scheme {parts.scheme!r} in {url!r} (use {', '.join(URL_SCHEMES)})")
    if parts.scheme == "serial":
        if not parts.path:
            raise ValueError(f"no device path in {url!r}, e.g. serial:///dev/ttyUSB0?baudrate=9600")
        _serial_settings(parts.query)
    elif parts.scheme in ("tcp", "socket", "rfc2217") and (not parts.hostname or parts.port is None):
        raise ValueError(f"{url!r} needs host:port")


def open_link(url: str, timeout: float = 0.2) -> serial.SerialBase:
    check_link_url(url)
    parts = urlsplit(url)
    if parts.scheme == "serial":
        return serial.Serial(port=parts.path, timeout=timeout, **_serial_settings(parts.query))
    if parts.scheme == "tcp":
        url = f"socket://{parts.hostname}:{parts.port}"
    return serial.serial_for_url(url, timeout=timeout)


class SharedLink:
    """One link per connection URL, used by one driver at a time.

    Strips on one RS-485 bus must not interleave their frames, and an LED controller
    driving several areas may accept a single TCP connection: their drivers share this.
    A failure closes the link; the next use opens it again.
    """

    _links: dict[str, "SharedLink"] = {}
    _links_lock = threading.Lock()

    def __init__(self, url: str, timeout: float):
        self.url = url
        self._timeout = timeout
        self._lock = threading.Lock()
        self._link: serial.SerialBase | None = None

    @classmethod
    def to(cls, url: str, timeout: float = 0.2) -> "SharedLink":
        with cls._links_lock:
            return cls._links.setdefault(url, cls(url, timeout))

    @contextmanager
    def use(self) -> Iterator[serial.SerialBase]:
        with self._lock:
            try:
                if self._link is None:
                    self._link = open_link(self.url, self._timeout)
                yield self._link
            except OSError:
                self._drop()
                raise

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None


def _serial_settings(query: str) -> dict:
    settings = {}
    for key, value in parse_qsl(query):
        if key not in SERIAL_OPTIONS:
            raise ValueError(f"unknown serial option {key!r} (known: {', '.join(SERIAL_OPTIONS)})")
        try:
            settings[key] = SERIAL_OPTIONS[key](value)
        except ValueError:
            raise ValueError(f"serial option {key}={value!r} is not a number") from None
    if "parity" in settings and settings["parity"] not in ("N", "E", "O"):
        raise ValueError(f"parity must be N, E or O, not {settings['parity']!r}")
    return settings
