"""Queries of the automatic reminders and the staff digest, plus the expansion of recurring milestones.

Everything here is bulk: one query per milestone or per campaign, never one per unit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from db.models import (Campaign, CampaignUnit, Contact, Milestone, MilestoneKind, Nomination, NominationStatus,
                       OutboxMessage, OutboxStatus, Recurrence, ReminderRun, Staff, Submission, Unit)
from schedules.planning import to_local
from schedules.recurrence import period_instances

REMINDER_KIND = "reminder"
DIGEST_KIND = "digest"
# Not in OutboxStatus yet (db/models.py is not ours): a queued reminder that became pointless.
CANCELLED = "cancelled"
OWING_STATUSES = ("missing", "returned")
RECURRING = (Recurrence.month, Recurrence.quarter, Recurrence.half_year, Recurrence.year)
MAX_DUE_SHIFT_DAYS = 31   # a template due further than this from its period's end is read as "end of period"


# ------------------------------------------------------------------------------------------ keys and ranges

def reminder_key(milestone_id: int, unit_id: int, contact_id: int, offset: int) -> str:
    return f"rem:{milestone_id}:{unit_id}:{contact_id}:{offset}"


def parse_reminder_key(key: str) -> tuple[int, int, int, int]:
    """(milestone_id, unit_id, contact_id, offset)."""
    _, mid, uid, cid, offset = key.split(":")
    return int(mid), int(uid), int(cid), int(offset)


def digest_key(staff_id: int, local_date) -> str:
    return f"digest:{staff_id}:{local_date.isoformat()}"


def _prefix_range(column, prefix: str):
    """`column` starts with `prefix`, as a range the unique index can serve (LIKE could not, in SQLite)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


# ------------------------------------------------------------------------------------- what to remind about

def nudged_milestone_filter():
    """Open milestones units must act on: not deleted, not an event, not a recurring template."""
    return ((Milestone.deleted_at.is_(None)) & (Milestone.units_act == True)  # noqa: E712
            & (Milestone.kind != MilestoneKind.event) & (Milestone.recurrence.notin_(RECURRING)))


def open_milestones(session: Session) -> list[tuple[Milestone, Campaign]]:
    """Every milestone of a launched campaign that may need reminders, with its campaign."""
    q = (select(Milestone, Campaign).join(Campaign, Campaign.id == Milestone.campaign_id)
         .where(Campaign.status == "launched", nudged_milestone_filter())
         .order_by(Milestone.due_at, Milestone.id))
    return list(session.exec(q).all())


@dataclass(frozen=True)
class ContactRef:
    id: int
    channel: str
    chat_id: str


def reachable_contacts(session: Session, campaign_id: int) -> dict[int, list[ContactRef]]:
    """unit_id -> its reachable contacts, for every unit of the campaign (one query)."""
    q = (select(Contact.unit_id, Contact.id, Contact.channel, Contact.chat_id)
         .join(CampaignUnit, CampaignUnit.unit_id == Contact.unit_id)
         .where(CampaignUnit.campaign_id == campaign_id, Contact.reachable == True)  # noqa: E712
         .order_by(Contact.unit_id, Contact.id))
    by_unit: dict[int, list[ContactRef]] = {}
    for unit_id, contact_id, channel, chat_id in session.exec(q):
        by_unit.setdefault(unit_id, []).append(ContactRef(contact_id, channel, chat_id))
    return by_unit


@dataclass(frozen=True)
class UnitState:
    status: str                       # submitted | accepted | returned (missing units have no entry)
    reviewed_at: datetime | None


def unit_states(session: Session, milestone: Milestone, unit_ids: Iterable[int] | None = None
                ) -> dict[int, UnitState]:
    """unit_id -> status of its latest work on the milestone (submissions, or nominations for a nomination
    milestone, like db.reports). Columns only, one query: it runs on tens of thousands of units."""
    if milestone.kind == MilestoneKind.nomination:
        return _nomination_states(session, milestone.id, unit_ids)
    newest = select(Submission.unit_id, func.max(Submission.version).label("v")).where(
        Submission.milestone_id == milestone.id)
    if unit_ids is not None:
        newest = newest.where(Submission.unit_id.in_(list(unit_ids)))
    newest = newest.group_by(Submission.unit_id).subquery()
    q = select(Submission.unit_id, Submission.status, Submission.reviewed_at).join(
        newest, (Submission.unit_id == newest.c.unit_id) & (Submission.version == newest.c.v)).where(
        Submission.milestone_id == milestone.id)
    return {unit_id: UnitState(status, reviewed) for unit_id, status, reviewed in session.exec(q)}


def _nomination_states(session: Session, milestone_id: int, unit_ids: Iterable[int] | None) -> dict[int, UnitState]:
    q = select(Nomination.unit_id, Nomination.status, Nomination.reviewed_at).where(
        Nomination.milestone_id == milestone_id, Nomination.status != NominationStatus.withdrawn)
    if unit_ids is not None:
        q = q.where(Nomination.unit_id.in_(list(unit_ids)))
    states: dict[int, UnitState] = {}
    for unit_id, status, reviewed in session.exec(q.order_by(Nomination.submitted_at, Nomination.id)):
        states[unit_id] = UnitState(status, reviewed)   # the latest wins
    return states


