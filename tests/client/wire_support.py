"""A scripted HTTP server on a loopback socket: each accepted connection answers from a script.

The client's own wire (client/wire.py) is used whenever no transport is given, so its tests need
a real socket: this server records every request as raw bytes and answers with raw bytes, so a
test can send framing a real server would (chunked, gzip, a connection closed mid-body, silence).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

# One connection's behaviour: given the socket, serve it (read requests, answer, close or not).
Handler = Callable[["Conn"], None]


@dataclass
class Conn:
    sock: socket.socket
    server: ScriptedServer
    buffer: bytes = b""

    def read_request(self) -> bytes | None:
        """One whole request (head and Content-Length body), or None when the client closed."""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self.sock.recv(65536)
        self.buffer = rest[length:]
        request = head + b"\r\n\r\n" + rest[:length]
        self.server.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


@dataclass
class ScriptedServer:
    """``handlers`` serve the accepted connections in order (the last one serves any further)."""

    handlers: list[Handler]
    tls: ssl.SSLContext | None = None
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stop = False
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{'localhost' if self.tls else '127.0.0.1'}:{self.port}/api/v1"

    def _accept(self) -> None:
        while not self._stop:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            handler = self.handlers[min(self.connections, len(self.handlers) - 1)]
            thread = threading.Thread(target=self._serve, args=(sock, handler), daemon=True)
            # Counted and registered before it starts: a test that has its answer may look at both.
            with self._lock:
                self.connections += 1
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, handler: Handler) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            handler(Conn(sock, self))
        except OSError:
            pass
        finally:
            sock.close()

    def wait_closed(self, index: int, timeout: float = 10.0) -> None:
        """Block until connection ``index`` (0-based) has been served and closed by this server."""
        with self._lock:
            thread = self._threads[index]
        thread.join(timeout=timeout)
        assert not thread.is_alive(), f"connection {index} still open after {timeout} s"

    def close(self) -> None:
        self._stop = True
        self._listener.close()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, reason: str = "OK") -> bytes:
    fields = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
    return head.encode("latin-1") + body


def answering(*answers: bytes, close: bool = False) -> Handler:
    """Read a request, send the next answer, for each answer; then close (or wait for the client)."""

    def handle(conn: Conn) -> None:
        for answer in answers:
            if conn.read_request() is None:
                return
            conn.send(answer)
        if not close:
            conn.read_request()  # keep the connection open until the client closes it

    return handle
