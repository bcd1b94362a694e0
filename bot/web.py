"""The bot's own small web server: Telegram (and later Zalo) webhooks, health check, the upload page."""
from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import texts
from bot.asgi import LocalAsgiServer
from bot.links import file_id_from, upload_ticket

log = logging.getLogger(__name__)

WebhookSink = Callable[[dict], Awaitable[None]]


def secret_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected.encode(), given.encode())


def webhook_route(path: str, header: str, secret: str, sink: WebhookSink) -> Route:
    """A channel's webhook: refuse calls without the right secret header, hand the body over, answer 200."""
    async def receive(request: Request):
        if not secret_ok(secret, request.headers.get(header)):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = await request.json()
        except ValueError:
            return PlainTextResponse("bad json", status_code=400)
        await sink(payload)  # sinks only queue the work: the channel gets its answer at once
        return JSONResponse({"ok": True})
    return Route(path, receive, methods=["POST"])


def telegram_webhook_route(secret: str, sink: WebhookSink) -> Route:
    return webhook_route("/telegram/webhook", "X-Telegram-Bot-Api-Secret-Token", secret, sink)


def zalo_webhook_route(secret: str, sink: WebhookSink) -> Route:
    return webhook_route("/zalo/webhook", "X-Bot-Api-Secret-Token", secret, sink)


FileReader = Callable[[int], tuple[str, str | None, bytes] | None]


def file_download_route(secret: bytes, read_file: FileReader) -> Route:
    async def download(request: Request):
        file_id = file_id_from(secret, request.path_params["token"])
        found = read_file(file_id) if file_id is not None else None
        if found is None:
            return PlainTextResponse(texts.FILE_LINK_INVALID, status_code=404)
        name, mime, data = found
        disposition = "inline" if (mime or "").startswith("image/") else "attachment"
        from urllib.parse import quote
        return Response(data, media_type=mime or "application/octet-stream",
                        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"})
    return Route("/tep/{token}", download, methods=["GET"])


UPLOAD_LIMIT = 50 * 1024 * 1024
UploadSink = Callable[..., Awaitable[bool]]   # (ticket, name, mime, data) -> False if the ticket was used


def _page(message: str, form: bool = False, status: int = 200) -> HTMLResponse:
    body = f"<p>{message}</p>"
    if form:
        body += (f'<form method="post" enctype="multipart/form-data"><input type="file" name="file" required> '
                 f'<button type="submit">{texts.UPLOAD_PAGE_BUTTON}</button></form>')
    html = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{texts.UPLOAD_PAGE_TITLE}</title></head>'
            f"<body><h1>{texts.UPLOAD_PAGE_TITLE}</h1>{body}</body></html>")
    return HTMLResponse(html, status_code=status)


def upload_routes(secret: bytes, sink: UploadSink) -> list[Route]:
    async def page(request: Request):
        if upload_ticket(secret, request.path_params["token"]) is None:
            return _page(texts.UPLOAD_PAGE_INVALID, status=403)
        return _page(texts.UPLOAD_PAGE_HINT, form=True)

    async def receive(request: Request):
        ticket = upload_ticket(secret, request.path_params["token"])
        if ticket is None:
            return _page(texts.UPLOAD_PAGE_INVALID, status=403)
        if int(request.headers.get("content-length") or 0) > UPLOAD_LIMIT + 64 * 1024:
            return _page(texts.UPLOAD_PAGE_TOO_BIG, form=True, status=413)
        form = await request.form(max_part_size=UPLOAD_LIMIT)
        upload = form.get("file")
        if upload is None or not getattr(upload, "filename", None):
            return _page(texts.UPLOAD_PAGE_EMPTY, form=True, status=400)
        data = await upload.read()
        if len(data) > UPLOAD_LIMIT:
            return _page(texts.UPLOAD_PAGE_TOO_BIG, form=True, status=413)
        if not await sink(ticket, upload.filename, upload.content_type, data):
            return _page(texts.UPLOAD_PAGE_USED, status=409)
        return _page(texts.UPLOAD_PAGE_DONE.format(name=upload.filename))

    return [Route("/tai-len/{token}", page, methods=["GET"]), Route("/tai-len/{token}", receive, methods=["POST"])]


def build_app(routes: list[Route]) -> Starlette:
    async def health(_request):
        return PlainTextResponse("ok")
    return Starlette(routes=[Route("/healthz", health), *routes])


class WebServer(LocalAsgiServer):
    """The bot's own web server (webhooks, file links, upload page)."""
