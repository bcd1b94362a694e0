"""The durable outbox: every outgoing message is a row before it is a request.

Enqueueing is idempotent (unique key, INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL), and a
dispatcher claims rows with a conditional UPDATE, so two processes never send the same row.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from db.clock import utcnow
from db.engine import as_connection
from db.models import Contact, OutboxMessage, OutboxStatus
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
    priority: int = 1             # 0: someone is waiting in a conversation; 1: bulk
    contact_reachable: bool | None = None   # as the sender read it in this transaction (None: not known)


def _insert(conn: Connection):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(OutboxMessage.__table__)


def _row(it: Outgoing, now: datetime, *, status: str = OutboxStatus.pending, claimed_by: str | None = None,
         lease_until: datetime | None = None, priority: int | None = None) -> dict:
    return dict(
        idempotency_key=it.key, channel=it.channel, chat_id=str(it.chat_id), contact_id=it.contact_id,
        broadcast_id=it.broadcast_id, kind=it.kind, payload=it.message.to_json(),
        priority=it.priority if priority is None else priority,
        status=status, attempts=0, not_before=it.not_before or now, created_at=now,
        lease_until=lease_until, claimed_by=claimed_by, platform_message_id=None, last_error=None, sent_at=None,
    )


def enqueue_many(session: Session | Connection, items: Iterable[Outgoing], chunk: int = 5000) -> int:
    """Insert the messages whose key is new; returns how many were new.

    One cached INSERT ... ON CONFLICT DO NOTHING RETURNING id run with many parameter sets: SQLAlchemy batches
    it ("insertmanyvalues") without recompiling per chunk, and only new rows come back, which counts them on
    every dialect (an executemany's rowcount is not summed by psycopg).
    """
    now = utcnow()
    conn = as_connection(session)
    table = OutboxMessage.__table__
    stmt = _insert(conn).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)
    added = 0
    batch: list[dict] = []
    for it in items:
        batch.append(_row(it, now))
        if len(batch) >= chunk:
            added += len(conn.execute(stmt, batch).all())
            batch = []
    if batch:
        added += len(conn.execute(stmt, batch).all())
    if added:
        from db.leadership import notify_outbox
        notify_outbox(conn)   # another process may be the one sending
    return added


def enqueue(session: Session, item: Outgoing) -> bool:
    return enqueue_many(session, [item]) == 1


LEASE = timedelta(seconds=8)   # renewed every few seconds while held: a dead process's rows return fast


@dataclass
class Queued:
    """An outbox row in a dispatcher's memory: everything needed to send it and record the result."""
    id: int
    key: str
    channel: str
    chat_id: str
    payload: dict
    kind: str = "reply"
    priority: int = 1
    contact_id: int | None = None
    broadcast_id: int | None = None
    attempts: int = 0
    status: str = OutboxStatus.sending
    bulk: bool = False            # claimed from the database (counts against the dispatcher's bulk room)
    contact_reachable: bool | None = None   # known when queued (the engine's replies): no contact statement


_QUEUED_COLUMNS = ("id", "idempotency_key", "channel", "chat_id", "payload", "kind", "priority", "contact_id",
                   "broadcast_id", "attempts")


def _queued(row) -> Queued:
    m = row._mapping
    return Queued(m["id"], m["idempotency_key"], m["channel"], m["chat_id"], m["payload"], m["kind"], m["priority"],
                  m["contact_id"], m["broadcast_id"], m["attempts"])


def _insert_claimed_statement(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = OutboxMessage.__table__
    # only the new ids come back: the rest of each row is already in hand (no JSON parsed back)
    return (insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.id, table.c.idempotency_key))


_INSERT_CLAIMED = {d: _insert_claimed_statement(d) for d in ("sqlite", "postgresql")}   # built once: every reply


def enqueue_claimed(session: Session | Connection, items: Sequence[Outgoing], token: str, lease: timedelta = LEASE,
                    priority: int = 0) -> list[Queued]:
    """Insert messages already claimed by the dispatcher `token` (the engine's replies: the dispatcher gets
    them in memory after the commit, without polling). Returns the rows that were new."""
    if not items:
        return []
    now = utcnow()
    conn = as_connection(session)
    stmt = _INSERT_CLAIMED[conn.dialect.name]
    rows = {it.key: _row(it, now, status=OutboxStatus.sending, claimed_by=token, lease_until=now + lease,
                         priority=priority) for it in items}
    reachable = {it.key: it.contact_reachable for it in items}
    params = list(rows.values())
    new = conn.execute(stmt, params[0] if len(params) == 1 else params).all()   # one row: no executemany
    return [Queued(row_id, key, (r := rows[key])["channel"], r["chat_id"], r["payload"], r["kind"], r["priority"],
                   r["contact_id"], r["broadcast_id"], 0, contact_reachable=reachable[key]) for row_id, key in new]


def claim_fair(session: Session, channel: str, token: str, limit: int, per_chat: int = 2,
               skip_chats: Sequence[str] = (), lease: timedelta = LEASE) -> list[Queued]:
    """Claim up to `limit` due rows, at most `per_chat` of any one chat, replies before bulk, oldest first.

    One chat's backlog (a launch to a group, a flood of replies) never fills the dispatcher's memory ahead of
    everyone else. The conditional UPDATE makes two processes never claim the same row.
    """
    now = utcnow()
    t = OutboxMessage.__table__
    ranked = (select(t.c.id, t.c.chat_id, t.c.priority,
                     func.row_number().over(partition_by=t.c.chat_id, order_by=(t.c.priority, t.c.id)).label("rn"))
              .where(t.c.channel == channel, t.c.status == OutboxStatus.pending, t.c.not_before <= now))
    if skip_chats:
        ranked = ranked.where(t.c.chat_id.not_in(list(skip_chats)))
    ranked = ranked.subquery()
    ids = [r[0] for r in session.execute(
        select(ranked.c.id).where(ranked.c.rn <= per_chat).order_by(ranked.c.priority, ranked.c.id).limit(limit))]
    if not ids:
        return []
    stmt = (update(t).where(t.c.id.in_(ids), t.c.status == OutboxStatus.pending)
            .values(status=OutboxStatus.sending, claimed_by=token, lease_until=now + lease)
            .returning(*(t.c[c] for c in _QUEUED_COLUMNS)))
    claimed = [_queued(r) for r in session.execute(stmt).all()]
    return sorted(claimed, key=lambda q: (q.priority, q.id))


def renew_leases(session: Session, token: str, lease: timedelta = LEASE) -> int:
    res = session.execute(update(OutboxMessage).where(
        OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.sending,
    ).values(lease_until=utcnow() + lease))
    return res.rowcount or 0


def next_foreign_lease_end(session: Session, token: str) -> datetime | None:
    """When the first lease held by another dispatcher (alive or dead) runs out; None if there is none."""
    return session.exec(select(func.min(OutboxMessage.lease_until)).where(
        OutboxMessage.status == OutboxStatus.sending,
        (OutboxMessage.claimed_by != token) | OutboxMessage.claimed_by.is_(None))).first()


def release_stale_leases(session: Session) -> int:
    """Rows left 'sending' by a process that died go back to pending once their lease has run out."""
    res = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.sending, OutboxMessage.lease_until < utcnow())
        .values(status=OutboxStatus.pending, claimed_by=None)
    )
    return res.rowcount or 0


