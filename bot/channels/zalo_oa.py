"""Zalo Official Account adapter: the same flows as Telegram, with real buttons and real files.

Zalo calls our webhook (there is no polling for an OA) with events signed in the X-ZEvent-Signature header:
"mac=" + sha256 hex of app_id + the raw body + timestamp + the OA secret key, app_id and timestamp being the
body's own fields (chatwoot/chatwoot app/jobs/webhooks/zalo_events_job.rb; developers.zalo.me "Webhook").
Events (user_send_text, user_send_image, user_send_file, follow, unfollow; sample shapes in chatwoot's
app/services/zalo/incoming_message_service.rb) become Inbound; choices go out as a button template whose
buttons are "oa.query.hide": a tap sends their payload back as the user's text, which carries our signed
choice data, so a tap is a verified choice as on Telegram (has_buttons is true). Documents and photos are
uploaded, then sent as file / image messages (bot/channels/zalo_oa_api.py has the API and its limits);
anything Zalo does not take (another type, too big) goes as a signed link to the bot's own web server.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import httpx

from bot import texts
from bot.channels.downloads import Sink
from bot.channels.errors import ChannelStartError, DownloadTooLarge
from bot.channels.once import Once
from bot.channels.zalo_api import split_text
from bot.channels.zalo_oa_api import (MAX_BUTTON_TITLE, MAX_BUTTONS, MAX_TEXT_LEN, OAuthConfig, TokenKeeper,
                                      ZaloOAClient, ZaloOAError, ZaloOAOutsideWindow, ZaloOATokenError,
                                      guess_mime, upload_kind)
from bot.links import file_url
from db import zalo_oa as oa_store
from db.engine import session_scope
from handlers.io import Inbound, IncomingFile, OutMessage, SendResult
from schedules.outbox import ResolvedFile

log = logging.getLogger(__name__)

CHANNEL = "zalo_oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
CHOICE_PREFIX = "#td:"
SIG_LEN = 11
UPLOAD_TTL_S = 3600.0            # reuse an uploaded file's token for a launch; Zalo does not say how long it lasts
OUTSIDE_WINDOW_ERROR = "zalo_oa: outside the 48-hour window"
IGNORED_EVENTS = {"user_received_message", "user_seen_message", "oa_send_text", "oa_send_image", "oa_send_file",
                  "oa_send_list", "oa_send_gif", "user_reacted_message", "oa_reacted_message"}


# -------------------------------------------------------------------------------------------- signatures

def event_signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()
    return f"mac={digest}"


def signature_ok(body: bytes, header: str | None, app_id: str, oa_secret_key: str) -> bool:
    """The event is Zalo's for our app: its app_id is ours and the header's mac matches."""
    if not header or not oa_secret_key:
        return False
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    if not isinstance(payload, dict) or str(payload.get("app_id") or "") != app_id:
        return False
    expected = event_signature(app_id, body, str(payload.get("timestamp") or ""), oa_secret_key)
    given = header.strip()
    if not given.lower().startswith("mac="):
        given = "mac=" + given    # some proxies drop the prefix
    return hmac.compare_digest(expected.encode(), given.encode())


def sign_choice(secret: bytes, chat_id: str, data: str) -> str:
    mac = hmac.new(secret, f"oa|{chat_id}|{data}".encode(), hashlib.sha256).digest()
    return f"{CHOICE_PREFIX}{data}#{base64.urlsafe_b64encode(mac).decode()[:SIG_LEN]}"


def verify_choice(secret: bytes, chat_id: str, payload: str) -> str | None:
    if not payload.startswith(CHOICE_PREFIX):
        return None
    data, sep, _sig = payload[len(CHOICE_PREFIX):].rpartition("#")
    if not sep:
        return None
    return data if hmac.compare_digest(sign_choice(secret, chat_id, data), payload) else None


# -------------------------------------------------------------------------------------------- inbound

def _attachments(message: dict) -> list[dict]:
    items = message.get("attachments")
    return [a for a in items if isinstance(a, dict)] if isinstance(items, list) else []


def _payload(attachment: dict) -> dict:
    return attachment["payload"] if isinstance(attachment.get("payload"), dict) else {}


def _size(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _files(event: str, message: dict, key: str) -> list[IncomingFile]:
    files = []
    for i, att in enumerate(_attachments(message)):
        p = _payload(att)
        url = p.get("url") if isinstance(p.get("url"), str) else None
        if not url:
            continue
        if att.get("type") == "image" or event == "user_send_image":
            files.append(IncomingFile(url, f"anh_{key[-12:]}_{i + 1}.jpg", "image/jpeg", _size(p.get("size")), "photo"))
        elif att.get("type") == "file" or event == "user_send_file":
            name = str(p.get("name") or f"tep_{key[-12:]}.{p.get('type') or 'bin'}")
            files.append(IncomingFile(url, name, guess_mime(name), _size(p.get("size")), "document"))
    return files


def to_inbound(body: dict, secret: bytes) -> Inbound | None:
    """An event as Inbound; None for events that are not a user's message (deliveries, reads, our own sends)."""
    event = str(body.get("event_name") or "")
    if event in IGNORED_EVENTS or not event:
        return None
    sender = body.get("follower") if event in ("follow", "unfollow") else body.get("sender")
    user_id = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    if not user_id:
        return None
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    key = str(message.get("msg_id") or message.get("mid") or f"{event}:{user_id}:{body.get('timestamp')}")
    name = sender.get("display_name") if isinstance(sender.get("display_name"), str) else None
    inbound = Inbound(CHANNEL, user_id, user_id, key, display_name=name, has_buttons=True)
    if event == "follow":    # a new follower is greeted as after /start
        inbound.command = "start"
        return inbound
    text = message.get("text") if isinstance(message.get("text"), str) else None
    if text and text.startswith(CHOICE_PREFIX):
        inbound.choice = verify_choice(secret, user_id, text)
        inbound.forged = inbound.choice is None
        return inbound
    if text and text.startswith("/"):
        head, _, rest = text.partition(" ")
        inbound.command, inbound.args, text = head[1:].lower(), rest.strip(), None
    inbound.text = text
    inbound.files = _files(event, message, key)
    if not inbound.text and not inbound.files and not inbound.command:
        inbound.text = ""     # a sticker, a voice message...: answered as unsupported content
    return inbound


