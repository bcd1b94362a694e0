"""A sandbox Zalo Bot Platform API server for tests and the demo.

It runs inside the current asyncio loop (starlette + uvicorn, 127.0.0.1 only) and reproduces the
quirks in /work/shared/research/zalo-bot-api.md:

- POST /bot<TOKEN>/<method>; a wrong token answers 401 {"ok":false,"error_code":401,...};
- getUpdates takes only `timeout`, returns ONE update (not a list), has no offset, can hand the same
  update out again, answers an idle long poll with HTTP 408, and is refused while a webhook is set
  (HTTP 409 here: the real code is not documented);
- setWebhook(url, secret_token) POSTs each update with X-Bot-Api-Secret-Token, wrapped in {ok,result}
  or bare (default: alternating); getWebhookInfo without a webhook answers HTTP 404;
- sendMessage text 1..2000 chars; sendPhoto takes a photo URL; sendChatAction answers {"ok":true};
- injectable faults (HTTP 200 + ok:false, 429, 5xx) and an optional rate limit answering 429;
- photos users send are served by the sandbox itself at GET /photos/<id>.jpg.

Typical use::

    async with ZaloSandbox(token="zalo-bot-id:SECRET") as sb:
        sb.add_user("u1", "Cô Lan")
        await sb.send_text("u1", "xin chào")
        reply = await sb.wait_for_message("u1", contains="Chào")
"""

from __future__ import annotations

import asyncio
import hmac
import json
import random
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
from bot.asgi import LocalAsgiServer  # noqa: F401  (re-exported for tests)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

MAX_TEXT_LEN = 2000
WEBHOOK_SECRET_HEADER = "X-Bot-Api-Secret-Token"
WEBHOOK_ENVELOPES = ("wrapped", "bare", "alternate")
_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Internal error",  # that is how Zalo labels 403
    404: "Not Found",
    408: "Request timeout",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_NO_RESULT = object()  # sendChatAction answers {"ok":true} without a result


# --------------------------------------------------------------------------- records


@dataclass
class SentRecord:
    """Something the bot sent to a chat."""

    method: str
    chat_id: str
    message_id: str
    date: int  # epoch milliseconds, as Zalo returns it
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    sticker: str | None = None
    parse_mode: str | None = None


@dataclass
class WebhookDelivery:
    update: dict
    shape: str  # "wrapped" or "bare"
    status: int | None  # None when the receiver could not be reached
    error: str | None = None


@dataclass
class ZaloSandboxStats:
    requests: int = 0
    by_method: Counter = field(default_factory=Counter)
    http_401: int = 0
    http_408: int = 0
    http_429: int = 0
    http_5xx: int = 0
    faults_injected: int = 0
    sent_messages: int = 0
    sent_photos: int = 0
    sent_stickers: int = 0
    chat_actions: int = 0
    updates_queued: int = 0
    updates_delivered: int = 0
    redeliveries: int = 0
    webhook_posts: int = 0
    webhook_failures: int = 0


@dataclass
class _Fault:
    method: str | None  # None: any method
    status: int
    error_code: int
    description: str
    retry_after: float | None
    remaining: int


@dataclass
class _Pending:
    update: dict
    is_redelivery: bool = False


class _ApiFailure(Exception):
    def __init__(self, status: int, description: str | None = None):
        super().__init__(description)
        self.status = status
        self.description = description or _DESCRIPTIONS.get(status, "Error")


# --------------------------------------------------------------------------- local server


# --------------------------------------------------------------------------- sandbox


