"""HTTP/1.1 over pooled sockets: the client's own wire, for the management API's small JSON exchanges.

A page of `/keys` took about 1.5 ms of client CPU through httpx (URL parsing three times, a cookie
jar, header objects, then httpcore and h11 in pure Python); a request and its reply here cost
about 0.2 ms, most of it the kernel's. Only what orctl needs is implemented:

- keep-alive connections per origin, shared by the threads of a run; an idle connection the
  server has closed (or sent anything on) is noticed before reuse with one ``select`` and replaced;
- the connect, write and read timeouts, each per socket operation as in httpcore;
- TLS for https with certificate and host name verification, with httpx's default context
  (certifi, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``), built when an https origin is first used;
- replies framed by ``Content-Length``, chunked, or by the end of the connection; interim 1xx
  replies skipped; ``gzip`` / ``deflate`` bodies decoded (asked for as httpx did);
- every failure raised as the httpx exception the retry loop classifies (ConnectError,
  ConnectTimeout, WriteTimeout, WriteError, ReadTimeout, ReadError, RemoteProtocolError), with a
  message that never holds a header.

Proxies, HTTP/2 and redirects are not here: a client with a proxy in its environment uses
httpx, and a redirect is an error to orctl anyway.
"""

from __future__ import annotations

import select
import socket
import threading
import urllib.request
import zlib
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    import ssl  # imported when an https origin is first used: plain http (the emulator) never loads it

MAX_HEAD = 64 * 1024  # a status line and headers beyond this are not a management API reply
MAX_HEADERS = 100
RECV = 64 * 1024  # one read takes the head and a small body; larger bodies are read in place
ACCEPT_ENCODING = "gzip, deflate"  # what httpx asked for without brotli or zstandard installed
_NO_BODY_STATUSES = frozenset({204, 304})


class Reply:
    """One HTTP reply, with the few parts of ``httpx.Response`` the client reads on success.

    ``headers`` maps lower-cased names to their last value; ``raw_headers`` keeps them all, in order.
    """

    __slots__ = ("content", "headers", "raw_headers", "reason", "status_code")

    def __init__(self, status: int, reason: str, raw_headers: list[tuple[str, str]], content: bytes) -> None:
        self.status_code, self.reason, self.raw_headers, self.content = status, reason, raw_headers, content
        self.headers = dict(raw_headers)

    def __repr__(self) -> str:
        return f"Reply(status_code={self.status_code})"


def proxy_configured() -> bool:
    """True when HTTP(S)_PROXY / ALL_PROXY (any case) would make httpx send requests through a proxy."""
    proxies = urllib.request.getproxies_environment()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


class Wire:
    """Thread-safe. ``headers`` go with every request (Host is added here)."""

    def __init__(
        self,
        scheme: str,
        host: str,
        port: int | None,
        headers: Iterable[tuple[str, str]],
        *,
        timeout: httpx.Timeout,
    ) -> None:
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'.")
        self.scheme, self.host = scheme, host
        self.port = port or (443 if scheme == "https" else 80)
        default_port = self.port == (443 if scheme == "https" else 80)
        authority = f"[{host}]" if ":" in host else host
        sent = [
            ("Host", authority if default_port else f"{authority}:{self.port}"),
            ("Accept-Encoding", ACCEPT_ENCODING),
            ("Connection", "keep-alive"),
            *headers,
        ]
        if any(c in f"{name}{value}" for name, value in sent for c in "\r\n\0"):
            raise ValueError("a request header holds a line break")  # never the value: it may be the key
        # Encoded once: a request is its first line, this block and its own body headers.
        self._head = "".join(f"{name}: {value}\r\n" for name, value in sent).encode("latin-1")
        self._timeout = timeout
        self._idle: deque[_Connection] = deque()
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"Wire({self.scheme}://{self.host}:{self.port})"

    def request(self, method: str, target: str, body: bytes | None = None, content_type: str | None = None) -> Reply:
        """Send one request (``target``: the path and query) and read its whole reply."""
        head = f"{method} {target} HTTP/1.1\r\n".encode("latin-1") + self._head
        if body is not None:
            head += f"Content-Length: {len(body)}\r\n".encode("latin-1")
            if content_type:
                head += f"Content-Type: {content_type}\r\n".encode("latin-1")
        message = head + b"\r\n" + (body or b"")
        conn = self._checkout()
        try:
            reply, reusable = conn.exchange(message, method, self._timeout)
        except BaseException:
            conn.close()
            raise
        if reusable:
            self._checkin(conn)
        else:
            conn.close()
        return reply

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
        for conn in idle:
            conn.close()

    # -- connections -----------------------------------------------------------------------------

    def _checkout(self) -> _Connection:
        while True:
            try:
                conn = self._idle.pop()
            except IndexError:
                return self._connect()
            if conn.fit_for_reuse():
                return conn
            conn.close()

    def _checkin(self, conn: _Connection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def _connect(self) -> _Connection:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self._timeout.connect)
        except TimeoutError:
            raise httpx.ConnectTimeout("timed out") from None
        except OSError as exc:  # refused, unreachable, a name that does not resolve
            raise httpx.ConnectError(str(exc)) from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.scheme == "https":
                sock = self._context().wrap_socket(sock, server_hostname=self.host)  # handshake, same timeout
        except TimeoutError:
            sock.close()
            raise httpx.ConnectTimeout("timed out") from None
        except OSError as exc:  # the TLS handshake failed: a certificate not trusted, a wrong host name
            sock.close()
            raise httpx.ConnectError(str(exc)) from None
        return _Connection(sock)

    def _context(self) -> ssl.SSLContext:
        with self._lock:
            if self._ssl is None:
                context = httpx.create_ssl_context()  # verification on; certifi, or SSL_CERT_FILE / SSL_CERT_DIR
                context.set_alpn_protocols(["http/1.1"])
                self._ssl = context
            return self._ssl


