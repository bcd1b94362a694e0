"""Bình xét: a round's approved nominations grouped by cụm thi đua or by cấp học, with counts against the
quota, and the ones the office forwards upward (đề nghị cấp trên). What a Hội đồng TĐKT meeting works from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import Campaign, CampaignUnit, Milestone, Nomination, NominationStatus, Unit

BY_CLUSTER, BY_LEVEL = "cluster", "level"


@dataclass
class Entry:
    nomination: Nomination
    unit: Unit

    @property
    def forwarded(self) -> bool:
        return self.nomination.forwarded_at is not None


@dataclass
class Group:
    name: str | None                  # None: units with no cụm (or no cấp học) on the roster
    units: int = 0                    # units of the campaign in the group
    quota: int = 0                    # units × the campaign's quota per unit
    entries: list[Entry] = field(default_factory=list)

    @property
    def forwarded(self) -> int:
        return sum(1 for e in self.entries if e.forwarded)


def _key(unit: Unit, by: str) -> str | None:
    value = unit.cluster if by == BY_CLUSTER else unit.level
    return (value or "").strip() or None


def board(session: Session, milestone: Milestone, by: str = BY_CLUSTER) -> list[Group]:
    """The round's accepted nominations grouped `by` cụm or cấp học, groups in name order (unnamed last)."""
    campaign = session.get(Campaign, milestone.campaign_id)
    quota = campaign.nomination_quota or 1
    units = session.exec(select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                         .where(CampaignUnit.campaign_id == milestone.campaign_id).order_by(Unit.code)).all()
    groups: dict[str | None, Group] = {}
    for u in units:
        g = groups.setdefault(_key(u, by), Group(_key(u, by)))
        g.units += 1
        g.quota += quota
    by_id = {u.id: u for u in units}
    accepted = session.exec(select(Nomination).where(
        Nomination.milestone_id == milestone.id, Nomination.status == NominationStatus.accepted)
        .order_by(Nomination.unit_id, Nomination.id)).all()
    for n in accepted:
        unit = by_id.get(n.unit_id)
        if unit is not None:     # a unit taken out of the campaign since keeps its history, off the board
            groups[_key(unit, by)].entries.append(Entry(n, unit))
    return sorted(groups.values(), key=lambda g: (g.name is None, (g.name or "").casefold()))


def set_forwarded(session: Session, nomination: Nomination, forwarded: bool, now: datetime) -> bool:
    """Mark (or unmark) an accepted nomination as proposed upward; returns whether anything changed."""
    if nomination.status != NominationStatus.accepted or (nomination.forwarded_at is not None) == forwarded:
        return False
    nomination.forwarded_at = now if forwarded else None
    session.add(nomination)
    session.flush()
    return True


def forwarded_count(session: Session, milestone_id: int) -> int:
    return session.exec(select(func.count()).select_from(Nomination).where(
        Nomination.milestone_id == milestone_id, Nomination.forwarded_at.is_not(None),
        Nomination.status == NominationStatus.accepted)).one()
