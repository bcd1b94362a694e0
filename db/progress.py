"""Staff-side queries: progress counts, missing/late units, the review queue and review transitions, export facts.

Counts are grouped queries over the latest version per unit and milestone (never one query per unit): an
office follows hundreds of schools.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil
from typing import Generic, TypeVar

from sqlalchemy import and_, exists, func, update
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import submissions as sub_ops
from db.models import (Broadcast, CampaignUnit, Milestone, Staff, StoredFile, Submission, SubmissionFile,
                       SubmissionStatus, Unit)

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

@dataclass
class Counts:
    total: int = 0
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.total - self.submitted - self.accepted - self.returned

    def of(self, status: str) -> int:
        return self.missing if status == MISSING else getattr(self, status)


def _newest(campaign_id: int, milestone_ids: list[int]):
    """Subquery: the latest version number per (unit, milestone), for units taking part in the campaign."""
    units = select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)
    return (select(Submission.unit_id, Submission.milestone_id, func.max(Submission.version).label("v"))
            .where(Submission.milestone_id.in_(milestone_ids), Submission.unit_id.in_(units))
            .group_by(Submission.unit_id, Submission.milestone_id).subquery())


def _join_newest(newest):
    return and_(Submission.unit_id == newest.c.unit_id, Submission.milestone_id == newest.c.milestone_id,
                Submission.version == newest.c.v)


def status_counts(session: Session, campaign_id: int, milestone_ids: Sequence[int]) -> dict[int, Counts]:
    """Per milestone: how many units' latest submission is in each status, how many are late, how many miss."""
    ids = list(milestone_ids)
    total = unit_count(session, campaign_id)
    result = {mid: Counts(total=total) for mid in ids}
    if not ids:
        return result
    newest = _newest(campaign_id, ids)
    rows = session.exec(select(Submission.milestone_id, Submission.status, Submission.late, func.count())
                        .join(newest, _join_newest(newest))
                        .group_by(Submission.milestone_id, Submission.status, Submission.late)).all()
    for mid, status, late, n in rows:
        counts = result[mid]
        if status in (SubmissionStatus.submitted, SubmissionStatus.accepted, SubmissionStatus.returned):
            setattr(counts, status, counts.of(status) + n)
        if late:
            counts.late += n
    return result


def missing_units(session: Session, milestone: Milestone, page: int, per_page: int) -> Page[Unit]:
    """Participating units with no submission at all for this milestone, by code."""
    has_any = exists().where(Submission.unit_id == Unit.id, Submission.milestone_id == milestone.id)
    where = (CampaignUnit.campaign_id == milestone.campaign_id, ~has_any)
    base = select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id).where(*where)
    total = session.exec(select(func.count()).select_from(Unit).join(
        CampaignUnit, CampaignUnit.unit_id == Unit.id).where(*where)).one()
    page = clamp_page(page, total, per_page)
    items = session.exec(base.order_by(Unit.code).offset(page * per_page).limit(per_page)).all()
    return Page(list(items), total, page, per_page)


def late_units(session: Session, milestone: Milestone, page: int, per_page: int
               ) -> Page[tuple[Unit, Submission]]:
    """Units whose latest submission for this milestone came in after the deadline."""
    newest = _newest(milestone.campaign_id, [milestone.id])
    base = (select(Unit, Submission).join(newest, _join_newest(newest)).join(Unit, Unit.id == Submission.unit_id)
            .where(Submission.late == True))  # noqa: E712
    total = session.exec(select(func.count()).select_from(Submission).join(newest, _join_newest(newest))
                         .where(Submission.late == True)).one()  # noqa: E712
    page = clamp_page(page, total, per_page)
    items = session.exec(base.order_by(Unit.code).offset(page * per_page).limit(per_page)).all()
    return Page([tuple(r) for r in items], total, page, per_page)


# ------------------------------------------------------------------------------------------- review