def is_owing(state: UnitState | None) -> bool:
    return state is None or state.status in OWING_STATUSES


# ------------------------------------------------------------------------------ reminders already queued

def sent_offsets(session: Session, milestone_id: int) -> dict[int, int]:
    """unit_id -> the largest offset already queued for it (whatever became of the message), one query."""
    keys = session.exec(select(OutboxMessage.idempotency_key).where(
        _prefix_range(OutboxMessage.idempotency_key, f"rem:{milestone_id}:")))
    last: dict[int, int] = {}
    for key in keys:
        _, unit_id, _, offset = parse_reminder_key(key)
        if offset > last.get(unit_id, offset - 1):
            last[unit_id] = offset
    return last


def pending_reminders(session: Session, milestone_id: int | None = None) -> list[tuple[int, str]]:
    """(row id, key) of reminders queued but not yet picked up by the dispatcher (of one milestone or all)."""
    q = select(OutboxMessage.id, OutboxMessage.idempotency_key).where(
        OutboxMessage.status == OutboxStatus.pending, OutboxMessage.kind == REMINDER_KIND)
    if milestone_id is not None:
        q = q.where(_prefix_range(OutboxMessage.idempotency_key, f"rem:{milestone_id}:"))
    return list(session.exec(q))


def cancel_reminders(session: Session, row_ids: list[int], reason: str) -> int:
    """Only rows still pending: one the dispatcher has claimed is already on its way."""
    if not row_ids:
        return 0
    res = session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(row_ids), OutboxMessage.status == OutboxStatus.pending,
    ).values(status=CANCELLED, last_error=reason))
    return res.rowcount or 0


def postpone(session: Session, row_ids: list[int], until: datetime) -> None:
    session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(row_ids), OutboxMessage.status == OutboxStatus.pending).values(not_before=until))


def cancel_for_unit(session: Session, milestone_id: int, unit_id: int) -> int:
    """For the submission flow: stop queued reminders of this unit at once (the tick does it within a minute)."""
    ids = list(session.exec(select(OutboxMessage.id).where(
        _prefix_range(OutboxMessage.idempotency_key, f"rem:{milestone_id}:{unit_id}:"),
        OutboxMessage.status == OutboxStatus.pending)))
    return cancel_reminders(session, ids, "submitted")


def milestones_by_id(session: Session, milestone_ids: Iterable[int]) -> dict[int, tuple[Milestone, Campaign]]:
    ids = list(set(milestone_ids))
    if not ids:
        return {}
    rows = session.exec(select(Milestone, Campaign).join(Campaign, Campaign.id == Milestone.campaign_id)
                        .where(Milestone.id.in_(ids)))
    return {m.id: (m, c) for m, c in rows}


# ------------------------------------------------------------------- run bookkeeping (ReminderRun rows)

def _run_name(milestone_id: int, fingerprint: str) -> str:
    return f"rem:{milestone_id}@{fingerprint}"


def reminder_runs(session: Session) -> dict[int, tuple[str, datetime | None]]:
    """milestone_id -> (fingerprint of the plan last processed, when)."""
    runs: dict[int, tuple[str, datetime | None]] = {}
    for name, at in session.exec(select(ReminderRun.name, ReminderRun.last_run_at).where(
            _prefix_range(ReminderRun.name, "rem:"))):
        mid, _, fingerprint = name[4:].partition("@")
        runs[int(mid)] = (fingerprint, at)
    return runs


def record_run(session: Session, milestone_id: int, fingerprint: str, at: datetime) -> None:
    """One row per milestone; a new fingerprint (moved deadline, new policy) replaces the old row."""
    session.execute(delete(ReminderRun).where(_prefix_range(ReminderRun.name, f"rem:{milestone_id}@")))
    session.add(ReminderRun(name=_run_name(milestone_id, fingerprint), last_run_at=at))


# ------------------------------------------------------------------------------------------------- digest

def digest_recipients(session: Session) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.active == True, Staff.chat_id.is_not(None))  # noqa: E712
                             .order_by(Staff.id)))


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.exec(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))))


def launched_campaigns(session: Session) -> list[Campaign]:
    return list(session.exec(select(Campaign).where(Campaign.status == "launched").order_by(Campaign.id)))


def visible_to(staff: Staff, campaign: Campaign) -> bool:
    """Staff of an office see its campaigns (and office-less ones); staff without an office see all."""
    return staff.office_id is None or campaign.office_id in (None, staff.office_id)


def campaign_milestones(session: Session, campaign_id: int) -> list[Milestone]:
    return list(session.exec(select(Milestone).where(Milestone.campaign_id == campaign_id, nudged_milestone_filter())
                             .order_by(Milestone.due_at, Milestone.id)))


