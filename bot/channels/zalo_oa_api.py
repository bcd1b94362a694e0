"""Low-level async client for the Zalo Official Account Open API (v2.0/v3.0) and its OAuth v4 tokens.

What it follows, and where that comes from (public material; no code copied):
- OAuth: POST https://oauth.zaloapp.com/v4/oa/access_token, form app_id + grant_type=refresh_token +
  refresh_token, header `secret_key` = the app's secret (chatwoot/chatwoot lib/integrations/zalo/auth.rb;
  developers.zalo.me "Official Account Access Token"); the answer carries a NEW refresh token (the old one is
  spent) and `expires_in` as a string (about 25 h for the access token; the refresh token lasts ~3 months).
- Calls carry the access token in an `access_token` header; HTTP 200 answers {"error": 0, "message", "data"}
  and a failure is a non-zero `error` in the same envelope; -216 is "access token invalid/expired"
  (chatwoot lib/integrations/zalo/client.rb AUTH_ERROR_CODE; zaloplatform/zalo-java-sdk).
- Consultation ("cs") messages: POST /v3.0/oa/message/cs {recipient: {user_id}, message: {text | attachment}}
  (zaloplatform/zalo-java-sdk src/test/java/v3/SendTextCSMessage.java, SendFileCSMessage.java,
  SendImageCSMessage.java); a button template is attachment {type: "template", payload: {buttons: [{title,
  type: "oa.query.hide", payload}]}} whose tap comes back as the user's message carrying `payload`.
- Uploads: POST /v2.0/oa/upload/file (PDF/DOC/DOCX, at most 5 MB) -> data.token for a {type: "file"}
  attachment; POST /v2.0/oa/upload/image (JPG/PNG, at most 1 MB) -> data.attachment_id for a "media"
  template (chatwoot lib/integrations/zalo/uploader.rb: FILE_LIMIT 5 MB, IMAGE_LIMIT 1 MB).
- The 48-hour window: cs messages are free for 48 h after the user last wrote (8 of them per window, reset
  by each message of the user; zalooa.freshdesk.com "Các loại tin của Zalo Official Account"); outside it
  the API refuses them (-213 in the docs' table, -230 "has not interacted with the OA" in live traffic, as
  reported in khoicodedao/Poto_platform docs/FIX_ERROR_230.md). Proactive messages need a verified OA, a paid
  package and, since 2026, approved templates: this bot does not send them (README "Zalo Official Account").

Token values never reach a log line or an exception text.
"""
from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.channels.downloads import Sink, stream_url
from db import zalo_oa as token_store
from db.clock import utcnow
from db.engine import session_scope

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)

DEFAULT_API_BASE = "https://openapi.zalo.me"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com/v4/oa/access_token"
MAX_TEXT_LEN = 2000
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
FILE_LIMIT = 5 * 1024 * 1024
IMAGE_LIMIT = 1 * 1024 * 1024
FILE_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
TOKEN_INVALID = -216
OUTSIDE_WINDOW = (-213, -230)
NETWORK_ERROR = 1
RENEW_BEFORE = timedelta(hours=1)   # renew the access token when less than this is left
REFRESH_LEASE = timedelta(seconds=30)


class ZaloOAError(Exception):
    """An API call failed: `code` is Zalo's `error` (or the HTTP status, or NETWORK_ERROR). No token inside."""

    def __init__(self, code: int, message: str, *, endpoint: str = ""):
        super().__init__(f"{endpoint}: [{code}] {message}" if endpoint else f"[{code}] {message}")
        self.code, self.message, self.endpoint = code, message, endpoint

    @property
    def retryable(self) -> bool:
        return self.code == NETWORK_ERROR or self.code >= 500


class ZaloOATokenError(ZaloOAError):
    """Zalo refused the access token, or the refresh token could not be exchanged."""


class ZaloOAOutsideWindow(ZaloOAError):
    """The user has not written to the OA within the window: the OA may not message them first."""


