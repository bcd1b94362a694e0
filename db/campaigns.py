"""Campaigns, their milestones, participating units and the contacts to reach."""
from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from db.models import Campaign, CampaignUnit, Contact, Milestone, Recurrence, Unit


def get(session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def all_campaigns(session: Session, statuses: tuple[str, ...] = ("draft", "launched")) -> Sequence[Campaign]:
    return session.exec(select(Campaign).where(Campaign.status.in_(statuses)).order_by(Campaign.id.desc())).all()


def for_unit(session: Session, unit_id: int, statuses: tuple[str, ...] = ("launched",)) -> Sequence[Campaign]:
    return session.exec(select(Campaign).join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id).where(
        CampaignUnit.unit_id == unit_id, Campaign.status.in_(statuses)).order_by(Campaign.id)).all()


def takes_part(session: Session, campaign_id: int, unit_id: int) -> bool:
    return session.get(CampaignUnit, (campaign_id, unit_id)) is not None


def set_units(session: Session, campaign_id: int, unit_ids: list[int]) -> None:
    for link in session.exec(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id)).all():
        session.delete(link)
    session.flush()
    session.add_all([CampaignUnit(campaign_id=campaign_id, unit_id=u) for u in sorted(set(unit_ids))])


def units(session: Session, campaign_id: int) -> Sequence[Unit]:
    return session.exec(select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id).where(
        CampaignUnit.campaign_id == campaign_id).order_by(Unit.code)).all()


def not_template():
    """A recurring milestone is a template for its rounds (one per period): only the rounds are acted on,
    counted and shown."""
    return Milestone.recurrence == Recurrence.none


def milestones(session: Session, campaign_id: int, *, units_act_only: bool = False) -> Sequence[Milestone]:
    q = select(Milestone).where(Milestone.campaign_id == campaign_id, Milestone.deleted_at.is_(None), not_template())
    if units_act_only:
        q = q.where(Milestone.units_act == True)  # noqa: E712
    return session.exec(q.order_by(Milestone.due_at, Milestone.id)).all()


def milestone(session: Session, milestone_id: int) -> Milestone | None:
    m = session.get(Milestone, milestone_id)
    return m if m is not None and m.deleted_at is None and m.recurrence == Recurrence.none else None


def contacts(session: Session, campaign_id: int, unit_ids: list[int] | None = None,
             reachable_only: bool = False) -> Sequence[Contact]:
    """Every contact of every participating unit (or of the given units), in a stable order."""
    q = select(Contact).join(CampaignUnit, CampaignUnit.unit_id == Contact.unit_id).where(
        CampaignUnit.campaign_id == campaign_id)
    if unit_ids is not None:
        q = q.where(Contact.unit_id.in_(unit_ids))
    if reachable_only:
        q = q.where(Contact.reachable == True)  # noqa: E712
    return session.exec(q.order_by(Contact.unit_id, Contact.id)).all()


def contacts_of_unit(session: Session, unit_id: int) -> Sequence[Contact]:
    return session.exec(select(Contact).where(Contact.unit_id == unit_id).order_by(Contact.id)).all()
