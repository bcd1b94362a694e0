"""ZaloBotClient, normalize_update, UpdateDeduper and poll_updates against the Zalo sandbox."""

import asyncio
import logging
import socket
import time
import traceback
from datetime import datetime, timezone

import pytest

from bot.channels.zalo_api import (
    UpdateDeduper,
    ZaloApiError,
    ZaloBotClient,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloUnauthorized,
    normalize_update,
    poll_updates,
    split_text,
)
from bot.zalo_sandbox import ZaloSandbox

TOKEN = "1234567890:SuperSecretZaloTokenValue"


@pytest.fixture
async def sandbox():
    async with ZaloSandbox(token=TOKEN, fetch_photos=False) as sb:   # photo URLs here are made up
        sb.add_user("u1", "Cô Lan")
        yield sb


def make_client(base_url: str, token: str = TOKEN, **kwargs) -> ZaloBotClient:
    options = {"rate_per_s": 1000.0, "backoff_base": 0.01, "max_backoff": 0.5} | kwargs
    return ZaloBotClient(token, base_url, **options)


@pytest.fixture
async def client(sandbox):
    async with make_client(sandbox.api_base_url) as zalo:
        yield zalo


def assert_no_token(text: str) -> None:
    assert TOKEN not in text
    assert "SuperSecretZaloTokenValue" not in text


def unused_local_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


async def run_poller(client, handler, **kwargs):
    stop = asyncio.Event()
    options = {"poll_timeout": 1, "idle_delay": 0.01} | kwargs
    task = asyncio.create_task(poll_updates(client, handler, stop, **options))
    return stop, task


# --------------------------------------------------------------------------- basic calls


async def test_get_me(client):
    me = await client.get_me()
    assert me["id"] == "1234567890"
    assert me["account_type"] == "BASIC"


async def test_http_200_with_ok_false_raises_without_retry(client, sandbox):
    sandbox.inject_fault("sendMessage", status=200, error_code=400, description="Bad Request: nope")
    with pytest.raises(ZaloApiError) as caught:
        await client.send_message("u1", "xin chào")
    assert caught.value.error_code == 400
    assert caught.value.description == "Bad Request: nope"
    assert sandbox.stats.faults_injected == 1
    assert sandbox.sent("u1") == []


async def test_error_codes_map_to_typed_errors(client, sandbox):
    sandbox.inject_fault("sendMessage", status=403)
    with pytest.raises(ZaloForbidden):
        await client.send_message("u1", "a")
    async with make_client(sandbox.api_base_url, token="1234567890:wrong") as wrong:
        with pytest.raises(ZaloUnauthorized) as caught:
            await wrong.get_me()
    assert caught.value.error_code == 401


async def test_idle_long_poll_408_returns_none(client, sandbox):
    assert await client.get_updates(timeout=0.1) is None
    assert sandbox.stats.http_408 == 1


async def test_get_updates_returns_one_update(client, sandbox):
    await sandbox.send_text("u1", "một")
    await sandbox.send_text("u1", "hai")
    first = normalize_update(await client.get_updates(timeout=1))
    second = normalize_update(await client.get_updates(timeout=1))
    assert (first.text, second.text) == ("một", "hai")


# --------------------------------------------------------------------------- retries and pacing


async def test_sends_are_not_retried_inside_the_client_by_default(client, sandbox):
    """One retry policy: the outbox's. A 429 on a send comes straight back (no ~30 calls per message)."""
    sandbox.inject_fault("sendMessage", status=429, times=1, retry_after=0.05)
    with pytest.raises(ZaloRateLimited):
        await client.send_message("u1", "xin chào")
    assert sandbox.stats.http_429 == 1 and sandbox.sent("u1") == []