class _Connection:
    """One socket and the bytes read past the last reply (none, on a well-behaved server)."""

    __slots__ = ("buffer", "sock", "timeout")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.timeout = sock.gettimeout()

    def _set_timeout(self, seconds: float | None) -> None:
        if seconds != self.timeout:  # each change is two system calls: only when it changes
            self.sock.settimeout(seconds)
            self.timeout = seconds

    def close(self) -> None:
        self.sock.close()

    def fit_for_reuse(self) -> bool:
        """Idle and nothing to read: a server that closed it (or sent anything unasked) makes it readable."""
        pending = getattr(self.sock, "pending", None)  # TLS: bytes decrypted but not read yet
        if self.buffer or (pending is not None and pending()):
            return False
        try:
            return not _readable(self.sock)
        except (OSError, ValueError):
            return False

    def exchange(self, message: bytes, method: str, timeout: httpx.Timeout) -> tuple[Reply, bool]:
        """Send ``message``, read the reply; also whether the connection can carry another request."""
        self._set_timeout(timeout.write)
        try:
            self.sock.sendall(message)
        except TimeoutError:
            raise httpx.WriteTimeout("timed out") from None
        except OSError as exc:
            raise httpx.WriteError(str(exc) or "the connection was closed while sending") from None
        self._set_timeout(timeout.read)
        try:
            return self._read_reply(method)
        except TimeoutError:
            raise httpx.ReadTimeout("timed out") from None
        except OSError as exc:
            raise httpx.ReadError(str(exc) or "the connection was dropped") from None

    # -- reading ---------------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read what the socket has into the buffer; False at the end of the connection."""
        chunk = self.sock.recv(RECV)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def _read_reply(self, method: str) -> tuple[Reply, bool]:
        while True:
            version, status, reason, headers = self._read_head()
            if not 100 <= status < 200:
                break
            if status == 101:
                raise httpx.RemoteProtocolError("the server switched protocols, which orctl never asks for")
            # 100 Continue, 103 Early Hints: an interim reply, the real one follows.
        fields: dict[str, list[str]] = {}
        for name, value in headers:
            fields.setdefault(name, []).append(value)
        connection = {token.strip().lower() for value in fields.get("connection", ()) for token in value.split(",")}
        keep_alive = version == "HTTP/1.1" and "close" not in connection
        if method == "HEAD" or status in _NO_BODY_STATUSES:
            content = b""
        elif "transfer-encoding" in fields:
            codings = [c.strip().lower() for value in fields["transfer-encoding"] for c in value.split(",")]
            if codings != ["chunked"]:  # a transfer coding under chunked is never asked for, so never decoded
                raise httpx.RemoteProtocolError(f"unsupported transfer-encoding {', '.join(codings)}")
            content = self._read_chunked()
        elif "content-length" in fields:
            content = self._read_exactly(_content_length(fields["content-length"]))
        else:
            content, keep_alive = self._read_to_end(), False
        encoding = fields.get("content-encoding")
        if encoding:
            content = _decode(content, encoding)
        return Reply(status, reason, headers, content), keep_alive

    def _read_head(self) -> tuple[str, int, str, list[tuple[str, str]]]:
        start = 0
        while True:
            end = self.buffer.find(b"\r\n\r\n", start)
            if end >= 0:
                break
            start = max(0, len(self.buffer) - 3)
            if len(self.buffer) > MAX_HEAD:
                raise httpx.RemoteProtocolError("the reply's headers are too long")
            if not self._fill():
                if self.buffer:
                    raise httpx.RemoteProtocolError("the server closed the connection within the reply headers")
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code, _, reason = rest.partition(" ")
        if version not in ("HTTP/1.1", "HTTP/1.0") or len(code) != 3 or not code.isdigit():
            raise httpx.RemoteProtocolError("the reply does not start with an HTTP/1.x status line")
        if len(lines) > MAX_HEADERS + 1:
            raise httpx.RemoteProtocolError("the reply has too many headers")
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip() or line[0] in " \t":
                raise httpx.RemoteProtocolError("the reply has a malformed header line")
            headers.append((name.lower(), value.strip(" \t")))
        return version, int(code), reason, headers

    def _read_exactly(self, size: int) -> bytes:
        have = len(self.buffer)
        if have >= size:
            content, self.buffer = self.buffer[:size], self.buffer[size:]
            return content
        body = bytearray(size)
        view = memoryview(body)
        view[:have] = self.buffer
        self.buffer = b""
        while have < size:
            got = self.sock.recv_into(view[have:])
            if not got:
                raise httpx.RemoteProtocolError(
                    f"peer closed connection without sending complete message body (received {have} bytes, "
                    f"expected {size})"
                )
            have += got
        return bytes(body)

    def _read_line(self) -> bytes:
        while True:
            end = self.buffer.find(b"\r\n")
            if end >= 0:
                line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
                return line
            if len(self.buffer) > MAX_HEAD:
                raise httpx.RemoteProtocolError("a chunk header of the reply is too long")
            if not self._fill():
                raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_text = self._read_line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError("the reply has a malformed chunk size") from None
            if size < 0:
                raise httpx.RemoteProtocolError("the reply has a malformed chunk size")
            if size == 0:
                while self._read_line():  # trailer fields, up to the empty line
                    pass
                return b"".join(parts)
            parts.append(self._read_exactly(size))
            if self._read_line():
                raise httpx.RemoteProtocolError("a chunk of the reply is longer than its size says")

    def _read_to_end(self) -> bytes:
        parts = [self.buffer]
        self.buffer = b""
        while chunk := self.sock.recv(RECV):
            parts.append(chunk)
        return b"".join(parts)


