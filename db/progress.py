"""Staff-side queries: progress counts, missing/late units, the review queue and review transitions, export facts.

Counts are grouped queries over the latest version per unit and milestone (never one query per unit): an
office follows hundreds of schools.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Generic, TypeVar

from sqlalchemy import and_, func, update
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import standing
from db import submissions as sub_ops
from db.models import Broadcast, CampaignUnit, Contact, Milestone, Staff, Submission, SubmissionStatus, Unit

T = TypeVar("T")
MISSING = sub_ops.MISSING


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int            # 0-based
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


def clamp_page(page: int, total: int, per_page: int) -> int:
    """A page number that still exists (the list may have shrunk since the button was drawn)."""
    return max(0, min(page, max(1, ceil(total / per_page)) - 1))


# ------------------------------------------------------------------------------------------- campaigns

def unit_milestone(session: Session, campaign_id: int, milestone_id: int | None) -> Milestone | None:
    """The milestone if it is a live, units-act milestone of this campaign (guards stale or forged ids)."""
    m = campaign_ops.milestone(session, milestone_id) if milestone_id else None
    return m if m is not None and m.campaign_id == campaign_id and m.units_act else None


def unit_count(session: Session, campaign_id: int) -> int:
    return session.exec(select(func.count()).select_from(CampaignUnit).where(
        CampaignUnit.campaign_id == campaign_id)).one()


# ------------------------------------------------------------------------------------------- progress
# Every figure comes from db.standing: reports, dossiers and nomination rounds alike.

Counts = standing.Counts


def _newest(campaign_id: int, milestone_ids: list[int]):
    """Subquery: the latest version number per (unit, milestone), for units taking part in the campaign."""
    units = select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)
    return (select(Submission.unit_id, Submission.milestone_id, func.max(Submission.version).label("v"))
            .where(Submission.milestone_id.in_(milestone_ids), Submission.unit_id.in_(units))
            .group_by(Submission.unit_id, Submission.milestone_id).subquery())


def _join_newest(newest):
    return and_(Submission.unit_id == newest.c.unit_id, Submission.milestone_id == newest.c.milestone_id,
                Submission.version == newest.c.v)


def status_counts(session: Session, campaign_id: int, milestones: Sequence[Milestone]) -> dict[int, Counts]:
    """Per milestone: how many units stand in each status, how many are late, how many miss."""
    return standing.counts(session, campaign_id, milestones)


def _units_page(session: Session, milestone: Milestone, page: int, per_page: int, **which
                ) -> Page[tuple[Unit, standing.Standing]]:
    items, total = standing.units_standing(session, milestone, offset=page * per_page, limit=per_page, **which)
    if not items and page > 0 and total:   # the list shrank since the button was drawn
        page = clamp_page(page, total, per_page)
        items, total = standing.units_standing(session, milestone, offset=page * per_page, limit=per_page, **which)
    return Page(items, total, page, per_page)


def missing_units(session: Session, milestone: Milestone, page: int, per_page: int
                  ) -> Page[tuple[Unit, standing.Standing]]:
    """Participating units that have sent nothing (that stands) for this milestone, by code."""
    return _units_page(session, milestone, page, per_page, statuses=[MISSING])


def late_units(session: Session, milestone: Milestone, page: int, per_page: int
               ) -> Page[tuple[Unit, standing.Standing]]:
    """Units whose latest work on this milestone came in after the deadline."""
    return _units_page(session, milestone, page, per_page, late=True)


# ------------------------------------------------------------------------------------------- who to phone

@dataclass
class Reach:
    """Who answers for a unit: its bound contacts that the bot can reach, and the roster's liaison."""
    contacts: list[str]           # display names of reachable bound contacts
    liaison: str | None           # the roster's người đầu mối
    phone: str | None             # the roster's phone number


def reach_of(session: Session, campaign_id: int, units: Sequence[Unit]) -> dict[int, Reach]:
    """unit id -> Reach, in one query for the page of units shown."""
    names: dict[int, list[str]] = {u.id: [] for u in units}
    for c in campaign_ops.contacts(session, campaign_id, unit_ids=list(names), reachable_only=True):
        names[c.unit_id].append(c.display_name or c.chat_id)
    return {u.id: Reach(names[u.id], u.liaison_name, u.liaison_phone) for u in units}


def _unreached_where(campaign_id: int):
    reachable = (select(Contact.id).where(Contact.unit_id == Unit.id, Contact.reachable == True)  # noqa: E712
                 .exists())
    return (CampaignUnit.campaign_id == campaign_id, ~reachable)


