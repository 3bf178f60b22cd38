"""The emulator as an ``httpx`` transport, for in-process tests and ``--emulator`` mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from openrouter_iac.emulator.wire import Request

if TYPE_CHECKING:
    from openrouter_iac.emulator.app import Emulator


class EmulatorTransport(httpx.BaseTransport):
    """Answers httpx requests from an :class:`Emulator`. Thread-safe; the host part is ignored.

    A "commit then drop" fault raises :class:`httpx.RemoteProtocolError` after the write has
    been applied, which is what a client sees when a server dies before answering.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        core = Request.build(request.method, target, dict(request.headers), body)
        response = self.emulator.handle(core)
        if response.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            content=response.body,
            request=request,
        )
