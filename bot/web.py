"""The bot's own small web server: Telegram (and later Zalo) webhooks, health check, the upload page."""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

log = logging.getLogger(__name__)

WebhookSink = Callable[[dict], Awaitable[None]]


def secret_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected.encode(), given.encode())


def telegram_webhook_route(secret: str, sink: WebhookSink) -> Route:
    async def receive(request: Request):
        if not secret_ok(secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = await request.json()
        except ValueError:
            return PlainTextResponse("bad json", status_code=400)
        await sink(payload)
        return JSONResponse({"ok": True})
    return Route("/telegram/webhook", receive, methods=["POST"])


def build_app(routes: list[Route]) -> Starlette:
    async def health(_request):
        return PlainTextResponse("ok")
    return Starlette(routes=[Route("/healthz", health), *routes])


class WebServer:
    """uvicorn inside the bot's event loop."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 8080):
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.should_exit = True
        if self._task:
            await self._task
