"""Zalo adapter: the same flows as Telegram over the poorer Zalo Bot API.

Zalo has no buttons, no editing and no documents. So choices become numbered lines that the engine matches
when typed back ("1", "một", the label); files we send become signed download links (photos are sent by
URL); files people send are photos (scanned pages) or go through the bot's own upload page.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import texts
from bot.channels.downloads import Sink
from bot.channels.errors import ChannelStartError, DownloadTooLarge
from bot.channels.once import Once
from bot.channels.zalo_api import (ZaloApiError, ZaloBotClient, ZaloForbidden, ZaloNetworkError, ZaloRateLimited,
                                   ZaloUnauthorized, ZaloUpdate, poll_updates, read_update)
from bot.links import file_url
from handlers.io import Inbound, IncomingFile, OutMessage, SendResult
from schedules.outbox import ResolvedFile

log = logging.getLogger(__name__)

CHANNEL = "zalo"
UNSUPPORTED_EVENTS = {"message.unsupported.received", "message.sticker.received", "message.voice.received"}


def to_inbound(update: ZaloUpdate) -> Inbound:
    text = update.text if update.text is not None else update.caption
    command, args = None, ""
    if text and text.startswith("/"):
        head, _, rest = text.partition(" ")
        command, args, text = head[1:].lower(), rest.strip(), None
    files = []
    if update.photo_url:
        files.append(IncomingFile(update.photo_url, f"anh_{update.message_id[:12]}.jpg", "image/jpeg", None, "photo"))
    inbound = Inbound(CHANNEL, update.chat_id, update.user_id, update.message_id, display_name=update.display_name,
                      text=text, command=command, args=args, files=files, has_buttons=False)
    if update.event_name in UNSUPPORTED_EVENTS and not files and not text:
        inbound.text = ""
    return inbound


def render_text(message: OutMessage, files: list[ResolvedFile], public_url: str, secret: bytes) -> str:
    """Buttons as numbered lines, documents and links as plain URLs (Zalo shows no link labels)."""
    choices = message.flat_choices()
    parts = [texts.for_typing(message.text, [c.label for c in choices])]   # no buttons: "gõ số 1", not "bấm"
    if choices:
        parts.append(texts.TYPE_NUMBER_HINT + "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1)))
    for f in files:
        if f.kind != "photo" and f.stored_file_id is not None:
            parts.append(f"📎 {f.name}: {file_url(public_url, secret, f.stored_file_id)}")
    for link in message.links:
        parts.append(f"{link.label}: {link.url}")
    return "\n\n".join(p for p in parts if p)


QUOTA_PAUSE_S = 3600.0   # after a 429, try again in an hour (the quota may be per day, month or plan)


class ZaloSender:
    channel = CHANNEL

    def __init__(self, client: ZaloBotClient, public_url: str, secret: bytes):
        self.client, self.public_url, self.secret = client, public_url, secret

    async def send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile],
                   edit_message_id: str | None) -> SendResult:
        # No editing on Zalo: an edit (a progress counter) goes out as a new message.
        try:
            for f in files:
                if f.kind == "photo" and f.stored_file_id is not None:
                    await self.client.send_photo(chat_id, file_url(self.public_url, self.secret, f.stored_file_id))
            results = await self.client.send_message(chat_id, render_text(message, files, self.public_url, self.secret))
            last = results[-1] if results else {}
            return SendResult(True, message_id=str(last.get("message_id", "")) or None)
        except ZaloRateLimited as exc:
            # Documented as "Quota exceeded": the plan's message quota, not a per-second limit. The channel
            # pauses, the rows stay pending, and staff are told once (schedules/outbox.py).
            return SendResult(False, retry_after=max(float(exc.retry_after or 0), QUOTA_PAUSE_S),
                              quota_exhausted=True, error="429 quota exceeded")
        except ZaloUnauthorized as exc:
            return SendResult(False, permanent=True, error=str(exc))
        except ZaloForbidden as exc:  # Zalo labels 403 "internal error": retry, do not mark blocked
            return SendResult(False, error=str(exc))
        except ZaloApiError as exc:
            permanent = 400 <= exc.error_code < 500 and exc.error_code not in (408, 429)
            return SendResult(False, permanent=permanent, error=str(exc))


InboundHandler = Callable[[Inbound, "ZaloChannel"], Awaitable[Any]]


def _start_error(exc: ZaloApiError) -> ChannelStartError:
    if isinstance(exc, ZaloUnauthorized):
        return ChannelStartError(CHANNEL, "token")
    if isinstance(exc, ZaloNetworkError):
        return ChannelStartError(CHANNEL, "network", exc.description.split(":", 1)[0])
    return ChannelStartError(CHANNEL, "api", f"{exc.error_code}")


class ZaloChannel:
    def __init__(self, token: str, *, api_base_url: str, rate_per_s: float, public_url: str, secret: bytes,
                 on_inbound: InboundHandler):
        self.client = ZaloBotClient(token, api_base_url, rate_per_s=rate_per_s)
        self.sender = ZaloSender(self.client, public_url, secret)
        self.on_inbound = on_inbound
        self._stop = asyncio.Event()
        self._poller: asyncio.Task | None = None
        self._unreadable = Once()

    async def fetch_file(self, file: IncomingFile) -> bytes:
        return await self.client.download(file.ref)

    async def download(self, file: IncomingFile, sink: Sink, max_bytes: int) -> None:
        """Stream a photo someone sent (its URL carries no token) into `sink`; DownloadTooLarge past
        `max_bytes`, DownloadError otherwise."""
        if file.size is not None and file.size > max_bytes:
            raise DownloadTooLarge(file.size, max_bytes)
        await self.client.stream_download(file.ref, sink, max_bytes)

    async def handle_update(self, update: ZaloUpdate) -> None:
        try:
            inbound = to_inbound(update)
        except Exception as exc:   # a shape normalize_update let through: skip it, keep going
            if self._unreadable.first(update.message_id):
                log.warning("skipped Zalo update %.40s that cannot be read (%s)", update.message_id,
                            type(exc).__name__)
            return
        await self.on_inbound(inbound, self)

    async def feed_webhook(self, body: dict) -> None:
        update = read_update(body, self._unreadable)
        if update is not None:
            # answer Zalo at once; the work happens in the background
            asyncio.create_task(self.handle_update(update))

    async def start(self, *, webhook_url: str | None = None, webhook_secret: str | None = None,
                    poll_timeout: float = 30) -> None:
        """Raises ChannelStartError when Zalo refuses the token or cannot be reached."""
        try:
            await self.client.get_me(retries=1)   # a bad token shows here, not later in a dead poller
            if webhook_url:
                await self.client.set_webhook(webhook_url, webhook_secret)
                return
        except ZaloApiError as exc:
            raise _start_error(exc) from None
        try:
            await self.client.delete_webhook()  # getUpdates is refused while a webhook is set
        except ZaloApiError as exc:
            log.warning("Zalo deleteWebhook failed: %s", exc)
        self._poller = asyncio.create_task(
            poll_updates(self.client, self.handle_update, self._stop, poll_timeout=poll_timeout))
        self._poller.add_done_callback(self._poller_ended)

    def _poller_ended(self, task: asyncio.Task) -> None:
        if not task.cancelled() and isinstance(task.exception(), ZaloUnauthorized):
            log.error("Zalo refused the bot token while polling: Zalo updates are no longer received")

    async def stop_receiving(self) -> None:
        self._stop.set()
        if self._poller:
            await asyncio.gather(self._poller, return_exceptions=True)

    async def stop(self) -> None:
        await self.stop_receiving()
        await self.client.aclose()
