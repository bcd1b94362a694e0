"""Automatic deadline reminders, planned from the database at every tick (once a minute, and once at start).

Nothing about a reminder lives in memory: each tick derives the plan from Milestone.due_at and the campaign's
policy (schedules.planning), and the outbox keys `rem:{milestone}:{unit}:{contact}:{offset}` record what was
queued, so a restart, a second process or a re-plan never sends one twice.

Rules (each one has a test in tests/unit/test_reminders.py):

1. Who: units of a launched campaign with a reachable contact whose latest work on the milestone is missing or
   returned. Milestones: not deleted, units act, not an event, not a recurring template (its instances are).
2. When: the tick sends a unit the LATEST planned reminder whose time has come and whose offset is greater
   than every offset already queued for that unit (`due_reminders`); several missed ones collapse into one.
3. Cut-offs: reminders planned before the campaign's launch are not sent (the launch message announced the
   dates), and for a returned submission those planned before the return are not sent either (the review
   message told them): such a unit gets the next planned reminder.
4. A moved deadline: offsets already queued stay done; the remaining ones follow the new date. Moved earlier,
   a reminder of the new plan that is already past is sent at once (only the latest one); moved later after
   the on-day reminder went out, the next one is the first "after" reminder of the new date.
5. Never in quiet hours, nor on a weekend under skip_weekends: the tick holds the milestone and the next
   allowed tick sends it; a missed reminder also waits when another one is planned later the same day (after
   a night or a weekend, 07:00 would otherwise send one and 08:00 another). Reminders are queued only when
   due (not_before = now), so there is no backlog.
6. Stale queue: each tick cancels queued-but-unsent reminders whose unit has since submitted or whose
   milestone closed, and postpones those that would go out in quiet hours (a slow outbox near 21:00);
   queuing a newer reminder cancels an older one still unsent for the same contact (a stuck outbox that
   recovers delivers one message, not three). Cancelled rows keep status "cancelled" and the reason.
7. Work per tick: a milestone is only planned when one of its reminders became due since its last run (or its
   deadline/policy changed: ReminderRun remembers a fingerprint of both). A planned milestone costs a fixed
   number of bulk queries, whatever the number of units.
"""
from __future__ import annotations

import asyncio
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot import texts
from db import reminders as store
from db.clock import utcnow
from db.engine import db_lock, session_scope
from db.models import Campaign, Milestone, MilestoneKind
from db.outbox import Outgoing, enqueue_many
from handlers.engine import action_choice
from handlers.io import OutMessage
from schedules.planning import (PlannedReminder, ReminderPolicy, days_between, due_reminders, is_quiet,
                                next_allowed_time, plan_reminders, to_local)

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
FILTER_UNITS_UP_TO = 500
_SATURDAY = 5


@dataclass
class Work:
    """One milestone that has a reminder to send now."""
    milestone: Milestone
    campaign: Campaign
    policy: ReminderPolicy
    planned: list[PlannedReminder]
    fingerprint: str


@dataclass
class TickCache:
    """Per tick: contacts are read once per campaign, however many of its milestones are due."""
    contacts: dict[int, dict[int, list[store.ContactRef]]] = field(default_factory=dict)

    def contacts_of(self, session, campaign_id: int) -> dict[int, list[store.ContactRef]]:
        if campaign_id not in self.contacts:
            self.contacts[campaign_id] = store.reachable_contacts(session, campaign_id)
        return self.contacts[campaign_id]


# ---------------------------------------------------------------------------------------------- policy

def policy_of(campaign: Campaign) -> ReminderPolicy:
    try:
        return ReminderPolicy.from_json(campaign.reminder_policy)
    except (ValueError, TypeError):   # a broken stored policy must not stop the reminders
        log.warning("campaign %s has an invalid reminder policy; using the default", campaign.id)
        return ReminderPolicy()


