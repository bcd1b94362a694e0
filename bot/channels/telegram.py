"""Telegram adapter: the only module that imports python-telegram-bot.

Updates become neutral Inbound inputs (albums gathered into one input); OutMessages become sendMessage /
sendDocument / editMessageText calls. Button data is signed with an HMAC bound to the chat, so data made
up by a client, or copied from another chat, is recognised as forged.

Robustness: an update PTB cannot parse (a newer Bot API object) is logged once and skipped, so the offset
moves on and the rest of its batch is answered; updates of different chats are handled concurrently, those
of one chat one after the other, in arrival order.
"""
from __future__ import annotations

import asyncio
import base64
import os
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta (PTB 22's opt-in; no warning)

import httpx
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, ExtBot, TypeHandler
from telegram.request import HTTPXRequest

from bot import texts
from bot.channels.downloads import Sink, copy_local, stream_url
from bot.channels.errors import ChannelStartError, DownloadError, DownloadTooLarge
from bot.channels.once import Once
from handlers.io import Inbound, IncomingFile, OutMessage, SendResult
from schedules.outbox import ResolvedFile

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CALLBACK_BYTES = 64
SIG_LEN = 8
ALBUM_GATHER_SECONDS = 0.8   # Telegram sends an album as one update per item, close together
TELEGRAM_FILE_LIMIT = 20 * 1024 * 1024
CONCURRENT_UPDATES = 256     # chats handled at once; the engine serialises each chat itself


# -------------------------------------------------------------------------------------------- signing

def sign(secret: bytes, chat_id: str, data: str) -> str:
    mac = hmac.digest(secret, f"{chat_id}|{data}".encode(), "sha256")   # one-shot: no HMAC object per button
    signed = f"{data}#{base64.urlsafe_b64encode(mac).decode()[:SIG_LEN]}"
    if len(signed.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"button data too long: {data!r}")
    return signed


def verify(secret: bytes, chat_id: str, signed: str) -> str | None:
    data, sep, _sig = signed.rpartition("#")
    if not sep:
        return None
    return data if hmac.compare_digest(sign(secret, chat_id, data), signed) else None


# -------------------------------------------------------------------------------------------- parsing

def _update_id(payload: Any) -> int | None:
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


def _report_unreadable(payload: Any, exc: Exception, once: Once | None) -> None:
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if once is None or once.first(repr(update_id)):
        log.warning("skipped Telegram update %.40r that cannot be read (%s)", update_id, type(exc).__name__)


def parse_update(payload: Any, bot: Bot | None, once: Once | None = None) -> Update | None:
    """An Update, or for one PTB cannot read a bare Update(update_id) (nothing in it to answer, but the
    offset still moves past it); None if it has no update_id at all. Logged once, short: the update_id and
    the exception class, never the payload."""
    try:
        return Update.de_json(payload, bot)
    except Exception as exc:
        _report_unreadable(payload, exc, once)
        update_id = _update_id(payload)
        return Update(update_id) if update_id is not None else None


class TolerantBot(ExtBot):
    """PTB parses a getUpdates batch as a whole: one unreadable update failed the batch, which was then
    fetched again and again (190 times a second) and nothing else in it was answered. Here each update is
    parsed on its own, once (the tolerant parse is the parse), and an unreadable one becomes a bare
    Update(update_id). The request itself is PTB's Bot.get_updates, timeouts included."""

    __slots__ = ("_skipped",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._skipped = Once()

    async def get_updates(self, offset: int | None = None, limit: int | None = None, timeout: Any = None,
                          allowed_updates: Any = None, *, read_timeout: Any = DEFAULT_NONE,
                          write_timeout: Any = DEFAULT_NONE, connect_timeout: Any = DEFAULT_NONE,
                          pool_timeout: Any = DEFAULT_NONE, api_kwargs: dict | None = None) -> tuple[Update, ...]:
        data = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        result = await self._post("getUpdates", data, read_timeout=_long_poll_timeout(self, read_timeout, timeout),
                                  write_timeout=write_timeout, connect_timeout=connect_timeout,
                                  pool_timeout=pool_timeout, api_kwargs=api_kwargs)
        updates = tuple(u for u in (parse_update(item, self, self._skipped) for item in result or ())
                        if u is not None)
        for update in updates:
            self.insert_callback_data(update)
        return updates


def _long_poll_timeout(bot: ExtBot, read_timeout: Any, timeout: Any) -> float:
    """As PTB's Bot.get_updates: the request may take the long-poll timeout on top of the read timeout."""
    base = (read_timeout or 0) if not isinstance(read_timeout, DefaultValue) else (bot._request[0].read_timeout or 0)
    if isinstance(timeout, timedelta):
        return base + timeout.total_seconds()
    return base + timeout if timeout else base


def chat_key(update: object) -> int | None:
    """Whose update this is: the chat (or, without one, the user); None for updates of nobody."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats concurrently, one chat's updates one after the other, started in arrival order.

    PTB starts a task per update in queue order; each takes its chat's place in line synchronously, before
    its first await, so the line is the arrival order. process_update is overridden (PTB marks it final
    for type checkers only) so that an update waiting for its own chat holds no concurrency slot: a chat
    sending a hundred messages at once must not starve the others.
    """

    __slots__ = ("_tails",)

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self._tails: dict[int, asyncio.Future] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        key = chat_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        previous = self._tails.get(key)
        mine = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        try:
            if previous is not None:
                await asyncio.wait([previous])   # not `await previous`: cancelling us must not cancel it
            await super().process_update(update, coroutine)
        except asyncio.CancelledError:
            if hasattr(coroutine, "close"):
                coroutine.close()   # never started: no "was never awaited" warning
            raise
        finally:
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


# -------------------------------------------------------------------------------------------- inbound

def _command(text: str) -> tuple[str | None, str]:
    if not text.startswith("/"):
        return None, text
    head, _, rest = text.partition(" ")
    return head[1:].split("@", 1)[0].lower(), rest.strip()


def _files(message: Message) -> list[IncomingFile]:
    if message.document:
        d = message.document
        return [IncomingFile(d.file_id, d.file_name or "tep", d.mime_type, d.file_size, "document")]
    if message.photo:
        p = message.photo[-1]  # the largest size
        return [IncomingFile(p.file_id, f"anh_{p.file_unique_id}.jpg", "image/jpeg", p.file_size, "photo")]
    return []


def to_inbound(update: Update, secret: bytes) -> Inbound | None:
    key = str(update.update_id)
    if update.callback_query:
        q = update.callback_query
        chat_id = str(q.message.chat.id) if q.message else str(q.from_user.id)
        data = verify(secret, chat_id, q.data or "")
        return Inbound(CHANNEL, chat_id, str(q.from_user.id), key, display_name=q.from_user.full_name,
                       choice=data, forged=data is None)
    message = update.effective_message
    if message is None or update.effective_user is None:
        return None
    text = message.text or message.caption
    command, args = _command(text or "")   # a caption may carry a command: a plan sent with /taochiendich
    return Inbound(CHANNEL, str(message.chat.id), str(update.effective_user.id), key,
                   display_name=update.effective_user.full_name, text=None if command else text,
                   command=command, args=args if command else "", files=_files(message))


# -------------------------------------------------------------------------------------------- outbound

def keyboard(secret: bytes, chat_id: str, message: OutMessage) -> InlineKeyboardMarkup | None:
    if not message.choices:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(c.label, callback_data=sign(secret, chat_id, c.data))
                                  for c in row] for row in message.choices])


TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a long text on line boundaries into pieces Telegram accepts (a lone long line is cut hard)."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    pieces.append(current)
    return [p for p in pieces if p] or [""]


def _text_with_links(message: OutMessage) -> str:
    lines = [message.text] + [f"{link.label}: {link.url}" for link in message.links]
    return "\n".join(lines)


class TelegramSender:
    channel = CHANNEL

    def __init__(self, bot: Bot, secret: bytes):
        self.bot, self.secret = bot, secret
        # Telegram keeps what it received: after the first upload a file goes out by file_id. The dispatcher
        # stores the ids it is told (SendResult.file_ids) for every process; this cache only spares a second
        # upload before it has.
        self.file_ids: dict[int, str] = {}

    async def send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile],
                   edit_message_id: str | None) -> SendResult:
        learned: dict[int, str] = {}
        try:
            sent = await self._send(chat_id, message, files, edit_message_id, learned)
            return SendResult(True, message_id=str(sent.message_id) if isinstance(sent, Message) else edit_message_id,
                              file_ids=learned)
        except RetryAfter as exc:
            retry = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else exc.retry_after
            return SendResult(False, retry_after=float(retry), error="429", file_ids=learned)
        except Forbidden as exc:
            return SendResult(False, blocked=True, error=str(exc), file_ids=learned)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return SendResult(True, message_id=edit_message_id)
            return SendResult(False, permanent=True, error=str(exc), file_ids=learned)
        except (TimedOut, NetworkError, TelegramError) as exc:
            return SendResult(False, error=type(exc).__name__, file_ids=learned)
        except OSError as exc:   # the file is gone from the disk: retrying will not bring it back
            return SendResult(False, permanent=True, error=f"file: {type(exc).__name__}", file_ids=learned)

    async def _send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile], edit_id: str | None,
                    learned: dict[int, str]):
        markup = keyboard(self.secret, chat_id, message)
        text = _text_with_links(message)
        if edit_id:  # an edited progress line never grows past the limit; cut rather than fail
            return await self.bot.edit_message_text(text[:TEXT_LIMIT], chat_id=chat_id, message_id=int(edit_id),
                                                    reply_markup=markup)
        if not files:
            *head, tail = split_text(text)
            for piece in head:
                await self.bot.send_message(chat_id, piece)
            return await self.bot.send_message(chat_id, tail, reply_markup=markup)
        last = None
        caption_fits = len(text) <= CAPTION_LIMIT
        if not caption_fits:
            for piece in split_text(text):
                await self.bot.send_message(chat_id, piece)
        for i, f in enumerate(files):
            is_last = i == len(files) - 1
            kwargs = dict(caption=text if (is_last and caption_fits) else None,
                          reply_markup=markup if is_last else None)
            last = await self._send_file(chat_id, f, kwargs)
            self._remember_file_id(f, last, learned)
        return last

    async def _send_file(self, chat_id: str, f: ResolvedFile, kwargs: dict) -> Message:
        send = self.bot.send_photo if f.kind == "photo" else self.bot.send_document
        known = f.telegram_file_id or (self.file_ids.get(f.stored_file_id) if f.stored_file_id is not None else None)
        if known:
            try:
                return await send(chat_id, known, **kwargs)   # no bytes read, nothing uploaded
            except BadRequest:
                if f.path is None:   # a file_id Telegram no longer knows, and nothing to upload instead
                    raise
                log.info("a stored Telegram file_id was refused; uploading the file again")
        if isinstance(f.path, (bytes, bytearray)):
            # TRANSITION: until the dispatcher resolves files to paths it hands the bytes over in this place.
            return await send(chat_id, InputFile(bytes(f.path), filename=f.name), **kwargs)
        if f.path is None:
            raise FileNotFoundError(f.name)
        with open(f.path, "rb") as fh:   # streamed by the HTTP client, never read whole here
            return await send(chat_id, InputFile(fh, filename=f.name, read_file_handle=False), **kwargs)

    def _remember_file_id(self, f: ResolvedFile, sent: Message, learned: dict[int, str]) -> None:
        if f.stored_file_id is None:
            return
        telegram_file = sent.document or (sent.photo[-1] if sent.photo else None)
        if telegram_file is not None:
            self.file_ids[f.stored_file_id] = telegram_file.file_id
            if telegram_file.file_id != f.telegram_file_id:
                learned[f.stored_file_id] = telegram_file.file_id


