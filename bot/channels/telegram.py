"""Telegram adapter: the only module that imports python-telegram-bot.

Updates become neutral Inbound inputs (albums gathered into one input); OutMessages become sendMessage /
sendDocument / editMessageText calls. Button data is signed with an HMAC bound to the chat, so data made
up by a client, or copied from another chat, is recognised as forged.
"""
from __future__ import annotations

import asyncio
import base64
import os
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta (PTB 22's opt-in; no warning)

from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, TypeHandler
from telegram.request import HTTPXRequest

from bot import texts
from handlers.io import Inbound, IncomingFile, OutMessage, SendResult
from schedules.outbox import ResolvedFile

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CALLBACK_BYTES = 64
SIG_LEN = 8
ALBUM_GATHER_SECONDS = 0.8   # Telegram sends an album as one update per item, close together
TELEGRAM_FILE_LIMIT = 20 * 1024 * 1024



# -------------------------------------------------------------------------------------------- signing

def sign(secret: bytes, chat_id: str, data: str) -> str:
    mac = hmac.new(secret, f"{chat_id}|{data}".encode(), hashlib.sha256).digest()
    signed = f"{data}#{base64.urlsafe_b64encode(mac).decode()[:SIG_LEN]}"
    if len(signed.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"button data too long: {data!r}")
    return signed


def verify(secret: bytes, chat_id: str, signed: str) -> str | None:
    data, sep, _sig = signed.rpartition("#")
    if not sep:
        return None
    return data if hmac.compare_digest(sign(secret, chat_id, data), signed) else None


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
        # Telegram keeps what it received: after the first upload, a launch's plan goes out by file_id.
        self.file_ids: dict[int, str] = {}

    async def send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile],
                   edit_message_id: str | None) -> SendResult:
        try:
            sent = await self._send(chat_id, message, files, edit_message_id)
            return SendResult(True, message_id=str(sent.message_id) if isinstance(sent, Message) else edit_message_id)
        except RetryAfter as exc:
            retry = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else exc.retry_after
            return SendResult(False, retry_after=float(retry), error="429")
        except Forbidden as exc:
            return SendResult(False, blocked=True, error=str(exc))
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return SendResult(True, message_id=edit_message_id)
            return SendResult(False, permanent=True, error=str(exc))
        except (TimedOut, NetworkError, TelegramError) as exc:
            return SendResult(False, error=type(exc).__name__)

    async def _send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile], edit_id: str | None):
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
            content = self.file_ids.get(f.stored_file_id) or InputFile(f.data, filename=f.name)
            if f.kind == "photo":
                last = await self.bot.send_photo(chat_id, content, **kwargs)
            else:
                last = await self.bot.send_document(chat_id, content, **kwargs)
            self._remember_file_id(f, last)
        return last

    def _remember_file_id(self, f: ResolvedFile, sent: Message) -> None:
        if f.stored_file_id is None:
            return
        telegram_file = sent.document or (sent.photo[-1] if sent.photo else None)
        if telegram_file is not None:
            self.file_ids[f.stored_file_id] = telegram_file.file_id


# -------------------------------------------------------------------------------------------- the adapter

InboundHandler = Callable[[Inbound, "TelegramChannel"], Awaitable[None]]


class TelegramChannel:
    """Owns the PTB Application: polling or webhook in, TelegramSender out."""

    def __init__(self, token: str, *, api_base_url: str, file_base_url: str, secret: bytes,
                 on_inbound: InboundHandler):
        request = HTTPXRequest(connection_pool_size=64, read_timeout=15, write_timeout=30, connect_timeout=10)
        updates_request = HTTPXRequest(read_timeout=40, connect_timeout=10)
        self.app: Application = (
            ApplicationBuilder().token(token).base_url(api_base_url).base_file_url(file_base_url)
            .request(request).get_updates_request(updates_request).build()
        )
        self.secret = secret
        self.sender = TelegramSender(self.app.bot, secret)
        self.on_inbound = on_inbound
        self._albums: dict[str, list[Inbound]] = {}
        self.app.add_handler(TypeHandler(Update, self._on_update))

    @property
    def bot(self) -> Bot:
        return self.app.bot

    async def fetch_file(self, file: IncomingFile) -> bytes:
        tg_file = await self.bot.get_file(file.ref)
        return bytes(await tg_file.download_as_bytearray())

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
        await self.app.initialize()
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
        await self.bot.set_webhook(url, secret_token=secret_token, allowed_updates=["message", "callback_query"])

    async def feed_webhook(self, payload: dict) -> None:
        await self.app.update_queue.put(Update.de_json(payload, self.bot))

    async def stop(self) -> None:
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

