"""Queries of the automatic reminders and the staff digest, plus the expansion of recurring milestones.

Everything here is bulk: one query per milestone or per campaign, never one per unit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime, Integer, String, and_, case, cast, delete, func, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db import standing
from db.models import (Campaign, CampaignUnit, Contact, Milestone, MilestoneKind, Nomination,
                       OutboxMessage, OutboxStatus, Recurrence, ReminderRun, Staff, Submission, Unit)
from schedules.planning import to_local
from schedules.recurrence import period_instances

REMINDER_KIND = "reminder"
DIGEST_KIND = "digest"
# Not in OutboxStatus yet (db/models.py is not ours): a queued reminder that became pointless.
CANCELLED = "cancelled"
OWING_STATUSES = standing.OWING
RECURRING = (Recurrence.month, Recurrence.quarter, Recurrence.half_year, Recurrence.year)
MAX_DUE_SHIFT_DAYS = 31
_ID_CHUNK = 5000          # ids per UPDATE ... WHERE id IN (...): well under every driver's parameter limit   # a template due further than this from its period's end is read as "end of period"


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
    """Open milestones units must act on: not deleted or closed, not an event, not a recurring template."""
    return ((Milestone.deleted_at.is_(None)) & Milestone.closed_at.is_(None)
            & (Milestone.units_act == True)  # noqa: E712
            & (Milestone.kind != MilestoneKind.event) & (Milestone.recurrence.notin_(RECURRING)))


def open_milestones(session: Session) -> list[tuple[Milestone, Campaign]]:
    """Every milestone of a launched campaign that may need reminders, with its campaign."""
    q = (select(Milestone, Campaign).join(Campaign, Campaign.id == Milestone.campaign_id)
         .where(Campaign.status == "launched", nudged_milestone_filter())
         .order_by(Milestone.due_at, Milestone.id))
    return list(session.exec(q).all())


@dataclass(frozen=True)
class UnitState:
    status: str                       # submitted | accepted | returned (missing units have no entry)
    reviewed_at: datetime | None


def latest_work(milestone: Milestone):
    """A subquery (unit_id, status, reviewed_at, ...): where each unit stands on the milestone (db.standing)."""
    return standing.work([milestone])


def unit_states(session: Session, milestone: Milestone, unit_ids: Iterable[int] | None = None
                ) -> dict[int, UnitState]:
    """unit_id -> where it stands on the milestone (db.standing). Columns only, one query: it runs on tens of
    thousands of units."""
    work = latest_work(milestone)
    q = select(work.c.unit_id, work.c.status, work.c.reviewed_at)
    if unit_ids is not None:
        q = q.where(work.c.unit_id.in_(list(unit_ids)))
    return {unit_id: UnitState(status, reviewed) for unit_id, status, reviewed in session.exec(q)}


def is_owing(state: UnitState | None) -> bool:
    return state is None or state.status in OWING_STATUSES


# -------------------------------------------------------------------- queueing a tick's reminders (set-based)

def queue_reminders(session: Session, milestone: Milestone, offset: int, planned_at: datetime,
                    missing: dict, returned: dict, now: datetime) -> int:
    """Queue the milestone's reminder `offset` (planned at `planned_at`) to every contact that should get it,
    in one INSERT ... SELECT ... ON CONFLICT (idempotency_key) DO NOTHING; returns how many rows were new.

    Who: every reachable contact of a unit of the campaign whose latest work (`latest_work`) is missing, or
    returned with a review before `planned_at` (a review at or after it told the unit already), and which has
    no reminder of this milestone with this offset or a larger one queued for any of its contacts (whatever
    became of it: moved deadlines keep the offsets already done). Payload `missing` or `returned` (the
    OutMessage JSON: the text is the same for every unit of one milestone and tick). Keys
    rem:<milestone>:<unit>:<contact>:<offset> are built in SQL; rows are bulk (priority 1), not_before now.

    Then older reminders of the same milestone left pending for the contacts just queued are cancelled as
    "superseded" (a stuck outbox that recovers delivers one message, not three).
    """
    ob = OutboxMessage.__table__
    older = ob.alias("older")
    work = latest_work(milestone)
    unit_prefix = literal(f"rem:{milestone.id}:") + cast(CampaignUnit.unit_id, String) + literal(":")
    unit_upper = literal(f"rem:{milestone.id}:") + cast(CampaignUnit.unit_id, String) + literal(";")
    of_unit = and_(older.c.idempotency_key >= unit_prefix, older.c.idempotency_key < unit_upper)
    queued_offset = _key_offset(older, func.length(unit_prefix) + func.length(cast(older.c.contact_id, String)) + 1,
                                of_unit)
    done_already = select(older.c.id).where(of_unit, queued_offset >= offset).exists()
    owing = or_(work.c.unit_id.is_(None), and_(
        work.c.status.in_(OWING_STATUSES), or_(work.c.reviewed_at.is_(None), work.c.reviewed_at < planned_at)))
    key = (unit_prefix + cast(Contact.id, String) + literal(f":{offset}"))
    payload = _case_json(work.c.unit_id.is_(None), missing, returned)
    now_value = literal(now, DateTime())
    rows = (select(key, Contact.channel, Contact.chat_id, Contact.id, literal(REMINDER_KIND), literal(1),
                   payload, literal(OutboxStatus.pending.value), literal(0), now_value, now_value)
            .select_from(CampaignUnit)
            .join(Contact, Contact.unit_id == CampaignUnit.unit_id)
            .outerjoin(work, work.c.unit_id == CampaignUnit.unit_id)
            .where(CampaignUnit.campaign_id == milestone.campaign_id, Contact.reachable == True,  # noqa: E712
                   owing, ~done_already))
    columns = ["idempotency_key", "channel", "chat_id", "contact_id", "kind", "priority", "payload", "status",
               "attempts", "not_before", "created_at"]
    before = session.execute(select(func.coalesce(func.max(ob.c.id), 0))).scalar_one()
    stmt = (_insert(session).from_select(columns, rows, include_defaults=False)
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .execution_options(preserve_rowcount=True))   # SQLAlchemy keeps an INSERT's rowcount only if asked
    queued = session.execute(stmt).rowcount or 0
    if queued:
        _cancel_superseded(session, milestone.id, offset, after_id=before)
    return queued


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage.__table__)


def _key_offset(table, prefix_length, in_range):
    """The offset of a reminder key, the text after its first `prefix_length` characters
    ('rem:<milestone>:<unit>:<contact>:' is known from the row's contact_id). Only for keys `in_range`: SQL
    does not promise to test the range first, and PostgreSQL's CAST fails on any other key."""
    return case((in_range, cast(func.substr(table.c.idempotency_key, prefix_length + 1), Integer)))


def _case_json(condition, when_true: dict, otherwise: dict):
    return case((condition, literal(when_true, JSON())), else_=literal(otherwise, JSON()))


def _cancel_superseded(session: Session, milestone_id: int, offset: int, after_id: int) -> int:
    """Pending reminders of the milestone queued before this tick (id <= after_id) for a unit and contact that
    just got reminder `offset`, a larger one (rule 6: a stuck outbox that recovers delivers one message).

    Driven by the old pending rows, usually none (the outbox keeps up): one query for them, one point lookup
    of the new keys they would be superseded by. Not a join of new rows to old ones: with statistics taken
    before the insert, PostgreSQL plans that join as a sequential scan per new row (10,000 units took
    minutes); the work here is proportional to the backlog, never to units x rows."""
    old = pending_reminders(session, milestone_id, up_to_id=after_id)
    newer: dict[str, int] = {}
    for row_id, key in old:
        _, unit_id, contact_id, old_offset = parse_reminder_key(key)
        if old_offset < offset:
            newer[reminder_key(milestone_id, unit_id, contact_id, offset)] = row_id
    keys = list(newer)
    queued = set()
    for i in range(0, len(keys), _ID_CHUNK):
        queued |= existing_keys(session, keys[i:i + _ID_CHUNK])
    stale = sorted(newer[k] for k in queued)
    return sum(cancel_reminders(session, stale[i:i + _ID_CHUNK], "superseded")
               for i in range(0, len(stale), _ID_CHUNK))


def pending_reminders(session: Session, milestone_id: int | None = None, up_to_id: int | None = None
                      ) -> list[tuple[int, str]]:
    """(row id, key) of reminders queued but not yet picked up by the dispatcher (of one milestone or all;
    only rows up to `up_to_id`, the ones queued before a tick's insert)."""
    q = select(OutboxMessage.id, OutboxMessage.idempotency_key).where(
        OutboxMessage.status == OutboxStatus.pending, OutboxMessage.kind == REMINDER_KIND)
    if milestone_id is not None:
        q = q.where(_prefix_range(OutboxMessage.idempotency_key, f"rem:{milestone_id}:"))
    if up_to_id is not None:
        q = q.where(OutboxMessage.id <= up_to_id)
    return list(session.exec(q))


def cancel_reminders(session: Session, row_ids: list[int], reason: str) -> int:
    """Only rows still pending: one the dispatcher has claimed is already on its way."""
    if not row_ids:
        return 0
    ob = OutboxMessage.__table__   # Core: no RETURNING to synchronise ORM objects nobody holds
    res = session.execute(update(ob).where(ob.c.id.in_(row_ids), ob.c.status == OutboxStatus.pending)
                          .values(status=CANCELLED, last_error=reason))
    return res.rowcount or 0


def cancel_queued_before(session: Session, milestone_id: int, before: datetime, reason: str) -> int:
    """Cancel the milestone's reminders still pending that were queued before `before` (too late to help)."""
    ob = OutboxMessage.__table__
    res = session.execute(update(ob).where(
        _prefix_range(ob.c.idempotency_key, f"rem:{milestone_id}:"), ob.c.status == OutboxStatus.pending,
        ob.c.kind == REMINDER_KIND, ob.c.created_at < before).values(status=CANCELLED, last_error=reason))
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
    """Active staff whose chat has started the bot: Telegram refuses to write first to anyone else."""
    return list(session.exec(select(Staff).where(Staff.active == True, Staff.chat_id.is_not(None),  # noqa: E712
                                                 Staff.started_at.is_not(None)).order_by(Staff.id)))


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