def release(session: Session, token: str, ids: Sequence[int] | None = None) -> int:
    """Hand rows this dispatcher holds back to pending (a graceful stop; a process that lost leadership)."""
    stmt = update(OutboxMessage).where(OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.sending)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    return session.execute(stmt.values(status=OutboxStatus.pending, claimed_by=None, lease_until=None)).rowcount or 0


def outcome(result: SendResult, attempts: int, now: datetime) -> dict:
    """The new column values of a row after one attempt (attempts: the count before this one)."""
    if result.quota_exhausted:   # not this message's fault: it waits, its attempts untouched
        return dict(attempts=attempts, claimed_by=None, lease_until=None, last_error=result.error,
                    status=OutboxStatus.pending, not_before=now + timedelta(seconds=result.retry_after or 3600))
    attempts += 1
    values = dict(attempts=attempts, claimed_by=None, lease_until=None, last_error=result.error)
    if result.ok:
        values.update(status=OutboxStatus.sent, sent_at=now, platform_message_id=result.message_id, last_error=None)
    elif result.blocked:
        values.update(status=OutboxStatus.blocked)
    elif result.permanent or attempts >= MAX_ATTEMPTS:
        values.update(status=OutboxStatus.failed)
    else:
        delay = result.retry_after if result.retry_after is not None else min(60, 2 ** attempts)
        values.update(status=OutboxStatus.pending, not_before=now + timedelta(seconds=delay))
    return values


