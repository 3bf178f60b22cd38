"""The emulator over real HTTP on loopback (``ThreadingHTTPServer``), in a background thread.

Used by ``orctl emulator serve`` and by end-to-end tests that drive orctl as a subprocess.
A "commit then drop" fault closes the connection without any response bytes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from openrouter_iac.emulator.app import ADMIN_PREFIX, API_PREFIX, Emulator
from openrouter_iac.emulator.wire import Request


class NonLoopbackError(ValueError):
    """Binding to a non-loopback address was not explicitly allowed."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so paging clients reuse one connection
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus delayed ACKs would
    # add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()

    def __getattr__(self, name: str) -> Any:
        # Any other method token (TRACE, QUERY, ...) reaches the core, which answers 405 with an
        # Allow header instead of http.server's HTML 501.
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return self._serve
        raise AttributeError(name)

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537).split(b";", 1)[0].strip()
                try:
                    size = int(size_line, 16)
                except ValueError:
                    return None
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            return self.rfile.read(int(length))
        except ValueError:
            return None

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            self.send_error(400, "Malformed request body framing")
            return
        request = Request.build(self.command, self.path, dict(self.headers.items()), body)
        response = self.server.emulator.handle(request)
        if response.drop:
            # The write is committed; the client gets no status line at all.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the server never logs requests (nor, therefore, anything secret in them)."""


class ServerHandle:
    """A running server. ``stop()`` (or leaving the ``with`` block) shuts it down."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.root_url = f"http://{shown}:{self.port}"
        self.base_url = self.root_url + API_PREFIX
        self.admin_url = self.root_url + ADMIN_PREFIX

    @property
    def emulator(self) -> Emulator:
        return self._server.emulator

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_server(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *, allow_non_loopback: bool = False
) -> ServerHandle:
    """Serve ``emulator`` on ``host:port`` (0 = a free port) from a daemon thread; returns at once."""
    if not is_loopback(host) and not allow_non_loopback:
        raise NonLoopbackError(
            f"refusing to serve the emulator on non-loopback address {host!r}; pass allow_non_loopback=True"
        )
    server_class = _Server6 if ":" in host else _Server
    server = server_class((host, port), emulator)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="orctl-emulator-http", daemon=True
    )
    thread.start()
    return ServerHandle(server, thread)
