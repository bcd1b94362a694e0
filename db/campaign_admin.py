"""Staff accounts and campaigns made by hand (chat flow /taomoi and the `thidua staff|campaign` CLI)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import scope
from db.models import Campaign, CampaignUnit, Milestone, MilestoneKind, Office, Staff, Unit

DUE_HOUR = time(17, 0)   # a due date means 17:00 local time that day


def due_at_utc(day: date, tz: ZoneInfo) -> datetime:
    """17:00 local on `day`, as naive UTC."""
    return datetime.combine(day, DUE_HOUR, tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------------------------------------------ staff

def upsert_staff(session: Session, *, user_id: str, name: str, role: str, office_id: int | None,
                 channel: str = "telegram") -> tuple[Staff, bool]:
    """Add a staff member (or update and re-activate the one with that id). Returns (staff, created)."""
    staff = session.exec(select(Staff).where(Staff.channel == channel, Staff.platform_user_id == user_id)).first()
    created = staff is None
    if created:
        staff = Staff(channel=channel, platform_user_id=user_id, chat_id=user_id, name=name)
    staff.name, staff.role, staff.active = name, role, True
    if office_id is not None:
        staff.office_id = office_id
    session.add(staff)
    session.flush()
    return staff, created


def all_staff(session: Session) -> Sequence[Staff]:
    return session.exec(select(Staff).order_by(Staff.id)).all()


def office_names(session: Session) -> dict[int, str]:
    return {o.id: o.name for o in session.exec(select(Office)).all()}


# ------------------------------------------------------------------------------------------------ units

def unit_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Unit)).one()


def clusters(session: Session) -> list[str]:
    rows = session.exec(select(Unit.cluster).where(Unit.cluster.is_not(None)).distinct()).all()
    return sorted(c for c in rows if c)


def unit_ids_all(session: Session) -> list[int]:
    return list(session.exec(select(Unit.id).order_by(Unit.code)).all())


def unit_ids_in_clusters(session: Session, names: list[str]) -> list[int]:
    return list(session.exec(select(Unit.id).where(Unit.cluster.in_(names)).order_by(Unit.code)).all())


def units_by_codes(session: Session, codes: list[str]) -> tuple[list[Unit], list[str]]:
    """Units with these codes (case-insensitive), and the codes that match no unit."""
    wanted = {c.strip().upper(): c.strip() for c in codes if c.strip()}
    found = session.exec(select(Unit).where(func.upper(Unit.code).in_(list(wanted)))).all()
    known = {u.code.upper() for u in found}
    return sorted(found, key=lambda u: u.code), [orig for up, orig in wanted.items() if up not in known]


@dataclass
class UnitSelection:
    """Which units take part: mode all | clusters | codes."""
    mode: str
    clusters: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"mode": self.mode, "clusters": self.clusters, "codes": self.codes}

    @classmethod
    def from_json(cls, d: dict) -> "UnitSelection":
        return cls(d["mode"], list(d.get("clusters") or []), list(d.get("codes") or []))


def resolve_units(session: Session, sel: UnitSelection) -> list[int]:
    if sel.mode == "all":
        return unit_ids_all(session)
    if sel.mode == "clusters":
        return unit_ids_in_clusters(session, sel.clusters)
    found, _unknown = units_by_codes(session, sel.codes)
    return [u.id for u in found]


# ------------------------------------------------------------------------------------------------ campaigns

@dataclass
class MilestoneSpec:
    kind: str
    title: str
    due: date
    documents: list[str] = field(default_factory=list)
    precision: str = "day"              # day | month | year (a plan may say "trong tháng 02/2024")
    who: str | None = "các đơn vị"
    units_act: bool = True              # False: the office's own step, nobody is nudged or counted
    source_text: str | None = None      # the phrase of the plan it comes from


@dataclass
class CampaignSpec:
    title: str
    doc_number: str | None = None
    issued: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    unit_ids: list[int] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)
    plan_file_id: int | None = None
    office_id: int | None = None
    staff_id: int | None = None
    issuer: str | None = None
    nomination_quota: int = 1           # nominations per unit and round


def create_campaign(session: Session, spec: CampaignSpec, tz: ZoneInfo) -> Campaign:
    campaign = Campaign(title=spec.title, doc_number=spec.doc_number, issued_date=spec.issued,
                        period_start=spec.period_start, period_end=spec.period_end, plan_file_id=spec.plan_file_id,
                        office_id=spec.office_id, created_by_staff_id=spec.staff_id, issuer=spec.issuer,
                        nomination_quota=spec.nomination_quota, status="draft")
    session.add(campaign)
    session.flush()
    # the last guard: another office's schools never take part, whichever flow or command built the spec
    campaign_ops.set_units(session, campaign.id, scope.allowed_unit_ids(session, spec.office_id, spec.unit_ids))
    for ms in spec.milestones:
        add_milestone(session, campaign.id, ms, tz)
    session.flush()
    return campaign


def add_milestone(session: Session, campaign_id: int, spec: MilestoneSpec, tz: ZoneInfo) -> Milestone:
    row = Milestone(campaign_id=campaign_id, kind=spec.kind, title=spec.title, due_at=due_at_utc(spec.due, tz),
                    required_documents=list(spec.documents), who=spec.who, units_act=spec.units_act,
                    precision=spec.precision, source_text=spec.source_text)
    session.add(row)
    session.flush()
    return row


def attach_plan(session: Session, campaign_id: int, stored_file_id: int) -> Campaign | None:
    campaign = session.get(Campaign, campaign_id)
    if campaign is not None:
        campaign.plan_file_id = stored_file_id
        session.add(campaign)
    return campaign


def mark_launched(session: Session, campaign: Campaign, now: datetime) -> None:
    if campaign.status != "launched":
        campaign.status, campaign.launched_at = "launched", now
        session.add(campaign)


def all_campaigns(session: Session) -> Sequence[Campaign]:
    return session.exec(select(Campaign).order_by(Campaign.id)).all()


def unit_counts(session: Session) -> dict[int, int]:
    rows = session.exec(select(CampaignUnit.campaign_id, func.count()).group_by(CampaignUnit.campaign_id)).all()
    return dict(rows)


def milestone_counts(session: Session) -> dict[int, int]:
    rows = session.exec(select(Milestone.campaign_id, func.count()).where(Milestone.deleted_at.is_(None),
                                                                         campaign_ops.not_template())
                        .group_by(Milestone.campaign_id)).all()
    return dict(rows)


def set_nomination_rules(session: Session, campaign: Campaign, *, quota: int | None = None,
                         late: bool | None = None) -> Campaign:
    """The nomination quota per unit and round, and whether rounds take late entries until closed."""
    if quota is not None:
        campaign.nomination_quota = quota
    if late is not None:
        campaign.late_nominations = late
    session.add(campaign)
    session.flush()
    return campaign


def add_nomination_rounds(session: Session, campaign: Campaign, every: str, title: str, tz: ZoneInfo
                          ) -> list[Milestone]:
    """A recurring nomination milestone (one round per period of the campaign, each due at its period's end),
    and its rounds. Nothing when the campaign has no period to divide."""
    from schedules.recurrence import period_instances

    if not campaign.period_start or not campaign.period_end or campaign.period_start > campaign.period_end:
        return []
    first = period_instances(every, campaign.period_start, campaign.period_end)[0]
    return add_recurring_milestone(session, campaign, MilestoneSpec(MilestoneKind.nomination, title, first.period_end),
                                   every, tz)


def add_recurring_milestone(session: Session, campaign: Campaign, spec: MilestoneSpec, every: str, tz: ZoneInfo
                            ) -> list[Milestone]:
    """A milestone repeated each period of the campaign (spec.due: its first period's due date, whose distance
    to that period's end every instance keeps), and its instances. Nothing when the campaign has no period."""
    from db.reminders import expand_recurring

    if not campaign.period_start or not campaign.period_end or campaign.period_start > campaign.period_end:
        return []
    template = add_milestone(session, campaign.id, spec, tz)
    template.recurrence = every
    session.add(template)
    session.flush()
    return expand_recurring(session, template, tz)
