"""The Telegram channel against the sandbox: unreadable updates, per-chat order, streamed files."""
import asyncio
import logging
import traceback

import pytest
from telegram import Update

from bot.channels.errors import DownloadError, DownloadTooLarge
from bot.channels.telegram import PerChatUpdateProcessor, TelegramChannel, TelegramSender
from bot.sandbox import TelegramSandbox
from handlers.io import IncomingFile, OutMessage
from schedules.outbox import ResolvedFile

TOKEN = "123456:TEST-TOKEN"
SECRET = b"test-secret"
LAN, HOA = 1001, 1002
# Telegram added `checklist` in Bot API 9.1; a shape PTB 22 does not know fails to parse (TypeError).
UNREADABLE = {"checklist": {"items": "newer shape"}}


async def until(predicate, timeout: float = 5.0):
    """Wait for a condition (re-checked every few ms), failing after `timeout`."""
    async with asyncio.timeout(timeout):
        while not (value := predicate()):
            await asyncio.sleep(0.005)
    return value


@pytest.fixture
async def sandbox():
    async with TelegramSandbox(TOKEN) as sb:
        sb.add_user(LAN, "Cô Lan")
        sb.add_user(HOA, "Cô Hoa")
        yield sb


class Recorder:
    def __init__(self):
        self.inbound = []

    async def __call__(self, inbound, _channel):
        self.inbound.append(inbound)

    @property
    def texts(self):
        return [i.text or i.command for i in self.inbound]


def make_channel(sandbox, on_inbound, **kwargs) -> TelegramChannel:
    return TelegramChannel(TOKEN, api_base_url=sandbox.api_base_url, file_base_url=sandbox.file_base_url,
                           secret=SECRET, on_inbound=on_inbound, **kwargs)


@pytest.fixture
async def started(sandbox):
    recorder = Recorder()
    channel = make_channel(sandbox, recorder)
    yield channel, recorder
    await channel.stop()


# --------------------------------------------------------------------------------- unreadable updates


def skipped_records(caplog):
    return [r for r in caplog.records if "cannot be read" in r.getMessage()]


@pytest.mark.reliability
async def test_an_unreadable_update_is_logged_once_skipped_and_the_rest_of_its_batch_answered(
        sandbox, started, caplog):
    channel, recorder = started
    caplog.set_level(logging.INFO)
    await sandbox.send_text(LAN, "một")
    bad_id = await sandbox.push_raw_update({"message": sandbox.user_message_json(LAN, **UNREADABLE)})
    await sandbox.send_text(HOA, "hai")            # all three come in one getUpdates batch
    await channel.start(poll_timeout=1)
    await until(lambda: sorted(recorder.texts) == ["hai", "một"])
    await sandbox.wait_for(lambda: sandbox.pending_updates == [])   # the offset moved past all three
    await sandbox.send_text(LAN, "ba")                               # and polling goes on
    await until(lambda: "ba" in recorder.texts)
    assert sandbox.stats.calls["getUpdates"] < 10                    # no refetch loop
    [record] = skipped_records(caplog)
    assert str(bad_id) in record.getMessage() and "TypeError" in record.getMessage()
    assert len(record.getMessage()) < 200 and record.exc_info is None
    assert "newer shape" not in caplog.text                          # never the payload


@pytest.mark.reliability
async def test_an_update_without_update_id_is_dropped_without_breaking_the_batch(sandbox, started, caplog):
    channel, recorder = started
    from bot.channels.telegram import TolerantBot
    assert isinstance(channel.bot, TolerantBot)
    from bot.channels.telegram import parse_update
    assert parse_update({"no_id": True}, channel.bot) is None
    assert parse_update({"update_id": 7, "message": "x"}, channel.bot).to_dict() == {"update_id": 7}
    good = {"update_id": 8, "message": sandbox.user_message_json(LAN, text="ok")}
    assert parse_update(good, channel.bot).message.text == "ok"

@pytest.mark.reliability
async def test_webhook_feed_skips_an_unreadable_update_once_and_handles_the_next(sandbox, started, caplog):
    channel, recorder = started
    caplog.set_level(logging.INFO)
    await channel.start(webhook=True)
    bad = {"update_id": 41, "message": sandbox.user_message_json(LAN, **UNREADABLE)}
    await channel.feed_webhook(bad)
    await channel.feed_webhook(bad)                 # Telegram retrying: still logged once
    await channel.feed_webhook({"update_id": 42, "message": sandbox.user_message_json(LAN, text="sau")})
    await until(lambda: recorder.texts == ["sau"])
    [record] = skipped_records(caplog)
    assert "41" in record.getMessage() and "TypeError" in record.getMessage()