def unreached_units(session: Session, campaign_id: int, page: int = 0, per_page: int | None = None) -> Page[Unit]:
    """Units of the campaign no message can reach (no bound contact, or all of them blocked the bot)."""
    where = _unreached_where(campaign_id)
    base = select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id).where(*where)
    total = session.exec(select(func.count()).select_from(Unit).join(
        CampaignUnit, CampaignUnit.unit_id == Unit.id).where(*where)).one()
    per_page = per_page or max(total, 1)
    page = clamp_page(page, total, per_page)
    items = session.exec(base.order_by(Unit.code).offset(page * per_page).limit(per_page)).all()
    return Page(list(items), total, page, per_page)


# ------------------------------------------------------------------------------------------- review

def awaiting_counts(session: Session, campaign_id: int, milestones: Sequence[Milestone]) -> dict[int, int]:
    return {mid: c.submitted for mid, c in status_counts(session, campaign_id, milestones).items()}


def review_queue(session: Session, milestone: Milestone, page: int, per_page: int, include_reviewed: bool = False
                 ) -> Page[tuple[Submission, Unit]]:
    """Latest submissions of the milestone: awaiting review first-come first-served, or all of them."""
    newest = _newest(milestone.campaign_id, [milestone.id])
    where = [] if include_reviewed else [Submission.status == SubmissionStatus.submitted]
    total = session.exec(select(func.count()).select_from(Submission).join(newest, _join_newest(newest))
                         .where(*where)).one()
    page = clamp_page(page, total, per_page)
    rows = session.exec(select(Submission, Unit).join(newest, _join_newest(newest))
                        .join(Unit, Unit.id == Submission.unit_id).where(*where)
                        .order_by(Submission.submitted_at, Unit.code).offset(page * per_page).limit(per_page)).all()
    return Page([tuple(r) for r in rows], total, page, per_page)


def find_for_review(session: Session, submission_id: int, campaign_id: int, milestone_id: int
                    ) -> tuple[Submission | None, str]:
    """The submission if it is the latest version of a unit of this campaign for this milestone.

    Returns (submission, "") or (None, reason) with reason "unknown" (wrong id, milestone or campaign) or
    "superseded" (the unit has sent a newer version since the list was shown).
    """
    sub = session.get(Submission, submission_id)
    milestone = unit_milestone(session, campaign_id, milestone_id)
    if sub is None or milestone is None or sub.milestone_id != milestone.id \
            or not campaign_ops.takes_part(session, campaign_id, sub.unit_id):
        return None, "unknown"
    if sub_ops.next_version(session, sub.unit_id, sub.milestone_id) != sub.version + 1:
        return None, "superseded"
    return sub, ""


def set_review(session: Session, submission_id: int, *, expected_status: str, expected_reviewed_at: datetime | None,
               status: str, staff_id: int, now: datetime, comment: str | None) -> bool:
    """Record a review only if nobody changed the submission since it was shown (compare-and-set)."""
    same_review = (Submission.reviewed_at.is_(None) if expected_reviewed_at is None
                   else Submission.reviewed_at == expected_reviewed_at)
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == expected_status, same_review)
        .values(status=status, reviewed_at=now, reviewed_by_staff_id=staff_id, review_comment=comment)
        .execution_options(synchronize_session=False))
    changed = (result.rowcount or 0) == 1
    sub = session.get(Submission, submission_id)
    if sub is not None:
        session.refresh(sub)
    return changed


def staff_names(session: Session, staff_ids: set[int | None]) -> dict[int, str]:
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return {}
    return {s.id: s.name for s in session.exec(select(Staff).where(Staff.id.in_(ids))).all()}


# ------------------------------------------------------------------------------------------- nudges

def owing_units(session: Session, milestone: Milestone) -> dict[int, tuple[Unit, str]]:
    """Units that still owe this milestone, by code, with why: "missing" or "returned"."""
    return {u.id: (u, st.status) for u, st in standing.owing_units(session, milestone)}


def create_nudge_broadcast(session: Session, milestone: Milestone, staff_id: int, channel: str, chat_id: str,
                           total: int, now: datetime) -> Broadcast:
    row = Broadcast(campaign_id=milestone.campaign_id, milestone_id=milestone.id, kind="nudge", staff_id=staff_id,
                    staff_channel=channel, staff_chat_id=str(chat_id), total=total, created_at=now)
    session.add(row)
    session.flush()
    return row
