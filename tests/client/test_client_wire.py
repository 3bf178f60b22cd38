"""The client's own HTTP/1.1 wire (no transport given): the same requests as httpx, the same errors.

Every test talks to a scripted server on a loopback socket (wire_support.py), the way a user's
`orctl plan` talks to the API or to `orctl emulator serve`.
"""

from __future__ import annotations

import datetime
import gzip
import json
import socket
import ssl
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from client_support import FAKE_KEY
from wire_support import Conn, ScriptedServer, answering, reply

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import (
    AmbiguousWriteError,
    ApiUnreachableError,
    AuthenticationError,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
)

OK = json.dumps({"data": [{"id": "g1"}]}).encode()


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ScriptedServer] = []

    def start(*handlers: Any, tls: ssl.SSLContext | None = None) -> ScriptedServer:
        server = ScriptedServer(list(handlers), tls=tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def client_for(server: ScriptedServer, **kwargs: Any) -> OpenRouterClient:
    kwargs.setdefault("sleep", lambda seconds: None)
    client = OpenRouterClient(server.base_url, FAKE_KEY, **kwargs)
    assert client._wire is not None, "no transport given: the client's own wire is used"
    return client


def split(request: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    head, _, body = request.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    headers = sorted((name.lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines))
    # Each server listens on its own port: the Host header is compared without it.
    return first, [(n, v.rsplit(":", 1)[0] if n == "host" else v) for n, v in headers], body


# -- requests --------------------------------------------------------------------------------------


def test_requests_are_the_ones_httpx_sends(serve):
    calls = [
        lambda c: c.get("/keys", params={"offset": 100, "include_disabled": True, "skip": None}, resource="keys"),
        lambda c: c.get("/presets/a b%2F", params={"q": "é&x=1"}, resource="preset"),
        lambda c: c.post("/guardrails", json={"name": "é", "limit": 1.5, "models": []}, resource="guardrail"),
        lambda c: c.delete("/keys/abc", resource="key"),
    ]
    seen = []
    for transport in (None, httpx.HTTPTransport()):
        server = serve(answering(*[reply(200, OK) for _ in calls]))
        with OpenRouterClient(server.base_url, FAKE_KEY, transport=transport) as client:
            for call in calls:
                call(client)
        seen.append([split(request) for request in server.requests])
    wire, via_httpx = seen
    assert wire == via_httpx
    assert wire[0][0] == "GET /api/v1/keys?offset=100&include_disabled=true HTTP/1.1"
    assert ("authorization", f"Bearer {FAKE_KEY}") in wire[0][1]
    assert wire[2][2] == '{"name":"é","limit":1.5,"models":[]}'.encode()


def test_one_connection_carries_every_request(serve):
    server = serve(answering(*[reply(200, OK) for _ in range(5)]))
    with client_for(server) as client:
        for _ in range(5):
            assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
    assert server.connections == 1
    assert client._wire is not None and client._wire._ssl is None  # plain http never builds a TLS context


def test_an_idle_connection_the_server_closed_is_replaced_without_a_retry(serve):
    server = serve(answering(reply(200, OK), close=True), answering(reply(200, OK)))
    with client_for(server) as client:
        client.get("/guardrails", resource="guardrails")
        server.wait_closed(0)  # the server has closed the first connection
        client.get("/guardrails", resource="guardrails")
    assert server.connections == 2
    assert client.stats.retries == 0


def test_connection_close_opens_a_new_connection(serve):
    server = serve(answering(reply(200, OK, {"Connection": "close"}), close=True), answering(reply(200, OK)))
    with client_for(server) as client:
        client.get("/guardrails", resource="guardrails")
        client.get("/guardrails", resource="guardrails")
    assert server.connections == 2
    assert client.stats.retries == 0


# -- framing -----------------------------------------------------------------------------------


def chunked(body: bytes, size: int = 7) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    parts = [f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n" for piece in pieces]
    return b"".join(parts) + b"0\r\nTrailer: x\r\n\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        reply(200, OK),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(OK),
        reply(200, gzip.compress(OK), {"Content-Encoding": "gzip"}),
        reply(200, zlib.compress(OK), {"Content-Encoding": "deflate"}),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + reply(200, OK),
    ],
    ids=["content-length", "chunked", "gzip", "deflate", "interim 1xx"],
)
def test_replies_are_read_whatever_their_framing(serve, answer):
    server = serve(answering(answer, reply(200, OK), close=True), answering(reply(200, OK)))
    with client_for(server) as client:
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
    assert client.stats.retries == 0


def test_a_body_without_a_length_ends_with_the_connection(serve):
    http10 = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK
    server = serve(answering(http10, close=True), answering(reply(200, OK)))
    with client_for(server) as client:
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
    assert (server.connections, client.stats.retries) == (2, 0)


def test_a_large_body_arriving_in_pieces_is_read_whole(serve):
    body = json.dumps({"data": [{"id": f"k{i}", "name": "x" * 200} for i in range(2000)]}).encode()

    def trickle(conn: Conn) -> None:
        conn.read_request()
        answer = reply(200, body)
        for i in range(0, len(answer), 50_000):
            conn.send(answer[i : i + 50_000])
        conn.read_request()

    server = serve(trickle)
    with client_for(server) as client:
        assert len(client.get("/keys", resource="keys")["data"]) == 2000


def test_a_204_has_no_body(serve):
    server = serve(answering(b"HTTP/1.1 204 No Content\r\n\r\n", reply(200, OK)))
    with client_for(server) as client:
        assert client.delete("/keys/a", resource="key") is None
        client.get("/guardrails", resource="guardrails")
    assert server.connections == 1


# -- errors, as with httpx -----------------------------------------------------------------------


def test_connection_refused_is_unreachable_after_the_retries():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    base_url = f"http://127.0.0.1:{port}/api/v1"
    with OpenRouterClient(base_url, FAKE_KEY, sleep=sleeps.append, max_retries=2) as client:
        assert client._wire is not None
        with pytest.raises(ApiUnreachableError) as info:
            client.get("/keys", resource="API keys")
    assert info.value.message == (
        f"cannot reach {base_url} (API keys): the connection failed ([Errno 111] Connection refused) after 3 attempts"
    )
    assert len(sleeps) == 2


def test_a_silent_server_times_out_in_two_reads(serve):
    def silent(conn: Conn) -> None:
        conn.read_request()
        conn.read_request()  # never answers; returns when the client gives up

    server = serve(silent)
    with client_for(server, timeout=0.2) as client, pytest.raises(ApiUnreachableError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message == (
        f"cannot reach {server.base_url} (API keys): no answer before the read timeout after 2 attempts"
    )


def test_a_body_cut_short_is_retried_for_a_read(serve):
    server = serve(answering(reply(200, OK)[:-5], close=True), answering(reply(200, OK)))
    with client_for(server) as client:
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
    assert client.stats.retries == 1


def test_a_create_whose_connection_drops_is_ambiguous_not_retried(serve):
    def drop(conn: Conn) -> None:
        conn.read_request()

    server = serve(drop)
    with client_for(server) as client, pytest.raises(AmbiguousWriteError) as info:
        client.post("/keys", json={"name": "ci"}, resource="API key 'ci'")
    assert "the connection was dropped after the request was sent" in info.value.message
    assert server.connections == 1


def test_a_reply_that_is_not_http_is_unreachable(serve):
    server = serve(answering(b"SSH-2.0-OpenSSH_9.6\r\n\r\n", close=True))
    with client_for(server, max_retries=1) as client, pytest.raises(ApiUnreachableError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message.endswith("(API keys): the connection was dropped after 2 attempts")


def test_429_waits_as_long_as_retry_after_says(serve):
    sleeps: list[float] = []
    limited = reply(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "3"}, reason="Too Many Requests")
    server = serve(answering(limited, reply(200, OK)))
    with client_for(server, sleep=sleeps.append) as client:
        assert client.get("/keys", resource="API keys")["data"] == [{"id": "g1"}]
    assert sleeps == [3.0]
    assert client.gate.pauses == 1


def test_429_after_every_retry_is_rate_limited(serve):
    limited = reply(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "1"})
    server = serve(answering(*[limited] * 3))
    with client_for(server, max_retries=2) as client, pytest.raises(RateLimitedError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message == "API keys: rate limited by OpenRouter (HTTP 429: slow down, 3 attempts)"


def test_5xx_after_every_retry_is_a_server_error_with_the_reason(serve):
    failing = reply(503, b"upstream\n  unavailable", {"Content-Type": "text/plain"}, reason="Service Unavailable")
    server = serve(answering(*[failing] * 2))
    with client_for(server, max_retries=1) as client, pytest.raises(ServerError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message == "API keys: OpenRouter failed to answer (HTTP 503: upstream unavailable, 2 attempts)"


def test_a_gzip_error_body_is_read_for_its_reason(serve):
    body = gzip.compress(json.dumps({"error": {"message": f"bad key {FAKE_KEY}"}}).encode())
    server = serve(answering(reply(401, body, {"Content-Encoding": "gzip"})))
    with client_for(server) as client, pytest.raises(AuthenticationError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message == "API keys: the management key was rejected (HTTP 401: bad key (sensitive))"


def test_malformed_json_is_one_error_naming_the_resource(serve):
    server = serve(answering(reply(200, b'{"data": [')))
    with client_for(server) as client, pytest.raises(MalformedResponseError) as info:
        client.get("/guardrails", resource="guardrails of workspace 'ops'")
    assert info.value.message == "guardrails of workspace 'ops': the API answered HTTP 200 with a body that is not JSON"


def test_a_body_that_does_not_decompress_is_malformed(serve):
    server = serve(answering(reply(200, b"not gzip at all", {"Content-Encoding": "gzip"})))
    with client_for(server) as client, pytest.raises(MalformedResponseError) as info:
        client.get("/guardrails", resource="guardrails")
    assert info.value.message == "guardrails: the API answered with a compressed body that cannot be decoded"


def test_a_redirect_is_reported_with_its_location_redacted(serve):
    server = serve(answering(reply(302, headers={"Location": f"https://elsewhere.test/?k={FAKE_KEY}"})))
    with client_for(server) as client, pytest.raises(MalformedResponseError) as info:
        client.get("/keys", resource="API keys")
    assert FAKE_KEY not in str(info.value)
    assert "a redirect to https://elsewhere.test/?k=(sensitive)" in info.value.message


# -- TLS, proxies, recorders --------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for `localhost` and the CA file that trusts it (a self-signed certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def test_https_verifies_the_certificate(serve, certificate, monkeypatch):
    context, ca_file = certificate
    server = serve(answering(reply(200, OK)), tls=context)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # trusted as httpx would trust it
    with client_for(server) as client:
        assert client.get("/guardrails", resource="guardrails")["data"] == [{"id": "g1"}]
    assert server.requests[0].startswith(b"GET /api/v1/guardrails HTTP/1.1\r\n")


def test_https_refuses_a_certificate_it_does_not_trust(serve, certificate, monkeypatch):
    context, _ = certificate
    server = serve(answering(reply(200, OK)), tls=context)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with client_for(server, max_retries=0) as client, pytest.raises(ApiUnreachableError) as info:
        client.get("/guardrails", resource="guardrails")
    assert "CERTIFICATE_VERIFY_FAILED" in info.value.message
    assert server.requests == []


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "HTTP_PROXY"])
def test_a_proxy_in_the_environment_is_left_to_httpx(monkeypatch, variable):
    monkeypatch.setenv(variable, "http://proxy.test:3128")
    with OpenRouterClient("https://api.test/api/v1", FAKE_KEY) as client:
        assert client._wire is None
        mounts = client._http._mounts
    assert any(transport is not None for transport in mounts.values())


def test_a_patched_httpx_transport_sees_the_requests(serve, monkeypatch):
    # What a vcrpy cassette does: requests must reach the patched transport, not the socket.
    seen: list[str] = []

    def recorded(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"data": []})

    server = serve(answering(reply(200, OK)))
    with client_for(server) as client:
        monkeypatch.setattr(httpx.HTTPTransport, "handle_request", recorded)
        assert client.get("/keys", resource="keys") == {"data": []}
    assert seen == [server.base_url + "/keys"]
    assert server.requests == []


def test_the_wire_shows_no_secret():
    with OpenRouterClient("https://api.test/api/v1", FAKE_KEY) as client:
        assert FAKE_KEY not in repr(client._wire)


def test_a_transfer_coding_other_than_chunked_is_a_protocol_error(serve):
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + chunked(gzip.compress(OK))
    server = serve(answering(answer, close=True))
    with client_for(server, max_retries=0) as client, pytest.raises(ApiUnreachableError) as info:
        client.get("/keys", resource="API keys")
    assert info.value.message.endswith("(API keys): the connection was dropped")


def test_a_user_agent_with_a_line_break_is_refused_before_any_request():
    with pytest.raises(ValueError, match="line break"):
        OpenRouterClient("https://api.test/api/v1", FAKE_KEY, user_agent="orctl\r\nX-Injected: 1")
