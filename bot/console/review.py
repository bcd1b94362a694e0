"""Accept or return a submission from the console: the chat's own operation (handlers.review.ReviewFlow.decide).

The console builds the same Ctx a chat step gets (its staff member, clock and session), so the review is
recorded with the same compare-and-set, audited with the staff member as actor, and the school is told by
the same notice through the outbox, in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from db.clock import utcnow
from db.models import Staff, Submission, SubmissionStatus
from db.outbox import enqueue_many
from handlers.flow import Ctx
from handlers.review import ReviewFlow

DECISIONS = (SubmissionStatus.accepted.value, SubmissionStatus.returned.value)
REASON_LIMIT = 1000   # as the chat's comment step


@dataclass
class Outcome:
    done: bool
    told: int = 0
    why: str = ""      # "changed" | "reason" | "decision"


def _iso(dt: datetime | None) -> str:
    return dt.isoformat() if dt else ""


def seen_marker(sub: Submission) -> str:
    """What the page showed: the review may go ahead only if the submission still looks like this."""
    return f"{sub.status}|{_iso(sub.reviewed_at)}"


def review(session: Session, staff: Staff, sub: Submission, *, seen: str, decision: str, reason: str,
           tz, settings=None) -> Outcome:
    if decision not in DECISIONS:
        return Outcome(False, why="decision")
    reason = reason.strip()[:REASON_LIMIT]
    if decision == SubmissionStatus.returned and not reason:
        return Outcome(False, why="reason")
    if seen_marker(sub) != seen:
        return Outcome(False, why="changed")
    ctx = Ctx(given_session=session, inbound=None, conv=None, contact=None, staff=staff, tz=tz, now=utcnow(),
              settings=settings)
    told = ReviewFlow().decide(ctx, sub, sub.status, decision,
                               reason if decision == SubmissionStatus.returned else None)
    if told is None:
        return Outcome(False, why="changed")
    enqueue_many(session, ctx._notifications)
    return Outcome(True, told=told)