# -------------------------------------------------------------------------------------------- the adapter

InboundHandler = Callable[[Inbound, "TelegramChannel"], Awaitable[Any]]


def _start_error(exc: Exception) -> ChannelStartError:
    if isinstance(exc, InvalidToken):   # PTB's text quotes the token: only the class goes on
        return ChannelStartError(CHANNEL, "token")
    if isinstance(exc, (TimedOut, NetworkError)) and not isinstance(exc, (BadRequest, Forbidden)):
        return ChannelStartError(CHANNEL, "network", type(exc).__name__)
    return ChannelStartError(CHANNEL, "api", type(exc).__name__)


class TelegramChannel:
    """Owns the PTB Application: polling or webhook in, TelegramSender out."""

    def __init__(self, token: str, *, api_base_url: str, file_base_url: str, secret: bytes,
                 on_inbound: InboundHandler, concurrent_updates: int = CONCURRENT_UPDATES):
        request = HTTPXRequest(connection_pool_size=64, read_timeout=15, write_timeout=30, connect_timeout=10)
        updates_request = HTTPXRequest(read_timeout=40, connect_timeout=10)
        bot = TolerantBot(token, base_url=api_base_url, base_file_url=file_base_url, request=request,
                          get_updates_request=updates_request)
        self.app: Application = (
            ApplicationBuilder().bot(bot).concurrent_updates(PerChatUpdateProcessor(concurrent_updates)).build()
        )
        self.secret = secret
        self.sender = TelegramSender(self.app.bot, secret)
        self.on_inbound = on_inbound
        self._albums: dict[str, list[Inbound]] = {}
        self._skipped = Once()
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0))
        self.app.add_handler(TypeHandler(Update, self._on_update))

    @property
    def bot(self) -> Bot:
        return self.app.bot

    async def fetch_file(self, file: IncomingFile) -> bytes:
        tg_file = await self.bot.get_file(file.ref)
        return bytes(await tg_file.download_as_bytearray())

    async def download(self, file: IncomingFile, sink: Sink, max_bytes: int) -> None:
        """Stream a file someone sent into `sink`, chunk by chunk. Raises DownloadTooLarge over `max_bytes`
        (before any byte when the size is known), DownloadError otherwise; no message carries the token
        (getFile's file_path is a URL with the token in it)."""
        if file.size is not None and file.size > max_bytes:
            raise DownloadTooLarge(file.size, max_bytes)
        try:
            tg_file = await self.bot.get_file(file.ref)
        except TelegramError as exc:
            detail = "" if isinstance(exc, InvalidToken) else f": {exc.message}"
            raise DownloadError(f"getFile {type(exc).__name__}{detail}".replace(self.bot.token, "<token>")) from None
        if tg_file.file_size is not None and tg_file.file_size > max_bytes:
            raise DownloadTooLarge(tg_file.file_size, max_bytes)
        location = tg_file.file_path
        if not location:
            raise DownloadError("getFile gave no file_path")
        if location.startswith(("http://", "https://")):
            await stream_url(self._http, location, sink, max_bytes)
        else:   # a local Bot API server gives a path on its disk
            copy_local(Path(location), sink, max_bytes)

    async def _on_update(self, update: Update, _context) -> None:
        if update.callback_query:
            try:
                await update.callback_query.answer()  # stops the button's spinner; not a chat message
            except TelegramError:
                pass
        inbound = to_inbound(update, self.secret)
        if inbound is None:
            return
        group = update.effective_message.media_group_id if update.effective_message else None
        if group:
            await self._gather_album(group, inbound)
            return
        await self.on_inbound(inbound, self)

    async def _gather_album(self, group: str, inbound: Inbound) -> None:
        """An album arrives as several updates: hand the flow one input carrying every file."""
        parts = self._albums.setdefault(group, [])
        parts.append(inbound)
        if len(parts) == 1:  # the first part schedules the hand-over; PTB keeps feeding us the rest
            asyncio.get_running_loop().call_later(
                ALBUM_GATHER_SECONDS, lambda: asyncio.ensure_future(self._flush_album(group)))

    async def _flush_album(self, group: str) -> None:
        parts = self._albums.pop(group)
        first = parts[0]
        first.files = [f for p in parts for f in p.files]
        first.text = next((p.text for p in parts if p.text), None)
        first.update_key = "+".join(p.update_key for p in parts)
        await self.on_inbound(first, self)

    async def start(self, *, webhook: bool = False, poll_timeout: int = 10) -> None:
        """Raises ChannelStartError (never PTB's errors: InvalidToken's text quotes the token)."""
        try:
            await self._start(webhook=webhook, poll_timeout=poll_timeout)
        except TelegramError as exc:
            raise _start_error(exc) from None

    async def _start(self, *, webhook: bool, poll_timeout: int) -> None:
        await self.app.initialize()   # getMe: a rejected token or an unreachable API shows here
        try:
            await self.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMAND_MENU_CONTACT])
        except TelegramError:
            log.warning("setMyCommands failed; continuing")
        await self.app.start()
        if not webhook:
            await self.bot.delete_webhook()
            await self.app.updater.start_polling(timeout=poll_timeout, poll_interval=0.0,
                                                 allowed_updates=["message", "callback_query"])

    async def show_staff_menu(self, chat_ids: list[str]) -> None:
        """Staff chats get the staff commands in Telegram's menu; everyone else sees the schools' menu."""
        commands = [BotCommand(c, d) for c, d in texts.COMMAND_MENU_STAFF]
        for chat_id in chat_ids:
            try:
                await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(int(chat_id)))
            except TelegramError:
                log.warning("could not set the staff menu for a chat")

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Part of starting: raises ChannelStartError."""
        try:
            await self.bot.set_webhook(url, secret_token=secret_token,
                                       allowed_updates=["message", "callback_query"])
        except TelegramError as exc:
            raise _start_error(exc) from None

    async def feed_webhook(self, payload: dict) -> None:
        """Queue one webhook update. One that cannot be read is logged once and dropped: Telegram gets its
        200 and does not send it again and again."""
        update = parse_update(payload, self.bot, self._skipped)
        if update is not None:
            await self.app.update_queue.put(update)

    async def stop_receiving(self) -> None:
        """A graceful stop begins here: no more updates; sending (the outbox) goes on until it has handed back."""
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()

    async def stop(self) -> None:
        await self.stop_receiving()
        await self.app.shutdown()
        await self._http.aclose()
