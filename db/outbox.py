"""The durable outbox: every outgoing message is a row before it is a request.

Enqueueing is idempotent (unique key, INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL), and a
dispatcher claims rows with a conditional UPDATE, so two processes never send the same row.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db.clock import utcnow
from db.models import OutboxMessage, OutboxStatus
from handlers.io import OutMessage, SendResult

MAX_ATTEMPTS = 6


@dataclass
class Outgoing:
    key: str
    channel: str
    chat_id: str
    message: OutMessage
    kind: str = "reply"
    contact_id: int | None = None
    broadcast_id: int | None = None
    not_before: datetime | None = None


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage.__table__)


def enqueue_many(session: Session, items: Iterable[Outgoing], chunk: int = 5000) -> int:
    """Insert the messages whose key is new; returns how many were new.

    One cached INSERT ... ON CONFLICT DO NOTHING RETURNING id run with many parameter sets: SQLAlchemy batches
    it ("insertmanyvalues") without recompiling per chunk, and only new rows come back, which counts them on
    every dialect (an executemany's rowcount is not summed by psycopg).
    """
    now = utcnow()
    table = OutboxMessage.__table__
    stmt = _insert(session).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)
    added = 0
    batch: list[dict] = []
    for it in items:
        batch.append(dict(
            idempotency_key=it.key, channel=it.channel, chat_id=str(it.chat_id), contact_id=it.contact_id,
            broadcast_id=it.broadcast_id, kind=it.kind, payload=it.message.to_json(),
            status=OutboxStatus.pending, attempts=0, not_before=it.not_before or now, created_at=now,
            lease_until=None, claimed_by=None, platform_message_id=None, last_error=None, sent_at=None,
        ))
        if len(batch) >= chunk:
            added += len(session.connection().execute(stmt, batch).all())
            batch = []
    if batch:
        added += len(session.connection().execute(stmt, batch).all())
    return added


def enqueue(session: Session, item: Outgoing) -> bool:
    return enqueue_many(session, [item]) == 1


def claim_due(session: Session, channel: str, limit: int, lease: timedelta = timedelta(minutes=5)) -> list[OutboxMessage]:
    """Mark up to `limit` due pending rows as ours and return them in order."""
    now = utcnow()
    token = uuid.uuid4().hex
    due_ids = select(OutboxMessage.id).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.pending,
        OutboxMessage.not_before <= now,
    ).order_by(OutboxMessage.broadcast_id.is_not(None), OutboxMessage.id).limit(limit)  # replies before bulk
    ids = list(session.exec(due_ids))
    if not ids:
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.pending)
        .values(status=OutboxStatus.sending, claimed_by=token, lease_until=now + lease)
    )
    session.commit()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.claimed_by == token).order_by(OutboxMessage.id)))


def release_stale_leases(session: Session) -> int:
    """Rows left 'sending' by a process that died go back to pending."""
    res = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.sending, OutboxMessage.lease_until < utcnow())
        .values(status=OutboxStatus.pending, claimed_by=None)
    )
    return res.rowcount or 0


def record_result(session: Session, row_id: int, result: SendResult) -> str:
    """Store what the channel said; returns the row's new status."""
    row = session.get(OutboxMessage, row_id)
    now = utcnow()
    row.attempts += 1
    row.claimed_by = None
    if result.ok:
        row.status, row.sent_at, row.platform_message_id, row.last_error = OutboxStatus.sent, now, result.message_id, None
    elif result.blocked:
        row.status, row.last_error = OutboxStatus.blocked, result.error
    elif result.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status, row.last_error = OutboxStatus.failed, result.error
    else:
        delay = result.retry_after if result.retry_after is not None else min(60, 2 ** row.attempts)
        row.status, row.last_error = OutboxStatus.pending, result.error
        row.not_before = now + timedelta(seconds=delay)
    session.add(row)
    return row.status


def platform_message_id(session: Session, key: str) -> str | None:
    return session.exec(select(OutboxMessage.platform_message_id).where(OutboxMessage.idempotency_key == key)).first()


def next_due_at(session: Session, channel: str) -> datetime | None:
    return session.exec(select(func.min(OutboxMessage.not_before)).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.pending)).first()


def broadcast_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    rows = session.exec(select(OutboxMessage.status, func.count()).where(
        OutboxMessage.broadcast_id == broadcast_id).group_by(OutboxMessage.status)).all()
    return {status: n for status, n in rows}


def messages_for_chat(session: Session, channel: str, chat_id: str) -> Sequence[OutboxMessage]:
    return session.exec(select(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.chat_id == str(chat_id)).order_by(OutboxMessage.id)).all()