# -------------------------------------------------------------------------------------------- outbound

def _title(label: str) -> str:
    return label if len(label) <= MAX_BUTTON_TITLE else label[:MAX_BUTTON_TITLE - 1] + "…"


def build_messages(secret: bytes, chat_id: str, message: OutMessage, links: list[str]) -> list[dict]:
    """The text (cut at 2000 characters) and its buttons, at most 5 to a message: extra buttons follow
    in messages of their own, so every choice stays a button."""
    body = "\n\n".join([message.text, *links]) if links else message.text
    chunks = split_text(body, MAX_TEXT_LEN) or ["…"]
    out: list[dict] = [{"text": c} for c in chunks]
    buttons = [{"title": _title(c.label), "type": "oa.query.hide", "payload": sign_choice(secret, chat_id, c.data)}
               for c in message.flat_choices()]
    for i in range(0, len(buttons), MAX_BUTTONS):
        if i:
            out.append({"text": texts.OA_MORE_CHOICES})
        out[-1]["attachment"] = {"type": "template", "payload": {"buttons": buttons[i:i + MAX_BUTTONS]}}
    return out


class ZaloOASender:
    channel = CHANNEL

    def __init__(self, client: ZaloOAClient, public_url: str, secret: bytes):
        self.client, self.public_url, self.secret = client, public_url, secret
        self._uploaded: dict[tuple[str, int], tuple[str, float]] = {}
        self._uploading: dict[tuple[str, int], asyncio.Future] = {}

    async def _upload(self, kind: str, f: ResolvedFile) -> str:
        """Upload a stored file once for many sends (a launch to every school uploads the plan once): sends of
        the same file meanwhile await that upload's result."""
        key = (kind, f.stored_file_id)
        known = self._uploaded.get(key)
        if known and time.monotonic() - known[1] < UPLOAD_TTL_S:
            return known[0]
        if key not in self._uploading:
            self._uploading[key] = asyncio.ensure_future(self.client.upload(kind, f.path, f.name, f.mime))
        upload = self._uploading[key]
        try:
            value = await asyncio.shield(upload)
        finally:
            if upload.done():
                self._uploading.pop(key, None)
        self._uploaded[key] = (value, time.monotonic())
        return value

    async def _file_messages(self, files: list[ResolvedFile]) -> tuple[list[dict], list[str]]:
        messages, links = [], []
        for f in files:
            if f.stored_file_id is None or f.path is None:
                continue
            size = f.path.stat().st_size if f.path.exists() else None
            kind = upload_kind(f.name, size, f.kind == "photo")
            if kind == "file":
                token = await self._upload("file", f)
                messages.append({"attachment": {"type": "file", "payload": {"token": token}}})
            elif kind == "image":
                attachment_id = await self._upload("image", f)
                messages.append({"attachment": {"type": "template", "payload": {
                    "template_type": "media", "elements": [{"media_type": "image", "attachment_id": attachment_id}]}}})
            else:
                links.append(f"📎 {f.name}: {file_url(self.public_url, self.secret, f.stored_file_id)}")
        return messages, links

    async def send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile],
                   edit_message_id: str | None) -> SendResult:
        # No editing on Zalo: an edit (a progress counter) goes out as a new message.
        try:
            file_messages, links = await self._file_messages(files)
            links += [f"{link.label}: {link.url}" for link in message.links]
            last = None
            for payload in file_messages + build_messages(self.secret, chat_id, message, links):
                last = await self.client.send(chat_id, payload)
            return SendResult(True, message_id=last)
        except ZaloOAOutsideWindow as exc:
            # The user has not written to the OA for 48 hours: Zalo lets the OA answer, never open the talk.
            # The contact is marked unreachable until they write again; staff are told (zalo_oa_window).
            return SendResult(False, blocked=True, error=f"{OUTSIDE_WINDOW_ERROR} [{exc.code}]")
        except ZaloOATokenError as exc:
            log.error("Zalo OA refused the access token and it could not be renewed (%s)", exc.code)
            return SendResult(False, retry_after=60.0, error=f"zalo_oa token refused [{exc.code}]")
        except ZaloOAError as exc:
            return SendResult(False, permanent=not exc.retryable, error=str(exc))


