"""The bot's own small web server: Telegram and Zalo webhooks, health check, file links, the upload page.

Bodies are read while they stream in and refused (413) as soon as they pass their limit, whatever
Content-Length says (a chunked body has none): never more than the limit plus one chunk is read. Pages
are Jinja2 templates with autoescape (bot/templates/); their words come from bot.texts.
"""
from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route

from bot import texts
from bot.asgi import LocalAsgiServer
from bot.links import UploadTicket, file_id_from, upload_ticket

log = logging.getLogger(__name__)

WebhookSink = Callable[[dict], Awaitable[None]]
WEBHOOK_BODY_LIMIT = 1024 * 1024        # a Telegram update is a few KB; Zalo's are smaller
UPLOAD_LIMIT = 50 * 1024 * 1024         # the file itself (handlers.uploads.UPLOAD_PAGE_LIMIT)
UPLOAD_ENVELOPE = 64 * 1024             # multipart boundaries and part headers around it

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True))


class BodyTooLarge(Exception):
    pass


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def limited_stream(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body chunk by chunk; BodyTooLarge once more than `limit` bytes came (or were announced)."""
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise BodyTooLarge()
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge()
        yield chunk


async def read_limited(request: Request, limit: int) -> bytes:
    body = bytearray()
    async for chunk in limited_stream(request, limit):
        body += chunk
    return bytes(body)


def secret_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected.encode(), given.encode())


def webhook_route(path: str, header: str, secret: str, sink: WebhookSink,
                  limit: int = WEBHOOK_BODY_LIMIT) -> Route:
    """A channel's webhook: refuse calls without the right secret header (403), bodies over `limit` (413)
    and anything but a JSON object (400); hand the update over and answer 200. An update the channel
    cannot read is its business (it logs it once and drops it): the platform still gets its 200, or it
    would send the update again and again."""
    async def receive(request: Request):
        if not secret_ok(secret, request.headers.get(header)):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await read_limited(request, limit)
        except BodyTooLarge:
            return PlainTextResponse("too large", status_code=413)
        try:
            payload = json.loads(body)
        except ValueError:   # includes UnicodeDecodeError
            return PlainTextResponse("bad json", status_code=400)
        if not isinstance(payload, dict):
            return PlainTextResponse("not an update", status_code=400)
        await sink(payload)  # sinks only queue the work: the channel gets its answer at once
        return JSONResponse({"ok": True})
    return Route(path, receive, methods=["POST"])


def telegram_webhook_route(secret: str, sink: WebhookSink) -> Route:
    return webhook_route("/telegram/webhook", "X-Telegram-Bot-Api-Secret-Token", secret, sink)


def zalo_webhook_route(secret: str, sink: WebhookSink) -> Route:
    return webhook_route("/zalo/webhook", "X-Bot-Api-Secret-Token", secret, sink)


def zalo_oa_webhook_route(path: str, verify: Callable[[bytes, "str | None"], bool],
                          sink: Callable[[bytes], Awaitable[None]], limit: int = WEBHOOK_BODY_LIMIT) -> Route:
    """Zalo OA's webhook: the signature covers the raw body (X-ZEvent-Signature), so the channel checks the
    bytes as they came; a bad or missing signature is 401, a body over `limit` 413."""
    async def receive(request: Request):
        try:
            body = await read_limited(request, limit)
        except BodyTooLarge:
            return PlainTextResponse("too large", status_code=413)
        if not verify(body, request.headers.get("X-ZEvent-Signature")):
            return PlainTextResponse("bad signature", status_code=401)
        await sink(body)     # only queues the work: Zalo gets its answer at once
        return JSONResponse({"error": 0, "message": "Success"})
    return Route(path, receive, methods=["POST"])


def render_page(*lines: str, replies: list[str] = (), after: str | None = None, form: bool = False,
                status: int = 200, title: str | None = None) -> HTMLResponse:
    """A page of the bot: paragraphs, the conversation's replies, optionally the upload form. Everything is
    escaped (a file name is whatever the uploader called it)."""
    html = _templates.get_template("message.html").render(
        title=title or texts.WEB_PAGE_TITLE, lines=lines, replies=list(replies), after=after, form=form,
        button=texts.UPLOAD_PAGE_BUTTON)
    return HTMLResponse(html, status_code=status)


FileReader = Callable[[int], tuple[str, str | None, Path] | None]   # id -> (name, mime, path on disk)


def file_download_route(secret: bytes, read_file: FileReader) -> Route:
    """A signed file link: the file streams from disk (FileResponse), never read whole into memory."""
    async def download(request: Request):
        file_id = file_id_from(secret, request.path_params["token"])
        found = read_file(file_id) if file_id is not None else None
        if found is None or not found[2].is_file():
            return render_page(texts.FILE_LINK_INVALID, status=404)
        name, mime, path = found
        disposition = "inline" if (mime or "").startswith("image/") else "attachment"
        return FileResponse(path, media_type=mime or "application/octet-stream", filename=name,
                            content_disposition_type=disposition)
    return Route("/tep/{token}", download, methods=["GET"])


# (ticket, name, mime, path, size) -> the conversation's reply texts, or None if the ticket was used.
# The sink owns `path` from then on (it moves or deletes it).
UploadSink = Callable[[UploadTicket, str, "str | None", Path, int], Awaitable["list[str] | None"]]


class _Refused(Exception):
    def __init__(self, status: int, text: str):
        self.status, self.text = status, text


class _FilePart:
    """Streaming multipart: the form's first file part goes to a temporary file as its bytes arrive."""

    def __init__(self, folder: Path, limit: int):
        self.folder, self.limit = folder, limit
        self.name: str | None = None
        self.mime: str | None = None
        self.size = 0
        self.path: Path | None = None
        self._fh = None
        self._writing = False
        self._headers: dict[bytes, bytes] = {}
        self._field, self._value = b"", b""

    def callbacks(self) -> dict:
        return {"on_part_begin": self._part_begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._data,
                "on_part_end": self._part_end}

    def _part_begin(self) -> None:
        self._headers, self._field, self._value = {}, b"", b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if options.get(b"name") != b"file" or not filename or self.path is not None:
            return
        # Browsers send the name as UTF-8; old ones a whole Windows path.
        self.name = filename.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1].strip() or None
        mime = self._headers.get(b"content-type", b"").decode("latin-1").strip()
        self.mime = mime or None
        self.path = self.folder / f".part-{secrets.token_hex(8)}"
        self._fh = open(self.path, "wb")
        self._writing = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing:
            return
        self.size += end - start
        if self.size > self.limit:
            raise _Refused(413, texts.UPLOAD_PAGE_TOO_BIG)
        self._fh.write(data[start:end])

    def _part_end(self) -> None:
        self._writing = False

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()

    def discard(self) -> None:
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


