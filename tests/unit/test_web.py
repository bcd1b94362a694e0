"""The bot's web server, driven at the ASGI level so a test sees exactly how much of a body was read."""
import asyncio
import json

import pytest

from bot import texts
from bot.links import seal, upload_url
from bot.web import (UPLOAD_ENVELOPE, UPLOAD_LIMIT, WEBHOOK_BODY_LIMIT, build_app, file_download_route,
                     telegram_webhook_route, upload_routes)

SECRET = b"web-secret"
HOOK_SECRET = "hook-secret"
CHUNK = 64 * 1024
MB = 1024 * 1024


class Body:
    """An ASGI request body handed out chunk by chunk on demand; counts what the app pulled."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self.pulled = 0
        self._next = next(self._chunks, None)

    async def receive(self):
        chunk, self._next = self._next, None
        if chunk is None:   # the body is over: the client waits for its answer (no disconnect)
            await asyncio.Event().wait()
        self._next = next(self._chunks, None)
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self._next is not None}


async def call(app, method: str, path: str, headers: dict | None = None, chunks=()):
    body = Body(chunks)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    status, content = None, bytearray()

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            content.extend(message.get("body", b""))
    await app(scope, body.receive, send)
    return status, content.decode("utf-8", "replace"), body.pulled


def repeat(chunk: bytes, total: int):
    """`total` bytes as chunks, generated lazily (a 60 MB body never sits in memory)."""
    sent = 0
    while sent < total:
        piece = chunk[:total - sent]
        sent += len(piece)
        yield piece


# --------------------------------------------------------------------------------- webhooks


@pytest.fixture
def hook():
    received = []

    async def sink(payload):
        received.append(payload)
    return build_app([telegram_webhook_route(HOOK_SECRET, sink)]), received


HOOK_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET}


@pytest.mark.reliability
async def test_webhook_answers_400_to_malformed_json_and_to_json_that_is_no_update(hook):
    app, received = hook
    for body in (b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'"text"'):
        status, _, _ = await call(app, "POST", "/telegram/webhook", HOOK_HEADERS, [body])
        assert status == 400, body
    assert received == []


@pytest.mark.reliability
async def test_webhook_refuses_a_chunked_body_over_the_limit_after_one_chunk_too_many(hook):
    app, received = hook
    status, _, pulled = await call(app, "POST", "/telegram/webhook", HOOK_HEADERS,
                                   repeat(b"{" + b" " * (CHUNK - 1), 20 * MB))   # no Content-Length
    assert status == 413 and pulled <= WEBHOOK_BODY_LIMIT + CHUNK and received == []


@pytest.mark.reliability
async def test_webhook_refuses_an_announced_oversize_body_without_reading_it(hook):
    app, _ = hook
    headers = {**HOOK_HEADERS, "Content-Length": str(WEBHOOK_BODY_LIMIT + 1)}
    status, _, pulled = await call(app, "POST", "/telegram/webhook", headers, repeat(b" " * CHUNK, 2 * MB))
    assert status == 413 and pulled == 0


@pytest.mark.reliability
async def test_webhook_does_not_trust_a_small_content_length(hook):
    app, _ = hook
    headers = {**HOOK_HEADERS, "Content-Length": "10"}
    status, _, pulled = await call(app, "POST", "/telegram/webhook", headers, repeat(b" " * CHUNK, 5 * MB))
    assert status == 413 and pulled <= WEBHOOK_BODY_LIMIT + CHUNK


@pytest.mark.reliability
async def test_webhook_answers_200_to_an_update_telegram_cannot_parse_and_queues_the_next(caplog):
    from bot.channels.telegram import TelegramChannel

    async def nothing(*_):
        pass
    channel = TelegramChannel("123456:TEST-TOKEN", api_base_url="http://127.0.0.1:9/bot",
                              file_base_url="http://127.0.0.1:9/file/bot", secret=b"s", on_inbound=nothing)
    try:
        app = build_app([telegram_webhook_route(HOOK_SECRET, channel.feed_webhook)])
        chat = {"id": 1, "type": "private"}
        bad = {"update_id": 77, "message": {"message_id": 1, "date": 0, "chat": chat, "checklist": {"x": 1}}}
        good = {"update_id": 78, "message": {"message_id": 2, "date": 0, "chat": chat, "text": "ok"}}
        for update in (bad, good):
            status, _, _ = await call(app, "POST", "/telegram/webhook", HOOK_HEADERS, [json.dumps(update).encode()])
            assert status == 200
        queued = [channel.app.update_queue.get_nowait() for _ in range(channel.app.update_queue.qsize())]
        assert [u.update_id for u in queued] == [77, 78]
        assert queued[0].effective_message is None and queued[1].effective_message.text == "ok"
        assert len([r for r in caplog.records if "cannot be read" in r.getMessage()]) == 1
    finally:
        await channel.stop()


# --------------------------------------------------------------------------------- the upload page


class Conversation:
    """Stands in for runtime.on_upload: records what it got, answers what the test says."""

    def __init__(self, answer=("Đã nhận tệp báo cáo.",)):
        self.answer, self.calls, self.used = list(answer), [], set()

    async def __call__(self, ticket, name, mime, path, size):
        if ticket.nonce in self.used:
            return None
        self.used.add(ticket.nonce)
        self.calls.append((name, mime, path.read_bytes(), size))
        return self.answer


@pytest.fixture
def uploads(tmp_path):
    conversation = Conversation()
    folder = tmp_path / "uploads"
    app = build_app(upload_routes(SECRET, conversation, folder))
    return app, conversation, folder


def upload_path(chat: str = "zl-1") -> str:
    return upload_url("http://x", SECRET, "zalo", chat).removeprefix("http://x")


BOUNDARY = "----thidua-test-boundary"
FORM = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def form_body(name: str, data: bytes, mime: str = "application/pdf") -> list[bytes]:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {mime}\r\n\r\n").encode()
    return [head, data, f"\r\n--{BOUNDARY}--\r\n".encode()]


async def test_the_form_page_renders_and_a_bad_link_is_refused(uploads):
    app, _, _ = uploads
    status, page, _ = await call(app, "GET", upload_path())
    assert status == 200 and 'enctype="multipart/form-data"' in page and texts.UPLOAD_PAGE_BUTTON in page
    status, page, _ = await call(app, "GET", "/tai-len/" + seal(b"other", "upload", "zalo|x|9999999999|n"))
    assert status == 403 and texts.UPLOAD_PAGE_INVALID in page


async def test_an_upload_streams_to_disk_and_the_page_shows_the_conversations_answer(uploads):
    app, conversation, folder = uploads
    data = b"%PDF-1.4 " + bytes(range(256)) * 2000
    name = "Báo cáo sơ kết.pdf"
    chunks = form_body(name, b"")[:1] + list(repeat(data, len(data))) + form_body(name, b"")[2:]
    status, page, _ = await call(app, "POST", upload_path(), FORM, chunks)
    assert status == 200
    assert conversation.calls == [(name, "application/pdf", data, len(data))]
    assert "Đã nhận tệp báo cáo." in page and name in page
    assert list(folder.iterdir()) == []          # the sink moves the file it keeps; nothing left behind


@pytest.mark.reliability
async def test_the_file_name_and_the_replies_are_escaped(tmp_path):
    name = "<script>alert(1)</script>.pdf"
    conversation = Conversation(answer=[f"Không nhận tệp «{name}»."])
    app = build_app(upload_routes(SECRET, conversation, tmp_path))
    status, page, _ = await call(app, "POST", upload_path(), FORM, form_body(name, b"%PDF"))
    assert status == 200 and "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in page


@pytest.mark.reliability
async def test_a_refusal_is_shown_instead_of_a_receipt(tmp_path):
    conversation = Conversation(answer=["Không nhận tệp «a.exe»: chỉ nhận PDF."])
    app = build_app(upload_routes(SECRET, conversation, tmp_path))
    status, page, _ = await call(app, "POST", upload_path(), FORM, form_body("a.exe", b"MZ", "application/x-msdownload"))
    assert status == 200 and "Không nhận tệp «a.exe»: chỉ nhận PDF." in page and "Đã nhận" not in page


@pytest.mark.reliability
async def test_a_chunked_60_mb_upload_is_refused_having_read_at_most_the_limit_and_one_chunk(uploads):
    app, conversation, folder = uploads
    head, _, tail = form_body("lon.pdf", b"")
    chunks = [head, *repeat(b"x" * CHUNK, 60 * MB), tail]         # no Content-Length: a chunked upload
    status, page, pulled = await call(app, "POST", upload_path(), FORM, chunks)
    assert status == 413 and texts.UPLOAD_PAGE_TOO_BIG in page
    assert pulled <= UPLOAD_LIMIT + UPLOAD_ENVELOPE + CHUNK
    assert conversation.calls == [] and list(folder.iterdir()) == []   # the partial file is gone


async def test_an_announced_oversize_upload_is_refused_before_reading(uploads):
    app, _, _ = uploads
    headers = {**FORM, "Content-Length": str(UPLOAD_LIMIT + UPLOAD_ENVELOPE + 1)}
    status, _, pulled = await call(app, "POST", upload_path(), headers, form_body("a.pdf", b"x" * CHUNK))
    assert status == 413 and pulled == 0


async def test_an_empty_form_or_a_broken_body_is_a_400_and_a_used_link_a_409(uploads):
    app, conversation, _ = uploads
    empty = [f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
             f"Content-Type: application/octet-stream\r\n\r\n\r\n--{BOUNDARY}--\r\n".encode()]
    status, page, _ = await call(app, "POST", upload_path(), FORM, empty)
    assert status == 400 and texts.UPLOAD_PAGE_EMPTY in page
    status, _, _ = await call(app, "POST", upload_path(), {"Content-Type": "text/plain"}, [b"x"])
    assert status == 400
    status, _, _ = await call(app, "POST", upload_path(), FORM, [b"garbage without any boundary\r\n" * 10])
    assert status == 400
    path = upload_path()
    assert (await call(app, "POST", path, FORM, form_body("a.pdf", b"%PDF")))[0] == 200
    status, page, _ = await call(app, "POST", path, FORM, form_body("a.pdf", b"%PDF"))
    assert status == 409 and texts.UPLOAD_PAGE_USED in page


# --------------------------------------------------------------------------------- signed file links


async def test_a_file_link_streams_the_file_from_disk(tmp_path):
    from bot.links import file_url
    path = tmp_path / "blob"
    path.write_bytes(b"%PDF-1.4 " * 50_000)
    app = build_app([file_download_route(SECRET, lambda i: ("Kế hoạch.pdf", "application/pdf", path) if i == 5
                                         else None)])
    link = file_url("http://x", SECRET, 5).removeprefix("http://x")
    status, body, _ = await call(app, "GET", link)
    assert status == 200 and body.encode() == path.read_bytes()
    status, page, _ = await call(app, "GET", file_url("http://x", SECRET, 6).removeprefix("http://x"))
    assert status == 404 and texts.FILE_LINK_INVALID in page
    path.unlink()                                   # the row is there, the bytes are not
    assert (await call(app, "GET", link))[0] == 404
