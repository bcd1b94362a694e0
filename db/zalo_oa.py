"""Zalo Official Account: the OAuth tokens every process shares, and who an unreachable OA chat is.

Zalo retires a refresh token the moment it is used (the answer carries the next one), so two processes
refreshing at once would leave one of them with a dead chain. A refresh is therefore claimed first with a
conditional UPDATE on `refreshing_until` (a short lease: a process that dies mid-refresh frees it), the call
to Zalo happens outside any transaction, and the result is stored for all. The configured refresh token only
seeds the chain: it is taken again when the deployer sets a new one (its hash differs from the seed's).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from db.clock import utcnow
from db.models import Contact, Unit, ZaloOAToken


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refreshing: bool            # another process holds the refresh lease now
    updated_at: datetime


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _tokens(row: ZaloOAToken, now: datetime) -> Tokens:
    refreshing = row.refreshing_until is not None and row.refreshing_until > now
    return Tokens(row.access_token, row.refresh_token, row.access_expires_at, refreshing, row.updated_at)


def current(session: Session, app_id: str) -> Tokens | None:
    row = session.get(ZaloOAToken, app_id)
    return _tokens(row, utcnow()) if row else None


def seed(session: Session, app_id: str, refresh_token: str, access_token: str | None = None,
         access_expires_at: datetime | None = None) -> bool:
    """Start (or restart) the chain from the configured tokens. True if they were taken; False when the chain
    already grew from this same configured refresh token (its later tokens are the good ones)."""
    row = session.get(ZaloOAToken, app_id)
    digest = _sha(refresh_token)
    if row is not None and row.seed_sha256 == digest:
        return False
    expires = access_expires_at if access_token else utcnow()   # no access token: refresh at first use
    if row is None:
        row = ZaloOAToken(app_id=app_id, access_token=access_token or "", refresh_token=refresh_token,
                          access_expires_at=expires, seed_sha256=digest)
    else:
        row.access_token, row.refresh_token, row.access_expires_at = access_token or "", refresh_token, expires
        row.seed_sha256, row.refreshing_until, row.updated_at = digest, None, utcnow()
    session.add(row)
    return True


def claim_refresh(session: Session, app_id: str, lease: timedelta) -> str | None:
    """The refresh token to use, if this caller won the refresh lease; None when another holds it."""
    now = utcnow()
    t = ZaloOAToken.__table__
    won = session.execute(
        update(t).where(t.c.app_id == app_id, or_(t.c.refreshing_until.is_(None), t.c.refreshing_until < now))
        .values(refreshing_until=now + lease)).rowcount
    if not won:
        return None
    return session.execute(select(t.c.refresh_token).where(t.c.app_id == app_id)).scalar_one()


def store_refreshed(session: Session, app_id: str, access_token: str, refresh_token: str,
                    access_expires_at: datetime) -> None:
    t = ZaloOAToken.__table__
    session.execute(update(t).where(t.c.app_id == app_id).values(
        access_token=access_token, refresh_token=refresh_token, access_expires_at=access_expires_at,
        refreshing_until=None, updated_at=utcnow()))


def release_refresh(session: Session, app_id: str) -> None:
    """A refresh that failed: let the next caller try."""
    t = ZaloOAToken.__table__
    session.execute(update(t).where(t.c.app_id == app_id).values(refreshing_until=None))


def contact_labels(session: Session, channel: str, chat_ids: list[str]) -> dict[str, tuple[str, str, str | None]]:
    """chat id -> (unit name, contact name, the unit's liaison phone) for the chats of `channel` bound to a unit."""
    if not chat_ids:
        return {}
    rows = session.exec(select(Contact, Unit).join(Unit, Unit.id == Contact.unit_id)
                        .where(Contact.channel == channel, Contact.chat_id.in_(chat_ids))).all()
    return {c.chat_id: (u.name, c.display_name or c.chat_id, u.liaison_phone) for c, u in rows}


def mark_unreachable(session: Session, channel: str, chat_id: str) -> bool:
    """A follower left the OA: no message reaches them until they write again."""
    c = Contact.__table__
    return bool(session.execute(update(c).where(c.c.channel == channel, c.c.chat_id == chat_id,
                                                c.c.reachable.is_(True)).values(reachable=False)).rowcount)