def may_send_now(now: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> bool:
    if is_quiet(now, policy, tz):
        return False
    return not (policy.skip_weekends and to_local(now, tz).weekday() >= _SATURDAY)


def plan_fingerprint(milestone: Milestone, policy: ReminderPolicy) -> str:
    policy_hash = zlib.crc32(json.dumps(policy.to_json(), sort_keys=True).encode())
    return f"{milestone.due_at:%Y%m%d%H%M}-{policy_hash:08x}"


def newly_due(planned: list[PlannedReminder], since: datetime | None, now: datetime) -> bool:
    return any(r.send_at_utc <= now and (since is None or r.send_at_utc > since) for r in planned)


def later_today(planned: list[PlannedReminder], now: datetime, tz: ZoneInfo) -> bool:
    """A reminder is planned later today: a missed one waits and collapses into it (rule 5)."""
    today = to_local(now, tz).date()
    return any(r.send_at_utc > now and to_local(r.send_at_utc, tz).date() == today for r in planned)


def offset_planned_by(planned: list[PlannedReminder], moment: datetime | None) -> int | None:
    """The largest offset planned at or before `moment`: those count as done (rule 3)."""
    if moment is None:
        return None
    return max((r.offset_days for r in planned if r.send_at_utc <= moment), default=None)


def _highest(*offsets: int | None) -> int | None:
    known = [o for o in offsets if o is not None]
    return max(known) if known else None


# --------------------------------------------------------------------------------------- finding work

def find_work(session, now: datetime, tz: ZoneInfo) -> list[Work]:
    runs = store.reminder_runs(session)
    work = []
    for milestone, campaign in store.open_milestones(session):
        policy = policy_of(campaign)
        planned = plan_reminders(milestone.due_at, policy, tz)
        fingerprint = plan_fingerprint(milestone, policy)
        done_fingerprint, last_run = runs.get(milestone.id, (None, None))
        since = last_run if done_fingerprint == fingerprint else None
        if newly_due(planned, since, now) and may_send_now(now, policy, tz) and not later_today(planned, now, tz):
            work.append(Work(milestone, campaign, policy, planned, fingerprint))
    return work


# ----------------------------------------------------------------------------------------- the message

def milestone_label(milestone: Milestone) -> str:
    if milestone.period_label:
        return texts.REMINDER_MILESTONE_WITH_PERIOD.format(title=milestone.title, period=milestone.period_label)
    return milestone.title


def reminder_message(milestone: Milestone, campaign: Campaign, now: datetime, tz: ZoneInfo,
                     returned: bool) -> OutMessage:
    """Wording by the days left when it is sent (a caught-up reminder says the truth about today)."""
    days = days_between(milestone.due_at, now, tz)
    template = texts.REMINDER_BEFORE if days > 0 else texts.REMINDER_ON_DAY if days == 0 else texts.REMINDER_AFTER
    text = template.format(
        milestone=milestone_label(milestone), campaign=campaign.title, due=texts.fmt_date(milestone.due_at, tz),
        days=abs(days), state=texts.REMINDER_STATE_RETURNED if returned else texts.REMINDER_STATE_MISSING,
    )
    return OutMessage(text, choices=[[action_choice(texts.REMINDER_SUBMIT_NOW, "submit", milestone.id)]])


# ---------------------------------------------------------------------------------- planning one milestone

def remind_milestone(session, work: Work, now: datetime, tz: ZoneInfo, cache: TickCache) -> int:
    """Queue this milestone's due reminder for every owing unit; a fixed number of queries."""
    m, planned = work.milestone, work.planned
    sent = store.sent_offsets(session, m.id)
    states = store.unit_states(session, m)
    contacts = cache.contacts_of(session, m.campaign_id)
    launch_cut = offset_planned_by(planned, work.campaign.launched_at)
    pick = lru_cache(maxsize=None)(lambda last: due_reminders(planned, now, last))
    messages = {flag: reminder_message(m, work.campaign, now, tz, flag) for flag in (False, True)}

    def outgoing():
        for unit_id, unit_contacts in contacts.items():
            state = states.get(unit_id)
            if not store.is_owing(state):
                continue
            returned_cut = offset_planned_by(planned, state.reviewed_at) if state else None
            reminder = pick(_highest(sent.get(unit_id), launch_cut, returned_cut))
            if reminder is None:
                continue
            message = messages[state is not None]
            for c in unit_contacts:
                yield Outgoing(store.reminder_key(m.id, unit_id, c.id, reminder.offset_days), c.channel, c.chat_id,
                               message, kind=store.REMINDER_KIND, contact_id=c.id, not_before=now)

    queued = enqueue_many(session, outgoing())
    # in the same transaction, so a slow outbox never holds an older and a newer reminder at once
    store.cancel_reminders(session, superseded(store.pending_reminders(session, m.id)), "superseded")
    store.record_run(session, m.id, work.fingerprint, now)
    return queued


# ------------------------------------------------------------------------------------ the stale queue

def clean_queue(session, now: datetime, tz: ZoneInfo) -> int:
    """Rule 6: cancel reminders nobody needs any more; postpone those that would break quiet hours."""
    cancelled = 0
    by_milestone: dict[int, list[tuple[int, int]]] = {}
    for row_id, key in store.pending_reminders(session):
        milestone_id, unit_id, _, _ = store.parse_reminder_key(key)
        by_milestone.setdefault(milestone_id, []).append((row_id, unit_id))
    found = store.milestones_by_id(session, by_milestone)
    for milestone_id, rows in by_milestone.items():
        milestone, campaign = found.get(milestone_id, (None, None))
        if not still_nudged(milestone, campaign):
            cancelled += store.cancel_reminders(session, [r for r, _ in rows], "milestone closed")
            continue
        units = {u for _, u in rows}
        # a big backlog reads the whole milestone: no bind-parameter limit, and it is one query either way
        states = store.unit_states(session, milestone, units if len(units) <= FILTER_UNITS_UP_TO else None)
        done = {r for r, u in rows if not store.is_owing(states.get(u))}
        cancelled += store.cancel_reminders(session, sorted(done), "submitted")
        _postpone_if_quiet(session, [r for r, _ in rows if r not in done], policy_of(campaign), now, tz)
    return cancelled


def superseded(pending: list[tuple[int, str]]) -> list[int]:
    """Rows with a newer reminder queued for the same contact and milestone (a stuck outbox must not
    deliver "7 days left", "3 days left" and "1 day left" at once when it recovers)."""
    newest: dict[tuple[int, int, int], tuple[int, int]] = {}
    older = []
    for row_id, key in pending:
        milestone_id, unit_id, contact_id, offset = store.parse_reminder_key(key)
        slot = (milestone_id, unit_id, contact_id)
        kept = newest.get(slot)
        if kept is None or offset > kept[1]:
            if kept is not None:
                older.append(kept[0])
            newest[slot] = (row_id, offset)
        else:
            older.append(row_id)
    return older


def still_nudged(milestone: Milestone | None, campaign: Campaign | None) -> bool:
    return (milestone is not None and campaign is not None and campaign.status == "launched"
            and milestone.deleted_at is None and milestone.units_act and milestone.kind != MilestoneKind.event)


def _postpone_if_quiet(session, row_ids: list[int], policy: ReminderPolicy, now: datetime, tz: ZoneInfo) -> None:
    if row_ids and not may_send_now(now, policy, tz):
        store.postpone(session, row_ids, next_allowed_time(now, policy, tz))


# ------------------------------------------------------------------------------------------------ ticks

def prepare_tick(now: datetime, tz: ZoneInfo) -> list[Work]:
    """One short transaction: recurring instances (safety net), the stale queue, and what is due."""
    with session_scope() as session:
        store.expand_all_recurring(session, tz)
        clean_queue(session, now, tz)
        return find_work(session, now, tz)


def remind_one(work: Work, now: datetime, tz: ZoneInfo, cache: TickCache) -> int:
    """Each milestone in its own transaction: one failing never blocks the others (it retries next tick)."""
    try:
        with session_scope() as session:
            return remind_milestone(session, work, now, tz, cache)
    except Exception:
        log.exception("reminders of milestone %s failed", work.milestone.id)
        return 0


def run_reminders(tz: ZoneInfo, now: datetime | None = None) -> int:
    """The whole tick, synchronously (tests, benchmark). Returns how many reminders were queued."""
    now = now or utcnow()
    cache = TickCache()
    return sum(remind_one(work, now, tz, cache) for work in prepare_tick(now, tz))


async def reminder_tick(tz: ZoneInfo, on_enqueued: Callable[[], None]) -> int:
    """The scheduler's tick: takes the DB lock per milestone so conversations go on between them."""
    now = utcnow()
    async with db_lock():
        work = prepare_tick(now, tz)
    cache, total = TickCache(), 0
    for item in work:
        async with db_lock():
            queued = remind_one(item, now, tz, cache)
        if queued:
            total += queued
            on_enqueued()   # the outbox starts sending while the next milestone is planned
        await asyncio.sleep(0)
    return total


def install(runner) -> None:
    """Wire the reminder and digest ticks into a SchedulerRunner (call before runner.start()).

    Both run every minute and once right at start, so reminders missed while the bot was down go out now.
    """
    from schedules.digest import run_digest

    tz = runner.settings.tz

    async def reminders() -> None:
        await reminder_tick(tz, runner.on_enqueued)

    async def digest() -> None:
        async with db_lock():
            queued = run_digest(tz)
        if queued:
            runner.on_enqueued()

    runner.add_tick("reminders", reminders, TICK_SECONDS)
    runner.add_tick("digest", digest, TICK_SECONDS)
    # a job without a trigger runs once, as soon as the scheduler starts
    runner.scheduler.add_job(reminders, id="reminders_at_start", misfire_grace_time=None)
