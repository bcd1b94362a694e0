"""Which office's data a staff member may see and act on: the one place that decides.

Every staff command, button and flow step loads campaigns, launches (broadcasts), submissions, nominations and
the units of a new campaign through these functions, never by id straight from the database, so an id typed
in `/danhan 7`, carried by a button or kept in a flow's data cannot reach another office's rows.

The rule (as the bot has applied it since offices existed, now in one place):

- a campaign belongs to its office (Campaign.office_id). Staff of office X see and act on campaigns of X,
  and on campaigns without an office (made with `thidua campaign create` without --office: shared by all);
- a staff member without an office (`thidua staff add` without --office; a one-office installation) acts for
  the whole installation and sees every campaign;
- launches and nudges (Broadcast), acknowledgements, submissions and nominations belong to their campaign:
  visible exactly when the campaign is. A broadcast without a campaign is nobody's;
- a campaign made by staff of office X may take part only units of X or units without an office (the same
  rule, for Unit.office_id).

Refusals look like "not found": a foreign id must not even reveal that it exists.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import false, func, or_, true
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import progress as progress_db
from db.models import Broadcast, Campaign, Milestone, MilestoneKind, Nomination, Staff, Submission, Unit

if TYPE_CHECKING:
    from db.campaign_admin import UnitSelection

LAUNCH = "launch"


# ------------------------------------------------------------------------------------------------ the rule

def office_clause(office_id: int | None, column):
    """SQL: rows of this office or of no office; everything for an office-less staff member."""
    if office_id is None:
        return true()
    return or_(column.is_(None), column == office_id)


def office_allows(office_id: int | None, row_office_id: int | None) -> bool:
    """The same rule as office_clause, in Python."""
    return office_id is None or row_office_id is None or row_office_id == office_id


def may_see(staff: Staff | None, campaign: Campaign | None) -> bool:
    return staff is not None and campaign is not None and office_allows(staff.office_id, campaign.office_id)


# ------------------------------------------------------------------------------------------------ campaigns

def campaigns_for_staff(session: Session, staff: Staff, statuses: tuple[str, ...] = ("launched", "closed"),
                        limit: int | None = None) -> list[Campaign]:
    """The campaigns this staff member may follow, newest first (filtered in SQL, so a limit stays fair)."""
    q = (select(Campaign).where(Campaign.status.in_(statuses), office_clause(staff.office_id, Campaign.office_id))
         .order_by(Campaign.id.desc()))
    return list(session.exec(q.limit(limit) if limit else q).all())


def campaign_for_staff(session: Session, staff: Staff | None, campaign_id: int | str | None,
                       statuses: tuple[str, ...] | None = None) -> Campaign | None:
    """The campaign if it exists, is in one of `statuses` (any when None) and the staff member may see it."""
    cid = _as_id(campaign_id)
    campaign = campaign_ops.get(session, cid) if cid else None
    if campaign is None or not may_see(staff, campaign) or (statuses is not None and campaign.status not in statuses):
        return None
    return campaign


def milestone_for_staff(session: Session, staff: Staff | None, campaign_id: int | None,
                        milestone_id: int | str | None) -> Milestone | None:
    """A live units-act milestone of a campaign this staff member may see."""
    if campaign_for_staff(session, staff, campaign_id) is None:
        return None
    return progress_db.unit_milestone(session, campaign_id, _as_id(milestone_id))


# ------------------------------------------------------------------------------------------------ launches

def broadcasts_for_staff(session: Session, staff: Staff, kind: str = LAUNCH, limit: int = 8
                         ) -> Sequence[tuple[Broadcast, Campaign]]:
    """Recent launches (or nudges) of the campaigns this staff member may see, newest first."""
    return session.exec(select(Broadcast, Campaign).join(Campaign, Campaign.id == Broadcast.campaign_id)
                        .where(Broadcast.kind == kind, office_clause(staff.office_id, Campaign.office_id))
                        .order_by(Broadcast.id.desc()).limit(limit)).all()


def broadcast_for_staff(session: Session, staff: Staff | None, broadcast_id: int | str | None
                        ) -> tuple[Broadcast, Campaign] | None:
    """The broadcast and its campaign, if the campaign is one this staff member may see."""
    bid = _as_id(broadcast_id)
    broadcast = session.get(Broadcast, bid) if bid else None
    if broadcast is None:
        return None
    campaign = campaign_for_staff(session, staff, broadcast.campaign_id)
    return (broadcast, campaign) if campaign is not None else None


# ------------------------------------------------------------------------------------------------ submissions

def submission_for_staff(session: Session, staff: Staff | None, submission_id: int | str | None,
                         campaign_id: int | None, milestone_id: int | None) -> tuple[Submission | None, str]:
    """The latest submission of a unit of a visible campaign for this milestone: (submission, "") or
    (None, "unknown" | "superseded"), as db.progress.find_for_review."""
    if campaign_for_staff(session, staff, campaign_id) is None:
        return None, "unknown"
    sid = _as_id(submission_id)
    if not sid:
        return None, "unknown"
    return progress_db.find_for_review(session, sid, campaign_id, milestone_id or 0)


# ------------------------------------------------------------------------------------------------ nominations

def nomination_campaigns_for_staff(session: Session, staff: Staff) -> list[Campaign]:
    """Launched or closed campaigns with a nomination period, that this staff member may see (newest first)."""
    has_period = select(Milestone.id).where(Milestone.campaign_id == Campaign.id,
                                            Milestone.kind == MilestoneKind.nomination,
                                            Milestone.deleted_at.is_(None), campaign_ops.not_template()).exists()
    return list(session.exec(select(Campaign).where(
        Campaign.status.in_(("launched", "closed")), has_period,
        office_clause(staff.office_id, Campaign.office_id)).order_by(Campaign.id.desc())).all())


def nomination_period_for_staff(session: Session, staff: Staff | None, campaign_id: int | None,
                                milestone_id: int | str | None) -> Milestone | None:
    """A live nomination milestone of a visible campaign."""
    if campaign_for_staff(session, staff, campaign_id) is None:
        return None
    m = campaign_ops.milestone(session, _as_id(milestone_id) or 0)
    return m if m is not None and m.campaign_id == campaign_id and m.kind == MilestoneKind.nomination else None


def nomination_for_staff(session: Session, staff: Staff | None, nomination_id: int | str | None,
                         campaign_id: int | None, milestone_id: int | None) -> Nomination | None:
    """The nomination, if it belongs to this period of a campaign this staff member may see."""
    if nomination_period_for_staff(session, staff, campaign_id, milestone_id) is None:
        return None
    nid = _as_id(nomination_id)
    n = session.get(Nomination, nid) if nid else None
    return n if n is not None and n.milestone_id == milestone_id and n.campaign_id == campaign_id else None


# ------------------------------------------------------------------------------------------------ units

def _unit_clause(staff: Staff | None):
    return office_clause(staff.office_id, Unit.office_id) if staff is not None else false()


def unit_count_for_staff(session: Session, staff: Staff | None) -> int:
    return session.exec(select(func.count()).select_from(Unit).where(_unit_clause(staff))).one()


def clusters_for_staff(session: Session, staff: Staff | None) -> list[str]:
    rows = session.exec(select(Unit.cluster).where(Unit.cluster.is_not(None), _unit_clause(staff)).distinct()).all()
    return sorted(c for c in rows if c)


def units_by_codes_for_staff(session: Session, staff: Staff | None, codes: list[str]) -> tuple[list[Unit], list[str]]:
    """Units with these codes that this staff member may include, and the codes that match none of them
    (another office's school is "unknown" here, as if it did not exist)."""
    wanted = {c.strip().upper(): c.strip() for c in codes if c.strip()}
    found = session.exec(select(Unit).where(func.upper(Unit.code).in_(list(wanted)), _unit_clause(staff))).all()
    known = {u.code.upper() for u in found}
    return sorted(found, key=lambda u: u.code), [orig for up, orig in wanted.items() if up not in known]


def unit_ids_for_staff(session: Session, staff: Staff | None, sel: "UnitSelection") -> list[int]:
    """The units a selection (all / clusters / codes) means for this staff member."""
    q = select(Unit.id).where(_unit_clause(staff))
    if sel.mode == "clusters":
        q = q.where(Unit.cluster.in_(sel.clusters))
    elif sel.mode != "all":
        found, _unknown = units_by_codes_for_staff(session, staff, sel.codes)
        return [u.id for u in found]
    return list(session.exec(q.order_by(Unit.code)).all())


def allowed_unit_ids(session: Session, office_id: int | None, unit_ids: list[int]) -> list[int]:
    """The subset of unit_ids a campaign of this office may include (the last guard of campaign creation)."""
    if office_id is None or not unit_ids:
        return list(unit_ids)
    allowed = set(session.exec(select(Unit.id).where(Unit.id.in_(list(unit_ids)),
                                                     office_clause(office_id, Unit.office_id))).all())
    return [u for u in unit_ids if u in allowed]


def _as_id(value: int | str | None) -> int | None:
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None
