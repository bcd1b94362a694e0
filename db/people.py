"""Who is writing: a unit's contact, a staff member, or nobody we know."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from db.models import AuditEvent, Contact, Office, Staff, Unit


def contact_for_chat(session: Session, channel: str, chat_id: str) -> Contact | None:
    return session.exec(select(Contact).where(Contact.channel == channel, Contact.chat_id == chat_id)).first()


def staff_for_user(session: Session, channel: str, user_id: str) -> Staff | None:
    return session.exec(select(Staff).where(
        Staff.channel == channel, Staff.platform_user_id == user_id, Staff.active == True)).first()  # noqa: E712


def staff_by_id(session: Session, staff_id: int) -> Staff | None:
    return session.get(Staff, staff_id)


def contact(session: Session, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def unit(session: Session, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id)


def office(session: Session, office_id: int | None) -> Office | None:
    return session.get(Office, office_id) if office_id else None


def audit(session: Session, actor: str, action: str, subject: str | None = None, **details) -> None:
    session.add(AuditEvent(actor=actor, action=action, subject=subject, details=details or None))


def staff_chats(session: Session, channel: str) -> list[str]:
    return [c for c in session.exec(select(Staff.chat_id).where(
        Staff.channel == channel, Staff.active == True, Staff.chat_id.is_not(None)))]  # noqa: E712


def mark_staff_started(session: Session, staff: Staff, chat_id: str, now: datetime) -> None:
    staff.started_at, staff.chat_id = now, str(chat_id)
    session.add(staff)
