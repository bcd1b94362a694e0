"""Console sign-in: the one-time link's page, the signed session cookie and the forms' CSRF tokens.

The session is a signed (HMAC, bot.links.seal) cookie, HTTP-only and SameSite=Lax, that carries the staff
member's id, its expiry, a random nonce and the id of the link that opened it; every request checks in the
database that this session was not signed out and that the staff member is still active. The CSRF token of every form is an HMAC of the session's
nonce: a page of another site can neither read it nor guess it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.requests import Request

from bot.links import seal, unseal

COOKIE = "thidua_console"
COOKIE_PATH = "/console"
SESSION_TTL_S = 8 * 3600          # a working day at the desk
LINK_TTL = timedelta(minutes=15)  # the link is for right now: it travels through a chat
PURPOSE = "console"


@dataclass
class ConsoleConfig:
    secret: bytes
    data_dir: Path
    tz: ZoneInfo
    public_url: str
    settings: object = None

    @property
    def secure_cookie(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def from_settings(cls, settings) -> "ConsoleConfig":
        return cls(settings.signing_secret, Path(settings.thidua_data_dir), settings.tz,
                   settings.thidua_public_url, settings)


def sign_in_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/console/login/{token}"


@dataclass(frozen=True)
class SessionInfo:
    staff_id: int
    expires: int
    nonce: str
    link_id: int      # the sign-in link that opened it: signing out ends it there (db.console.sign_out)


def new_session(secret: bytes, staff_id: int, link_id: int, now: float | None = None) -> tuple[str, SessionInfo]:
    info = SessionInfo(staff_id, int((now or time.time()) + SESSION_TTL_S), secrets.token_urlsafe(12), link_id)
    body = f"{info.staff_id}|{info.expires}|{info.nonce}|{info.link_id}"
    return seal(secret, PURPOSE, body), info


def read_session(secret: bytes, cookie: str | None, now: float | None = None) -> SessionInfo | None:
    body = unseal(secret, PURPOSE, cookie) if cookie else None
    if body is None:
        return None
    try:
        staff_id, expires, nonce, link_id = body.split("|", 3)
        info = SessionInfo(int(staff_id), int(expires), nonce, int(link_id))
    except ValueError:
        return None
    return info if info.expires > (now or time.time()) else None


def current(request: Request, cfg: ConsoleConfig) -> SessionInfo | None:
    return read_session(cfg.secret, request.cookies.get(COOKIE))


def csrf_token(secret: bytes, info: SessionInfo) -> str:
    return hmac.new(secret, f"csrf|{info.nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def csrf_ok(secret: bytes, info: SessionInfo, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, info), str(given))


def set_cookie(response, cfg: ConsoleConfig, value: str) -> None:
    response.set_cookie(COOKIE, value, max_age=SESSION_TTL_S, path=COOKIE_PATH, httponly=True, samesite="lax",
                        secure=cfg.secure_cookie)


def clear_cookie(response, cfg: ConsoleConfig) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax", secure=cfg.secure_cookie)