def _error_for(code: int, message: str, endpoint: str) -> ZaloOAError:
    cls = ZaloOATokenError if code == TOKEN_INVALID else ZaloOAOutsideWindow if code in OUTSIDE_WINDOW else ZaloOAError
    return cls(code, message, endpoint=endpoint)


def _envelope(response: httpx.Response, endpoint: str) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ZaloOAError(response.status_code if not response.is_success else 0, f"HTTP {response.status_code}",
                          endpoint=endpoint)
    code = body.get("error", 0)
    if not isinstance(code, int) or isinstance(code, bool):
        code = 0 if response.is_success else response.status_code
    if code != 0 or not response.is_success:
        raise _error_for(code or response.status_code, str(body.get("message") or "error"), endpoint)
    data = body.get("data")
    return data if isinstance(data, dict) else {}


@dataclass
class OAuthConfig:
    app_id: str
    app_secret: str
    oauth_url: str = DEFAULT_OAUTH_URL


class TokenKeeper:
    """The OA's access token, from the database (shared by processes), renewed before it runs out."""

    def __init__(self, config: OAuthConfig, http: httpx.AsyncClient, *, wait_for_other_s: float = 15.0):
        self.config, self.http, self.wait_for_other_s = config, http, wait_for_other_s
        self._inflight: asyncio.Future | None = None   # this process's refresh under way: others await it
        self.refreshes = 0

    def seed(self, refresh_token: str | None, access_token: str | None, access_expires_at: datetime | None) -> None:
        if not refresh_token:
            return
        with session_scope() as session:
            if token_store.seed(session, self.config.app_id, refresh_token, access_token, access_expires_at):
                log.info("Zalo OA: token chain started from the configured refresh token")

    def _read(self) -> token_store.Tokens | None:
        with session_scope() as session:
            return token_store.current(session, self.config.app_id)

    async def access_token(self) -> str:
        tokens = self._read()
        if tokens is None:
            raise ZaloOATokenError(TOKEN_INVALID, "no Zalo OA token stored: set ZALO_OA_REFRESH_TOKEN")
        if tokens.access_token and tokens.access_expires_at - utcnow() > RENEW_BEFORE:
            return tokens.access_token
        return await self.refresh(stale=tokens.access_token)

    async def refresh(self, stale: str | None = None) -> str:
        """A fresh access token. `stale`: the one Zalo refused; if another process replaced it meanwhile, that
        newer one is returned without a refresh of ours. Callers in this process share one refresh."""
        if self._inflight is None or self._inflight.done():
            self._inflight = asyncio.ensure_future(self._refresh(stale))
        return await asyncio.shield(self._inflight)

    async def _refresh(self, stale: str | None) -> str:
        deadline = asyncio.get_running_loop().time() + self.wait_for_other_s
        while True:
            tokens = self._read()
            if tokens is None:
                raise ZaloOATokenError(TOKEN_INVALID, "no Zalo OA token stored")
            fresh = tokens.access_token and tokens.access_expires_at - utcnow() > RENEW_BEFORE
            if fresh and tokens.access_token != stale:
                return tokens.access_token
            with session_scope() as session:   # the lease is committed before Zalo is called
                refresh_token = token_store.claim_refresh(session, self.config.app_id, REFRESH_LEASE)
            if refresh_token is not None:
                return await self._exchange(refresh_token)
            if asyncio.get_running_loop().time() > deadline:
                raise ZaloOATokenError(TOKEN_INVALID, "another process did not finish refreshing the token")
            await asyncio.sleep(0.2)   # another process refreshes: its result lands in the database

    async def _exchange(self, refresh_token: str) -> str:
        form = {"app_id": self.config.app_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            response = await self.http.post(self.config.oauth_url, data=form,
                                            headers={"secret_key": self.config.app_secret})
            body = response.json() if response.content else {}
        except (httpx.HTTPError, ValueError) as exc:
            self._release()
            raise ZaloOAError(NETWORK_ERROR, type(exc).__name__, endpoint="oauth") from None
        access, new_refresh = body.get("access_token"), body.get("refresh_token")
        if not access or not new_refresh:
            self._release()
            detail = body.get("error_description") or body.get("error_name") or f"HTTP {response.status_code}"
            raise ZaloOATokenError(int(body.get("error") or TOKEN_INVALID), str(detail), endpoint="oauth")
        try:
            lifetime = int(body.get("expires_in") or 0)   # a string in the docs' samples
        except (TypeError, ValueError):
            lifetime = 0
        expires = utcnow() + timedelta(seconds=lifetime or 3600)
        with session_scope() as session:
            token_store.store_refreshed(session, self.config.app_id, access, new_refresh, expires)
        self.refreshes += 1
        log.info("Zalo OA access token renewed (valid for %d s)", lifetime)
        return access

    def _release(self) -> None:
        with session_scope() as session:
            token_store.release_refresh(session, self.config.app_id)


class ZaloOAClient:
    """Calls with the current access token; a -216 renews the token once and repeats the call."""

    def __init__(self, keeper: TokenKeeper, http: httpx.AsyncClient, api_base: str = DEFAULT_API_BASE):
        self.keeper, self.http, self.api_base = keeper, http, api_base.rstrip("/")

    async def _call(self, method: str, endpoint: str, **kwargs: Any) -> dict:
        token = await self.keeper.access_token()
        for attempt in (1, 2):
            try:
                response = await self.http.request(method, f"{self.api_base}/{endpoint}",
                                                   headers={"access_token": token}, **kwargs)
            except httpx.HTTPError as exc:
                raise ZaloOAError(NETWORK_ERROR, type(exc).__name__, endpoint=endpoint) from None
            try:
                return _envelope(response, endpoint)
            except ZaloOATokenError:
                if attempt == 2:
                    raise
                token = await self.keeper.refresh(stale=token)   # expired early or revoked: renew, once
        raise AssertionError("unreachable")

    async def get_oa(self) -> dict:
        return await self._call("GET", "v2.0/oa/getoa")

    async def user_name(self, user_id: str) -> str | None:
        """The follower's display name: events carry only ids (chatwoot incoming_message_service.rb, get_profile)."""
        data = await self._call("GET", "v3.0/oa/user/detail", params={"data": json.dumps({"user_id": user_id})})
        name = data.get("display_name")
        return name if isinstance(name, str) and name else None

    async def send(self, user_id: str, message: dict) -> str | None:
        """A consultation message; returns its message_id."""
        data = await self._call("POST", "v3.0/oa/message/cs", json={"recipient": {"user_id": user_id},
                                                                    "message": message})
        return str(data.get("message_id") or "") or None

    async def upload(self, kind: str, path: Path, name: str, mime: str | None) -> str:
        """kind "file" -> the file token; kind "image" -> the attachment id. The file streams from disk."""
        endpoint = f"v2.0/oa/upload/{kind}"
        with open(path, "rb") as fh:
            data = await self._call("POST", endpoint, files={"file": (name, fh, mime or guess_mime(name))})
        value = data.get("token") if kind == "file" else data.get("attachment_id")
        if not value:
            raise ZaloOAError(0, "upload answered without an id", endpoint=endpoint)
        return str(value)

    async def stream_download(self, url: str, sink: Sink, max_bytes: int) -> int:
        return await stream_url(self.http, url, sink, max_bytes)


def guess_mime(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return FILE_TYPES.get(suffix) or IMAGE_TYPES.get(suffix) or mimetypes.guess_type(name)[0] \
        or "application/octet-stream"


def upload_kind(name: str, size: int | None, photo: bool) -> str | None:
    """"file", "image", or None when Zalo takes neither (then the file goes as a signed link)."""
    suffix = Path(name).suffix.lower()
    if photo or suffix in IMAGE_TYPES:
        return "image" if suffix in IMAGE_TYPES and (size or 0) <= IMAGE_LIMIT else None
    return "file" if suffix in FILE_TYPES and (size or 0) <= FILE_LIMIT else None
