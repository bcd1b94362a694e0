"""A sandbox Telegram Bot API server for end-to-end tests and the demo.

The real python-telegram-bot Application runs against it over real HTTP::

    async with TelegramSandbox() as sb:
        app = (Application.builder().token(sb.token)
               .base_url(sb.api_base_url).base_file_url(sb.file_base_url).build())
        sb.add_user(1001, "Cô Lan")
        await sb.send_text(1001, "/start")
        reply = await sb.wait_for_message(1001, contains="Chào")

It runs inside the current asyncio loop (starlette + uvicorn, 127.0.0.1 only) and answers like Telegram:
the same JSON envelopes, error texts and limits (see /work/shared/research/telegram-notes.md):

- POST/GET /bot<token>/<method> with parameters as query string, JSON, urlencoded or multipart form
  (PTB sends urlencoded forms whose nested values are JSON strings, multipart when it uploads);
- GET /file/bot<token>/<file_path> serves files for getFile;
- getUpdates long-polls; setWebhook makes the sandbox POST updates to the webhook instead;
- limits: ~30 messages/s per bot, a burst of 3 then 1/s per private chat, 20/min per group, 4096-char
  texts, 1..64-byte callback data, 20 MB downloads; rejected calls are never recorded as sent;
- faults: blocked users (403), injected 5xx answers and hanging calls.

Test code and the HTTP handlers share the state from the one event loop, so no locks are needed; one
asyncio.Condition wakes every waiter (long polls, webhook delivery, wait_for) on each change.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import math
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any, Literal, NamedTuple

import httpx
from bot.asgi import LocalAsgiServer  # noqa: F401  (re-exported for tests)
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

MB = 1024 * 1024
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FaultKind = Literal["5xx", "timeout", "timeout_after_send"]
FAULT_KINDS = ("5xx", "timeout", "timeout_after_send")
PHOTO_SIDES = (90, 320, 800)  # the sizes Telegram makes of a photo, smallest first
HTML_TAGS = {  # what Telegram's HTML parse mode understands; any other tag is a 400
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)

Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[Any]]


# --------------------------------------------------------------------------- limits and errors


@dataclass
class Limits:
    """Telegram's limits (the defaults); change them on a live sandbox to loosen or tighten."""

    enforce_rate_limits: bool = True
    bot_per_window: int = 30  # messages per bot in any window of bot_window_s
    bot_window_s: float = 1.0
    private_burst: int = 3  # token bucket per private chat ...
    private_per_s: float = 1.0  # ... refilled at this rate
    group_per_window: int = 20
    group_window_s: float = 60.0
    max_text: int = 4096
    max_caption: int = 1024
    max_callback_data: int = 64  # bytes
    max_callback_answer: int = 200
    max_download: int = 20 * MB  # getFile
    max_upload: int = 50 * MB


class ApiError(Exception):
    """An error answer of the Bot API, raised inside method handlers."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(wait_s: float) -> ApiError:
    # Whole seconds, at least 1; the epsilon keeps float noise (1.0000000002) from adding a second.
    retry_after = max(1, math.ceil(wait_s - 1e-9))
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


# --------------------------------------------------------------------------- records


@dataclass
class SandboxUser:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "vi"
    started: bool = True  # False: never opened the bot, so the bot may not write first

    def to_json(self) -> dict:
        user = {"id": self.id, "is_bot": False, "first_name": self.first_name,
                "language_code": self.language_code}
        if self.username:
            user["username"] = self.username
        return user

    def chat_json(self) -> dict:
        chat = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class SandboxGroup:
    id: int  # negative, as Telegram's group ids are
    title: str

    def chat_json(self) -> dict:
        return {"id": self.id, "type": "group", "title": self.title}


@dataclass
class StoredFile:
    """A file the sandbox holds: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None  # photo sizes only

    @property
    def size(self) -> int:
        return len(self.data)

    def document_json(self) -> dict:
        doc = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.size}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_size_json(self) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "width": self.width, "height": self.width, "file_size": self.size}


class Button(NamedTuple):
    text: str
    data: str | None  # callback_data, or the url of a link button


