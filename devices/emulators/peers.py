"""The far end of a device link: a TCP listener or a serial port (e.g. one side of a socat pty pair)."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
from typing import Protocol

import serial

log = logging.getLogger(__name__)


class Handler(Protocol):
    def feed(self, data: bytes) -> bytes:
        """Takes what the host sent and returns the device's answer (maybe nothing)."""
        ...


class TcpPeer:
    """Serves `handler` on host:port like a network device; `send` goes to the latest connection."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0):
        self.handler = handler
        self.host = host
        self.port = port
        self._server: socket.socket | None = None
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        # One device behind all connections: their bytes reach the handler one chunk at a time.
        self._feed_lock = threading.Lock()
        self.connections = 0

    def start(self) -> "TcpPeer":
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(4)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True, name=f"peer-{self.port}").start()
        return self

    def stop(self) -> None:
        """Unplugs the device: the listener and the current connection go away."""
        with self._lock:
            server, clients, self._server, self._clients = self._server, self._clients, None, []
        for sock in [server, *clients]:
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def send(self, data: bytes) -> None:
        with self._lock:
            if self._clients:
                self._clients[-1].sendall(data)

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            with self._lock:
                if self._server is not server:
                    client.close()
                    return
                self._clients.append(client)
                self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            try:
                while data := client.recv(4096):
                    with self._feed_lock:
                        reply = self.handler.feed(data)
                    if reply:
                        client.sendall(reply)
            except OSError:
                pass
            finally:
                with self._lock:
                    if client in self._clients:
                        self._clients.remove(client)


class SerialPeer:
    """Serves `handler` on a serial port path (a real port or a pty)."""

    def __init__(self, handler: Handler, port: str, baudrate: int = 9600):
        self.handler = handler
        self._serial = serial.serial_for_url(port, baudrate=baudrate, timeout=0.05)
        self._running = True
        self._write_lock = threading.Lock()

    def start(self) -> "SerialPeer":
        threading.Thread(target=self._serve, daemon=True, name="serial-peer").start()
        return self

    def stop(self) -> None:
        self._running = False

    def send(self, data: bytes) -> None:
        with self._write_lock:
            self._serial.write(data)

    def _serve(self) -> None:
        try:
            while self._running:
                data = self._serial.read(max(1, self._serial.in_waiting))
                if data:
                    reply = self.handler.feed(data)
                    if reply:
                        self.send(reply)
        except (OSError, serial.SerialException) as e:
            log.warning("serial peer stopped: %s", e)
        finally:
            self._serial.close()


def cli(description: str, default_port: int | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    where = parser.add_mutually_exclusive_group(required=default_port is None)
    where.add_argument("--listen", metavar="HOST:PORT",
                       help=f"serve on TCP (default 127.0.0.1:{default_port})" if default_port else "serve on TCP")
    where.add_argument("--serial", metavar="PORT", help="serve on a serial port, e.g. one end of a socat pty pair")
    parser.add_argument("--baudrate", type=int, default=9600)
    return parser


def run(args: argparse.Namespace, handler: Handler, default_port: int | None) -> TcpPeer | SerialPeer:
    """Starts `handler` where the command line says and returns the peer (already running)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.serial:
        return SerialPeer(handler, args.serial, args.baudrate).start()
    host, _, port = (args.listen or f"127.0.0.1:{default_port}").rpartition(":")
    peer = TcpPeer(handler, host or "127.0.0.1", int(port)).start()
    print(f"listening on {peer.host}:{peer.port}", flush=True)
    return peer


def wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
