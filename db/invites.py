"""Invite codes: random, stored only as a hash, expiring, revocable, limited in uses.

A code is typed by hand on Zalo (no deep links there), so it is short and survives phone keyboards:
8 characters from CODE_ALPHABET, shown as "BCGH-K2M9", accepted in any case, with or without spaces or
dashes. The alphabet has no vowels (so neither Telex's "aa" -> "â", "ow" -> "ơ" nor VNI's "a1" -> "á" nor a
tone key s/f/r/x/j can touch it: those marks only attach to a vowel), none of d, w (Telex's "dd" -> "đ",
"w" -> "ư"), z, and none of the look-alikes 0/O, 1/I/L. 19 symbols ^ 8 = 1.7e10 codes; with attempts
rate-limited per chat (below), invites expiring after DEFAULT_DAYS and a few hundred live at once, guessing
one takes millions of tries. Every code has a letter and a digit, so no word or number a school types is
mistaken for one (Vietnamese syllables all have a vowel). Codes issued before (22 characters of base64url,
case-sensitive) are still accepted.

Binding is race-free across processes: the chat's Contact (or the user's Staff row) is inserted with
INSERT ... ON CONFLICT DO NOTHING and then read, and a use of the invite is claimed with a conditional UPDATE
(uses < max_uses), so two processes binding the same chat, or two chats taking an invite's last use, end with
one binding and a correct answer for the other, never an IntegrityError.

Attempts are rate-limited per chat (MAX_FAILED_ATTEMPTS refusals per ATTEMPT_WINDOW); the refusals are the
audit rows "invite_refused" with subject attempt_subject(channel, chat_id), so no table of its own is needed.
"""
from __future__ import annotations

import hashlib
import math
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db.clock import utcnow
from db.models import AuditEvent, Contact, Invite, Staff, Unit

DEFAULT_DAYS = 30
DEFAULT_MAX_USES = 3

CODE_ALPHABET = "BCGHKMNPQTV23456789"
CODE_LENGTH = 8
_SHORT = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_TYPING_SEPARATORS = re.compile(r"[\s\-_.–—]+")

LEGACY_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"   # base64url, secrets.token_urlsafe(16)
LEGACY_TOKEN_LENGTH = math.ceil(16 * 4 / 3)                          # 22
_LEGACY = re.compile(f"[{re.escape(LEGACY_TOKEN_ALPHABET)}]{{{LEGACY_TOKEN_LENGTH}}}")


def canonical_code(text: str | None) -> str | None:
    """The code a person meant, or None: 'bcgh k2m9', 'BCGH-K2M9' -> 'BCGHK2M9'; a legacy token as is."""
    raw = (text or "").strip()
    if _LEGACY.fullmatch(raw):
        return raw
    short = _TYPING_SEPARATORS.sub("", raw).upper()
    return short if _SHORT.fullmatch(short) and _has_letter_and_digit(short) else None


def hash_token(token: str) -> str:
    return hashlib.sha256((canonical_code(token) or token.strip()).encode()).hexdigest()


def new_token() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if _has_letter_and_digit(code):
            return code


def display_code(code: str) -> str:
    """'BCGHK2M9' -> 'BCGH-K2M9': two groups are easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}" if _SHORT.fullmatch(code) else code


def looks_like_code(text: str | None) -> bool:
    """Text a person typed that has the shape of an invite code. Ordinary chat ("xin chào", "Trường TH Kim
    Đồng", a phone number) never matches, so it never counts as a failed attempt."""
    return canonical_code(text) is not None


def _has_letter_and_digit(code: str) -> bool:
    return any(c.isalpha() for c in code) and any(c.isdigit() for c in code)


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
    reason: str | None = None          # unknown | expired | revoked | used_up | other_unit | already | busy
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
           display_name: str | None, now: datetime | None = None) -> Redemption:
    now = now or utcnow()
    invite = session.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
    problem = _usable(invite)
    if problem:
        return Redemption(False, problem)
    if invite.kind == "staff":
        return _redeem_staff(session, invite, channel, user_id, chat_id, now)
    unit = session.get(Unit, invite.unit_id)
    existing = _contact(session, channel, chat_id)
    if existing is not None:
        return _bound_before(session, existing, unit)
    contact_id = _insert_contact(session, unit.id, invite.id, channel, user_id, chat_id, display_name, now)
    if contact_id is None:   # another process bound this chat since we looked: answer as if we had seen it
        return _bound_before(session, _contact(session, channel, chat_id), unit)
    if not _claim_use(session, invite.id, now):   # another chat took the last use meanwhile: undo our row
        session.execute(delete(Contact).where(Contact.id == contact_id).execution_options(synchronize_session=False))
        return Redemption(False, _reason_now(session, invite))
    session.refresh(invite)
    return Redemption(True, unit=unit, contact=session.get(Contact, contact_id))


def _contact(session: Session, channel: str, chat_id: str) -> Contact | None:
    return session.exec(select(Contact).where(Contact.channel == channel, Contact.chat_id == chat_id)
                        .execution_options(populate_existing=True)).first()