async def test_429_then_success_with_backoff(sandbox):
    sandbox.inject_fault("sendMessage", status=429, times=2, retry_after=0.05)
    started = time.monotonic()
    async with make_client(sandbox.api_base_url, send_retries=2) as client:
        results = await client.send_message("u1", "xin chào")
    assert time.monotonic() - started >= 0.1  # Retry-After honoured on both retries
    assert len(results) == 1 and results[0]["message_id"]
    assert sandbox.stats.http_429 == 2
    assert [r.text for r in sandbox.sent("u1")] == ["xin chào"]


async def test_429_gives_up_after_max_retries(sandbox):
    sandbox.inject_fault("sendMessage", status=429, times=10, retry_after=0.01)
    async with make_client(sandbox.api_base_url, send_retries=2) as zalo:
        with pytest.raises(ZaloRateLimited) as caught:
            await zalo.send_message("u1", "a")
    assert caught.value.retry_after == pytest.approx(0.01)
    assert sandbox.stats.http_429 == 3


async def test_5xx_is_retried(sandbox):
    sandbox.inject_fault("sendPhoto", status=503)
    async with make_client(sandbox.api_base_url, send_retries=1) as client:
        await client.send_photo("u1", "https://example.org/a.jpg", caption="ảnh")
    assert sandbox.stats.http_5xx == 1
    assert sandbox.sent("u1")[0].caption == "ảnh"


async def test_network_error_retried_then_typed(caplog):
    caplog.set_level(logging.DEBUG)
    async with make_client(unused_local_url(), max_retries=2) as zalo:
        with pytest.raises(ZaloNetworkError) as caught:
            await zalo.get_me()
    assert caught.value.error_code == 0
    assert caplog.text.count("retry") == 2


async def test_sandbox_rate_limit_is_absorbed_by_retries(sandbox):
    sandbox.rate_limit_per_s = 3
    async with make_client(sandbox.api_base_url, send_retries=6) as zalo:
        for n in range(5):
            await zalo.send_message("u1", f"tin {n}")
    assert sandbox.stats.http_429 >= 1
    assert [r.text for r in sandbox.sent("u1")] == [f"tin {n}" for n in range(5)]


async def test_client_paces_its_own_calls(sandbox):
    async with make_client(sandbox.api_base_url, rate_per_s=20) as zalo:
        started = time.monotonic()
        for _ in range(5):
            await zalo.send_chat_action("u1")
    assert time.monotonic() - started >= 0.19  # 4 gaps of 50 ms
    assert sandbox.chat_actions("u1") == ["typing"] * 5


# --------------------------------------------------------------------------- text splitting


async def test_long_text_split_on_line_boundaries(client, sandbox):
    lines = [f"Dòng {n:03d}: báo cáo thi đua của đơn vị" for n in range(150)]
    text = "\n".join(lines)
    assert len(text) > 4000
    results = await client.send_message("u1", text)
    sent = [r.text for r in sandbox.sent("u1")]
    assert len(results) == len(sent) == 3
    assert all(1 <= len(chunk) <= 2000 for chunk in sent)
    assert "\n".join(sent) == text  # cuts fell on line boundaries only


def test_split_text_cuts_overlong_line_at_a_space():
    words = " ".join(["thiđua"] * 700)  # one 4899-char line
    chunks = split_text(words)
    assert all(len(c) <= 2000 for c in chunks)
    assert "".join(chunks) == words
    assert all(c.endswith(" ") for c in chunks[:-1])


def test_split_text_drops_blank_text():
    assert split_text("\n\n") == []
    assert split_text("a") == ["a"]


async def test_empty_text_is_refused_locally(client):
    with pytest.raises(ValueError):
        await client.send_message("u1", "")


# --------------------------------------------------------------------------- token hygiene