# -------------------------------------------------------------------------------------------- the channel

InboundHandler = Callable[[Inbound, "ZaloOAChannel"], Awaitable[Any]]


class ZaloOAChannel:
    def __init__(self, *, app_id: str, app_secret: str, oa_secret_key: str, api_base_url: str, oauth_url: str,
                 public_url: str, secret: bytes, on_inbound: InboundHandler, renew_every_s: float = 1800.0):
        self.app_id, self.oa_secret_key, self.secret = app_id, oa_secret_key, secret
        self.http = httpx.AsyncClient(timeout=30.0)
        self.keeper = TokenKeeper(OAuthConfig(app_id, app_secret, oauth_url), self.http)
        self.client = ZaloOAClient(self.keeper, self.http, api_base_url)
        self.sender = ZaloOASender(self.client, public_url, secret)
        self.on_inbound = on_inbound
        self.renew_every_s = renew_every_s
        self._stop = asyncio.Event()
        self._renewer: asyncio.Task | None = None
        self._unreadable = Once()
        self._names: dict[str, str | None] = {}
        self.oa_name: str | None = None

    def verify(self, body: bytes, signature: str | None) -> bool:
        return signature_ok(body, signature, self.app_id, self.oa_secret_key)

    async def feed_webhook(self, body: bytes) -> None:
        """A verified event: answer Zalo at once, the work happens in the background."""
        try:
            payload = json.loads(body)
            inbound = to_inbound(payload, self.secret) if isinstance(payload, dict) else None
        except Exception as exc:   # a shape we cannot read: skip it, once in the log
            if self._unreadable.first(hash(body)):
                log.warning("skipped a Zalo OA event that cannot be read (%s)", type(exc).__name__)
            return
        if inbound is None:
            return
        if payload.get("event_name") == "unfollow":
            with session_scope() as session:   # no more messages to them: the OA may not write to ex-followers
                oa_store.mark_unreachable(session, CHANNEL, inbound.chat_id)
            return
        asyncio.create_task(self._handle(inbound))

    async def _handle(self, inbound: Inbound) -> None:
        if inbound.display_name is None:
            inbound.display_name = await self._name_of(inbound.user_id)
        await self.on_inbound(inbound, self)

    async def _name_of(self, user_id: str) -> str | None:
        """Looked up once per user and process; a failure only costs the name."""
        if user_id not in self._names:
            try:
                self._names[user_id] = await self.client.user_name(user_id)
            except ZaloOAError as exc:
                log.info("Zalo OA user profile not read (%s)", exc.code)
                return None
            if len(self._names) > 10000:
                self._names.pop(next(iter(self._names)))
        return self._names[user_id]

    async def download(self, file: IncomingFile, sink: Sink, max_bytes: int) -> None:
        if file.size is not None and file.size > max_bytes:
            raise DownloadTooLarge(file.size, max_bytes)
        await self.client.stream_download(file.ref, sink, max_bytes)

    async def fetch_file(self, file: IncomingFile) -> bytes:
        chunks: list[bytes] = []
        await self.client.stream_download(file.ref, chunks.append, 50 * 1024 * 1024)
        return b"".join(chunks)

    async def start(self, *, refresh_token: str | None, access_token: str | None = None,
                    access_expires_at: datetime | None = None) -> None:
        """Seed the token chain, check the token with the OA's profile; ChannelStartError if Zalo refuses it."""
        if not self.oa_secret_key:
            log.error("ZALO_OA_SECRET_KEY is not set: every Zalo OA event will be refused (401)")
        try:
            self.keeper.seed(refresh_token, access_token, access_expires_at)
            oa = await self.client.get_oa()
        except ZaloOATokenError:
            raise ChannelStartError(CHANNEL, "token") from None
        except ZaloOAError as exc:
            reason = "network" if exc.code == 1 else "api"
            raise ChannelStartError(CHANNEL, reason, str(exc.code)) from None
        self.oa_name = oa.get("name")
        self._renewer = asyncio.create_task(self._renew_loop())

    async def _renew_loop(self) -> None:
        """Renew the access token before it runs out even when nothing is sent (keeps the refresh chain alive)."""
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.renew_every_s)
                return
            except asyncio.TimeoutError:
                pass
            try:
                await self.keeper.access_token()
            except ZaloOAError as exc:
                log.error("Zalo OA token could not be renewed (%s)", exc.code)

    async def stop_receiving(self) -> None:
        self._stop.set()
        if self._renewer:
            await asyncio.gather(self._renewer, return_exceptions=True)

    async def stop(self) -> None:
        await self.stop_receiving()
        await self.http.aclose()


def expires_at_from_env(seconds_left: int | None) -> datetime | None:
    if not seconds_left:
        return None
    return datetime.fromtimestamp(time.time() + seconds_left, tz=timezone.utc).replace(tzinfo=None)
