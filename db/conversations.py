"""Conversation state of each chat, plus de-duplication of inbound updates."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, and_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db.clock import utcnow
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


# The chat as a one-row table, so the unit contact and the staff member are found even before the chat
# has a conversation row: one statement for everything the engine needs to know about who is writing.
_THIS_CHAT = select(bindparam("channel", type_=String).label("channel"),
                    bindparam("chat_id", type_=String).label("chat_id")).subquery("this_chat")
_WHO_IS_WRITING = (
    select(ConversationState, Contact, Unit, Staff)
    .select_from(_THIS_CHAT)
    .outerjoin(ConversationState, and_(ConversationState.channel == _THIS_CHAT.c.channel,
                                       ConversationState.chat_id == _THIS_CHAT.c.chat_id))
    .outerjoin(Contact, and_(Contact.channel == _THIS_CHAT.c.channel, Contact.chat_id == _THIS_CHAT.c.chat_id))
    .outerjoin(Unit, Unit.id == Contact.unit_id)
    .outerjoin(Staff, and_(Staff.channel == _THIS_CHAT.c.channel,
                           Staff.platform_user_id == bindparam("user_id"), Staff.active == True))  # noqa: E712
    .limit(1)
)


def load_chat(session: Session, channel: str, chat_id: str, user_id: str | None
              ) -> tuple[ConversationState, Contact | None, Unit | None, Staff | None]:
    """The conversation, the unit contact of this chat and its unit, and the active staff member writing,
    in one statement. A chat's first message gets a new conversation, inserted with the transaction's other
    changes; if another process inserts the same chat's first, the commit fails and the engine runs the
    update again (handlers.engine.run), which then finds it."""
    conv, contact, unit, staff = session.execute(_WHO_IS_WRITING, dict(
        channel=channel, chat_id=chat_id, user_id=user_id or "")).one()
    if conv is None:
        conv = ConversationState(channel=channel, chat_id=chat_id, user_id=user_id, data={}, offered=[], turn=0,
                                 updated_at=utcnow())
        session.add(conv)
    return conv, contact, unit, staff


def clear_flow(conv: ConversationState) -> None:
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


def claim_update(session: Session, channel: str, update_key: str) -> bool:
    """Mark an update as being handled; False if it was already (by this or another process).

    The first statement of the engine's transaction: on PostgreSQL a second process handling the same
    update waits here for the first to commit, then sees the conflict; on SQLite it takes the write lock
    for the (short) transaction."""
    stmt = _CLAIM[session.get_bind().dialect.name]
    return session.connection().execute(stmt, dict(channel=channel, update_key=update_key,
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
        session.add(conv)


def prune_updates(session: Session, older_than: datetime) -> int:
    """Forget handled update ids once no channel could re-deliver them (Telegram keeps updates ~24 h)."""
    from sqlalchemy import delete
    return session.execute(delete(InboundUpdate).where(InboundUpdate.received_at < older_than)).rowcount or 0


def waiting_for_files(session: Session) -> list[ConversationState]:
    """Conversations whose step waits for a download (engine.Fetch); checked at start."""
    live = session.exec(select(ConversationState).where(ConversationState.flow.is_not(None))).all()
    return [c for c in live if isinstance(c.data, dict) and c.data.get("_fetch")]
