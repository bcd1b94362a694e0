"""Where each unit stands on each milestone: the one answer /tiendo, its chart, the export, /nhacnho, the
scheduler, the digest and /viec all read, so the numbers staff and schools see cannot disagree.

A unit's standing on a milestone is its latest work there:
- report and dossier milestones: the newest version of its submissions;
- nomination milestones: its latest live nomination (submitted or accepted), else its latest returned one;
  withdrawn nominations do not count. With a quota above one, the unit stands where its latest live entry does.
No work at all is "missing". A unit owes the milestone while it is missing or returned.

Everything is one set-based query whatever the number of units (row_number() over the unit's work, which
SQLite ≥ 3.25 and PostgreSQL both have).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Integer, case, func, literal, null, union_all
from sqlmodel import Session, select

from db.models import CampaignUnit, Milestone, MilestoneKind, Nomination, NominationStatus, Submission, Unit

MISSING = "missing"
SUBMITTED, ACCEPTED, RETURNED = "submitted", "accepted", "returned"
STATUSES = (MISSING, SUBMITTED, RETURNED, ACCEPTED)
OWING = (MISSING, RETURNED)
LIVE_NOMINATION = (NominationStatus.submitted.value, NominationStatus.accepted.value)


@dataclass(frozen=True)
class Standing:
    status: str = MISSING                 # missing | submitted | returned | accepted
    late: bool = False
    submitted_at: datetime | None = None  # naive UTC
    reviewed_at: datetime | None = None
    version: int | None = None            # submissions only
    comment: str | None = None            # the review comment of the latest work
    work_id: int | None = None            # Submission.id or Nomination.id
    live: int = 0                         # nominations: live entries of the unit for this round
    note: str | None = None               # the unit's note (reports) or the nominee's name (nominations)
    reviewer_id: int | None = None

    @property
    def owing(self) -> bool:
        return self.status in OWING


NOTHING = Standing()


def _split(milestones: Iterable[Milestone]) -> tuple[list[int], list[int]]:
    reports, rounds = [], []
    for m in milestones:
        (rounds if m.kind == MilestoneKind.nomination else reports).append(m.id)
    return reports, rounds


def _submission_work(milestone_ids: list[int]):
    newest_first = func.row_number().over(partition_by=(Submission.unit_id, Submission.milestone_id),
                                          order_by=Submission.version.desc())
    return select(Submission.unit_id, Submission.milestone_id, Submission.status, Submission.late,
                  Submission.submitted_at, Submission.reviewed_at, Submission.version,
                  Submission.review_comment.label("comment"), Submission.id.label("work_id"),
                  literal(0, Integer).label("live"), Submission.note.label("note"),
                  Submission.reviewed_by_staff_id.label("reviewer_id"), newest_first.label("rank")
                  ).where(Submission.milestone_id.in_(milestone_ids))


def _nomination_work(milestone_ids: list[int]):
    is_live = case((Nomination.status.in_(LIVE_NOMINATION), 1), else_=0)
    partition = (Nomination.unit_id, Nomination.milestone_id)
    best_first = func.row_number().over(partition_by=partition, order_by=(
        is_live.desc(), Nomination.submitted_at.desc(), Nomination.id.desc()))
    return select(Nomination.unit_id, Nomination.milestone_id, Nomination.status, Nomination.late,
                  Nomination.submitted_at, Nomination.reviewed_at, null().cast(Integer).label("version"),
                  Nomination.review_comment.label("comment"), Nomination.id.label("work_id"),
                  func.sum(is_live).over(partition_by=partition).label("live"),
                  Nomination.nominee_name.label("note"), Nomination.reviewed_by_staff_id.label("reviewer_id"),
                  best_first.label("rank")
                  ).where(Nomination.milestone_id.in_(milestone_ids),
                          Nomination.status != NominationStatus.withdrawn)


def work(milestones: Iterable[Milestone]):
    """A subquery with one row per (unit, milestone) that has any work: unit_id, milestone_id, status, late,
    submitted_at, reviewed_at, version, comment, work_id, live, note, reviewer_id. Units with none have no row (missing)."""
    reports, rounds = _split(milestones)
    parts = ([_submission_work(reports)] if reports else []) + ([_nomination_work(rounds)] if rounds else [])
    if not parts:   # keeps callers simple: an empty subquery of the same shape
        parts = [_submission_work([])]
    ranked = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("ranked")
    return select(*(ranked.c[name] for name in (
        "unit_id", "milestone_id", "status", "late", "submitted_at", "reviewed_at", "version", "comment",
        "work_id", "live", "note", "reviewer_id"))).where(ranked.c.rank == 1).subquery("work")


def _standing(row) -> Standing:
    return Standing(row.status, bool(row.late), row.submitted_at, row.reviewed_at, row.version, row.comment,
                    row.work_id, int(row.live or 0), row.note, row.reviewer_id)


def standings(session: Session, milestones: Sequence[Milestone], unit_ids: Iterable[int] | None = None
              ) -> dict[tuple[int, int], Standing]:
    """(unit_id, milestone_id) -> Standing, for the units that have any work (the others are NOTHING)."""
    if not milestones:
        return {}
    w = work(milestones)
    q = select(w)
    if unit_ids is not None:
        q = q.where(w.c.unit_id.in_(list(unit_ids)))
    return {(row.unit_id, row.milestone_id): _standing(row) for row in session.execute(q)}


def of(found: dict[tuple[int, int], Standing], unit_id: int, milestone_id: int) -> Standing:
    return found.get((unit_id, milestone_id), NOTHING)


# ------------------------------------------------------------------------------------------------ counts

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

    @property
    def owing(self) -> int:
        return self.missing + self.returned

    def of(self, status: str) -> int:
        return self.missing if status == MISSING else getattr(self, status)


def unit_count(session: Session, campaign_id: int) -> int:
    return session.exec(select(func.count()).select_from(CampaignUnit).where(
        CampaignUnit.campaign_id == campaign_id)).one()


def counts(session: Session, campaign_id: int, milestones: Sequence[Milestone]) -> dict[int, Counts]:
    """Per milestone: how many of the campaign's units stand in each status, and how many are late."""
    total = unit_count(session, campaign_id)
    result = {m.id: Counts(total=total) for m in milestones}
    if not milestones:
        return result
    w = work(milestones)
    rows = session.exec(select(w.c.milestone_id, w.c.status, w.c.late, func.count())
                        .join(CampaignUnit, (CampaignUnit.unit_id == w.c.unit_id)
                              & (CampaignUnit.campaign_id == campaign_id))
                        .group_by(w.c.milestone_id, w.c.status, w.c.late)).all()
    for milestone_id, status, late, n in rows:
        c = result[milestone_id]
        if status in (SUBMITTED, ACCEPTED, RETURNED):
            setattr(c, status, getattr(c, status) + n)
        if late:
            c.late += n
    return result