@dataclass
class SentMessage:
    """A message the bot sent, as it stands now (after edits)."""

    message_id: int
    chat_id: int
    method: str
    date: int
    text: str | None = None  # visible text: HTML tags already parsed away
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict | None = None
    document: StoredFile | None = None
    photo_sizes: list[StoredFile] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)  # earlier texts, oldest first
    edit_date: int | None = None

    @property
    def photo(self) -> bytes | None:
        return self.photo_sizes[-1].data if self.photo_sizes else None

    @property
    def content(self) -> str:
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[Button]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [Button(b["text"], b.get("callback_data", b.get("url"))) for row in rows for b in row]


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One Bot API call the bot made, for assertions and debugging."""

    method: str
    params: Params
    status: int


@dataclass
class SandboxStats:
    calls: Counter = field(default_factory=Counter)  # Bot API calls by method
    sent: Counter = field(default_factory=Counter)  # admitted sends and edits by method
    errors: Counter = field(default_factory=Counter)  # error answers by HTTP status
    webhook_deliveries: int = 0
    webhook_failures: int = 0  # failed POST attempts; each retry counts
    downloads: int = 0  # files served by GET /file/...

    @property
    def http_429(self) -> int:
        return self.errors[429]

    @property
    def sent_messages(self) -> int:
        """New messages (send*), not counting edits."""
        return sum(n for method, n in self.sent.items() if method.startswith("send"))


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Fault:
    kind: str
    status: int


# --------------------------------------------------------------------------- rate limiting


class SlidingWindow:
    """At most `limit` events in any window of `window_s` seconds."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def wait(self, now: float, limit: int, window_s: float) -> float:
        """Seconds until one more event fits (0 if it fits now)."""
        while self._times and self._times[0] <= now - window_s:
            self._times.popleft()
        if len(self._times) < limit:
            return 0.0
        return self._times[-limit] + window_s - now

    def add(self, now: float) -> None:
        self._times.append(now)


class TokenBucket:
    """Bursts of `capacity` events, refilled at `rate` per second."""

    def __init__(self, capacity: int) -> None:
        self._tokens = float(capacity)
        self._last: float | None = None

    def wait(self, now: float, capacity: int, rate: float) -> float:
        if self._last is not None:
            self._tokens = min(capacity, self._tokens + (now - self._last) * rate)
        self._last = now
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / rate

    def take(self) -> None:
        self._tokens -= 1


class RateLimiter:
    """Telegram's message limits: per bot, per private chat and per group."""

    def __init__(self, limits: Limits, clock: Callable[[], float]):
        self.limits = limits
        self._clock = clock
        self._bot = SlidingWindow()
        self._private: dict[int, TokenBucket] = {}
        self._groups: dict[int, SlidingWindow] = {}

    def admit(self, chat_id: int) -> None:
        """Take a slot for one message to chat_id, or raise 429 and take nothing."""
        lim = self.limits
        if not lim.enforce_rate_limits:
            return
        now = self._clock()
        bot_wait = self._bot.wait(now, lim.bot_per_window, lim.bot_window_s)
        if chat_id > 0:
            bucket = self._private.setdefault(chat_id, TokenBucket(lim.private_burst))
            chat_wait = bucket.wait(now, lim.private_burst, lim.private_per_s)
        else:
            window = self._groups.setdefault(chat_id, SlidingWindow())
            chat_wait = window.wait(now, lim.group_per_window, lim.group_window_s)
        if max(bot_wait, chat_wait) > 0:
            raise too_many_requests(max(bot_wait, chat_wait))
        self._bot.add(now)
        if chat_id > 0:
            bucket.take()
        else:
            window.add(now)


# --------------------------------------------------------------------------- request parsing


async def read_params(request: Request) -> Params:
    """Bot API parameters from the query string and a JSON, urlencoded or multipart body."""
    params: Params = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        data = _parse_json(body, "request body") if body else {}
        if not isinstance(data, dict):
            raise bad_request("can't parse request body JSON object")
        params.update(data)
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form() as form:
            for key, value in form.multi_items():
                params[key] = await _read_upload(value) if isinstance(value, UploadFile) else value
    return params


