"""What staff who asked for it (/thongbao) hear about: new submissions, resubmissions awaiting review, new
nominations and newly bound schools. The audit log is the record of those events, so nothing else has to
remember them; each staff member keeps a cursor (notified_until) of what was told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from db import scope
from db.models import AuditEvent, Campaign, Contact, Milestone, Nomination, Staff, Submission, Unit

ACTIONS = ("report_submitted", "dossier_submitted", "nomination_submitted", "contact_bound")
MODES = ("off", "each", "hourly")


@dataclass(frozen=True)
class News:
    audit_id: int
    at: datetime
    kind: str               # submitted | resubmitted | nominated | bound
    unit: Unit
    campaign_office_id: int | None
    what: str               # milestone title, nominee name or contact name
    version: int | None = None
    late: bool = False


def subscribers(session: Session) -> list[Staff]:
    """Active staff who started the bot and want news."""
    return list(session.exec(select(Staff).where(
        Staff.active == True, Staff.started_at.is_not(None), Staff.notify != "off")  # noqa: E712
        .order_by(Staff.id)).all())


def set_mode(session: Session, staff: Staff, mode: str, now: datetime) -> None:
    """Subscribing starts from now: no flood of what happened before."""
    if mode not in MODES:
        raise ValueError(mode)
    if staff.notify == "off" and mode != "off":
        staff.notified_until = now
    staff.notify = mode
    session.add(staff)


def _id(subject: str | None, prefix: str) -> int | None:
    head, _, tail = (subject or "").partition(":")
    return int(tail) if head == prefix and tail.isdigit() else None


def news_between(session: Session, after: datetime, until: datetime) -> list[News]:
    """Events in (after, until], oldest first, with the unit and what it was about."""
    rows = session.exec(select(AuditEvent).where(AuditEvent.action.in_(ACTIONS), AuditEvent.at > after,
                                                 AuditEvent.at <= until).order_by(AuditEvent.at, AuditEvent.id)).all()
    out = []
    for e in rows:
        item = _resolve(session, e)
        if item is not None:
            out.append(item)
    return out


def _resolve(session: Session, e: AuditEvent) -> News | None:
    if e.action in ("report_submitted", "dossier_submitted"):
        sub = session.get(Submission, _id(e.subject, "submission") or 0)
        m = session.get(Milestone, sub.milestone_id) if sub else None
        unit = session.get(Unit, sub.unit_id) if sub else None
        if m is None or unit is None:
            return None
        office = _campaign_office(session, m.campaign_id)
        return News(e.id, e.at, "resubmitted" if sub.version > 1 else "submitted", unit, office, m.title,
                    sub.version, sub.late)
    if e.action == "nomination_submitted":
        n = session.get(Nomination, _id(e.subject, "nomination") or 0)
        unit = session.get(Unit, n.unit_id) if n else None
        if unit is None:
            return None
        return News(e.id, e.at, "nominated", unit, _campaign_office(session, n.campaign_id), n.nominee_name,
                    late=n.late)
    unit = session.get(Unit, _id(e.subject, "unit") or 0)
    contact = session.get(Contact, (e.details or {}).get("contact") or 0)
    if unit is None:
        return None
    return News(e.id, e.at, "bound", unit, unit.office_id, contact.display_name if contact else "")


def _campaign_office(session: Session, campaign_id: int) -> int | None:
    campaign = session.get(Campaign, campaign_id)
    return campaign.office_id if campaign else None


def visible_to(staff: Staff, news: News) -> bool:
    return scope.office_allows(staff.office_id, news.campaign_office_id)


def advance(session: Session, staff: Staff, until: datetime) -> None:
    staff.notified_until = until
    session.add(staff)