async def test_token_never_in_exception_text_or_logs(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    errors = []
    sandbox.inject_fault("getMe", status=500, times=10, description=f"boom for /bot{TOKEN}/getMe")
    async with make_client(sandbox.api_base_url, max_retries=1) as zalo:
        assert_no_token(repr(zalo))
        with pytest.raises(ZaloApiError) as caught:
            await zalo.get_me()
        errors.append(caught.value)
    async with make_client(unused_local_url(), max_retries=1) as offline:
        with pytest.raises(ZaloNetworkError) as caught:
            await offline.get_me()
        errors.append(caught.value)
        logging.getLogger("test").exception("logged failure", exc_info=caught.value)
    for error in errors:
        assert_no_token(str(error))
        assert_no_token(repr(error))
        assert_no_token("".join(traceback.format_exception(error)))
    assert "<zalo-token>" in str(errors[0])
    assert_no_token(caplog.text)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


# --------------------------------------------------------------------------- webhooks


async def test_webhook_info_404_means_none(client):
    assert await client.get_webhook_info() is None
    await client.set_webhook("https://bot.example.org/zalo", "s3cret-token")
    info = await client.get_webhook_info()
    assert info["url"] == "https://bot.example.org/zalo"
    assert "secret_token" not in info
    await client.delete_webhook()
    assert await client.get_webhook_info() is None


async def test_get_updates_refused_while_webhook_set(client):
    await client.set_webhook("https://bot.example.org/zalo", "s3cret-token")
    with pytest.raises(ZaloApiError) as caught:
        await client.get_updates(timeout=0.1)
    assert caught.value.error_code == 409
    await client.delete_webhook()
    assert await client.get_updates(timeout=0.05) is None


# --------------------------------------------------------------------------- updates


def test_normalize_update_accepts_both_envelopes():
    message = {
        "from": {"id": "u9", "display_name": "Thầy Minh", "is_bot": False},
        "chat": {"id": "u9", "chat_type": "PRIVATE"},
        "text": "Xin chào",
        "message_id": "m-1",
        "date": 1750316131602,
    }
    bare = {"event_name": "message.text.received", "message": message}
    wrapped = {"ok": True, "result": bare}
    assert normalize_update(bare) == normalize_update(wrapped)
    update = normalize_update(wrapped)
    assert (update.user_id, update.chat_id, update.display_name) == ("u9", "u9", "Thầy Minh")
    assert update.text == "Xin chào"
    assert update.date == datetime(2025, 6, 19, 6, 55, 31, 602000, tzinfo=timezone.utc)


def test_normalize_update_reads_photo_or_photo_url():
    base = {"from": {"id": "u1"}, "chat": {"id": "u1"}, "message_id": "m"}
    for key in ("photo", "photo_url"):
        body = {"event_name": "message.image.received", "message": base | {key: "https://x/p.jpg", "caption": "c"}}
        update = normalize_update(body)
        assert (update.photo_url, update.caption) == ("https://x/p.jpg", "c")


@pytest.mark.parametrize("body", [None, [], {}, {"ok": False, "error_code": 408}, {"ok": True, "result": []},
                                  {"event_name": "x"}])
def test_normalize_update_rejects_junk(body):
    assert normalize_update(body) is None


def test_deduper_forgets_oldest_beyond_maxlen():
    deduper = UpdateDeduper(maxlen=2)
    assert [deduper.is_duplicate(m) for m in ("a", "b", "a")] == [False, False, True]
    deduper.is_duplicate("c")  # evicts "b" (least recently seen)
    assert "b" not in deduper and "a" in deduper
    assert deduper.is_duplicate("") is False and deduper.is_duplicate("") is False


# --------------------------------------------------------------------------- poll loop


async def test_poll_loop_deduplicates_redelivered_updates(client, sandbox):
    handled = []
    got_last = asyncio.Event()

    async def handler(update):
        handled.append(update.text)
        if update.text == "hai":
            got_last.set()

    sandbox.redeliver_next()
    await sandbox.send_text("u1", "một")
    await sandbox.send_text("u1", "hai")
    stop, task = await run_poller(client, handler)
    await asyncio.wait_for(got_last.wait(), 5)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert handled == ["một", "hai"]
    assert sandbox.stats.redeliveries == 1
    assert sandbox.stats.updates_delivered == 3  # the duplicate did reach the client


async def test_poll_loop_survives_errors_and_handler_failures(sandbox, caplog):
    handled = asyncio.Queue()

    async def handler(update):
        await handled.put(update.text)
        if update.text == "lỗi":
            raise RuntimeError("handler bug")

    async with make_client(sandbox.api_base_url, max_retries=0) as zalo:
        sandbox.inject_fault("getUpdates", status=500)
        await sandbox.send_text("u1", "lỗi")
        await sandbox.send_text("u1", "ổn")
        stop, task = await run_poller(zalo, handler)
        assert await asyncio.wait_for(handled.get(), 5) == "lỗi"
        assert await asyncio.wait_for(handled.get(), 5) == "ổn"
        stop.set()
        await asyncio.wait_for(task, 5)
    assert "getUpdates failed" in caplog.text
    assert "handler failed" in caplog.text


async def test_poll_loop_stops_promptly_during_long_poll(client):
    stop, task = await run_poller(client, lambda update: None, poll_timeout=30)
    stop.set()
    await asyncio.wait_for(task, 2)


async def test_poll_loop_raises_on_bad_token(sandbox):
    async with make_client(sandbox.api_base_url, token="1234567890:wrong") as wrong:
        stop, task = await run_poller(wrong, lambda update: None)
        with pytest.raises(ZaloUnauthorized):
            await asyncio.wait_for(task, 5)


# --------------------------------------------------------------------------- unreadable updates


def test_an_update_without_sender_is_unreadable_and_fields_of_unknown_types_are_left_out(caplog):
    from bot.channels.once import Once
    from bot.channels.zalo_api import UnreadableUpdate, read_update
    nobody = {"event_name": "message.text.received", "message": {"from": "?", "message_id": "m1", "text": "x"}}
    with pytest.raises(UnreadableUpdate):
        normalize_update(nobody)
    once = Once()
    assert read_update(nobody, once) is None and read_update(nobody, once) is None
    [record] = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert "m1" in record.getMessage() and "UnreadableUpdate" in record.getMessage()
    rich = {"event_name": "message.rich.received", "message": {
        "from": {"id": 7, "display_name": {"vi": "Lan"}}, "chat": {"id": 7}, "message_id": "m2",
        "text": {"spans": ["newer"]}, "photo": ["a", "b"]}}
    update = read_update(rich)
    assert (update.user_id, update.chat_id, update.text, update.photo_url, update.display_name) == (
        "7", "7", None, None, "")


async def test_poll_loop_skips_an_unreadable_update_once_and_goes_on(client, sandbox, caplog):
    handled = asyncio.Queue()
    await sandbox.push_raw_update({"event_name": "message.text.received",
                                   "message": {"message_id": "bad-1", "text": "no sender", "date": 0}})
    await sandbox.send_text("u1", "sau đó")
    stop, task = await run_poller(client, lambda update: handled.put_nowait(update.text))
    assert await asyncio.wait_for(handled.get(), 5) == "sau đó"
    stop.set()
    await asyncio.wait_for(task, 5)
    assert handled.empty()
    [record] = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert "bad-1" in record.getMessage() and "no sender" not in record.getMessage()


# --------------------------------------------------------------------------- the channel: start, downloads


async def test_channel_start_turns_a_rejected_token_into_a_start_error(sandbox):
    from bot.channels.errors import ChannelStartError
    from bot.channels.zalo import ZaloChannel
    channel = ZaloChannel("1234567890:wrong", api_base_url=sandbox.api_base_url, rate_per_s=1000,
                          public_url="http://x", secret=b"s", on_inbound=None)
    try:
        with pytest.raises(ChannelStartError) as caught:
            await channel.start()
        assert caught.value.reason == "token" and "wrong" not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    finally:
        await channel.stop()


async def test_channel_download_streams_a_photo_and_stops_over_the_limit(sandbox):
    from bot.channels.errors import DownloadError, DownloadTooLarge
    from bot.channels.zalo import ZaloChannel
    from handlers.io import IncomingFile
    channel = ZaloChannel(TOKEN, api_base_url=sandbox.api_base_url, rate_per_s=1000, public_url="http://x",
                          secret=b"s", on_inbound=None)
    try:
        data = bytes(range(256)) * 1000
        url = sandbox.add_photo(data)
        chunks = []
        await channel.download(IncomingFile(url, "anh.jpg", "image/jpeg", None, "photo"), chunks.append, 10**6)
        assert b"".join(chunks) == data and len(chunks) > 1
        received = []
        with pytest.raises(DownloadTooLarge):
            await channel.download(IncomingFile(url, kind="photo"), received.append, 100_000)
        assert sum(map(len, received)) <= 100_000
        with pytest.raises(DownloadError, match="HTTP 404"):
            await channel.download(IncomingFile(url.replace(".jpg", "x.jpg")), received.append, 100_000)
    finally:
        await channel.stop()


# --- update shapes seen in the docs and in public clients (written in our own words) --------------------------

PHOTO = "https://photo-stal-9.zdn.vn/abc/def.jpg"


def _image(fields: dict, **envelope) -> dict:
    message = {"from": {"id": "u1", "display_name": "Cô Lan"}, "chat": {"id": "u1", "chat_type": "PRIVATE"},
               "message_id": "m1", "date": 1749632637199, **fields}
    return {"ok": True, "result": {"event_name": "message.image.received", "message": message, **envelope}}


@pytest.mark.parametrize("fields", [
    {"photo_url": PHOTO}, {"photo": PHOTO}, {"photo": [{"url": PHOTO, "width": 1280}]}, {"photo": [PHOTO]},
    {"photo": {"url": PHOTO}}, {"url": PHOTO}, {"attachments": [{"type": "image", "payload": {"url": PHOTO}}]},
])
def test_every_image_shape_gives_the_photo_url(fields):
    from bot.channels.zalo_api import normalize_update
    update = normalize_update(_image({**fields, "caption": "trang 1"}))
    assert update.photo_url == PHOTO and update.caption == "trang 1"


def test_a_sticker_url_is_not_taken_for_a_photo():
    from bot.channels.zalo_api import normalize_update
    body = _image({"sticker": "bfe1", "url": "https://zalo-api.zadn.vn/sticker.webp"})
    body["result"]["event_name"] = "message.sticker.received"
    assert normalize_update(body).photo_url is None


def test_the_documented_getupdates_sample_without_event_name_and_with_first_name_is_read():
    from bot.channels.zalo_api import normalize_update
    body = {"ok": True, "result": {"message": {
        "from": {"id": "6ede9afa66b88fe6d6a9", "first_name": "Ted", "is_bot": False},
        "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
        "text": "Xin chào", "message_id": "2d758cb5e222177a4e35", "date": 1750316131602}}}
    update = normalize_update(body)
    assert (update.event_name, update.text, update.display_name) == ("message.text.received", "Xin chào", "Ted")
    body["result"]["message"]["from"] = {"id": "6ede9afa66b88fe6d6a9", "name": "Cô Hoa"}
    assert normalize_update(body).display_name == "Cô Hoa"
    del body["result"]["message"]["text"]
    body["result"]["message"]["photo_url"] = PHOTO
    assert normalize_update(body).event_name == "message.image.received"


def test_a_message_without_a_sender_is_unreadable_even_without_event_name():
    from bot.channels.zalo_api import UnreadableUpdate, read_update
    with pytest.raises(UnreadableUpdate):
        normalize_update({"message": {}})
    assert read_update({"message": {}}) is None      # logged once and skipped by the poller