async def receive_upload(request: Request, folder: Path, limit: int = UPLOAD_LIMIT) -> _FilePart:
    """Stream a multipart form's file into `folder`; raises _Refused (413 as soon as the body passes
    limit + envelope, 400 for a form without a file or one that cannot be read)."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise _Refused(400, texts.UPLOAD_PAGE_EMPTY)
    folder.mkdir(parents=True, exist_ok=True)
    part = _FilePart(folder, limit)
    parser = MultipartParser(options[b"boundary"], part.callbacks())
    try:
        try:
            async for chunk in limited_stream(request, limit + UPLOAD_ENVELOPE):
                parser.write(chunk)
            parser.finalize()
        except BodyTooLarge:
            raise _Refused(413, texts.UPLOAD_PAGE_TOO_BIG) from None
        except MultipartParseError:
            raise _Refused(400, texts.WEB_UPLOAD_UNREADABLE) from None
        if part.path is None or part.size == 0 or not part.name:
            raise _Refused(400, texts.UPLOAD_PAGE_EMPTY)
    except BaseException:   # refused, disconnected, cancelled: leave no partial file behind
        part.discard()
        raise
    part.close()
    return part


def upload_routes(secret: bytes, sink: UploadSink, folder: Path) -> list[Route]:
    """The one-time upload page: the file is written under `folder` while it streams in, then handed to
    the chat's conversation; the page shows what the conversation answered (it may refuse the file)."""
    def upload_page(*lines: str, **kwargs) -> HTMLResponse:
        return render_page(*lines, title=texts.UPLOAD_PAGE_TITLE, **kwargs)

    async def page(request: Request):
        if upload_ticket(secret, request.path_params["token"]) is None:
            return upload_page(texts.UPLOAD_PAGE_INVALID, status=403)
        return upload_page(texts.UPLOAD_PAGE_HINT, form=True)

    async def receive(request: Request):
        ticket = upload_ticket(secret, request.path_params["token"])
        if ticket is None:
            return upload_page(texts.UPLOAD_PAGE_INVALID, status=403)
        try:
            part = await receive_upload(request, folder)
        except _Refused as refused:
            return upload_page(refused.text, form=True, status=refused.status)
        except ClientDisconnect:
            return PlainTextResponse("", status_code=400)
        try:
            replies = await sink(ticket, part.name, part.mime, part.path, part.size)
        finally:
            if part.path.exists():   # the sink moves the file it keeps; anything left is not needed
                os.unlink(part.path)
        if replies is None:
            return upload_page(texts.UPLOAD_PAGE_USED, status=409)
        if not replies:
            return upload_page(texts.WEB_UPLOAD_SENT_NO_REPLY.format(name=part.name))
        return upload_page(texts.WEB_UPLOAD_SENT.format(name=part.name), replies=replies,
                           after=texts.WEB_UPLOAD_BACK)

    return [Route("/tai-len/{token}", page, methods=["GET"]), Route("/tai-len/{token}", receive, methods=["POST"])]


def build_app(routes: list[Route]) -> Starlette:
    async def health(_request):
        return PlainTextResponse("ok")
    return Starlette(routes=[Route("/healthz", health), *routes])


class WebServer(LocalAsgiServer):
    """The bot's own web server (webhooks, file links, upload page)."""
