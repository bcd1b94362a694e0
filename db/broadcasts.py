"""Broadcasts (a launch sent to many contacts), their outbox rows, and acknowledgements ("Đã nhận")."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.models import (Acknowledgement, Broadcast, CampaignUnit, Contact, OutboxMessage, OutboxStatus,
                       Unit)
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage

LAUNCH = "launch"
IN_FLIGHT_OR_SENT = (OutboxStatus.pending, OutboxStatus.sending, OutboxStatus.sent)


def launch_key(broadcast_id: int, contact_id: int) -> str:
    return f"launch:{broadcast_id}:{contact_id}"


def get(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def create(session: Session, *, campaign_id: int, staff_id: int | None, channel: str, chat_id: str,
           total: int, kind: str = LAUNCH) -> Broadcast:
    row = Broadcast(campaign_id=campaign_id, kind=kind, staff_id=staff_id, staff_channel=channel,
                    staff_chat_id=str(chat_id), total=total)
    session.add(row)
    session.flush()
    return row


def _already_launched_to():
    """Contacts that were sent (or are being sent) a launch of the same campaign."""
    return exists().where(
        OutboxMessage.contact_id == Contact.id, OutboxMessage.kind == LAUNCH,
        OutboxMessage.status.in_(IN_FLIGHT_OR_SENT), OutboxMessage.broadcast_id == Broadcast.id,
        Broadcast.campaign_id == CampaignUnit.campaign_id)


def launch_recipients(session: Session, campaign_id: int) -> Sequence[Contact]:
    """Every contact of every participating unit that has not had this campaign's launch yet."""
    q = (select(Contact).join(CampaignUnit, CampaignUnit.unit_id == Contact.unit_id)
         .where(CampaignUnit.campaign_id == campaign_id, ~_already_launched_to())
         .order_by(Contact.unit_id, Contact.id))
    return session.exec(q).all()


def units_without_contacts(session: Session, campaign_id: int) -> Sequence[Unit]:
    has_contact = exists().where(Contact.unit_id == Unit.id)
    return session.exec(select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                        .where(CampaignUnit.campaign_id == campaign_id, ~has_contact).order_by(Unit.code)).all()


def enqueue_launch(session: Session, broadcast_id: int, contacts: Sequence[Contact], message: OutMessage) -> int:
    """One outbox row per contact, in bulk; re-running for the same broadcast adds nothing."""
    return enqueue_many(session, (
        Outgoing(launch_key(broadcast_id, c.id), c.channel, c.chat_id, message, kind=LAUNCH, contact_id=c.id,
                 broadcast_id=broadcast_id)
        for c in contacts))


def unfinished_launch_ids(session: Session) -> list[int]:
    return list(session.exec(select(Broadcast.id).where(Broadcast.kind == LAUNCH,
                                                        Broadcast.finished_at.is_(None))).all())


def finish(session: Session, broadcast: Broadcast, now: datetime) -> None:
    broadcast.finished_at = now
    session.add(broadcast)


def outbox_status(session: Session, key: str) -> str | None:
    return session.exec(select(OutboxMessage.status).where(OutboxMessage.idempotency_key == key)).first()


def recipients_with_status(session: Session, broadcast_id: int,
                           statuses: tuple[str, ...]) -> Sequence[tuple[Unit, Contact]]:
    return session.exec(
        select(Unit, Contact).join(Contact, Contact.unit_id == Unit.id)
        .join(OutboxMessage, OutboxMessage.contact_id == Contact.id)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status.in_(statuses))
        .order_by(Unit.code, Contact.id)).all()


def recipients_with_acks(session: Session, broadcast_id: int
                         ) -> Sequence[tuple[Unit, Contact, str, datetime | None]]:
    """Everyone the broadcast was for: (unit, contact, outbox status, acknowledged at or None)."""
    return session.exec(
        select(Unit, Contact, OutboxMessage.status, Acknowledgement.at)
        .join(Contact, Contact.unit_id == Unit.id)
        .join(OutboxMessage, OutboxMessage.contact_id == Contact.id)
        .outerjoin(Acknowledgement, (Acknowledgement.contact_id == Contact.id)
                   & (Acknowledgement.broadcast_id == broadcast_id))
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .order_by(Unit.code, Contact.id)).all()


def is_recipient(session: Session, broadcast: Broadcast, contact: Contact) -> bool:
    """The contact's unit takes part in the broadcast's campaign."""
    return session.get(CampaignUnit, (broadcast.campaign_id, contact.unit_id)) is not None


def record_ack(session: Session, broadcast_id: int, contact_id: int, now: datetime) -> bool:
    """True if this is the first acknowledgement of this contact for this broadcast."""
    existing = session.exec(select(Acknowledgement).where(
        Acknowledgement.broadcast_id == broadcast_id, Acknowledgement.contact_id == contact_id)).first()
    if existing is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Acknowledgement(broadcast_id=broadcast_id, contact_id=contact_id, at=now))
    except IntegrityError:   # pressed twice at the same moment by two processes
        return False
    return True

