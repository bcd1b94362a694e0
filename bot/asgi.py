"""Serving an ASGI app (the bot's web server, the sandboxes) inside the running event loop."""
from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


class _NoAccessLogH11Protocol(H11Protocol):
    """Request lines can carry a bot token (/bot<TOKEN>/...): never write them to the access log.

    Config(access_log=False) is not enough: it mutates the global "uvicorn.access" logger and any handler
    attached there later (pytest's caplog does) turns logging back on.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.access_log = False


class LocalAsgiServer:
    """uvicorn driven through startup/shutdown (not serve()), so the host program keeps its signal handlers
    and start() returns once the socket listens. Port 0 picks a free port."""

    def __init__(self, app: Any, port: int = 0, host: str = "127.0.0.1"):
        config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_config=None,
                                http=_NoAccessLogH11Protocol, timeout_graceful_shutdown=2)
        config.load()
        self._server = uvicorn.Server(config)
        self._server.lifespan = config.lifespan_class(config)
        self._host, self._requested_port = host, port
        self._sockets: list[socket.socket] = []
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        # We bind the socket ourselves: a busy port raises OSError here instead of uvicorn calling sys.exit,
        # and proto=IPPROTO_TCP makes asyncio set TCP_NODELAY (else every answer waits ~40 ms for an ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._requested_port))
        self._sockets = [sock]
        await self._server.startup(sockets=self._sockets)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.port is not None:
            await self._server.shutdown(sockets=self._sockets)
            self.port = None

    async def __aenter__(self) -> "LocalAsgiServer":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