def campaign_unit_names(session: Session, campaign_id: int) -> dict[int, str]:
    """unit_id -> name, ordered by unit code."""
    rows = session.exec(select(Unit.id, Unit.name).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                        .where(CampaignUnit.campaign_id == campaign_id).order_by(Unit.code))
    return dict(rows.all())


def submitted_between(session: Session, campaign_id: int, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """(unit_id, milestone_id) of submissions and nominations received in [start, end), oldest first."""
    subs = session.exec(select(Submission.unit_id, Submission.milestone_id, Submission.submitted_at)
                        .join(Milestone, Milestone.id == Submission.milestone_id)
                        .where(Milestone.campaign_id == campaign_id, Submission.submitted_at >= start,
                               Submission.submitted_at < end)).all()
    noms = session.exec(select(Nomination.unit_id, Nomination.milestone_id, Nomination.submitted_at)
                        .where(Nomination.campaign_id == campaign_id, Nomination.submitted_at >= start,
                               Nomination.submitted_at < end)).all()
    return [(u, m) for u, m, _ in sorted([*subs, *noms], key=lambda r: r[2])]


# ---------------------------------------------------------------------------------- recurring milestones

def expand_recurring(session: Session, template: Milestone, tz: ZoneInfo | None = None) -> list[Milestone]:
    """Create the missing instances of a recurring milestone over its campaign's period. Idempotent.

    Rules: instances are Milestone rows with series_id = template.id, recurrence "none" and the period label;
    one per period label, ever (an instance staff deleted is not recreated). Each instance keeps the
    template's time of day; its due day keeps the template's distance to the end of the FIRST period
    (a template due 10/10 for quarters starting in July means "10 days after each quarter ends"); a
    distance beyond a month is read as "on the period's last day". Without a campaign period: nothing.
    """
    tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
    campaign = session.get(Campaign, template.campaign_id)
    if (template.recurrence not in RECURRING or template.series_id is not None or template.deleted_at is not None
            or campaign is None or not campaign.period_start or not campaign.period_end):
        return []
    due_local = to_local(template.due_at, tz)
    instances = _instances(template.recurrence, campaign, due_local.date())
    have = set(session.exec(select(Milestone.period_label).where(Milestone.series_id == template.id)))
    created = [_instance_row(template, inst, due_local.timetz(), tz) for inst in instances if inst.label not in have]
    session.add_all(created)
    session.flush()
    return created


def expand_all_recurring(session: Session, tz: ZoneInfo) -> int:
    """Safety net for the tick: every recurring template of a draft or launched campaign."""
    templates = session.exec(select(Milestone).join(Campaign, Campaign.id == Milestone.campaign_id).where(
        Campaign.status.in_(("draft", "launched")), Milestone.deleted_at.is_(None),
        Milestone.series_id.is_(None), Milestone.recurrence.in_(RECURRING))).all()
    return sum(len(expand_recurring(session, t, tz)) for t in templates)


def _instances(every: str, campaign: Campaign, template_due_day):
    first = period_instances(every, campaign.period_start, campaign.period_end)
    shift = (template_due_day - first[0].period_end).days
    if abs(shift) > MAX_DUE_SHIFT_DAYS:
        shift = 0
    return period_instances(every, campaign.period_start, campaign.period_end, due_offset_days=shift)


def _instance_row(template: Milestone, inst, local_time, tz: ZoneInfo) -> Milestone:
    due_utc = _local_to_utc(datetime.combine(inst.due_date, local_time.replace(tzinfo=None)), tz)
    return Milestone(
        campaign_id=template.campaign_id, kind=template.kind, title=template.title, due_at=due_utc,
        precision="day", who=template.who, units_act=template.units_act,
        required_documents=list(template.required_documents or []), recurrence=Recurrence.none,
        series_id=template.id, period_label=inst.label, source_text=template.source_text,
    )


def local_day_bounds(local_date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as naive UTC."""
    start = datetime.combine(local_date, datetime.min.time())
    return _local_to_utc(start, tz), _local_to_utc(start + timedelta(days=1), tz)


def _local_to_utc(local_naive: datetime, tz: ZoneInfo) -> datetime:
    return local_naive.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


# ----------------------------------------------------------------------------------- /nhachan (the policy)

def editable_campaigns(session: Session, staff: Staff) -> list[Campaign]:
    """Draft and launched campaigns this staff member may configure, newest first."""
    rows = session.exec(select(Campaign).where(Campaign.status.in_(("draft", "launched")))
                        .order_by(Campaign.id.desc())).all()
    return [c for c in rows if visible_to(staff, c)]


def editable_campaign(session: Session, staff: Staff, campaign_id: int) -> Campaign | None:
    campaign = session.get(Campaign, campaign_id)
    ok = campaign is not None and campaign.status in ("draft", "launched") and visible_to(staff, campaign)
    return campaign if ok else None


def save_policy(session: Session, campaign: Campaign, policy_json: dict) -> None:
    campaign.reminder_policy = policy_json
    session.add(campaign)