def _readable(sock: socket.socket) -> bool:
    """Whether a read would not block, now. ``poll`` where there is one: ``select`` cannot take a
    descriptor above 1023, which a process with many files open may hand out."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _content_length(values: list[str]) -> int:
    lengths = {value.strip() for value in values for value in value.split(",")}
    if len(lengths) != 1:
        raise httpx.RemoteProtocolError("the reply has conflicting Content-Length headers")
    (text,) = lengths
    if not text.isdigit():
        raise httpx.RemoteProtocolError("the reply has a malformed Content-Length header")
    return int(text)


def _decode(content: bytes, encodings: list[str]) -> bytes:
    """Undo ``Content-Encoding`` (applied in order, so undone in reverse)."""
    codings = [c.strip().lower() for value in encodings for c in value.split(",") if c.strip()]
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                content = zlib.decompress(content, zlib.MAX_WBITS | 16)
            elif coding == "deflate":
                try:
                    content = zlib.decompress(content)
                except zlib.error:  # some servers send raw deflate without the zlib wrapper
                    content = zlib.decompress(content, -zlib.MAX_WBITS)
            elif coding != "identity":
                raise httpx.DecodingError(f"the reply uses content-encoding {coding!r}, which orctl did not ask for")
        except zlib.error:
            raise httpx.DecodingError(f"the reply's {coding} body cannot be decoded") from None
    return content
