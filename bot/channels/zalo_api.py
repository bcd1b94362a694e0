"""Low-level async client for the Zalo Bot Platform API (bot-api.zaloplatforms.com).

Quirks handled here (see /work/shared/research/zalo-bot-api.md):
- the token sits in the URL path, so it must never reach logs or exception text;
- HTTP 200 can carry ``ok: false``: the envelope is always checked;
- getUpdates returns ONE update (no list, no offset); an idle long poll is HTTP 408;
- getWebhookInfo without a webhook is HTTP 404;
- updates are re-delivered: de-duplicate by ``message_id``;
- text and captions are limited to 1..2000 characters;
- update shapes vary between the documentation and live traffic, so reading is tolerant (`normalize_update`):
  the image is `photo_url` in current traffic and in python-zalo-bot, `photo` as a string in the official
  docs (Vietnamese copy: github.com/lamdt1/ckvn-bot docs/zalo-bot-doc.md, "message.image.received:
  photo, caption"), an array or an object in other clients (a PHP SDK normalises `photo` to an array),
  `url`, or `attachments[]` with a payload URL; the sender's name is `display_name` in the docs and
  `name` in openclaw's client (extensions/zalo/src: `from: {id, name?}`) or `first_name` in a documented
  getUpdates sample, which also has no `event_name` (it is then inferred from the content);
  getUpdates' `timeout` is documented as a string.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import quote

import httpx

from bot.channels.downloads import stream_url
from bot.channels.once import Once

log = logging.getLogger(__name__)

# httpx logs every request URL at INFO, and our URLs contain the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
MAX_TEXT_LEN = 2000
REDACTED = "<zalo-token>"
_NETWORK_ERROR_CODE = 0


# --------------------------------------------------------------------------- errors


class ZaloApiError(Exception):
    """An API call failed. The message never contains the bot token."""

    def __init__(self, error_code: int, description: str, *, method: str | None = None):
        self.error_code = error_code
        self.description = description
        self.method = method
        prefix = f"{method}: " if method else ""
        super().__init__(f"{prefix}[{error_code}] {description}")


class ZaloRateLimited(ZaloApiError):
    def __init__(self, error_code: int, description: str, *, method: str | None = None,
                 retry_after: float | None = None):
        super().__init__(error_code, description, method=method)
        self.retry_after = retry_after


class ZaloForbidden(ZaloApiError):
    pass


class ZaloUnauthorized(ZaloApiError):
    pass


class ZaloNetworkError(ZaloApiError):
    """The request never got an HTTP answer (connection refused, timeout, ...)."""


def _error_class(error_code: int) -> type[ZaloApiError]:
    return {401: ZaloUnauthorized, 403: ZaloForbidden, 429: ZaloRateLimited}.get(error_code, ZaloApiError)


def _is_retryable(error: ZaloApiError) -> bool:
    return isinstance(error, (ZaloRateLimited, ZaloNetworkError)) or error.error_code >= 500


# --------------------------------------------------------------------------- helpers


class PacingLimiter:
    """Spaces calls at least 1/rate_per_s apart; callers reserve slots, then sleep outside any lock."""

    def __init__(self, rate_per_s: float):
        self._interval = 1.0 / rate_per_s if rate_per_s and rate_per_s > 0 else 0.0
        self._next_slot = 0.0

    async def wait(self) -> None:
        if not self._interval:
            return
        now = time.monotonic()
        delay = self._next_slot - now
        self._next_slot = max(now, self._next_slot) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


def split_text(text: str, limit: int = MAX_TEXT_LEN) -> list[str]:
    """Split text into chunks of at most `limit` chars, preferring line boundaries."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            head, line = _cut_long_line(line, limit)
            chunks.append(head)
        if len(current) + len(line) > limit:
            chunks.append(current)
            current = ""
        current += line
    if current:
        chunks.append(current)
    cleaned = (chunk.rstrip("\r\n") for chunk in chunks)
    return [chunk for chunk in cleaned if chunk.strip()]


