"""A sandbox Zalo Official Account (Open API v2/v3 + OAuth v4) for tests and the demo, as strict as Zalo.

Built from the public documentation and clients cited in bot/channels/zalo_oa_api.py (developers.zalo.me,
zaloplatform/zalo-java-sdk, chatwoot/chatwoot lib/integrations/zalo). What it enforces:
- OAuth: POST /v4/oa/access_token with header secret_key; each refresh token works ONCE (the answer carries
  the next) and lasts ~3 months; access tokens last `access_lifetime_s` (~25 h); `expires_in` is a string.
- Every API call needs a live `access_token` header, else {"error": -216} (HTTP 200, as Zalo answers).
- Webhooks: the URL (set in the developer console: `set_webhook`) must be https on a public host; each event
  is POSTed with X-ZEvent-Signature "mac=" sha256(app_id + body + timestamp + OA secret key). The TLS
  terminating proxy in front of the bot is `route(public_base, local_base)`.
- The 48-hour window: a cs message to a user who has not written (or followed) for 48 h, or the 9th since
  they last wrote, is refused with -230; to a user who unfollowed, -213.
- Messages: text 1..2000 characters; at most 5 buttons of at most 100 characters, of a known type; a file
  message needs a token from /v2.0/oa/upload/file (PDF/DOC/DOCX, at most 5 MB, checked by content), an image
  an attachment id from /v2.0/oa/upload/image (JPG/PNG, at most 1 MB). Upload refusals use codes of our own
  (-210 too big, -211 type not allowed): the docs do not fix them.
"""
from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlparse

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.asgi import LocalAsgiServer

MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_TITLE = 100
BUTTON_TYPES = {"oa.query.hide", "oa.query.show", "oa.open.url", "oa.open.phone", "oa.open.sms"}
FILE_LIMIT = 5 * 1024 * 1024
IMAGE_LIMIT = 1024 * 1024
FILE_MAGIC = {".pdf": (b"%PDF",), ".docx": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0",)}
IMAGE_MAGIC = {".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".png": (b"\x89PNG",)}
WINDOW_S = 48 * 3600
REPLIES_PER_WINDOW = 8


@dataclass
class OASent:
    """Something the OA sent to a user."""
    message_id: str
    kind: str                                   # text | file | image
    text: str | None = None
    buttons: list[dict] = field(default_factory=list)
    file_name: str | None = None
    data: bytes | None = None

    @property
    def labels(self) -> list[str]:
        return [b["title"] for b in self.buttons]


@dataclass
class _User:
    name: str
    following: bool = True
    last_wrote: float | None = None
    replies: int = 0


@dataclass
class _Upload:
    name: str
    data: bytes


class ZaloOASandbox:
    def __init__(self, *, app_id: str = "4300000000000000001", app_secret: str = "sandbox-app-secret",
                 oa_secret_key: str = "sandbox-oa-secret-key", oa_id: str = "1700000000000000001",
                 oa_name: str = "Phòng GD&ĐT (thử nghiệm)", access_lifetime_s: int = 90000,
                 refresh_lifetime_s: int = 90 * 86400, require_https_webhook: bool = True):
        self.app_id, self.app_secret, self.oa_secret_key = app_id, app_secret, oa_secret_key
        self.oa_id, self.oa_name = oa_id, oa_name
        self.access_lifetime_s, self.refresh_lifetime_s = access_lifetime_s, refresh_lifetime_s
        self.require_https_webhook = require_https_webhook
        self.webhook_url: str | None = None
        self.stats: Counter = Counter()
        self.deliveries: list[int] = []             # webhook answers' status codes
        self._offset = 0.0
        self._access: dict[str, float] = {}         # token -> expires at (sandbox clock)
        self._refresh: dict[str, float] = {}
        self._users: dict[str, _User] = {}
        self._sent: dict[str, list[OASent]] = {}
        self._uploads: dict[str, _Upload] = {}
        self._user_files: dict[str, bytes] = {}
        self._routes: dict[str, str] = {}
        self._cond = asyncio.Condition()
        self._http: httpx.AsyncClient | None = None
        self._server = LocalAsgiServer(self._app())

    # ----- lifecycle and addresses

    async def start(self) -> "ZaloOASandbox":
        self._http = httpx.AsyncClient(timeout=10.0)
        await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()
        if self._http is not None:
            await self._http.aclose()

    @property
    def base_url(self) -> str:
        return self._server.url

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/v4/oa/access_token"

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Time passes for Zalo: tokens age, the 48-hour windows close."""
        self._offset += seconds

    # ----- the developer console

    def issue_tokens(self) -> dict:
        """What the console hands the deployer after they grant the app access to the OA."""
        return self._new_pair()

    def expire_access_tokens(self) -> None:
        """Every access token stops working now (revoked, or expired earlier than announced)."""
        self._access.clear()

    def set_webhook(self, url: str) -> None:
        parsed = urlparse(url)
        if self.require_https_webhook and (parsed.scheme != "https" or not _public_host(parsed.hostname)):
            raise ValueError(f"Zalo accepts only https webhooks on a public host, not {url}")
        self.webhook_url = url

    def route(self, public_base: str, local_base: str) -> None:
        """The TLS-terminating proxy in front of the bot: https://public/... reaches http://local/..."""
        self._routes[public_base.rstrip("/")] = local_base.rstrip("/")

    # ----- users

    def add_user(self, user_id: str, name: str) -> None:
        self._users.setdefault(str(user_id), _User(name))

    async def follow(self, user_id: str) -> None:
        user = self._users.setdefault(str(user_id), _User(f"User {user_id}"))
        user.following = True
        await self._event("follow", user_id, follower=True)

    async def unfollow(self, user_id: str) -> None:
        self._users[str(user_id)].following = False
        await self._event("unfollow", user_id, follower=True)

    async def send_text(self, user_id: str, text: str) -> None:
        await self._event("user_send_text", user_id, message={"text": text})

    async def press(self, user_id: str, label: str, message: OASent | None = None) -> None:
        """Tap a button: an oa.query.hide button sends its payload as the user's (hidden) text."""
        target = message or next((m for m in reversed(self.sent(user_id)) if m.buttons), None)
        if target is None:
            raise AssertionError(f"no message with buttons for {user_id}")
        button = next((b for b in target.buttons if b["title"] == label), None)
        if button is None:
            raise AssertionError(f"no button {label!r}; buttons: {target.labels}")
        await self._event("user_send_text", user_id, message={"text": button["payload"]})

    async def send_file(self, user_id: str, name: str, data: bytes) -> None:
        url = self._host_file(data)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        attachment = {"type": "file", "payload": {"url": url, "name": name, "size": str(len(data)), "type": ext,
                                                  "checksum": hashlib.md5(data).hexdigest()}}
        await self._event("user_send_file", user_id, message={"attachments": [attachment]})

    async def send_image(self, user_id: str, data: bytes, caption: str | None = None) -> None:
        url = self._host_file(data)
        message = {"attachments": [{"type": "image", "payload": {"url": url, "thumbnail": url}}]}
        if caption:
            message["text"] = caption
        await self._event("user_send_image", user_id, message=message)

    def sent(self, user_id: str) -> list[OASent]:
        return list(self._sent.get(str(user_id), []))

    async def wait_for_message(self, user_id: str, contains: str | None = None, after: int = 0,
                               predicate: Callable[[OASent], bool] | None = None, timeout: float = 8.0) -> OASent:
        """The first message to `user_id` at index >= `after` that matches; TimeoutError otherwise."""
        def find() -> OASent | None:
            for m in self._sent.get(str(user_id), [])[after:]:
                if (contains is None or contains in (m.text or "") or contains == m.file_name) and \
                        (predicate is None or predicate(m)):
                    return m
            return None
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), timeout)
            except asyncio.TimeoutError:
                seen = [m.text or m.file_name or m.kind for m in self._sent.get(str(user_id), [])]
                raise TimeoutError(f"no OA message to {user_id} matching {contains!r} after {after}; sent: {seen}") \
                    from None
            return find()

    # ----- events to the webhook

    def _host_file(self, data: bytes) -> str:
        file_id = uuid.uuid4().hex
        self._user_files[file_id] = data
        return f"{self.base_url}/files/{file_id}"

    async def _event(self, event: str, user_id: str, *, message: dict | None = None, follower: bool = False) -> None:
        user_id = str(user_id)
        user = self._users.setdefault(user_id, _User(f"User {user_id}"))
        stamp = str(int(self.now() * 1000))
        body: dict = {"app_id": self.app_id, "user_id_by_app": f"app-{user_id}", "event_name": event,
                      "timestamp": stamp}
        if follower:
            body.update(oa_id=self.oa_id, follower={"id": user_id}, source="oa_profile")
        else:
            body.update(sender={"id": user_id}, recipient={"id": self.oa_id},
                        message={"msg_id": uuid.uuid4().hex, **(message or {})})
        if event != "unfollow":   # writing (or following: the OA may greet) opens a new 48-hour window
            user.last_wrote, user.replies = self.now(), 0
        await self._deliver(json.dumps(body, ensure_ascii=False).encode(), stamp)

    async def _deliver(self, raw: bytes, stamp: str) -> None:
        if not self.webhook_url:
            raise RuntimeError("no webhook set in the developer console")
        mac = hashlib.sha256(self.app_id.encode() + raw + stamp.encode() + self.oa_secret_key.encode()).hexdigest()
        response = await self._http.post(self._proxied(self.webhook_url), content=raw, headers={
            "X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"})
        self.deliveries.append(response.status_code)

    def _proxied(self, url: str) -> str:
        for public, local in self._routes.items():
            if url.startswith(public + "/") or url == public:
                return local + url[len(public):]
        return url

    async def fetch(self, url: str) -> httpx.Response:
        """Zalo following a link the bot sent (through the proxy for the bot's own address)."""
        return await self._http.get(self._proxied(url))

    # ----- tokens

    def _new_pair(self) -> dict:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._access[access] = self.now() + self.access_lifetime_s
        self._refresh[refresh] = self.now() + self.refresh_lifetime_s
        return {"access_token": access, "refresh_token": refresh, "expires_in": str(self.access_lifetime_s)}

    def _token_ok(self, request: Request) -> bool:
        expires = self._access.get(request.headers.get("access_token", ""))
        return expires is not None and expires > self.now()

    async def _oauth(self, request: Request) -> Response:
        form = await request.form()
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return JSONResponse({"error": -14002, "error_name": "Invalid app", "error_description": "app id or secret"})
        if form.get("grant_type") != "refresh_token":
            return JSONResponse({"error": -14003, "error_name": "Invalid grant type"})
        expires = self._refresh.pop(str(form.get("refresh_token") or ""), None)   # a refresh token works once
        if expires is None or expires < self.now():
            self.stats["refresh_refused"] += 1
            return JSONResponse({"error": -14014, "error_name": "Invalid refresh token",
                                 "error_description": "refresh token is invalid or expired"})
        self.stats["refreshes"] += 1
        return JSONResponse(self._new_pair())

    # ----- the API

    def _app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v4/oa/access_token", self._oauth, methods=["POST"]),
            Route("/v2.0/oa/getoa", self._getoa, methods=["GET"]),
            Route("/v3.0/oa/message/cs", self._cs, methods=["POST"]),
            Route("/v3.0/oa/user/detail", self._user_detail, methods=["GET"]),
            Route("/v2.0/oa/upload/{kind}", self._upload, methods=["POST"]),
            Route("/files/{file_id}", self._file, methods=["GET"]),
        ])

    @staticmethod
    def _fail(code: int, message: str) -> JSONResponse:
        return JSONResponse({"error": code, "message": message})

    def _refused_token(self) -> JSONResponse:
        self.stats["token_refused"] += 1
        return self._fail(-216, "Access token is invalid")

    async def _getoa(self, request: Request) -> Response:
        if not self._token_ok(request):
            return self._refused_token()
        return JSONResponse({"error": 0, "message": "Success", "data": {
            "oa_id": self.oa_id, "name": self.oa_name, "is_verified": False, "num_follower": len(self._users)}})

    async def _user_detail(self, request: Request) -> Response:
        if not self._token_ok(request):
            return self._refused_token()
        try:
            user_id = str(json.loads(request.query_params.get("data", ""))["user_id"])
        except (ValueError, KeyError, TypeError):
            return self._fail(-201, "Parameters are invalid")
        user = self._users.get(user_id)
        if user is None:
            return self._fail(-213, "User has not followed the OA")
        return JSONResponse({"error": 0, "message": "Success", "data": {
            "user_id": user_id, "display_name": user.name, "user_is_follower": user.following}})

    async def _file(self, request: Request) -> Response:
        data = self._user_files.get(request.path_params["file_id"])
        return Response(data, media_type="application/octet-stream") if data is not None else Response(status_code=404)

    async def _upload(self, request: Request) -> Response:
        if not self._token_ok(request):
            return self._refused_token()
        kind = request.path_params["kind"]
        form = await request.form()
        upload = form.get("file")
        if kind not in ("file", "image") or upload is None or not hasattr(upload, "read"):
            return self._fail(-201, "Parameters are invalid")
        data, name = await upload.read(), upload.filename or ""
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        magic, limit = (FILE_MAGIC, FILE_LIMIT) if kind == "file" else (IMAGE_MAGIC, IMAGE_LIMIT)
        if ext not in magic or not data.startswith(magic[ext]):
            return self._fail(-211, f"{kind} type is not supported")
        if len(data) > limit:
            return self._fail(-210, f"{kind} is over {limit} bytes")
        key = secrets.token_urlsafe(16)
        self._uploads[key] = _Upload(name, data)
        self.stats[f"upload_{kind}"] += 1
        return JSONResponse({"error": 0, "message": "Success",
                             "data": {"token": key} if kind == "file" else {"attachment_id": key}})

    async def _cs(self, request: Request) -> Response:
        if not self._token_ok(request):
            return self._refused_token()
        try:
            body = json.loads(await request.body())
            user_id, message = str(body["recipient"]["user_id"]), body["message"]
        except (ValueError, KeyError, TypeError):
            return self._fail(-201, "Parameters are invalid")
        user = self._users.get(user_id)
        if user is None or not user.following:
            return self._fail(-213, "User has not followed the OA")
        if user.last_wrote is None or self.now() - user.last_wrote > WINDOW_S or user.replies >= REPLIES_PER_WINDOW:
            self.stats["window_refused"] += 1
            return self._fail(-230, "User has not interacted with the OA in the allowed time")
        record = self._record(message)
        if isinstance(record, str):
            return self._fail(-201, record)
        user.replies += 1
        async with self._cond:
            self._sent.setdefault(user_id, []).append(record)
            self._cond.notify_all()
        return JSONResponse({"error": 0, "message": "Success", "data": {
            "message_id": record.message_id, "user_id": user_id,
            "quota": {"quota_type": "reply", "remain": str(REPLIES_PER_WINDOW - user.replies)}}})

    def _record(self, message: dict) -> OASent | str:
        """The message as sent, or why Zalo refuses it."""
        text, attachment = message.get("text"), message.get("attachment")
        msg_id = uuid.uuid4().hex
        if text is not None and (not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT):
            return "text must have 1 to 2000 characters"
        if attachment is None:
            return OASent(msg_id, "text", text) if text else "message is empty"
        kind, payload = attachment.get("type"), attachment.get("payload") or {}
        if kind == "file":
            upload = self._uploads.get(payload.get("token", ""))
            return OASent(msg_id, "file", text, file_name=upload.name, data=upload.data) if upload else "bad file token"
        if kind != "template":
            return "attachment type is not supported"
        if payload.get("template_type") == "media":
            element = (payload.get("elements") or [{}])[0]
            upload = self._uploads.get(element.get("attachment_id", ""))
            return OASent(msg_id, "image", text, data=upload.data) if upload else "bad attachment id"
        buttons = payload.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS or not text:
            return "a button template needs text and 1 to 5 buttons"
        for b in buttons:
            if b.get("type") not in BUTTON_TYPES or not 1 <= len(b.get("title") or "") <= MAX_TITLE:
                return "button title must have 1 to 100 characters and a known type"
        return OASent(msg_id, "text", text, buttons=buttons)


