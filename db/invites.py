"""Invite tokens: random (>=128 bits), stored only as a hash, expiring, revocable, limited in uses."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from db.clock import utcnow
from db.models import Contact, Invite, Staff, Unit

DEFAULT_DAYS = 30
DEFAULT_MAX_USES = 3


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 bits; url-safe, fits Telegram's 64-char start parameter


def create_unit_invite(session: Session, unit: Unit, days: int = DEFAULT_DAYS,
                       max_uses: int = DEFAULT_MAX_USES) -> tuple[Invite, str]:
    token = new_token()
    invite = Invite(kind="unit", token_hash=hash_token(token), unit_id=unit.id, max_uses=max_uses,
                    expires_at=utcnow() + timedelta(days=days))
    session.add(invite)
    session.flush()
    return invite, token


def create_staff_invite(session: Session, name: str, role: str, office_id: int | None,
                        days: int = 7) -> tuple[Invite, str]:
    token = new_token()
    invite = Invite(kind="staff", token_hash=hash_token(token), office_id=office_id, staff_name=name,
                    staff_role=role, max_uses=1, expires_at=utcnow() + timedelta(days=days))
    session.add(invite)
    session.flush()
    return invite, token


def revoke_for_unit(session: Session, unit_id: int) -> int:
    now = utcnow()
    invites = session.exec(select(Invite).where(Invite.unit_id == unit_id, Invite.revoked_at.is_(None))).all()
    for inv in invites:
        inv.revoked_at = now
        session.add(inv)
    return len(invites)


@dataclass
class Redemption:
    ok: bool
    reason: str | None = None          # unknown | expired | revoked | used_up | other_unit | already
    unit: Unit | None = None
    staff: Staff | None = None
    contact: Contact | None = None


def _usable(invite: Invite | None) -> str | None:
    if invite is None:
        return "unknown"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at < utcnow():
        return "expired"
    if invite.uses >= invite.max_uses:
        return "used_up"
    return None


def redeem(session: Session, token: str, *, channel: str, user_id: str, chat_id: str,
           display_name: str | None) -> Redemption:
    invite = session.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
    problem = _usable(invite)
    if problem:
        return Redemption(False, problem)
    if invite.kind == "staff":
        return _redeem_staff(session, invite, channel, user_id, chat_id)
    unit = session.get(Unit, invite.unit_id)
    existing = session.exec(select(Contact).where(Contact.channel == channel, Contact.chat_id == chat_id)).first()
    if existing is not None:
        if existing.unit_id == unit.id:
            return Redemption(True, "already", unit=unit, contact=existing)
        return Redemption(False, "other_unit", unit=session.get(Unit, existing.unit_id))
    contact = Contact(unit_id=unit.id, channel=channel, platform_user_id=user_id, chat_id=chat_id,
                      display_name=display_name, invite_id=invite.id)
    invite.uses += 1
    session.add_all([contact, invite])
    session.flush()
    return Redemption(True, unit=unit, contact=contact)


def _redeem_staff(session: Session, invite: Invite, channel: str, user_id: str, chat_id: str) -> Redemption:
    staff = session.exec(select(Staff).where(Staff.channel == channel, Staff.platform_user_id == user_id)).first()
    if staff is None:
        staff = Staff(office_id=invite.office_id, name=invite.staff_name or user_id,
                      role=invite.staff_role or "specialist", channel=channel, platform_user_id=user_id)
    staff.chat_id, staff.active = chat_id, True
    invite.uses += 1
    session.add_all([staff, invite])
    session.flush()
    return Redemption(True, staff=staff)
