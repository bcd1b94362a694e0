"""Conversation state of each chat, plus de-duplication of inbound updates."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, select

from db.clock import utcnow
from db.models import ConversationState, InboundUpdate


def get_or_create(session: Session, channel: str, chat_id: str, user_id: str | None = None) -> ConversationState:
    conv = session.exec(select(ConversationState).where(
        ConversationState.channel == channel, ConversationState.chat_id == chat_id)).first()
    if conv is None:
        conv = ConversationState(channel=channel, chat_id=chat_id, user_id=user_id, data={}, offered=[])
        session.add(conv)
        session.flush()
    return conv


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
    session.add(InboundUpdate(channel=channel, update_key=update_key))


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