async def _read_upload(upload: UploadFile) -> Upload:
    return Upload(upload.filename, upload.content_type, await upload.read())


def _parse_json(value: Any, what: str) -> Any:
    """Nested fields (reply_markup, commands, ...) arrive as JSON strings in forms."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {what} JSON object") from None


def _as_bool(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _as_number(value: Any, name: str, default: float | None = None) -> float:
    if value in (None, ""):
        if default is None:
            raise bad_request(f"{name} is empty")
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} is invalid") from None


def _as_int(value: Any, name: str, default: int | None = None) -> int:
    return int(_as_number(value, name, default))


class _HtmlText(HTMLParser):
    """Collects the visible text of a parse_mode=HTML message, refusing tags Telegram refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in HTML_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    """What the user sees; Telegram also checks lengths on this, not on the markup."""
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # entity offsets and lengths count UTF-16 units


def _now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------- local server


# --------------------------------------------------------------------------- the sandbox


class TelegramSandbox:
    """One bot's view of Telegram: its users and groups, their updates, what the bot sent.

    Test side: add_user/add_group/block/inject_fault, send_text/send_document/send_photo/press to
    act as users, sent/wait_for_message/wait_for/stats/calls to check what the bot did.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        username: str = "thidua_sandbox_bot",
        first_name: str = "Thi đua (sandbox)",
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        port: int = 0,
        timeout_hang_s: float = 15.0,
        webhook_attempts: int = 4,
        webhook_backoff_s: float = 0.05,
        download_delay_s: float = 0.0,
    ):
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.limits = limits or Limits()
        self.timeout_hang_s = timeout_hang_s  # longer than PTB's 5 s read timeout
        self.webhook_attempts = webhook_attempts
        self.webhook_backoff_s = webhook_backoff_s
        # Seconds each file download (GET /file/...) takes, as from a slow Telegram file server; may be
        # changed on a live sandbox. An asyncio.sleep, so everything else keeps being answered meanwhile.
        self.download_delay_s = download_delay_s
        self.stats = SandboxStats()
        self.calls: deque[ApiCall] = deque(maxlen=10_000)
        self.callback_answers: dict[str, dict] = {}  # by callback query id (= str(update_id))
        self.webhook: WebhookConfig | None = None
        self.long_polls_waiting = 0

        self._rate = RateLimiter(self.limits, clock)
        self._users: dict[int, SandboxUser] = {}
        self._groups: dict[int, SandboxGroup] = {}
        self._blocked: set[int] = set()
        self._messages: dict[int, list[SentMessage]] = {}
        self._message_ids: dict[int, itertools.count] = {}  # per chat, shared by bot and user
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._updates: list[dict] = []  # pending, oldest first
        self._allowed_updates: list[str] | None = None
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._callback_queries: set[str] = set()
        self._faults: dict[str, deque[_Fault]] = {}
        self._poll_generation = 0
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._webhook_task: asyncio.Task | None = None
        self._http: httpx.AsyncClient | None = None
        self._server = LocalAsgiServer(self._build_app(), port)
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "getFile": self._get_file,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
            }.items()
        }

    # ----- lifecycle

    async def start(self) -> TelegramSandbox:
        self._closing.clear()
        self._http = httpx.AsyncClient(timeout=10.0)
        await self._server.start()
        return self

    async def stop(self) -> None:
        self._closing.set()  # parked long polls and hanging faults answer at once
        await self._notify()
        await self._stop_webhook_delivery()
        await self._server.stop()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> TelegramSandbox:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._server.port is None:
            raise RuntimeError("TelegramSandbox is not started")
        return self._server.url

    @property
    def api_base_url(self) -> str:
        """For Application.builder().base_url(): PTB appends the token."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.base_url}/file/bot"

    # ----- test side: people, chats and faults

    def add_user(self, user_id: int, first_name: str, username: str | None = None, *,
                 started: bool = True) -> SandboxUser:
        user = SandboxUser(user_id, first_name, username, started=started)
        self._users[user_id] = user
        return user

    def add_group(self, chat_id: int, title: str) -> SandboxGroup:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        group = SandboxGroup(chat_id, title)
        self._groups[chat_id] = group
        return group

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403 until they write again."""
        self._ensure_user(user_id)
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def inject_fault(self, method: str, kind: FaultKind = "5xx", times: int = 1, *,
                     status: int = 500) -> None:
        """The next `times` calls of `method` fail.

        "5xx": answer `status` (500 or 502) without doing anything;
        "timeout": hang for timeout_hang_s (past the client's timeout) without doing anything;
        "timeout_after_send": do the call, then hang: the client retries something that happened.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        if method.lower() not in self._methods:
            raise ValueError(f"the sandbox has no method {method!r}")
        self._faults.setdefault(method.lower(), deque()).extend([_Fault(kind, status)] * times)

    # ----- test side: what users do

    async def send_text(self, user_id: int, text: str) -> int:
        """A private message; a leading /command gets its bot_command entity, as Telegram does."""
        message = self._user_message(user_id, text=text)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        return await self._push_update("message", message)

    async def send_document(self, user_id: int, filename: str, data: bytes,
                            mime_type: str = "application/octet-stream", caption: str | None = None,
                            media_group_id: str | None = None) -> int:
        stored = self._store_file(data, "documents", filename, mime_type)
        message = self._user_message(user_id, document=stored.document_json())
        return await self._push_update("message", _with_extras(message, caption, media_group_id))

    async def send_photo(self, user_id: int, data: bytes, caption: str | None = None,
                         media_group_id: str | None = None) -> int:
        """A photo as Telegram delivers it: several PhotoSize, largest last (all the same bytes here)."""
        sizes = self._store_photo(data)
        message = self._user_message(user_id, photo=[s.photo_size_json() for s in sizes])
        return await self._push_update("message", _with_extras(message, caption, media_group_id))

    async def press(self, user_id: int, message_id: int, callback_data: str) -> int:
        """The user presses a button of a message the bot sent them.

        The data is not checked against the message's buttons, so tests can forge it.
        """
        sent = self._find_sent(user_id, message_id)
        if sent is None:
            raise ValueError(f"the bot sent no message {message_id} to chat {user_id}")
        user = self._ensure_user(user_id)
        update_id = next(self._update_ids)
        query = {"id": str(update_id), "from": user.to_json(), "message": self._message_json(sent),
                 "chat_instance": str(user_id), "data": callback_data}
        self._callback_queries.add(query["id"])
        return await self._push_update("callback_query", query, update_id)

    async def press_button(self, user_id: int, message_id: int, text: str) -> int:
        """Press the inline button labelled `text`."""
        sent = self._find_sent(user_id, message_id)
        data = next((b.data for b in (sent.buttons if sent else []) if b.text == text), None)
        if data is None:
            raise LookupError(f"message {message_id} in chat {user_id} has no button {text!r}")
        return await self.press(user_id, message_id, data)

    # ----- test side: what the bot did

    def sent(self, chat_id: int) -> list[SentMessage]:
        return list(self._messages.get(chat_id, []))

    def buttons(self, message: SentMessage) -> list[Button]:
        return message.buttons

    def callback_answer(self, update_id: int) -> dict | None:
        """How the bot answered the callback query of update `update_id`, if it did."""
        return self.callback_answers.get(str(update_id))

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return list(self._commands.get(_commands_key(scope, language_code), []))

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    @property
    def pending_updates(self) -> list[dict]:
        return list(self._updates)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until predicate() is truthy (re-checked on every change) and return its value."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    return await self._changed.wait_for(predicate)
            except TimeoutError:
                raise TimeoutError(f"condition not met within {timeout}s") from None

    async def wait_for_message(self, chat_id: int, contains: str | None = None,
                               predicate: Callable[[SentMessage], bool] | None = None,
                               after_message_id: int = 0, timeout: float = 5.0) -> SentMessage:
        """The first message to chat_id after `after_message_id` whose current text matches."""

        def find() -> SentMessage | None:
            for sent in self._messages.get(chat_id, []):
                if (sent.message_id > after_message_id
                        and (contains is None or contains in sent.content)
                        and (predicate is None or predicate(sent))):
                    return sent
            return None

        try:
            return await self.wait_for(find, timeout)
        except TimeoutError:
            seen = [(m.message_id, m.content) for m in self.sent(chat_id)]
            raise TimeoutError(f"no message to chat {chat_id} containing {contains!r} after "
                               f"#{after_message_id} within {timeout}s; sent: {seen!r}") from None

    # ----- HTTP

    def _build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._handle_file, methods=["GET"]),
            ],
            exception_handlers={404: self._not_found},
        )

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        return _error_response(ApiError(404, "Not Found"))

    async def _handle_api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        entry = self._methods.get(request.path_params["method"].lower())
        if entry is None:
            return _error_response(ApiError(404, "Not Found"))
        name, handler = entry
        self.stats.calls[name] += 1
        params: Params = {}
        try:
            params = await read_params(request)
            response = JSONResponse({"ok": True, "result": await self._call(name, handler, params)})
        except ApiError as error:
            self.stats.errors[error.code] += 1
            response = _error_response(error)
        self.calls.append(ApiCall(name, params, response.status_code))
        await self._notify()
        return response

    async def _call(self, name: str, handler: Handler, params: Params) -> Any:
        queue = self._faults.get(name.lower())
        fault = queue.popleft() if queue else None
        if fault is None:
            return await handler(params)
        if fault.kind == "5xx":
            raise ApiError(fault.status, HTTPStatus(fault.status).phrase)
        if fault.kind == "timeout":
            await self._hang()
            raise ApiError(504, "Gateway Timeout")  # nobody is listening any more
        result = await handler(params)  # timeout_after_send
        await self._hang()
        return result

    async def _hang(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.timeout_hang_s):
                await self._closing.wait()

    async def _handle_file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        stored = self._files_by_path.get(request.path_params["file_path"])
        if stored is None or stored.size > self.limits.max_download:
            return _error_response(ApiError(404, "Not Found"))
        self.stats.downloads += 1
        if self.download_delay_s > 0:
            await asyncio.sleep(self.download_delay_s)
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ----- Bot API: bot and updates

    async def _get_me(self, p: Params) -> dict:
        return {**self._bot_json(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _get_updates(self, p: Params) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        self._confirm(_as_int(p.get("offset"), "offset", 0))
        if "allowed_updates" in p:
            self._allowed_updates = _parse_json(p["allowed_updates"], "allowed_updates") or None
        limit = min(max(_as_int(p.get("limit"), "limit", 100), 1), 100)
        timeout = max(_as_number(p.get("timeout"), "timeout", 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        if timeout and not self._updates:
            await self._long_poll(timeout, generation)
        if generation != self._poll_generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                "make sure that only one bot instance is running")
        return self._updates[:limit]

    def _confirm(self, offset: int) -> None:
        """Telegram forgets updates below a positive offset; a negative one keeps the last -offset."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    async def _long_poll(self, timeout: float, generation: int) -> None:
        """Wait for an update, a newer getUpdates (which supersedes this one) or shutdown."""
        self.long_polls_waiting += 1
        try:
            await self._notify()  # an older long poll learns it is superseded
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._changed.wait_for(
                            lambda: self._updates or generation != self._poll_generation
                            or self._closing.is_set())
        finally:
            self.long_polls_waiting -= 1

    async def _push_update(self, kind: str, payload: dict, update_id: int | None = None) -> int:
        """Queue an update; like Telegram, kinds outside allowed_updates are never queued."""
        update_id = update_id if update_id is not None else next(self._update_ids)
        if self._allowed_updates is None or kind in self._allowed_updates:
            self._updates.append({"update_id": update_id, kind: payload})
        await self._notify()
        return update_id

    # ----- Bot API: webhook

    async def _set_webhook(self, p: Params) -> bool:
        url = p.get("url") or ""
        if not url:
            return await self._delete_webhook(p)  # Telegram: an empty url removes the webhook
        if not re.match(r"https?://", url):  # the sandbox also takes http, for local receivers
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token") or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if _as_bool(p.get("drop_pending_updates")):
            self._updates.clear()
        if "allowed_updates" in p:
            self._allowed_updates = _parse_json(p["allowed_updates"], "allowed_updates") or None
        self.webhook = WebhookConfig(url, secret)
        if self._webhook_task is None:
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        return True

    async def _delete_webhook(self, p: Params) -> bool:
        if _as_bool(p.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook = None
        await self._stop_webhook_delivery()
        return True

    async def _get_webhook_info(self, p: Params) -> dict:
        info: dict[str, Any] = {"url": self.webhook.url if self.webhook else "",
                                "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self.webhook is not None:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
            if self.webhook.last_error_date:
                info["last_error_date"] = self.webhook.last_error_date
                info["last_error_message"] = self.webhook.last_error_message
        return info

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhooks(self) -> None:
        """POST pending updates one at a time, in order; an update leaves the queue once delivered
        (or given up on after webhook_attempts tries)."""
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: self._updates)
                update = self._updates[0]
            await self._post_update(update)
            with contextlib.suppress(ValueError):
                self._updates.remove(update)
            await self._notify()

    async def _post_update(self, update: dict) -> bool:
        hook = self.webhook
        if hook is None or self._http is None:
            return False
        headers = {WEBHOOK_SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        for attempt in range(self.webhook_attempts):
            if attempt:  # Telegram re-sends on any non-2xx answer, backing off
                await asyncio.sleep(self.webhook_backoff_s * 2 ** (attempt - 1))
            try:
                response = await self._http.post(hook.url, json=update, headers=headers)
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            else:
                if response.is_success:
                    self.stats.webhook_deliveries += 1
                    return True
                error = (f"Wrong response from the webhook: "
                         f"{response.status_code} {response.reason_phrase}")
            hook.last_error_date, hook.last_error_message = _now(), error
            self.stats.webhook_failures += 1
        return False

    # ----- Bot API: messages

    async def _send_message(self, p: Params) -> dict:
        chat_id = self._chat_id(p)
        text = self._checked_text(p.get("text"), p.get("parse_mode"))
        markup = self._checked_markup(p.get("reply_markup"))
        self._admit(chat_id)
        sent = self._record(chat_id, "sendMessage", text=text, parse_mode=p.get("parse_mode"),
                            reply_markup=markup)
        return self._message_json(sent)

    async def _edit_message_text(self, p: Params) -> dict:
        sent = self._message_to_edit(p)
        text = self._checked_text(p.get("text"), p.get("parse_mode"))
        markup = self._checked_markup(p.get("reply_markup"))  # no markup removes the keyboard
        if sent.text is None:
            raise bad_request("there is no text in the message to edit")
        if text == sent.text and markup == sent.reply_markup:
            raise bad_request(NOT_MODIFIED)
        self._admit(sent.chat_id)
        sent.edits.append(sent.text)
        sent.text, sent.reply_markup, sent.edit_date = text, markup, _now()
        self.stats.sent["editMessageText"] += 1
        return self._message_json(sent)

    async def _edit_message_reply_markup(self, p: Params) -> dict:
        sent = self._message_to_edit(p)
        markup = self._checked_markup(p.get("reply_markup"))
        if markup == sent.reply_markup:
            raise bad_request(NOT_MODIFIED)
        self._admit(sent.chat_id)
        sent.reply_markup, sent.edit_date = markup, _now()
        self.stats.sent["editMessageReplyMarkup"] += 1
        return self._message_json(sent)

    async def _send_document(self, p: Params) -> dict:
        chat_id = self._chat_id(p)
        source = self._file_input(p, "document")
        caption = self._checked_caption(p.get("caption"), p.get("parse_mode"))
        markup = self._checked_markup(p.get("reply_markup"))
        self._admit(chat_id)
        if isinstance(source, Upload):
            source = self._store_file(source.data, "documents", source.filename, source.content_type)
        sent = self._record(chat_id, "sendDocument", caption=caption, parse_mode=p.get("parse_mode"),
                            reply_markup=markup, document=source)
        return self._message_json(sent)

    async def _send_photo(self, p: Params) -> dict:
        chat_id = self._chat_id(p)
        source = self._file_input(p, "photo")
        caption = self._checked_caption(p.get("caption"), p.get("parse_mode"))
        markup = self._checked_markup(p.get("reply_markup"))
        self._admit(chat_id)
        sizes = self._store_photo(source.data) if isinstance(source, Upload) else [source]
        sent = self._record(chat_id, "sendPhoto", caption=caption, parse_mode=p.get("parse_mode"),
                            reply_markup=markup, photo_sizes=sizes)
        return self._message_json(sent)

    async def _send_chat_action(self, p: Params) -> bool:
        chat_id = self._chat_id(p)
        if not p.get("action"):
            raise bad_request("action is empty")
        self._check_reachable(chat_id)  # an action is not a message: no rate limit
        return True

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self._callback_queries or query_id in self.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if text and len(text) > self.limits.max_callback_answer:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {"text": text, "show_alert": _as_bool(p.get("show_alert")),
                                           "url": p.get("url")}
        return True

    # ----- Bot API: files and commands

    async def _get_file(self, p: Params) -> dict:
        stored = self._files.get(str(p.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > self.limits.max_download:
            raise bad_request("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "file_path": stored.file_path}

    async def _set_my_commands(self, p: Params) -> bool:
        commands = _parse_json(p.get("commands") or "[]", "commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not (isinstance(command, dict)
                    and re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", "")))
                    and 1 <= len(str(command.get("description", ""))) <= 256):
                raise bad_request("BOT_COMMAND_INVALID")
        self._commands[self._commands_key(p)] = commands
        return True

    async def _delete_my_commands(self, p: Params) -> bool:
        self._commands.pop(self._commands_key(p), None)
        return True

    async def _get_my_commands(self, p: Params) -> list[dict]:
        return self._commands.get(self._commands_key(p), [])

    def _commands_key(self, p: Params) -> tuple[str, str]:
        return _commands_key(_parse_json(p.get("scope"), "scope"), p.get("language_code") or "")

    # ----- checks shared by the methods

    def _chat_id(self, p: Params) -> int:
        value = p.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        if not _is_numeric(value):  # e.g. "@channel": the sandbox has no public chats
            raise bad_request("chat not found")
        chat_id = int(value)
        if chat_id not in self._users and chat_id not in self._groups:
            raise bad_request("chat not found")
        return chat_id

    def _check_reachable(self, chat_id: int) -> None:
        if chat_id in self._blocked:
            raise forbidden("bot was blocked by the user")
        user = self._users.get(chat_id)
        if user is not None and not user.started:
            raise forbidden("bot can't initiate conversation with a user")

    def _admit(self, chat_id: int) -> None:
        """Last check before a message goes out, so rejected calls never count as sent."""
        self._check_reachable(chat_id)
        self._rate.admit(chat_id)

    def _checked_text(self, text: Any, parse_mode: str | None) -> str:
        visible = visible_text(str(text or ""), parse_mode)
        if not visible.strip():
            raise bad_request("message text is empty")
        if len(visible) > self.limits.max_text:
            raise bad_request("message is too long")
        return visible

    def _checked_caption(self, caption: Any, parse_mode: str | None) -> str | None:
        if not caption:
            return None
        visible = visible_text(str(caption), parse_mode)
        if len(visible) > self.limits.max_caption:
            raise bad_request("message caption is too long")
        return visible

    def _checked_markup(self, value: Any) -> dict | None:
        if value in (None, ""):
            return None
        markup = _parse_json(value, "reply keyboard markup")
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
        return markup

    def _check_inline_keyboard(self, rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be '
                              'an Array of Arrays')
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request('can\'t parse inline keyboard button: '
                                  'Field "text" must be of type String')
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= self.limits.max_callback_data:
                raise bad_request("BUTTON_DATA_INVALID")

    def _message_to_edit(self, p: Params) -> SentMessage:
        if p.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the sandbox")
        sent = self._find_sent(self._chat_id(p), _as_int(p.get("message_id"), "message_id"))
        if sent is None:
            raise bad_request("message to edit not found")
        return sent

    def _file_input(self, p: Params, name: str) -> Upload | StoredFile:
        """An uploaded file, or a file the sandbox already holds, sent again by file_id."""
        value = p.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > self.limits.max_upload:
                raise ApiError(413, "Request Entity Too Large")
            return value
        if not value:
            raise bad_request(f"there is no {name} in the request")
        stored = self._files.get(str(value))
        if stored is None:  # the sandbox does not fetch URLs
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    # ----- state helpers

    def _ensure_user(self, user_id: int) -> SandboxUser:
        return self._users.get(user_id) or self.add_user(user_id, f"User {user_id}")

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(self, user_id: int, **content: Any) -> dict:
        user = self._ensure_user(user_id)
        user.started = True
        self._blocked.discard(user_id)  # a user who writes has (re)opened the bot
        return {"message_id": self._next_message_id(user_id), "from": user.to_json(),
                "chat": user.chat_json(), "date": _now(), **content}

    def _record(self, chat_id: int, method: str, **content: Any) -> SentMessage:
        sent = SentMessage(self._next_message_id(chat_id), chat_id, method, _now(), **content)
        self._messages.setdefault(chat_id, []).append(sent)
        self.stats.sent[method] += 1
        return sent

    def _find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        return next((m for m in self._messages.get(chat_id, []) if m.message_id == message_id), None)

    def _store_file(self, data: bytes, folder: str, file_name: str | None = None,
                    mime_type: str | None = None, width: int | None = None) -> StoredFile:
        number = next(self._file_numbers)
        digest = hashlib.sha256(data).hexdigest()
        suffix = PurePosixPath(file_name).suffix if file_name else ".jpg" if folder == "photos" else ""
        prefix = "AgAC" if folder == "photos" else "BQAC"  # Telegram's prefixes for photos/documents
        stored = StoredFile(
            file_id=f"{prefix}{number:06d}{digest[:20]}",
            file_unique_id=f"AQAD{digest[:12]}{width or ''}",  # same bytes, same unique id
            file_path=f"{folder}/file_{number}{suffix}",
            data=data, file_name=file_name, mime_type=mime_type, width=width,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_photo(self, data: bytes) -> list[StoredFile]:
        return [self._store_file(data, "photos", mime_type="image/jpeg", width=side)
                for side in PHOTO_SIDES]

    def _bot_json(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name,
                "username": self.username}

    def _chat_json(self, chat_id: int) -> dict:
        chat = self._users.get(chat_id) or self._groups[chat_id]
        return chat.chat_json()

    def _message_json(self, sent: SentMessage) -> dict:
        """The full Message object Telegram returns for a message the bot sent."""
        message: dict[str, Any] = {"message_id": sent.message_id, "from": self._bot_json(),
                                   "chat": self._chat_json(sent.chat_id), "date": sent.date}
        if sent.edit_date is not None:
            message["edit_date"] = sent.edit_date
        if sent.text is not None:
            message["text"] = sent.text
        if sent.caption is not None:
            message["caption"] = sent.caption
        if sent.document is not None:
            message["document"] = sent.document.document_json()
        if sent.photo_sizes:
            message["photo"] = [s.photo_size_json() for s in sent.photo_sizes]
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup  # only inline keyboards come back
        return message


    # ----- test side: updates as Telegram might send them one day

    async def push_raw_update(self, fields: dict) -> int:
        """Queue an update carrying `fields` as given (a newer or malformed Bot API object); returns its id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **fields})
        await self._notify()
        return update_id

    def user_message_json(self, user_id: int, **content: Any) -> dict:
        """A message from `user_id` as the sandbox would deliver it, for building raw updates."""
        return self._user_message(user_id, **content)


def _error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.code)


def _is_numeric(value: Any) -> bool:
    if isinstance(value, int):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None


def _commands_key(scope: dict | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _with_extras(message: dict, caption: str | None, media_group_id: str | None) -> dict:
    if caption:
        message["caption"] = caption
    if media_group_id:
        message["media_group_id"] = media_group_id
    return message