def awaiting_counts(session: Session, campaign_id: int, milestone_ids: Sequence[int]) -> dict[int, int]:
    return {mid: c.submitted for mid, c in status_counts(session, campaign_id, milestone_ids).items()}


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
    """Units that still owe this milestone, with why: "missing" or "returned"."""
    owing_ids = sub_ops.owing_unit_ids(session, milestone)
    if not owing_ids:
        return {}
    latest = sub_ops.latest(session, [milestone.id], owing_ids)
    units = session.exec(select(Unit).where(Unit.id.in_(owing_ids)).order_by(Unit.code)).all()
    return {u.id: (u, sub_ops.status_of(latest.get((u.id, milestone.id)))) for u in units}


def create_nudge_broadcast(session: Session, milestone: Milestone, staff_id: int, channel: str, chat_id: str,
                           total: int, now: datetime) -> Broadcast:
    row = Broadcast(campaign_id=milestone.campaign_id, milestone_id=milestone.id, kind="nudge", staff_id=staff_id,
                    staff_channel=channel, staff_chat_id=str(chat_id), total=total, created_at=now)
    session.add(row)
    session.flush()
    return row


# ------------------------------------------------------------------------------------------- export

@dataclass
class ExportRow:
    """One participating unit for one milestone (missing units included), as plain values."""
    code: str
    name: str
    cluster: str | None
    status: str                       # missing | submitted | accepted | returned
    submitted_at: datetime | None     # naive UTC
    late: bool = False
    files: int = 0
    version: int | None = None
    note: str | None = None
    review_comment: str | None = None
    reviewer: str | None = None


@dataclass
class ExportFile:
    unit_code: str
    unit_name: str
    stored_file_id: int
    sha256: str
    original_name: str


@dataclass
class ExportMilestone:
    id: int
    title: str
    period_label: str | None
    due_at: datetime
    rows: list[ExportRow] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)


@dataclass
class ExportData:
    campaign_id: int
    title: str
    doc_number: str | None
    unit_count: int
    milestones: list[ExportMilestone]


def export_data(session: Session, campaign_id: int) -> ExportData | None:
    """Everything the workbook and the zip need, in a handful of queries."""
    campaign = campaign_ops.get(session, campaign_id)
    if campaign is None:
        return None
    milestones = campaign_ops.milestones(session, campaign_id, units_act_only=True)
    units = campaign_ops.units(session, campaign_id)
    latest = sub_ops.latest(session, [m.id for m in milestones], [u.id for u in units])
    files = _files_by_submission(session, [s.id for s in latest.values()])
    reviewers = staff_names(session, {s.reviewed_by_staff_id for s in latest.values()})
    out = []
    for m in milestones:
        em = ExportMilestone(m.id, m.title, m.period_label, m.due_at)
        for u in units:
            sub = latest.get((u.id, m.id))
            em.rows.append(_row(u, sub, files, reviewers))
            em.files += [ExportFile(u.code, u.name, f.id, f.sha256, f.original_name)
                         for f in (files.get(sub.id, []) if sub else [])]
        out.append(em)
    return ExportData(campaign.id, campaign.title, campaign.doc_number, len(units), out)


def _row(u: Unit, sub: Submission | None, files: dict[int, list[StoredFile]], reviewers: dict[int, str]
         ) -> ExportRow:
    if sub is None:
        return ExportRow(u.code, u.name, u.cluster, MISSING, None)
    return ExportRow(u.code, u.name, u.cluster, sub.status, sub.submitted_at, sub.late, len(files.get(sub.id, [])),
                     sub.version, sub.note, sub.review_comment, reviewers.get(sub.reviewed_by_staff_id))


def _files_by_submission(session: Session, submission_ids: list[int]) -> dict[int, list[StoredFile]]:
    out: dict[int, list[StoredFile]] = defaultdict(list)
    if not submission_ids:
        return out
    for chunk_start in range(0, len(submission_ids), 500):  # keep IN lists modest for large offices
        chunk = submission_ids[chunk_start:chunk_start + 500]
        rows = session.exec(select(SubmissionFile.submission_id, StoredFile)
                            .join(StoredFile, StoredFile.id == SubmissionFile.stored_file_id)
                            .where(SubmissionFile.submission_id.in_(chunk))
                            .order_by(SubmissionFile.submission_id, SubmissionFile.position)).all()
        for sid, f in rows:
            out[sid].append(f)
    return out
