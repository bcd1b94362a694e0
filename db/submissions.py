"""Submissions: versions, statuses, reference numbers, and the status of every unit for every milestone."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import StoredFile, Submission, SubmissionFile

MISSING = "missing"


def latest(session: Session, milestone_ids: Iterable[int], unit_ids: Iterable[int] | None = None
           ) -> dict[tuple[int, int], Submission]:
    """The latest version per (unit_id, milestone_id), in one query (no per-unit round trips)."""
    milestone_ids = list(milestone_ids)
    if not milestone_ids:
        return {}
    newest = select(Submission.unit_id, Submission.milestone_id, func.max(Submission.version).label("v")).where(
        Submission.milestone_id.in_(milestone_ids))
    if unit_ids is not None:
        newest = newest.where(Submission.unit_id.in_(list(unit_ids)))
    newest = newest.group_by(Submission.unit_id, Submission.milestone_id).subquery()
    rows = session.exec(select(Submission).join(newest, (Submission.unit_id == newest.c.unit_id) & (
        Submission.milestone_id == newest.c.milestone_id) & (Submission.version == newest.c.v))).all()
    return {(s.unit_id, s.milestone_id): s for s in rows}


def status_of(sub: Submission | None) -> str:
    return sub.status if sub is not None else MISSING


def next_version(session: Session, unit_id: int, milestone_id: int) -> int:
    current = session.exec(select(func.max(Submission.version)).where(
        Submission.unit_id == unit_id, Submission.milestone_id == milestone_id)).first()
    return (current or 0) + 1


def next_reference(session: Session, prefix: str, year: int) -> str:
    """BC-2024-000123: a running number per prefix and year."""
    like = f"{prefix}-{year}-%"
    count = session.exec(select(func.count()).select_from(Submission).where(Submission.reference.like(like))).one()
    return f"{prefix}-{year}-{count + 1:06d}"


def files_of(session: Session, submission_id: int) -> Sequence[tuple[SubmissionFile, StoredFile]]:
    return session.exec(select(SubmissionFile, StoredFile).join(StoredFile, StoredFile.id == SubmissionFile.stored_file_id)
                        .where(SubmissionFile.submission_id == submission_id).order_by(SubmissionFile.position)).all()


def history(session: Session, unit_id: int, milestone_id: int) -> Sequence[Submission]:
    return session.exec(select(Submission).where(Submission.unit_id == unit_id, Submission.milestone_id == milestone_id)
                        .order_by(Submission.version)).all()
