"""Conversation state of each chat, plus de-duplication of inbound updates."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, and_, bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db.clock import utcnow
from db.engine import as_connection
from db.models import Contact, ConversationState, InboundUpdate, Staff, Unit


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model.__table__)


def get_or_create(session: Session, channel: str, chat_id: str, user_id: str | None = None) -> ConversationState:
    """Race-free across processes: insert if absent (ON CONFLICT DO NOTHING), then read."""
    def find():
        return session.exec(select(ConversationState).where(
            ConversationState.channel == channel, ConversationState.chat_id == chat_id)).first()
    conv = find()
    if conv is None:
        session.execute(_insert(session, ConversationState).values(
            channel=channel, chat_id=chat_id, user_id=user_id, data={}, offered=[], turn=0, updated_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["channel", "chat_id"]))
        conv = find()
    return conv


class ConversationChanged(Exception):
    """Another process wrote this chat's conversation since it was read: the update is run again."""


@dataclass(slots=True)
class ChatState:
    """A chat's conversation row as plain data. The engine reads it with the chat and writes it back with
    one statement, only if it changed, so an update costs no ORM unit of work (bench.cpu)."""
    channel: str
    chat_id: str
    user_id: str | None = None
    flow: str | None = None
    state: str | None = None
    data: dict = field(default_factory=dict)
    turn: int = 0
    offered: list = field(default_factory=list)
    expires_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None               # None: the chat has no row yet
    read_as: tuple | None = None        # the snapshot() as read: only a change is written
    read_updated_at: datetime | None = None   # the row's updated_at as read: nobody wrote it since?

    def snapshot(self) -> tuple:
        # JSON text, not the dicts: steps mutate nested values in place
        return (self.user_id, self.flow, self.state, json.dumps(self.data), self.turn, json.dumps(self.offered),
                self.expires_at)


@dataclass(frozen=True, slots=True)
class ContactView:
    """The unit contact writing, as read with the chat (read-only: change the row with people.contact)."""
    id: int
    unit_id: int
    channel: str
    platform_user_id: str
    chat_id: str
    display_name: str | None
    reachable: bool
    invite_id: int | None
    bound_at: datetime


@dataclass(frozen=True, slots=True)
class UnitView:
    """That contact's unit, as read with the chat (read-only: people.unit gives the row)."""
    id: int
    office_id: int | None
    code: str
    name: str
    level: str | None
    cluster: str | None
    liaison_name: str | None
    liaison_phone: str | None
    created_at: datetime


@dataclass(slots=True)
class Chat:
    conv: ChatState
    contact: ContactView | None
    unit: UnitView | None
    staff_id: int | None


def _columns(model, view) -> list:
    return [model.__table__.c[name] for name in view.__slots__]


_CONV_COLUMNS = ("id", "user_id", "flow", "state", "data", "turn", "offered", "expires_at", "updated_at")
_CONTACT_COLUMNS = _columns(Contact, ContactView)
_UNIT_COLUMNS = _columns(Unit, UnitView)

# The chat as a one-row table, so the unit contact and the staff member are found even before the chat
# has a conversation row: one Core statement (no ORM loading) for everything the engine needs to know.
_THIS_CHAT = select(bindparam("channel", type_=String).label("channel"),
                    bindparam("chat_id", type_=String).label("chat_id")).subquery("this_chat")
_conv, _contact, _unit, _staff = (m.__table__ for m in (ConversationState, Contact, Unit, Staff))
_WHO_IS_WRITING = (
    select(*(_conv.c[c] for c in _CONV_COLUMNS), *_CONTACT_COLUMNS, *_UNIT_COLUMNS, _staff.c.id)
    .select_from(_THIS_CHAT)
    .outerjoin(_conv, and_(_conv.c.channel == _THIS_CHAT.c.channel, _conv.c.chat_id == _THIS_CHAT.c.chat_id))
    .outerjoin(_contact, and_(_contact.c.channel == _THIS_CHAT.c.channel, _contact.c.chat_id == _THIS_CHAT.c.chat_id))
    .outerjoin(_unit, _unit.c.id == _contact.c.unit_id)
    .outerjoin(_staff, and_(_staff.c.channel == _THIS_CHAT.c.channel,
                            _staff.c.platform_user_id == bindparam("user_id"), _staff.c.active == True))  # noqa: E712
    .limit(1)
)


def load_chat(conn: Connection, channel: str, chat_id: str, user_id: str | None) -> Chat:
    """The conversation, the unit contact of this chat and its unit, and the active staff member writing
    (by id: the engine loads that row only for staff), in one statement."""
    row = conn.execute(_WHO_IS_WRITING, dict(channel=channel, chat_id=chat_id, user_id=user_id or "")).one()
    n_conv, n_contact = len(_CONV_COLUMNS), len(_CONTACT_COLUMNS)
    conv_id, conv_user, flow, state, data, turn, offered, expires_at, updated_at = row[:n_conv]
    if conv_id is None:
        conv = ChatState(channel, chat_id, user_id)
    else:
        conv = ChatState(channel, chat_id, conv_user, flow, state, data or {}, turn or 0, offered or [],
                         expires_at, updated_at, conv_id)
        conv.read_as, conv.read_updated_at = conv.snapshot(), updated_at
    contact = ContactView(*row[n_conv:n_conv + n_contact]) if row[n_conv] is not None else None
    unit_at = n_conv + n_contact
    unit = UnitView(*row[unit_at:unit_at + len(_UNIT_COLUMNS)]) if row[unit_at] is not None else None
    return Chat(conv, contact, unit, row[-1])


