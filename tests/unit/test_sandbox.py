"""The Telegram sandbox, driven by python-telegram-bot's own Bot/Application over real HTTP.

PTB rewrites error descriptions (drops "Bad Request: ", then str.capitalize()s the rest, so
"BUTTON_DATA_INVALID" arrives as "Button_data_invalid"): the `match=` patterns ignore case.
"""

import asyncio
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox import MB, WEBHOOK_SECRET_HEADER, Button, LocalAsgiServer, TelegramSandbox

TOKEN = "123456:TEST-TOKEN"
LAN = 1001


class FakeClock:
    """A monotonic clock the test moves by hand, so rate limits are deterministic."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch):
    # PTB 22 warns when RetryAfter.retry_after is read as int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def sandbox(clock):
    async with TelegramSandbox(TOKEN, clock=clock) as sb:
        sb.add_user(LAN, "Cô Lan", "colan")
        yield sb


@pytest.fixture
async def bot(sandbox):
    async with Bot(TOKEN, base_url=sandbox.api_base_url, base_file_url=sandbox.file_base_url) as tg:
        yield tg


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs]
    return InlineKeyboardMarkup(rows)


# --------------------------------------------------------------------------- wire format


async def test_get_me_and_wrong_token(bot, sandbox):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "thidua_sandbox_bot")

    with pytest.raises(InvalidToken):  # Bot.__aenter__ already calls getMe
        async with Bot("123456:WRONG", base_url=sandbox.api_base_url):
            pass


async def test_unknown_method_and_other_encodings(sandbox):
    async with httpx.AsyncClient(base_url=f"{sandbox.api_base_url}{TOKEN}/") as http:
        missing = await http.post("sendSticker", json={"chat_id": LAN})
        assert missing.status_code == 404
        assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        body = {"chat_id": LAN, "text": "json", "reply_markup": markup}
        as_json = await http.post("sendMessage", json=body)
        as_query = await http.get("sendMessage", params={"chat_id": LAN, "text": "query"})
    assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert as_query.json()["ok"] is True
    assert [m.text for m in sandbox.sent(LAN)] == ["json", "query"]


# --------------------------------------------------------------------------- bot -> user


async def test_send_message_with_keyboard_then_edit(bot, sandbox):
    units = keyboard(("Trường A", "unit:1"), ("Trường B", "unit:2"))
    message = await bot.send_message(LAN, "<b>Chọn</b> đơn vị", parse_mode="HTML", reply_markup=units)
    assert message.text == "Chọn đơn vị" and message.chat.type == "private"
    assert message.reply_markup.inline_keyboard[1][0].callback_data == "unit:2"
    [sent] = sandbox.sent(LAN)
    assert sandbox.buttons(sent) == [Button("Trường A", "unit:1"), Button("Trường B", "unit:2")]

    chosen = "Đã chọn Trường A"
    edited = await bot.edit_message_text(chosen, chat_id=LAN, message_id=message.message_id)
    assert edited.text == chosen and edited.reply_markup is None  # no markup given: keyboard gone
    assert (sent.text, sent.edits, sent.buttons) == (chosen, ["Chọn đơn vị"], [])

    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(chosen, chat_id=LAN, message_id=message.message_id)
    await bot.edit_message_reply_markup(LAN, message.message_id, reply_markup=keyboard(("Đổi", "change")))
    assert sent.buttons == [Button("Đổi", "change")]


async def test_document_upload_get_file_and_download(bot, sandbox):
    data = bytes(range(256)) * 100
    message = await bot.send_document(LAN, data, filename="bao-cao.xlsx", caption="Báo cáo tuần",
                                      reply_markup=keyboard(("Tải lại", "reload")))
    doc = message.document
    assert (doc.file_name, doc.file_size, message.caption) == ("bao-cao.xlsx", len(data), "Báo cáo tuần")
    [sent] = sandbox.sent(LAN)
    assert (sent.document.file_name, sent.document.data) == ("bao-cao.xlsx", data)
    assert sent.buttons == [Button("Tải lại", "reload")]

    tg_file = await bot.get_file(doc.file_id)
    assert tg_file.file_size == len(data)
    assert bytes(await tg_file.download_as_bytearray()) == data

    again = await bot.send_document(LAN, doc.file_id)  # re-send by file_id, no upload
    assert again.document.file_id == doc.file_id


async def test_photo_upload_gives_sizes_largest_last(bot, sandbox):
    message = await bot.send_photo(LAN, b"\xff\xd8fake-jpeg", caption="Ảnh minh chứng")
    assert [p.width for p in message.photo] == [90, 320, 800]
    assert sandbox.sent(LAN)[0].photo == b"\xff\xd8fake-jpeg"
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_photo(LAN, "no-such-file-id")


async def test_commands_round_trip(bot, sandbox):
    await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("nop", "Nộp báo cáo")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "nop"]
    assert sandbox.commands()[1] == {"command": "nop", "description": "Nộp báo cáo"}
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


# --------------------------------------------------------------------------- user -> bot


async def test_updates_through_get_updates_with_offset(bot, sandbox):
    message = await bot.send_message(LAN, "Xác nhận?", reply_markup=keyboard(("Có", "yes")))
    first = await sandbox.send_text(LAN, "/nop tuan 5")
    await sandbox.send_text(LAN, "xin chào")
    pressed = await sandbox.press_button(LAN, message.message_id, "Có")
    await sandbox.send_document(LAN, "minh-chung.pdf", b"%PDF-1.4", "application/pdf", "Tuần 5")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, first + 1, pressed, pressed + 1]
    command = updates[0].message
    assert command.entities[0].type == "bot_command" and command.entities[0].length == len("/nop")
    assert command.from_user.username == "colan"
    assert updates[1].message.entities == ()
    query = updates[2].callback_query
    assert (query.data, query.message.message_id) == ("yes", message.message_id)
    assert query.message.text == "Xác nhận?"
    document = updates[3].message.document
    assert (document.file_name, updates[3].message.caption) == ("minh-chung.pdf", "Tuần 5")
    assert bytes(await (await bot.get_file(document.file_id)).download_as_bytearray()) == b"%PDF-1.4"

    assert await query.answer("Đã ghi nhận")
    assert sandbox.callback_answer(pressed)["text"] == "Đã ghi nhận"

    assert len(await bot.get_updates(offset=pressed)) == 2  # offset confirms the earlier ones
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert sandbox.pending_updates == []


async def test_user_photo_and_media_group(bot, sandbox):
    await sandbox.send_photo(LAN, b"jpeg-bytes", caption="Ảnh 1", media_group_id="g1")
    [update] = await bot.get_updates()
    photo = update.message.photo
    assert [p.width for p in photo] == [90, 320, 800] and update.message.media_group_id == "g1"
    assert bytes(await (await bot.get_file(photo[-1].file_id)).download_as_bytearray()) == b"jpeg-bytes"


async def test_long_poll_returns_promptly_when_an_update_arrives(bot, sandbox):
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await sandbox.wait_for(lambda: sandbox.long_polls_waiting == 1)
    started = time.monotonic()
    await sandbox.send_text(LAN, "có ai không")
    updates = await asyncio.wait_for(poll, timeout=3)
    assert time.monotonic() - started < 1.0
    assert updates[0].message.text == "có ai không"


async def test_idle_long_poll_waits_for_its_timeout(bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_a_second_bot_instance_supersedes_a_waiting_poll(bot, sandbox):
    older = asyncio.create_task(bot.get_updates(timeout=10))
    await sandbox.wait_for(lambda: sandbox.long_polls_waiting == 1)
    async with Bot(TOKEN, base_url=sandbox.api_base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        await asyncio.wait_for(older, timeout=3)


# --------------------------------------------------------------------------- limits


async def test_burst_to_one_chat_draws_429(bot, sandbox, clock):
    outcomes = []
    for i in range(100):
        try:
            await bot.send_message(LAN, f"tin {i}")
            outcomes.append("ok")
        except RetryAfter as exc:
            outcomes.append(exc.retry_after.total_seconds())
    assert outcomes[:3] == ["ok"] * 3  # the bucket's burst
    assert all(wait >= 1 for wait in outcomes[3:]) and len(outcomes[3:]) == 97
    assert [m.text for m in sandbox.sent(LAN)] == ["tin 0", "tin 1", "tin 2"]
    assert (sandbox.stats.http_429, sandbox.stats.sent_messages) == (97, 3)

    clock.advance(1.0)  # one token back
    await bot.send_message(LAN, "sau một giây")
    with pytest.raises(RetryAfter):
        await bot.send_message(LAN, "quá sớm")


async def test_forty_chats_in_one_instant_draw_429_past_thirty(bot, sandbox, clock):
    chats = [2000 + i for i in range(40)]
    for chat_id in chats:
        sandbox.add_user(chat_id, f"GV {chat_id}")
    refused = []
    for chat_id in chats:
        try:
            await bot.send_message(chat_id, "Nhắc nộp báo cáo")
        except RetryAfter as exc:
            refused.append((chat_id, exc.retry_after.total_seconds()))
    assert refused == [(chat_id, 1) for chat_id in chats[30:]]
    assert sandbox.stats.sent_messages == 30 and sandbox.sent(chats[30]) == []

    clock.advance(1.0)  # the window has slid past the first 30
    await bot.send_message(chats[30], "Nhắc nộp báo cáo")


async def test_group_allows_twenty_per_minute(bot, sandbox, clock):
    sandbox.add_group(-100, "Tổ Toán")
    for i in range(20):
        clock.advance(1.0)  # stay under the per-bot limit
        await bot.send_message(-100, f"tin {i}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(-100, "tin 21")
    assert refused.value.retry_after.total_seconds() == 41  # the first left the window at +61 s


async def test_too_long_text_and_bad_callback_data(bot, sandbox):
    await bot.send_message(LAN, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(LAN, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(LAN, "   ")
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(LAN, "chọn", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):  # 33 × "đ" is 66 bytes
        await bot.send_message(LAN, "chọn", reply_markup=keyboard(("A", "đ" * 33)))
    with pytest.raises(BadRequest, match="(?i)Unsupported start tag"):
        await bot.send_message(LAN, "dòng 1<br>dòng 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "ai đây?")
    assert len(sandbox.sent(LAN)) == 1 and sandbox.stats.errors[400] == 6


async def test_get_file_over_20_mb_is_refused(bot, sandbox):
    await sandbox.send_document(LAN, "video.mp4", bytes(20 * MB + 1), "video/mp4")
    [update] = await bot.get_updates()
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.get_file(update.message.document.file_id)


# --------------------------------------------------------------------------- faults


async def test_blocked_user_and_user_who_never_started(bot, sandbox):
    sandbox.block(LAN)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(LAN, "nhắc việc")
    sandbox.add_user(3000, "Thầy Minh", started=False)
    with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
        await bot.send_message(3000, "xin chào")
    assert sandbox.sent(LAN) == [] and sandbox.stats.errors[403] == 2

    await sandbox.send_text(LAN, "/start")  # writing again means the user unblocked the bot
    await bot.send_message(LAN, "chào lại")


async def test_injected_5xx_then_recovery(bot, sandbox):
    sandbox.inject_fault("sendMessage", "5xx", times=2, status=502)
    for _ in range(2):
        with pytest.raises(NetworkError, match="(?i)Bad Gateway"):
            await bot.send_message(LAN, "thử")
    await bot.send_message(LAN, "thử")
    assert [m.text for m in sandbox.sent(LAN)] == ["thử"] and sandbox.stats.errors[502] == 2


async def test_injected_timeouts(bot, sandbox):
    sandbox.inject_fault("sendMessage", "timeout")
    with pytest.raises(TimedOut):
        await bot.send_message(LAN, "mất", read_timeout=0.2)
    assert sandbox.sent(LAN) == []

    sandbox.inject_fault("sendMessage", "timeout_after_send")
    with pytest.raises(TimedOut):
        await bot.send_message(LAN, "đã gửi nhưng không trả lời", read_timeout=0.2)
    # The call took effect although the client gave up; the hang itself ends at stop().
    assert [m.text for m in sandbox.sent(LAN)] == ["đã gửi nhưng không trả lời"]


# --------------------------------------------------------------------------- webhook


class WebhookReceiver:
    """A tiny starlette app that fails its first POST, then records what the sandbox sends."""

    def __init__(self) -> None:
        self.posts: list[tuple[str | None, dict]] = []
        self.server = LocalAsgiServer(Starlette(routes=[Route("/hook", self._hook, methods=["POST"])]))

    @property
    def url(self) -> str:
        return f"{self.server.url}/hook"

    async def _hook(self, request: Request) -> JSONResponse:
        self.posts.append((request.headers.get(WEBHOOK_SECRET_HEADER), await request.json()))
        return JSONResponse({}, status_code=500 if len(self.posts) == 1 else 200)


async def test_webhook_delivers_with_secret_and_retries(bot, sandbox):
    receiver = WebhookReceiver()
    async with receiver.server:
        assert await bot.set_webhook(receiver.url, secret_token="bi-mat_123")
        update_id = await sandbox.send_text(LAN, "/start")
        await sandbox.wait_for(lambda: sandbox.stats.webhook_deliveries == 1)

        assert [secret for secret, _ in receiver.posts] == ["bi-mat_123"] * 2  # a 500, then a retry
        assert [body["update_id"] for _, body in receiver.posts] == [update_id] * 2
        assert receiver.posts[1][1]["message"]["text"] == "/start"
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (receiver.url, 0)
        assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        with pytest.raises(Conflict):
            await bot.get_updates()

        assert await bot.delete_webhook()
        await sandbox.send_text(LAN, "lại polling")
        assert [u.message.text for u in await bot.get_updates()] == ["lại polling"]


# --------------------------------------------------------------------------- a whole Application


async def test_application_polls_answers_and_edits(sandbox, clock):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Chào cô! Chọn:", reply_markup=keyboard(("Nộp", "submit")))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Đã chọn {update.callback_query.data}")

    app = (Application.builder().token(TOKEN).base_url(sandbox.api_base_url)
           .base_file_url(sandbox.file_base_url).build())
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5)
        await sandbox.send_text(LAN, "/start")
        menu = await sandbox.wait_for_message(LAN, contains="Chọn:")
        update_id = await sandbox.press(LAN, menu.message_id, "submit")
        await sandbox.wait_for(lambda: menu.text == "Đã chọn submit")
        await sandbox.wait_for(lambda: sandbox.callback_answer(update_id) is not None)
        await app.updater.stop()
        await app.stop()
    assert sandbox.pending_updates == []


async def test_wait_for_message_timeout_lists_what_was_sent(bot, sandbox):
    await bot.send_message(LAN, "một")
    with pytest.raises(TimeoutError, match="'một'"):
        await sandbox.wait_for_message(LAN, contains="hai", timeout=0.1)


async def test_download_delay_slows_downloads_but_not_other_calls(bot, sandbox):
    sandbox.download_delay_s = 0.3
    message = await bot.send_document(LAN, b"%PDF-1.4 bao cao", filename="bao-cao.pdf")
    tg_file = await bot.get_file(message.document.file_id)
    started = time.monotonic()
    download = asyncio.create_task(tg_file.download_as_bytearray())
    await asyncio.sleep(0.05)
    await bot.get_me()  # answered while the download is still waiting
    assert not download.done()
    assert bytes(await download) == b"%PDF-1.4 bao cao"
    assert time.monotonic() - started >= 0.3
    assert sandbox.stats.downloads == 1