# --------------------------------------------------------------------------------- concurrency and order


async def test_chats_are_handled_concurrently_but_one_chat_in_arrival_order(sandbox):
    events, release = [], asyncio.Event()

    async def on_inbound(inbound, _channel):
        events.append(("start", inbound.text))
        if inbound.text == "lan-1":
            await release.wait()
        events.append(("end", inbound.text))

    channel = make_channel(sandbox, on_inbound)
    try:
        await sandbox.send_text(LAN, "lan-1")
        await sandbox.send_text(LAN, "lan-2")
        await sandbox.send_text(HOA, "hoa-1")
        await channel.start(poll_timeout=1)
        await until(lambda: ("end", "hoa-1") in events)           # another chat is not held up by Lan
        assert ("start", "lan-2") not in events                    # Lan's second waits for her first
        release.set()
        await until(lambda: ("end", "lan-2") in events)
        lan = [e for e in events if e[1].startswith("lan")]
        assert lan == [("start", "lan-1"), ("end", "lan-1"), ("start", "lan-2"), ("end", "lan-2")]
        assert channel.app.update_processor.max_concurrent_updates > 1
    finally:
        release.set()
        await channel.stop()


def text_update(update_id: int, chat_id: int, text: str) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "X"}, "text": text}}, None)


async def test_the_processor_keeps_each_chats_order_and_frees_its_line_when_done():
    processor = PerChatUpdateProcessor(4)
    events: list[tuple[str, int, int]] = []

    async def work(chat: int, n: int):
        events.append(("start", chat, n))
        for _ in range(3 * (12 - n)):   # earlier updates take longer: unordered, they would end last
            await asyncio.sleep(0)
        events.append(("end", chat, n))

    tasks = []
    for n in range(12):   # like PTB: one task per update, created in queue order
        chat = 1 if n % 3 else 2
        tasks.append(asyncio.create_task(processor.process_update(text_update(n, chat, str(n)), work(chat, n))))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    for chat in (1, 2):
        numbers = sorted({n for _, c, n in events if c == chat})
        assert [(kind, n) for kind, c, n in events if c == chat] == [
            (kind, n) for n in numbers for kind in ("start", "end")]
    assert processor._tails == {}


async def test_an_update_waiting_for_its_chat_holds_no_concurrency_slot():
    processor = PerChatUpdateProcessor(2)
    first_running, release = asyncio.Event(), asyncio.Event()
    done = []

    async def slow():
        first_running.set()
        await release.wait()

    async def quick(name):
        done.append(name)

    tasks = [asyncio.create_task(processor.process_update(text_update(1, 1, "a"), slow()))]
    await asyncio.wait_for(first_running.wait(), 5)
    tasks += [asyncio.create_task(processor.process_update(text_update(i, 1, "b"), quick(f"1-{i}")))
              for i in range(2, 6)]                        # four more for the busy chat: all wait
    tasks.append(asyncio.create_task(processor.process_update(text_update(9, 2, "c"), quick("2"))))
    await until(lambda: "2" in done)                       # two slots, yet chat 2 got through
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert done[1:] == ["1-2", "1-3", "1-4", "1-5"]


async def test_an_album_still_reaches_the_flow_as_one_input(sandbox, started):
    channel, recorder = started
    await sandbox.send_photo(LAN, b"jpeg-1", caption="Ảnh", media_group_id="album-9")
    await sandbox.send_photo(LAN, b"jpeg-2", media_group_id="album-9")
    await channel.start(poll_timeout=1)
    await until(lambda: recorder.inbound, timeout=5)
    [album] = recorder.inbound
    assert len(album.files) == 2 and album.text == "Ảnh" and "+" in album.update_key


# --------------------------------------------------------------------------------- streamed downloads


async def document_from(sandbox, data: bytes, name: str = "bao_cao.pdf") -> IncomingFile:
    await sandbox.send_document(LAN, name, data, "application/pdf")
    doc = sandbox.pending_updates[-1]["message"]["document"]
    return IncomingFile(doc["file_id"], name, "application/pdf", None, "document")


async def test_download_streams_a_file_in_chunks_into_the_sink(sandbox, started):
    channel, _ = started
    data = bytes(range(256)) * 1200                     # 300 KB
    chunks: list[bytes] = []
    await channel.download(await document_from(sandbox, data), chunks.append, max_bytes=1024 * 1024)
    assert b"".join(chunks) == data and len(chunks) > 1 and max(map(len, chunks)) <= 64 * 1024