# ------------------------------------------------------------------------------------------------ lists

def units_standing(session: Session, milestone: Milestone, *, statuses: Sequence[str] | None = None,
                   late: bool | None = None, offset: int = 0, limit: int | None = None
                   ) -> tuple[list[tuple[Unit, Standing]], int]:
    """The campaign's units (by code) standing in one of `statuses` (and late, if asked), with the total."""
    w = work([milestone])
    where = [CampaignUnit.campaign_id == milestone.campaign_id]
    if statuses is not None:
        wanted = [s for s in statuses if s != MISSING]
        status_in = w.c.status.in_(wanted) if wanted else literal(False, Boolean)
        where.append(status_in | w.c.unit_id.is_(None) if MISSING in statuses else status_in)
    if late is not None:
        where.append(w.c.late == late if late else (w.c.late.is_(None) | (w.c.late == False)))  # noqa: E712
    base = (select(Unit, w).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
            .outerjoin(w, w.c.unit_id == Unit.id).where(*where))
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    q = base.order_by(Unit.code).offset(offset)
    rows = session.execute(q.limit(limit) if limit is not None else q).all()
    return [(row[0], _standing(row) if row.unit_id is not None else NOTHING) for row in rows], total


def owing_units(session: Session, milestone: Milestone) -> list[tuple[Unit, Standing]]:
    """Units that still owe the milestone (missing or returned), by code."""
    return units_standing(session, milestone, statuses=OWING)[0]


def owing_unit_ids(session: Session, milestone: Milestone) -> list[int]:
    return [u.id for u, _ in owing_units(session, milestone)]


__all__ = ["ACCEPTED", "Counts", "MISSING", "NOTHING", "OWING", "RETURNED", "STATUSES", "SUBMITTED", "Standing",
           "counts", "of", "owing_unit_ids", "owing_units", "standings", "unit_count", "units_standing", "work"]
