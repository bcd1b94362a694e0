"""Signed links to the bot's own web server: file downloads (Zalo has no documents) and one-time upload pages."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

SIG_LEN = 16
UPLOAD_TTL_S = 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sig(secret: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(secret, f"{purpose}|{body}".encode(), hashlib.sha256).digest())[:SIG_LEN]


def seal(secret: bytes, purpose: str, body: str) -> str:
    return f"{_b64(body.encode())}.{_sig(secret, purpose, body)}"


def unseal(secret: bytes, purpose: str, token: str) -> str | None:
    try:
        encoded, sig = token.rsplit(".", 1)
        body = _unb64(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return body if hmac.compare_digest(_sig(secret, purpose, body), sig) else None


def file_url(public_url: str, secret: bytes, stored_file_id: int) -> str:
    return f"{public_url.rstrip('/')}/tep/{seal(secret, 'file', str(stored_file_id))}"


def file_id_from(secret: bytes, token: str) -> int | None:
    body = unseal(secret, "file", token)
    return int(body) if body and body.isdigit() else None


@dataclass
class UploadTicket:
    channel: str
    chat_id: str
    expires: int
    nonce: str


def upload_url(public_url: str, secret: bytes, channel: str, chat_id: str, now: float | None = None) -> str:
    expires = int((now or time.time()) + UPLOAD_TTL_S)
    body = f"{channel}|{chat_id}|{expires}|{secrets.token_urlsafe(12)}"
    return f"{public_url.rstrip('/')}/tai-len/{seal(secret, 'upload', body)}"


def upload_ticket(secret: bytes, token: str, now: float | None = None) -> UploadTicket | None:
    body = unseal(secret, "upload", token)
    if body is None:
        return None
    channel, chat_id, expires, nonce = body.split("|", 3)
    ticket = UploadTicket(channel, chat_id, int(expires), nonce)
    return ticket if ticket.expires >= (now or time.time()) else None