def _cut_long_line(line: str, limit: int) -> tuple[str, str]:
    # Cut at the last space in the window when there is one reasonably far in, else hard cut.
    cut = line.rfind(" ", limit // 2, limit)
    cut = cut + 1 if cut > 0 else limit
    return line[:cut], line[cut:]


def _retry_after_of(response: httpx.Response, body: dict) -> float | None:
    params = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    for value in (params.get("retry_after"), response.headers.get("Retry-After")):
        try:
            if value is not None:
                return max(0.0, float(value))
        except (TypeError, ValueError):
            continue
    return None


def _json_body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# --------------------------------------------------------------------------- client


class ZaloBotClient:
    """Async Zalo Bot API client: JSON POSTs, envelope checks, typed errors, retries, pacing."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        rate_per_s: float = 10.0,
        max_retries: int = 4,
        send_retries: int = 0,
        timeout: float = 15.0,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        http_client: httpx.AsyncClient | None = None,
    ):
        if not token:
            raise ValueError("Zalo bot token is empty")
        self._token = token
        self._base_url = base_url
        self.max_retries = max_retries
        # Sends are retried by the outbox (one policy, with its own backoff and attempt count), never here too.
        self.send_retries = send_retries
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self._limiter = PacingLimiter(rate_per_s)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"ZaloBotClient(base_url={self._base_url!r}, token={REDACTED})"

    async def __aenter__(self) -> "ZaloBotClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # ----- public API methods

    async def get_me(self, *, retries: int | None = None) -> dict:
        return await self.call("getMe", retries=retries)

    async def get_updates(self, timeout: float = 30) -> dict | None:
        """One raw update body, or None when the long poll ended idle (HTTP 408)."""
        try:
            result = await self.call("getUpdates", {"timeout": str(int(timeout))},   # a string, as documented
                                     http_timeout=timeout + 10)
        except ZaloApiError as exc:
            if exc.error_code == 408:
                return None
            raise
        return result or None

    async def set_webhook(self, url: str, secret_token: str) -> dict:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> dict:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict | None:
        """Webhook info, or None when no webhook is set (Zalo answers HTTP 404)."""
        try:
            return await self.call("getWebhookInfo")
        except ZaloApiError as exc:
            if exc.error_code == 404:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> list[dict]:
        """Send text, split into several messages when it exceeds 2000 chars. Returns each result."""
        chunks = split_text(text)
        if not chunks:
            raise ValueError("Zalo messages need 1..2000 characters of text")
        return [await self.call("sendMessage", {"chat_id": chat_id, "text": chunk}, retries=self.send_retries)
                for chunk in chunks]

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> dict:
        """Send a photo by public URL; a caption over 2000 chars continues in text messages."""
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        caption_chunks = split_text(caption) if caption else []
        if caption_chunks:
            params["caption"] = caption_chunks[0]
        result = await self.call("sendPhoto", params, retries=self.send_retries)
        for chunk in caption_chunks[1:]:
            await self.call("sendMessage", {"chat_id": chat_id, "text": chunk})
        return result

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def stream_download(self, url: str, sink: Callable[[bytes], None], max_bytes: int) -> int:
        """Stream a file Zalo points to into `sink` in chunks; DownloadTooLarge past `max_bytes`,
        DownloadError otherwise (naming the status or error class, never the URL)."""
        return await stream_url(self._http, url, sink, max_bytes)

    async def download(self, url: str, *, max_bytes: int = 20 * 1024 * 1024) -> bytes:
        """Fetch a file Zalo points to (e.g. message.photo). The URL carries no token."""
        response = await self._http.get(url, follow_redirects=True)
        response.raise_for_status()
        if len(response.content) > max_bytes:
            raise ValueError(f"file larger than {max_bytes} bytes")
        return response.content

    # ----- transport

    async def call(self, method: str, params: dict | None = None, *, http_timeout: float | None = None,
                   retries: int | None = None) -> Any:
        """POST one method with retries on 429/5xx/network errors; returns `result`."""
        retries = self.max_retries if retries is None else retries
        for attempt in range(retries + 1):
            outcome = await self._call_once(method, params or {}, http_timeout)
            if not isinstance(outcome, ZaloApiError):
                return outcome.get("result")
            error = outcome
            if not _is_retryable(error) or attempt == retries:
                raise error
            delay = self._backoff_delay(attempt, error)
            log.warning("Zalo %s failed (%s); retry %d/%d in %.2fs",
                        method, error.error_code, attempt + 1, retries, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _call_once(self, method: str, params: dict, http_timeout: float | None) -> dict | ZaloApiError:
        """The success envelope, or the error to raise/retry (returned, so retries stay in one place)."""
        await self._limiter.wait()
        try:
            response = await self._http.post(
                f"{self._base_url}{self._token}/{method}", json=params, timeout=http_timeout or self.timeout
            )
        except httpx.HTTPError as exc:
            # httpx errors carry the request URL (with the token): keep only a redacted summary.
            return ZaloNetworkError(_NETWORK_ERROR_CODE, self._redact(f"{type(exc).__name__}: {exc}"), method=method)
        body = _json_body(response)
        if response.is_success and body.get("ok") is True:
            return body
        return self._error_from(method, response, body)

    def _error_from(self, method: str, response: httpx.Response, body: dict) -> ZaloApiError:
        code = body.get("error_code")
        if not isinstance(code, int) or isinstance(code, bool):
            code = response.status_code if not response.is_success else 0
        description = self._redact(str(body.get("description") or f"HTTP {response.status_code}, ok=false"))
        cls = _error_class(code)
        if cls is ZaloRateLimited:
            return ZaloRateLimited(code, description, method=method, retry_after=_retry_after_of(response, body))
        return cls(code, description, method=method)

    def _backoff_delay(self, attempt: int, error: ZaloApiError) -> float:
        delay = min(self.backoff_base * (2 ** attempt), self.max_backoff)
        retry_after = getattr(error, "retry_after", None)
        return min(max(delay, retry_after or 0.0), self.max_backoff)

    def _redact(self, text: str) -> str:
        for secret in {self._token, quote(self._token, safe=""), quote(self._token, safe=":")}:
            text = text.replace(secret, REDACTED)
        return text


# --------------------------------------------------------------------------- updates


@dataclass(frozen=True)
class ZaloUpdate:
    event_name: str
    message_id: str
    user_id: str
    chat_id: str
    display_name: str
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    date: datetime | None = None  # timezone-aware UTC
    chat_type: str = "PRIVATE"
    sticker: str | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)


class UnreadableUpdate(ValueError):
    """An update with Zalo's envelope whose content cannot be read (no sender, say)."""


def normalize_update(body: Any) -> ZaloUpdate | None:
    """Accept {"ok","result":{...}} or a bare {"event_name","message"}; None if it is neither.
    Raises UnreadableUpdate for an update whose message cannot be answered (no sender)."""
    if not isinstance(body, dict):
        return None
    if "event_name" not in body and "result" in body:
        if body.get("ok") is False:
            return None
        body = body["result"]
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    if not isinstance(message, dict):
        return None
    event_name = _text(body.get("event_name")) or _infer_event(message)
    return _update_from_message(event_name, message, body)


def _infer_event(message: dict) -> str:
    """A sample update of the docs has no event_name: tell the kind from what the message carries."""
    if _text(message.get("text")):
        return "message.text.received"
    if _photo_url(message, image_event=True):
        return "message.image.received"
    if message.get("sticker"):
        return "message.sticker.received"
    return "message.unsupported.received"


def _photo_url(message: dict, image_event: bool) -> str | None:
    """Every image shape seen in the docs and public clients (module docstring); the first URL found."""
    candidates = [message.get("photo_url"), message.get("photo")]
    if image_event:
        candidates.append(message.get("url"))   # on a sticker event `url` is the sticker's, not a photo
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        candidates += [a for a in attachments if not isinstance(a, dict) or a.get("type") in (None, "image", "photo")]
    for candidate in candidates:
        url = _url_in(candidate)
        if url:
            return url
    return None


def _url_in(value: Any, depth: int = 0) -> str | None:
    if isinstance(value, str):
        return value if value.startswith(("http://", "https://")) else None
    if depth > 2:
        return None
    if isinstance(value, list):
        return next((u for v in value if (u := _url_in(v, depth + 1))), None)
    if isinstance(value, dict):
        for key in ("url", "photo_url", "href", "thumbnail", "payload"):
            if (u := _url_in(value.get(key), depth + 1)):
                return u
    return None


def _sender_name(sender: dict) -> str:
    if _text(sender.get("display_name")):
        return sender["display_name"]
    if _text(sender.get("name")):
        return sender["name"]
    parts = [sender.get("first_name"), sender.get("last_name")]
    return " ".join(p for p in parts if isinstance(p, str) and p)


def _update_from_message(event_name: str, message: dict, raw: dict) -> ZaloUpdate:
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    user_id = _as_id(sender.get("id"))
    if not user_id:
        raise UnreadableUpdate("no sender")
    # Fields of a type we do not know (a newer Zalo object) are left out rather than passed on: a message
    # with nothing readable left is answered like any unsupported message.
    return ZaloUpdate(
        event_name=event_name,
        message_id=_as_id(message.get("message_id")),
        user_id=user_id,
        chat_id=_as_id(chat.get("id")) or user_id,  # private chats: chat.id == from.id
        display_name=_sender_name(sender),
        text=_text(message.get("text")),
        photo_url=_photo_url(message, image_event=event_name == "message.image.received"),
        caption=_text(message.get("caption")),
        date=_date_from_epoch(message.get("date")),
        chat_type=_text(chat.get("chat_type")) or "PRIVATE",
        sticker=_text(message.get("sticker")),
        raw=raw,
    )


def _as_str(value: Any) -> str:
    return "" if value is None else str(value)


def _as_id(value: Any) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_update(body: Any, once: Once | None = None) -> ZaloUpdate | None:
    """normalize_update that never raises: an update that cannot be read is logged once, short (its
    message_id and the exception class, never the body), and skipped (None)."""
    try:
        return normalize_update(body)
    except Exception as exc:
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(body, dict) and isinstance(body.get("result"), dict):
            message = body["result"].get("message")
        message_id = _as_id(message.get("message_id")) if isinstance(message, dict) else ""
        if once is None or once.first(message_id or repr(type(exc))):
            log.warning("skipped Zalo update %.40s that cannot be read (%s)", message_id or "?", type(exc).__name__)
        return None


def _date_from_epoch(value: Any) -> datetime | None:
    try:
        stamp = float(value)
    except (TypeError, ValueError):
        return None
    if stamp > 1e11:  # Zalo sends milliseconds; tolerate seconds too
        stamp /= 1000
    return datetime.fromtimestamp(stamp, tz=timezone.utc)


class UpdateDeduper:
    """Remembers the last `maxlen` message_ids, because Zalo re-delivers consumed updates."""

    def __init__(self, maxlen: int = 2048):
        self.maxlen = maxlen
        self._seen: OrderedDict[str, None] = OrderedDict()

    def is_duplicate(self, message_id: str) -> bool:
        """True if seen before; otherwise records it and returns False. Empty ids are never duplicates."""
        if not message_id:
            return False
        if message_id in self._seen:
            self._seen.move_to_end(message_id)
            return True
        self._seen[message_id] = None
        if len(self._seen) > self.maxlen:
            self._seen.popitem(last=False)
        return False

    def __contains__(self, message_id: str) -> bool:
        return message_id in self._seen

    def __len__(self) -> int:
        return len(self._seen)


UpdateHandler = Callable[[ZaloUpdate], Awaitable[None] | None]


async def poll_updates(
    client: ZaloBotClient,
    handler: UpdateHandler,
    stop_event: asyncio.Event,
    *,
    poll_timeout: float = 30,
    deduper: UpdateDeduper | None = None,
    idle_delay: float = 1.0,
    max_error_delay: float = 30.0,
) -> None:
    """Long-poll getUpdates until stop_event is set, handing each new update to `handler`.

    A 408 (idle) polls again at once. After an error, a duplicate or an unreadable update
    it waits at least `idle_delay` (Zalo answers re-deliveries instantly, ~12 req/s).
    A bad token (401) is not retried: it raises ZaloUnauthorized.
    """
    deduper = deduper or UpdateDeduper()
    unreadable = Once()
    error_delay = idle_delay
    while not stop_event.is_set():
        try:
            stopped, body = await _unless_stopped(client.get_updates(timeout=poll_timeout), stop_event)
        except ZaloUnauthorized:
            raise
        except ZaloApiError as exc:
            log.warning("Zalo getUpdates failed: %s", exc)
            await _pause(stop_event, error_delay)
            error_delay = min(error_delay * 2, max_error_delay)
            continue
        if stopped:
            return
        error_delay = idle_delay
        if body is None:
            continue
        update = read_update(body, unreadable)
        if update is None or deduper.is_duplicate(update.message_id):
            await _pause(stop_event, idle_delay)
            continue
        await _dispatch(handler, update)


async def _unless_stopped(coro: Awaitable[Any], stop_event: asyncio.Event) -> tuple[bool, Any]:
    """Run `coro` but give up (cancel it) as soon as stop_event is set. Returns (stopped, result)."""
    work = asyncio.ensure_future(coro)
    stopper = asyncio.ensure_future(stop_event.wait())
    try:
        await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work, stopper):
            if not task.done():
                task.cancel()
    if work.done() and not work.cancelled():
        return False, work.result()
    return True, None


async def _pause(stop_event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop_event.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass


async def _dispatch(handler: UpdateHandler, update: ZaloUpdate) -> None:
    # One bad update must not stop the poller.
    try:
        result = handler(update)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("Zalo update handler failed for event %s", update.event_name)