@lru_cache(maxsize=64)
def _result_statement(shape: tuple[str, ...], guarded: bool):
    """One UPDATE per shape of result (sent / retry / final), built once: a flush runs every ~0.1 s."""
    t = OutboxMessage.__table__
    stmt = update(t).where(t.c.id == bindparam("b_id"))
    if guarded:
        stmt = stmt.where(t.c.claimed_by == bindparam("b_token"))
    return stmt.values({k: bindparam(f"v_{k}") for k in shape})


_C = Contact.__table__
_MARK_BLOCKED = (update(_C).where(_C.c.id.in_(bindparam("ids", expanding=True)), _C.c.reachable.is_(True))
                 .values(reachable=False))
_MARK_REACHED = (update(_C).where(_C.c.id.in_(bindparam("ids", expanding=True)), _C.c.reachable.is_(False))
                 .values(reachable=True))


def record_results(session: Session | Connection, results: Sequence[tuple[Queued, SendResult]], token: str | None = None) -> None:
    """Store many send results in one statement per shape (sent / retry / final), guarded by the claim.

    Also marks contacts unreachable (403) or reachable again, touching a contact only when that changes:
    a reply to a contact the engine saw reachable costs no contact statement at all.
    """
    now = utcnow()
    by_shape: dict[tuple, list[dict]] = {}
    for row, result in results:
        values = outcome(result, row.attempts, now)
        row.status, row.attempts = values["status"], values["attempts"]
        params = {"b_id": row.id, "b_token": token, **{f"v_{k}": v for k, v in values.items()}}
        by_shape.setdefault(tuple(sorted(values)), []).append(params)
    conn = as_connection(session)
    for shape, params in by_shape.items():
        conn.execute(_result_statement(shape, token is not None), params[0] if len(params) == 1 else params)
    blocked = {r.contact_id for r, _ in results if r.contact_id and r.status == OutboxStatus.blocked}
    reached = {r.contact_id for r, _ in results
               if r.contact_id and r.status == OutboxStatus.sent and r.contact_reachable is not True} - blocked
    if blocked:
        conn.execute(_MARK_BLOCKED, {"ids": sorted(blocked)})
    if reached:
        conn.execute(_MARK_REACHED, {"ids": sorted(reached)})


def record_result(session: Session, row_id: int, result: SendResult) -> str:
    """One result (tests, tools): returns the row's new status."""
    row = session.get(OutboxMessage, row_id)
    values = outcome(result, row.attempts, utcnow())
    for k, v in values.items():
        setattr(row, k, v)
    session.add(row)
    return row.status


def platform_message_id(session: Session, key: str) -> str | None:
    return session.exec(select(OutboxMessage.platform_message_id).where(OutboxMessage.idempotency_key == key)).first()


def next_due_at(session: Session, channel: str) -> datetime | None:
    return session.exec(select(func.min(OutboxMessage.not_before)).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.pending)).first()


def has_due(session: Session, channels: Sequence[str]) -> bool:
    return session.exec(select(OutboxMessage.id).where(
        OutboxMessage.channel.in_(list(channels)), OutboxMessage.status == OutboxStatus.pending,
        OutboxMessage.not_before <= utcnow()).limit(1)).first() is not None


def in_flight(session: Session, channels: Sequence[str]) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel.in_(list(channels)), OutboxMessage.status == OutboxStatus.sending)).one()


def broadcast_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    rows = session.exec(select(OutboxMessage.status, func.count()).where(
        OutboxMessage.broadcast_id == broadcast_id).group_by(OutboxMessage.status)).all()
    return {status: n for status, n in rows}


def messages_for_chat(session: Session, channel: str, chat_id: str) -> Sequence[OutboxMessage]:
    return session.exec(select(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.chat_id == str(chat_id)).order_by(OutboxMessage.id)).all()


def pending_count(session: Session, channel: str) -> int:
    """Messages of a channel still waiting to go out (pending or being sent)."""
    return session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == channel,
        OutboxMessage.status.in_((OutboxStatus.pending, OutboxStatus.sending)))).one()


def sent_since(session: Session, channel: str, since: datetime) -> int:
    """Messages of a channel sent since `since` (naive UTC): what a platform's monthly quota counts."""
    return session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.sent,
        OutboxMessage.sent_at >= since)).one()