class ZaloSandbox:
    def __init__(
        self,
        token: str = "zalo-bot-id:SECRET",
        *,
        port: int = 0,
        redeliver_probability: float = 0.0,
        webhook_envelope: str = "alternate",
        rate_limit_per_s: float | None = None,
        max_long_poll_s: float | None = None,
        require_https_webhook: bool = True,
        fetch_photos: bool = True,
        monthly_quota: int | None = None,
        seed: int | None = 0,
        bot_display_name: str = "Bot Thi đua",
    ):
        if webhook_envelope not in WEBHOOK_ENVELOPES:
            raise ValueError(f"webhook_envelope must be one of {WEBHOOK_ENVELOPES}")
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.redeliver_probability = redeliver_probability
        self.webhook_envelope = webhook_envelope
        self.rate_limit_per_s = rate_limit_per_s
        self.max_long_poll_s = max_long_poll_s
        # As strict as Zalo: webhooks must be https (Zalo refuses plain http, localhost and private addresses),
        # every photo URL the bot sends is downloaded (Zalo fetches it; an unreachable one fails the send),
        # and sends stop with 429 "Quota exceeded" once the plan's allowance is used.
        self.require_https_webhook = require_https_webhook
        self.fetch_photos = fetch_photos
        self.monthly_quota = monthly_quota
        self.quota_used = 0
        self.bot_display_name = bot_display_name
        self.stats = ZaloSandboxStats()
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self._webhook_updated_at = 0
        self._users: dict[str, str] = {}
        self._pending: deque[_Pending] = deque()
        self._sent: dict[str, list[SentRecord]] = {}
        self._chat_actions: dict[str, list[str]] = {}
        self._photos: dict[str, bytes] = {}
        self._faults: list[_Fault] = []
        self._recent_requests: deque[float] = deque()
        self._redeliver_budget = 0
        self._wrapped_next = True
        self._rng = random.Random(seed)
        self._updates_cond = asyncio.Condition()
        self._sent_cond = asyncio.Condition()
        self._closing = False
        self._background: set[asyncio.Task] = set()
        self._webhook_http: httpx.AsyncClient | None = None
        self._server = LocalAsgiServer(self._build_app(), port)
        self._methods: dict[str, Callable[[dict], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }

    # ----- lifecycle

    async def start(self) -> None:
        self._closing = False
        self._webhook_http = httpx.AsyncClient(timeout=10.0)
        await self._server.start()

    async def stop(self) -> None:
        self._closing = True
        async with self._updates_cond:
            self._updates_cond.notify_all()  # parked long polls answer at once
        background = list(self._background)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await self._server.stop()
        if self._webhook_http is not None:
            await self._webhook_http.aclose()
            self._webhook_http = None

    async def __aenter__(self) -> "ZaloSandbox":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._server.port is None:
            raise RuntimeError("ZaloSandbox is not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """Pass to ZaloBotClient(base_url=...): requests go to f"{api_base_url}{token}/{method}"."""
        return f"{self.base_url}/bot"

    # ----- test-side: users and their messages

    def add_user(self, user_id: str, display_name: str) -> None:
        self._users[str(user_id)] = display_name

    async def send_text(self, user_id: str, text: str) -> dict:
        return await self._user_event(user_id, "message.text.received", {"text": text})

    async def send_photo(self, user_id: str, data: bytes, caption: str | None = None, shape: str = "photo_url") -> dict:
        """An image message in one of the shapes seen in the wild (bot/channels/zalo_api.py): "photo_url"
        (current traffic, the default), "photo" (the docs' string), "photo_list", "photo_object",
        "attachments"."""
        photo_id = uuid.uuid4().hex
        self._photos[photo_id] = data
        url = f"{self.base_url}/photos/{photo_id}.jpg"
        fields: dict[str, Any] = {
            "photo_url": {"photo_url": url}, "photo": {"photo": url},
            "photo_list": {"photo": [{"url": url, "width": 1280, "height": 960}]},
            "photo_object": {"photo": {"url": url}},
            "attachments": {"attachments": [{"type": "image", "payload": {"url": url}}]},
        }[shape]
        if caption is not None:
            fields["caption"] = caption
        return await self._user_event(user_id, "message.image.received", fields)

    async def send_sticker(self, user_id: str, sticker: str = "bfe1fa3ab17f5821016e") -> dict:
        fields = {"sticker": sticker, "url": f"https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={sticker}"}
        return await self._user_event(user_id, "message.sticker.received", fields)

    async def send_unsupported(self, user_id: str) -> dict:
        """What Zalo sends for protected users (e.g. children): content withheld."""
        return await self._user_event(user_id, "message.unsupported.received", {})

    def redeliver_next(self, times: int = 1) -> None:
        """The next `times` updates handed out (poll or webhook) are handed out twice."""
        self._redeliver_budget += times

    def inject_fault(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        error_code: int | None = None,
        description: str | None = None,
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (None: any method) fail.

        status=200 with an error_code gives the "HTTP 200 + ok:false" envelope.
        """
        code = error_code if error_code is not None else (status if status >= 400 else 500)
        text = description or _DESCRIPTIONS.get(code, "Error")
        self._faults.append(_Fault(method, status, code, text, retry_after, times))

    # ----- test-side: what the bot did

    def sent(self, chat_id: str) -> list[SentRecord]:
        return list(self._sent.get(str(chat_id), []))

    def chat_actions(self, chat_id: str) -> list[str]:
        return list(self._chat_actions.get(str(chat_id), []))

    @property
    def pending_updates(self) -> int:
        return len(self._pending)

    async def wait_for_message(
        self,
        chat_id: str,
        contains: str | None = None,
        predicate: Callable[[SentRecord], bool] | None = None,
        after: int = 0,
        timeout: float = 5.0,
    ) -> SentRecord:
        """First record sent to chat_id at index >= `after` that matches; TimeoutError otherwise."""
        chat_id = str(chat_id)

        def find() -> SentRecord | None:
            for record in self._sent.get(chat_id, [])[after:]:
                if _matches(record, contains, predicate):
                    return record
            return None

        async with self._sent_cond:
            try:
                await asyncio.wait_for(self._sent_cond.wait_for(lambda: find() is not None), timeout)
            except asyncio.TimeoutError:
                texts = [r.text or r.caption or r.photo_url for r in self._sent.get(chat_id, [])]
                raise TimeoutError(
                    f"no message to {chat_id} matching contains={contains!r} after {after} "
                    f"within {timeout}s; sent: {texts!r}"
                ) from None
            return find()

    # ----- update delivery

    async def _user_event(self, user_id: str, event_name: str, fields: dict) -> dict:
        user_id = str(user_id)
        display_name = self._users.setdefault(user_id, f"User {user_id}")
        message = {
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "message_id": uuid.uuid4().hex[:20],
            "date": _now_ms(),
            **fields,
        }
        await self._push_update({"event_name": event_name, "message": message})
        return message

    async def _push_update(self, update: dict) -> None:
        self.stats.updates_queued += 1
        if self.webhook_url:
            await self._deliver_to_webhook(update)
            return
        async with self._updates_cond:
            self._pending.append(_Pending(update))
            self._updates_cond.notify_all()

    def _should_redeliver(self) -> bool:
        if self._redeliver_budget > 0:
            self._redeliver_budget -= 1
            return True
        return self.redeliver_probability > 0 and self._rng.random() < self.redeliver_probability

    async def _deliver_to_webhook(self, update: dict) -> None:
        copies = 2 if self._should_redeliver() else 1
        self.stats.redeliveries += copies - 1
        for _ in range(copies):
            await self._post_webhook(update)

    async def _post_webhook(self, update: dict) -> None:
        shape = self._next_envelope_shape()
        body = {"ok": True, "result": update} if shape == "wrapped" else update
        headers = {WEBHOOK_SECRET_HEADER: self.webhook_secret or "", "User-Agent": "Java/1.8.0_281"}
        self.stats.webhook_posts += 1
        self.stats.updates_delivered += 1
        try:
            response = await self._webhook_http.post(self.webhook_url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            self.stats.webhook_failures += 1
            self.webhook_deliveries.append(WebhookDelivery(update, shape, None, f"{type(exc).__name__}: {exc}"))
            return
        if not response.is_success:
            self.stats.webhook_failures += 1
        self.webhook_deliveries.append(WebhookDelivery(update, shape, response.status_code))

    def _next_envelope_shape(self) -> str:
        if self.webhook_envelope != "alternate":
            return self.webhook_envelope
        shape = "wrapped" if self._wrapped_next else "bare"
        self._wrapped_next = not self._wrapped_next
        return shape

    async def _drain_pending_to_webhook(self) -> None:
        # Updates queued before setWebhook go to the webhook, as they would on Zalo.
        while self._pending and self.webhook_url:
            await self._deliver_to_webhook(self._pending.popleft().update)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record_sent(self, record: SentRecord) -> dict:
        async with self._sent_cond:
            self._sent.setdefault(record.chat_id, []).append(record)
            self._sent_cond.notify_all()
        return {"message_id": record.message_id, "date": record.date}

    # ----- HTTP app

    def _build_app(self) -> Starlette:
        return Starlette(routes=[
            Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
            Route("/photos/{photo_id}.jpg", self._handle_photo, methods=["GET"]),
        ])

    async def _handle_photo(self, request: Request) -> Response:
        data = self._photos.get(request.path_params["photo_id"])
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/jpeg")

    async def _handle_api(self, request: Request) -> Response:
        self.stats.requests += 1
        method = request.path_params["method"]
        if not hmac.compare_digest(request.path_params["token"].encode(), self.token.encode()):
            return self._error(401)
        self.stats.by_method[method] += 1
        refusal = self._rate_limit_refusal(method) or self._take_fault(method)
        if refusal is not None:
            return refusal
        handler = self._methods.get(method)
        if handler is None:
            return self._error(400, f"Bad Request: unknown method {method}")
        try:
            params = await _read_params(request)
            result = await handler(params)
        except _ApiFailure as failure:
            return self._error(failure.status, failure.description)
        if result is _NO_RESULT:
            return JSONResponse({"ok": True})
        return JSONResponse({"ok": True, "result": result})

    def _error(self, status: int, description: str | None = None, *, error_code: int | None = None,
               headers: dict | None = None) -> JSONResponse:
        code = error_code if error_code is not None else status
        self._count_status(status)
        body = {"ok": False, "error_code": code, "description": description or _DESCRIPTIONS.get(code, "Error")}
        return JSONResponse(body, status_code=status, headers=headers)

    def _count_status(self, status: int) -> None:
        if status in (401, 408, 429):
            setattr(self.stats, f"http_{status}", getattr(self.stats, f"http_{status}") + 1)
        elif status >= 500:
            self.stats.http_5xx += 1

    def _rate_limit_refusal(self, method: str) -> Response | None:
        if not self.rate_limit_per_s or method == "getUpdates":
            return None
        now = time.monotonic()
        while self._recent_requests and now - self._recent_requests[0] >= 1.0:
            self._recent_requests.popleft()
        if len(self._recent_requests) >= self.rate_limit_per_s:
            retry_after = max(0.0, 1.0 - (now - self._recent_requests[0]))
            return self._error(429, headers={"Retry-After": f"{retry_after:.3f}"})
        self._recent_requests.append(now)
        return None

    def _take_fault(self, method: str) -> Response | None:
        for fault in self._faults:
            if fault.method in (None, method) and fault.remaining > 0:
                fault.remaining -= 1
                self.stats.faults_injected += 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
                return self._error(fault.status, fault.description, error_code=fault.error_code, headers=headers)
        return None

    # ----- API methods

    async def _get_me(self, params: dict) -> dict:
        return {"id": self.bot_id, "account_name": "bot.thidua", "account_type": "BASIC",
                "can_join_groups": False, "display_name": self.bot_display_name}

    async def _get_updates(self, params: dict) -> dict:
        if self.webhook_url:
            raise _ApiFailure(409, "Conflict: getUpdates is not allowed while a webhook is set; "
                                   "call deleteWebhook first")
        wait_s = _as_float(params.get("timeout"), default=30.0)
        if self.max_long_poll_s is not None:
            wait_s = min(wait_s, self.max_long_poll_s)
        async with self._updates_cond:
            try:
                await asyncio.wait_for(
                    self._updates_cond.wait_for(lambda: bool(self._pending) or self._closing), wait_s
                )
            except asyncio.TimeoutError:
                pass
            if not self._pending or self._closing:
                raise _ApiFailure(408)
            return self._hand_out_next()

    def _hand_out_next(self) -> dict:
        item = self._pending.popleft()
        if not item.is_redelivery and self._should_redeliver():
            # No offset on Zalo: the same update simply comes back on the next poll.
            self._pending.appendleft(_Pending(item.update, is_redelivery=True))
            self.stats.redeliveries += 1
        self.stats.updates_delivered += 1
        return item.update

    async def _set_webhook(self, params: dict) -> dict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise _ApiFailure(400, "Bad Request: url is required")
        if self.require_https_webhook and not url.startswith("https://"):
            raise _ApiFailure(400, "Bad Request: url must be https")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise _ApiFailure(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        self._webhook_updated_at = _now_ms()
        if self._pending:
            self._spawn(self._drain_pending_to_webhook())
        return {"url": url, "updated_at": self._webhook_updated_at}

    async def _delete_webhook(self, params: dict) -> dict:
        self.webhook_url = self.webhook_secret = None
        self._webhook_updated_at = _now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    async def _get_webhook_info(self, params: dict) -> dict:
        if not self.webhook_url:
            raise _ApiFailure(404)
        return {"url": self.webhook_url, "updated_at": self._webhook_updated_at}

    async def _send_message(self, params: dict) -> dict:
        chat_id = self._known_chat(params)
        text = params.get("text")
        _check_length(text, "text")
        parse_mode = params.get("parse_mode")
        if parse_mode not in (None, "", "markdown", "html"):
            raise _ApiFailure(400, "Bad Request: unsupported parse_mode")
        self._spend_quota()
        self.stats.sent_messages += 1
        return await self._record_sent(SentRecord("sendMessage", chat_id, _new_message_id(), _now_ms(),
                                                  text=text, parse_mode=parse_mode or None))

    async def _send_photo(self, params: dict) -> dict:
        chat_id = self._known_chat(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("https://", "http://")):
            raise _ApiFailure(400, "Bad Request: photo must be a URL")
        caption = params.get("caption") or None
        if caption is not None:
            _check_length(caption, "caption")
        if self.fetch_photos:
            await self._fetch_photo(photo)
        self._spend_quota()
        self.stats.sent_photos += 1
        return await self._record_sent(SentRecord("sendPhoto", chat_id, _new_message_id(), _now_ms(),
                                                  photo_url=photo, caption=caption))

    def _spend_quota(self) -> None:
        if self.monthly_quota is not None:
            if self.quota_used >= self.monthly_quota:
                raise _ApiFailure(429, "Quota exceeded")
            self.quota_used += 1

    async def _fetch_photo(self, url: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=5.0) as http:
                response = await http.get(url)
        except httpx.HTTPError:
            raise _ApiFailure(400, "Bad Request: photo cannot be downloaded") from None
        if response.status_code != 200 or not response.content:
            raise _ApiFailure(400, "Bad Request: photo cannot be downloaded")

    async def _send_sticker(self, params: dict) -> dict:
        chat_id = self._known_chat(params)
        sticker = params.get("sticker")
        if not isinstance(sticker, str) or not sticker:
            raise _ApiFailure(400, "Bad Request: sticker is required")
        self.stats.sent_stickers += 1
        return await self._record_sent(SentRecord("sendSticker", chat_id, _new_message_id(), _now_ms(),
                                                  sticker=sticker))

    async def _send_chat_action(self, params: dict) -> object:
        chat_id = self._known_chat(params)
        action = params.get("action")
        if action != "typing":  # "upload_photo" is only "coming soon" in the docs
            raise _ApiFailure(400, "Bad Request: unsupported action")
        self._chat_actions.setdefault(chat_id, []).append(action)
        self.stats.chat_actions += 1
        return _NO_RESULT

    def _known_chat(self, params: dict) -> str:
        chat_id = params.get("chat_id")
        if chat_id is None or str(chat_id) not in self._users:
            raise _ApiFailure(400, "Bad Request: chat not found")
        return str(chat_id)

    # ----- test side: updates as Zalo might send them one day

    async def push_raw_update(self, update: dict) -> None:
        """Queue (or push to the webhook) an update exactly as given: a newer or malformed shape."""
        await self._push_update(update)

    def add_photo(self, data: bytes) -> str:
        """Serve `data` as a user's photo; returns its URL."""
        photo_id = uuid.uuid4().hex
        self._photos[photo_id] = data
        return f"{self.base_url}/photos/{photo_id}.jpg"


# --------------------------------------------------------------------------- helpers


def _matches(record: SentRecord, contains: str | None, predicate: Callable[[SentRecord], bool] | None) -> bool:
    if contains is not None and contains not in (record.text or "") and contains not in (record.caption or ""):
        return False
    return predicate is None or predicate(record)


def _check_length(value: Any, name: str) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT_LEN:
        raise _ApiFailure(400, f"Bad Request: {name} must be 1-{MAX_TEXT_LEN} characters")


async def _read_params(request: Request) -> dict:
    """Zalo accepts JSON, form data or query parameters; the body wins over the query."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if not raw:
        return params
    if "json" in content_type or not content_type:
        try:
            body = json.loads(raw)
        except ValueError:
            raise _ApiFailure(400, "Bad Request: invalid JSON") from None
        if not isinstance(body, dict):
            raise _ApiFailure(400, "Bad Request: JSON object expected")
        params.update(body)
    elif "form" in content_type:
        params.update(dict(await request.form()))
    return params


def _as_float(value: Any, default: float) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return default


def _new_message_id() -> str:
    return uuid.uuid4().hex[:20]


def _now_ms() -> int:
    return int(time.time() * 1000)