def _bound_before(session: Session, existing: Contact | None, unit: Unit) -> Redemption:
    if existing is None:          # cannot happen: the insert conflicted with a row we cannot see
        return Redemption(False, "busy")
    if existing.unit_id == unit.id:
        return Redemption(True, "already", unit=unit, contact=existing)
    return Redemption(False, "other_unit", unit=session.get(Unit, existing.unit_id))


def _insert_fn(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _insert_contact(session: Session, unit_id: int, invite_id: int, channel: str, user_id: str, chat_id: str,
                    display_name: str | None, now: datetime) -> int | None:
    """The new contact's id, or None when the chat is bound already (INSERT ... ON CONFLICT DO NOTHING)."""
    table = Contact.__table__
    stmt = (_insert_fn(session)(table)
            .values(unit_id=unit_id, channel=channel, platform_user_id=user_id, chat_id=chat_id,
                    display_name=display_name, reachable=True, invite_id=invite_id, bound_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "chat_id"]).returning(table.c.id))
    return session.execute(stmt).scalar()


def _claim_use(session: Session, invite_id: int, now: datetime) -> bool:
    """Take one use of the invite if it is still usable right now (a compare-and-set across processes)."""
    result = session.execute(
        update(Invite).where(Invite.id == invite_id, Invite.uses < Invite.max_uses, Invite.revoked_at.is_(None),
                             Invite.expires_at >= now)
        .values(uses=Invite.uses + 1).execution_options(synchronize_session=False))
    return (result.rowcount or 0) == 1


def _reason_now(session: Session, invite: Invite) -> str:
    session.refresh(invite)
    return _usable(invite) or "used_up"


def _redeem_staff(session: Session, invite: Invite, channel: str, user_id: str, chat_id: str,
                  now: datetime) -> Redemption:
    if not _claim_use(session, invite.id, now):
        return Redemption(False, _reason_now(session, invite))
    table = Staff.__table__
    session.execute(_insert_fn(session)(table).values(
        office_id=invite.office_id, name=invite.staff_name or user_id, role=invite.staff_role or "specialist",
        channel=channel, platform_user_id=user_id, chat_id=chat_id, active=True, created_at=now,
    ).on_conflict_do_nothing(index_elements=["channel", "platform_user_id"]))
    staff = session.exec(select(Staff).where(Staff.channel == channel, Staff.platform_user_id == user_id)
                         .execution_options(populate_existing=True)).one()
    staff.chat_id, staff.active = chat_id, True    # an existing (perhaps deactivated) account comes back
    session.add(staff)
    session.flush()
    session.refresh(invite)
    return Redemption(True, staff=staff)


# ------------------------------------------------------------------------------------------ attempt limits

MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(minutes=10)
REFUSED, COOLING_OFF = "invite_refused", "invite_cooling_off"


def attempt_subject(channel: str, chat_id: str) -> str:
    return f"chat:{channel}:{chat_id}"


@dataclass
class AttemptGate:
    open: bool
    until: datetime | None = None    # closed: the next attempt is heard from then on
    tell: bool = False               # closed: this is the first attempt since it closed (say so, once)

    @property
    def retry_at(self) -> datetime | None:
        """`until` rounded up to the minute: the time we tell people, by which the gate is surely open."""
        if self.until is None or (self.until.second == 0 and self.until.microsecond == 0):
            return self.until
        return self.until.replace(second=0, microsecond=0) + timedelta(minutes=1)


def attempt_gate(session: Session, channel: str, chat_id: str, now: datetime) -> AttemptGate:
    """Closed while the chat has MAX_FAILED_ATTEMPTS refusals in the last ATTEMPT_WINDOW (a sliding window)."""
    subject = attempt_subject(channel, chat_id)
    recent = session.exec(select(AuditEvent.at).where(
        AuditEvent.action == REFUSED, AuditEvent.subject == subject, AuditEvent.at > now - ATTEMPT_WINDOW)
        .order_by(AuditEvent.at.desc()).limit(MAX_FAILED_ATTEMPTS)).all()
    if len(recent) < MAX_FAILED_ATTEMPTS:
        return AttemptGate(True)
    told = session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == COOLING_OFF, AuditEvent.subject == subject, AuditEvent.at >= recent[0])).one()
    return AttemptGate(False, until=recent[-1] + ATTEMPT_WINDOW, tell=not told)


def record_refusal(session: Session, actor: str, channel: str, chat_id: str, reason: str, now: datetime) -> None:
    session.add(AuditEvent(at=now, actor=actor, action=REFUSED, subject=attempt_subject(channel, chat_id),
                           details={"reason": reason}))


def record_cooling_off(session: Session, actor: str, channel: str, chat_id: str, until: datetime,
                       now: datetime) -> None:
    session.add(AuditEvent(at=now, actor=actor, action=COOLING_OFF, subject=attempt_subject(channel, chat_id),
                           details={"until": until.isoformat()}))