async def test_download_over_the_limit_stops_early_and_says_so(sandbox, started):
    channel, _ = started
    file = await document_from(sandbox, b"x" * 500_000)
    received = []
    with pytest.raises(DownloadTooLarge) as caught:
        await channel.download(file, received.append, max_bytes=100_000)
    assert sum(map(len, received)) <= 100_000 and caught.value.max_bytes == 100_000
    file.size = 500_000                                 # a size Telegram told us: refused before any call
    calls = sandbox.stats.calls["getFile"]
    with pytest.raises(DownloadTooLarge):
        await channel.download(file, received.append, max_bytes=100_000)
    assert sandbox.stats.calls["getFile"] == calls


@pytest.mark.reliability
async def test_download_errors_never_carry_the_token(sandbox):
    channel = TelegramChannel(TOKEN, api_base_url=sandbox.api_base_url, file_base_url="http://127.0.0.1:9/file/bot",
                              secret=SECRET, on_inbound=Recorder())
    try:
        file = await document_from(sandbox, b"%PDF-1.4")
        with pytest.raises(DownloadError) as unreachable:    # the file URL (with the token) is unreachable
            await channel.download(file, lambda _c: None, max_bytes=1000)
        with pytest.raises(DownloadError) as unknown:
            await channel.download(IncomingFile("no-such-file"), lambda _c: None, max_bytes=1000)
        for caught in (unreachable, unknown):
            text = "".join(traceback.format_exception(caught.value))
            assert TOKEN not in text and TOKEN not in repr(caught.value)
    finally:
        await channel.stop()


# --------------------------------------------------------------------------------- sending files by path


@pytest.fixture
async def sender(sandbox, started):
    channel, _ = started
    await channel.bot.initialize()
    return TelegramSender(channel.bot, SECRET)


async def test_a_file_is_sent_from_its_path_and_its_new_file_id_reported(sandbox, sender, tmp_path):
    path = tmp_path / "ke_hoach.pdf"
    path.write_bytes(b"%PDF-1.4 ke hoach" * 1000)
    result = await sender.send(str(LAN), OutMessage("Kế hoạch"),
                               [ResolvedFile("ke_hoach.pdf", path, "application/pdf", "document", 7)], None)
    assert result.ok
    [sent] = sandbox.sent(LAN)
    assert sent.document.data == path.read_bytes() and sent.document.file_name == "ke_hoach.pdf"
    assert result.file_ids == {7: sent.document.file_id}


async def test_a_known_telegram_file_id_is_sent_without_reading_the_file(sandbox, sender, tmp_path):
    path = tmp_path / "anh.jpg"
    path.write_bytes(b"\xff\xd8 jpeg")
    first = await sender.send(str(LAN), OutMessage("Ảnh"), [ResolvedFile("anh.jpg", path, "image/jpeg", "photo", 3)],
                              None)
    file_id = first.file_ids[3]
    path.unlink()                                   # not on this disk at all: the id is enough
    fresh = TelegramSender(sender.bot, SECRET)      # another process: knows the id from the database only
    again = await fresh.send(str(LAN), OutMessage("Lại"),
                             [ResolvedFile("anh.jpg", None, "image/jpeg", "photo", 3, file_id)], None)
    assert again.ok and again.file_ids == {}
    assert sandbox.stats.sent["sendPhoto"] == 2 and sandbox.sent(LAN)[-1].photo == b"\xff\xd8 jpeg"


async def test_a_refused_file_id_falls_back_to_uploading_the_file(sandbox, sender, tmp_path):
    path = tmp_path / "bao_cao.pdf"
    path.write_bytes(b"%PDF-1.4 bao cao")
    result = await sender.send(str(LAN), OutMessage("Báo cáo"),
                               [ResolvedFile("bao_cao.pdf", path, "application/pdf", "document", 5, "BQACstale")],
                               None)
    assert result.ok and sandbox.sent(LAN)[-1].document.data == b"%PDF-1.4 bao cao"
    assert result.file_ids == {5: sandbox.sent(LAN)[-1].document.file_id}


async def test_a_file_missing_from_disk_is_a_permanent_failure(sandbox, sender, tmp_path):
    result = await sender.send(str(LAN), OutMessage("?"),
                               [ResolvedFile("mat.pdf", tmp_path / "mat.pdf", "application/pdf", "document", 9)], None)
    assert not result.ok and result.permanent and "FileNotFoundError" in result.error