def _public_host(host: str | None) -> bool:
    if not host or host == "localhost":
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return not (ip.is_loopback or ip.is_private or ip.is_link_local)


@dataclass
class OAChatUser:
    """A school's person chatting with the OA through the sandbox (tests, demo)."""
    env: object
    sandbox: ZaloOASandbox
    user_id: str
    name: str
    seen: int = 0

    def _record(self, text: str) -> None:
        transcript = getattr(self.env, "transcript", None)
        if transcript is not None:
            transcript.append(f"👤 {self.name} (Zalo OA): {text}")

    async def send(self, text: str) -> None:
        self._record(text)
        await self.sandbox.send_text(self.user_id, text)

    async def press(self, label: str, message: OASent | None = None) -> None:
        self._record(f"[bấm «{label}»]")
        await self.sandbox.press(self.user_id, label, message)

    async def upload(self, name: str, data: bytes) -> None:
        size = f"{len(data):,}".replace(",", ".")   # Vietnamese digit grouping
        self._record(f"[tệp {name}, {size} byte]")
        await self.sandbox.send_file(self.user_id, name, data)

    async def expect_reply(self, contains: str | None = None, timeout: float = 8.0, **kwargs) -> OASent:
        msg = await self.sandbox.wait_for_message(self.user_id, contains, after=self.seen, timeout=timeout, **kwargs)
        self.seen = self.sandbox.sent(self.user_id).index(msg) + 1
        transcript = getattr(self.env, "transcript", None)
        if transcript is not None:
            body = (msg.text or "").replace("\n", "\n   ")
            extra = f"\n   📎 {msg.file_name}" if msg.kind == "file" else ("\n   🖼 ảnh" if msg.kind == "image" else "")
            buttons = " ".join(f"[{label}]" for label in msg.labels)
            transcript.append(f"🤖 → {self.name} (Zalo OA): {body}{extra}" + (f"\n   {buttons}" if buttons else ""))
        return msg
