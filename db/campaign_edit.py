"""Changing a saved or launched campaign: its header, its milestones, its quota.

Nothing is deleted: a dropped milestone is marked deleted (its submissions and files stay), so history and
exports keep what schools sent. Moving a deadline cancels the reminders still queued for the old date; the
scheduler plans afresh from the new one (its fingerprint includes the due time).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import reminders, standing
from db.campaign_admin import due_at_utc
from db.models import Campaign, Contact, Milestone, Nomination, Submission


@dataclass(frozen=True)
class Moved:
    milestone: Milestone
    old_due: datetime          # naive UTC
    new_due: datetime


def set_header(session: Session, campaign: Campaign, *, title: str | None = None, doc_number: str | None = None,
               period: tuple[date | None, date] | None = None, issued: date | None = None) -> None:
    if issued is not None:
        campaign.issued_date = issued
    if title is not None:
        campaign.title = title
    if doc_number is not None:
        campaign.doc_number = doc_number
    if period is not None:
        campaign.period_start, campaign.period_end = period
    session.add(campaign)
    session.flush()


def rename_milestone(session: Session, m: Milestone, title: str, now: datetime) -> None:
    m.title, m.updated_at = title, now
    session.add(m)
    session.flush()


def set_kind(session: Session, m: Milestone, kind: str, now: datetime) -> None:
    """Only for a milestone nobody has sent anything for (what was sent belongs to the old kind)."""
    m.kind, m.updated_at = kind, now
    m.units_act = kind != "event" or m.units_act
    session.add(m)
    session.flush()


def set_documents(session: Session, m: Milestone, documents: list[str], now: datetime) -> None:
    m.required_documents, m.updated_at = list(documents), now
    session.add(m)
    session.flush()


def move_milestone(session: Session, m: Milestone, day: date, tz: ZoneInfo, now: datetime) -> Moved:
    """A new due date (17:00 local, as every deadline); pending reminders of the old date are cancelled."""
    old = m.due_at
    m.due_at, m.precision, m.updated_at = due_at_utc(day, tz), "day", now
    session.add(m)
    session.flush()
    reminders.cancel_queued_before(session, m.id, now + timedelta(seconds=1), "deadline_moved")
    return Moved(m, old, m.due_at)


def work_count(session: Session, m: Milestone) -> int:
    """Submissions and nominations the milestone holds: dropping it must be confirmed when there are any."""
    subs = session.exec(select(func.count()).select_from(Submission).where(Submission.milestone_id == m.id)).one()
    noms = session.exec(select(func.count()).select_from(Nomination).where(Nomination.milestone_id == m.id)).one()
    return subs + noms


def drop_milestone(session: Session, m: Milestone, now: datetime) -> None:
    """Marked deleted, never removed: what units sent for it stays stored and exportable."""
    m.deleted_at, m.updated_at = now, now
    session.add(m)
    session.flush()
    reminders.cancel_queued_before(session, m.id, now + timedelta(seconds=1), "milestone_dropped")


def contacts_to_tell(session: Session, m: Milestone) -> list[Contact]:
    """Reachable contacts of the campaign's units whose work on the milestone is not accepted yet."""
    campaign = session.get(Campaign, m.campaign_id)
    if campaign is None or campaign.status != "launched":
        return []
    done = {u for (u, _), st in standing.standings(session, [m]).items() if st.status == standing.ACCEPTED}
    return [c for c in campaign_ops.contacts(session, m.campaign_id, reachable_only=True) if c.unit_id not in done]