def save_chat(conn: Connection, conv: ChatState, now: datetime) -> None:
    """Write the conversation back if it changed. A chat's first row is a plain INSERT: if another process
    inserted it first, the unique constraint fails the transaction and the engine runs the update again. A
    changed row is written only if nobody else wrote it since it was read (its updated_at): on PostgreSQL
    two processes may hold updates of one chat at once, and the second must see the first's state."""
    snapshot = conv.snapshot()
    if conv.id is not None and snapshot == conv.read_as:
        return
    values = dict(user_id=conv.user_id, flow=conv.flow, state=conv.state, data=conv.data, turn=conv.turn,
                  offered=conv.offered, expires_at=conv.expires_at, updated_at=now)
    if conv.id is None:
        conv.id = conn.execute(_INSERT_CONV, dict(values, channel=conv.channel, chat_id=conv.chat_id)
                               ).scalar_one()
    elif conn.execute(_UPDATE_CONV, dict(values, conv_id=conv.id, read_updated_at=conv.read_updated_at)
                      ).rowcount != 1:
        raise ConversationChanged(f"{conv.channel}:{conv.chat_id}")
    conv.updated_at = conv.read_updated_at = now
    conv.read_as = snapshot


_INSERT_CONV = insert(_conv).returning(_conv.c.id)
_UPDATE_CONV = (update(_conv).where(_conv.c.id == bindparam("conv_id"),
                                    _conv.c.updated_at == bindparam("read_updated_at"))
                .values({c: bindparam(c) for c in ("user_id", "flow", "state", "data", "turn", "offered",
                                                    "expires_at", "updated_at")}))


def clear_flow(conv: ConversationState | ChatState) -> None:
    conv.flow = conv.state = None
    conv.data = {}
    conv.expires_at = None
    conv.updated_at = utcnow()


def expired(session: Session, now: datetime) -> Sequence[ConversationState]:
    return session.exec(select(ConversationState).where(
        ConversationState.flow.is_not(None), ConversationState.expires_at < now)).all()


def seen_update(session: Session, channel: str, update_key: str) -> bool:
    return session.exec(select(InboundUpdate.id).where(
        InboundUpdate.channel == channel, InboundUpdate.update_key == update_key)).first() is not None


def mark_update(session: Session, channel: str, update_key: str) -> None:
    claim_update(session, channel, update_key)


def claim_update(session: Session | Connection, channel: str, update_key: str) -> bool:
    """Mark an update as being handled; False if it was already (by this or another process).

    The first statement of the engine's transaction: on PostgreSQL a second process handling the same
    update waits here for the first to commit, then sees the conflict; on SQLite it takes the write lock
    for the (short) transaction."""
    conn = as_connection(session)
    # RETURNING, not the row count: PostgreSQL's driver reports -1 for an INSERT that returns rows
    return conn.execute(_CLAIM[conn.dialect.name], dict(channel=channel, update_key=update_key,
                                                        now=utcnow())).first() is not None


def _claim_statement(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(InboundUpdate.__table__)
            .values(channel=bindparam("channel"), update_key=bindparam("update_key"), received_at=bindparam("now"))
            .on_conflict_do_nothing(index_elements=["channel", "update_key"])
            .returning(InboundUpdate.__table__.c.id))


_CLAIM = {d: _claim_statement(d) for d in ("sqlite", "postgresql")}


def remember_offered(session: Session, channel: str, chat_id: str, offered: list[list[str]]) -> None:
    """A notification with buttons (a reminder's "Nộp ngay") reached a chat with no flow running: remember
    its choices so a user without buttons (Zalo) can answer by typing the number."""
    conv = get_or_create(session, channel, chat_id)
    if conv.flow is None:
        conv.offered = offered
        conv.updated_at = utcnow()   # the engine writes a conversation only if nobody did since it read it
        session.add(conv)


def prune_updates(session: Session, older_than: datetime) -> int:
    """Forget handled update ids once no channel could re-deliver them (Telegram keeps updates ~24 h)."""
    from sqlalchemy import delete
    return session.execute(delete(InboundUpdate).where(InboundUpdate.received_at < older_than)).rowcount or 0


def waiting_for_files(session: Session) -> list[ConversationState]:
    """Conversations whose step waits for a download (engine.Fetch); checked at start."""
    live = session.exec(select(ConversationState).where(ConversationState.flow.is_not(None))).all()
    return [c for c in live if isinstance(c.data, dict) and c.data.get("_fetch")]
