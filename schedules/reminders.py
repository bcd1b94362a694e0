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
5. Never in quiet hours, on a day off (public holidays, the office's days off, weekends under
   skip_weekends: schedules/workdays.py) or before the policy's hour: the tick holds the milestone and the
   next allowed tick sends it; a missed reminder also waits when another one is planned later the same
   day (after a night or a weekend, 07:00 would otherwise send one and 08:00 another), and one missed by
   more than the policy's last offset is dropped (planning rule 7). Reminders are queued only when due
   (not_before = now), so there is no backlog.
6. Stale queue: each tick cancels queued-but-unsent reminders whose unit has since submitted, whose
   milestone closed, or that waited longer than the catch-up window (an outbox down for weeks), and
   postpones those that would go out at a time reminders may not (a slow outbox near 21:00, a restart at
   07:29); queuing a newer reminder cancels an older one still unsent for the same contact (a stuck outbox
   that recovers delivers one message, not three). Cancelled rows keep status "cancelled" and the reason.
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
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from db import reminders as store
from db.clock import utcnow
from db.engine import session_scope
from db.models import Campaign, Milestone, MilestoneKind
from handlers.engine import action_choice
from handlers.io import OutMessage
from schedules.planning import (PlannedReminder, ReminderPolicy, days_between, next_sending_time,
                                plan_reminders, reminder_for_now, to_local)

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


# ---------------------------------------------------------------------------------------------- policy

def policy_of(campaign: Campaign) -> ReminderPolicy:
    try:
        return ReminderPolicy.from_json(campaign.reminder_policy)
    except (ValueError, TypeError):   # a broken stored policy must not stop the reminders
        log.warning("campaign %s has an invalid reminder policy; using the default", campaign.id)
        return ReminderPolicy()


def may_send_now(now: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> bool:
    """Reminders go out on working days, from the policy's hour until quiet hours (planning rule 7)."""
    return next_sending_time(now, policy, tz) <= now


def plan_fingerprint(milestone: Milestone, policy: ReminderPolicy) -> str:
    policy_hash = zlib.crc32(json.dumps(policy.to_json(), sort_keys=True).encode())
    return f"{milestone.due_at:%Y%m%d%H%M}-{policy_hash:08x}"


def newly_due(planned: list[PlannedReminder], since: datetime | None, now: datetime) -> bool:
    return any(r.send_at_utc <= now and (since is None or r.send_at_utc > since) for r in planned)


def later_today(planned: list[PlannedReminder], now: datetime, tz: ZoneInfo) -> bool:
    """A reminder is planned later today: a missed one waits and collapses into it (rule 5)."""
    today = to_local(now, tz).date()
    return any(r.send_at_utc > now and to_local(r.send_at_utc, tz).date() == today for r in planned)


# --------------------------------------------------------------------------------------- finding work

def find_work(session, now: datetime, tz: ZoneInfo) -> list[Work]:
    runs = store.reminder_runs(session)
    work = []
    for milestone, campaign in store.open_milestones(session):
        policy = policy_of(campaign)
        planned = plan_reminders(milestone.due_at, policy, tz)
        if milestone.kind == MilestoneKind.nomination and not campaign.late_nominations:
            planned = [r for r in planned if r.offset_days <= 0]   # a round that refuses late entries
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
    if milestone.kind == MilestoneKind.nomination:
        state = texts.REMINDER_STATE_NOMINEE_RETURNED if returned else texts.REMINDER_STATE_NO_NOMINEE
        if days < 0:
            state += " " + texts.REMINDER_STATE_LATE_TAKEN
        button, verb = texts.REMINDER_NOMINATE_NOW, texts.REMINDER_VERB_NOMINATE
    else:
        state = texts.REMINDER_STATE_RETURNED if returned else texts.REMINDER_STATE_MISSING
        button, verb = texts.REMINDER_SUBMIT_NOW, texts.REMINDER_VERB_SUBMIT
    text = template.format(milestone=milestone_label(milestone), campaign=campaign.title,
                           due=texts.fmt_date(milestone.due_at, tz), days=abs(days), state=state, button=button,
                           verb=verb)
    return OutMessage(text, choices=[[action_choice(button, "submit", milestone.id)]])


# ---------------------------------------------------------------------------------- planning one milestone

def remind_milestone(session, work: Work, now: datetime, tz: ZoneInfo) -> int:
    """Queue this milestone's due reminder for every owing unit: one INSERT ... SELECT, whatever the number
    of units (db.reminders.queue_reminders decides who, in SQL; rules 1-3 and 6)."""
    m = work.milestone
    reminder = reminder_for_now(work.planned, now, work.campaign.launched_at, work.policy)
    queued = 0
    if reminder is not None:
        missing, returned = (reminder_message(m, work.campaign, now, tz, flag).to_json() for flag in (False, True))
        queued = store.queue_reminders(session, m, reminder.offset_days, reminder.send_at_utc, missing, returned,
                                       now)
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
        policy = policy_of(campaign)
        cancelled += store.cancel_queued_before(session, milestone_id, now - policy.catch_up_window, "too late")
        units = {u for _, u in rows}
        # a big backlog reads the whole milestone: no bind-parameter limit, and it is one query either way
        states = store.unit_states(session, milestone, units if len(units) <= FILTER_UNITS_UP_TO else None)
        done = {r for r, u in rows if not store.is_owing(states.get(u))}
        cancelled += store.cancel_reminders(session, sorted(done), "submitted")
        _postpone_if_quiet(session, [r for r, _ in rows if r not in done], policy, now, tz)
    return cancelled


def still_nudged(milestone: Milestone | None, campaign: Campaign | None) -> bool:
    return (milestone is not None and campaign is not None and campaign.status == "launched"
            and milestone.deleted_at is None and milestone.units_act and milestone.kind != MilestoneKind.event)


def _postpone_if_quiet(session, row_ids: list[int], policy: ReminderPolicy, now: datetime, tz: ZoneInfo) -> None:
    if row_ids and not may_send_now(now, policy, tz):
        store.postpone(session, row_ids, next_sending_time(now, policy, tz))


# ------------------------------------------------------------------------------------------------ ticks

def prepare_tick(now: datetime, tz: ZoneInfo) -> list[Work]:
    """One short transaction: recurring instances (safety net), the stale queue, and what is due."""
    with session_scope() as session:
        store.expand_all_recurring(session, tz)
        clean_queue(session, now, tz)
        return find_work(session, now, tz)


def remind_one(work: Work, now: datetime, tz: ZoneInfo) -> int:
    """Each milestone in its own transaction: one failing never blocks the others (it retries next tick)."""
    try:
        with session_scope() as session:
            return remind_milestone(session, work, now, tz)
    except Exception:
        log.exception("reminders of milestone %s failed", work.milestone.id)
        return 0


def run_reminders(tz: ZoneInfo, now: datetime | None = None) -> int:
    """The whole tick, synchronously (tests, benchmark). Returns how many reminders were queued."""
    now = now or utcnow()
    return sum(remind_one(work, now, tz) for work in prepare_tick(now, tz))


async def reminder_tick(tz: ZoneInfo, on_enqueued: Callable[[], None]) -> int:
    """The scheduler's tick: one short transaction per milestone, yielding between them so conversations go on."""
    now = utcnow()
    work = prepare_tick(now, tz)
    total = 0
    for item in work:
        queued = remind_one(item, now, tz)
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
        queued = run_digest(tz)
        if queued:
            runner.on_enqueued()

    async def staff_news() -> None:
        from schedules.staff_news import run_staff_news
        if run_staff_news(tz):
            runner.on_enqueued()

    runner.add_tick("reminders", reminders, TICK_SECONDS)
    runner.add_tick("digest", digest, TICK_SECONDS)
    runner.add_tick("staff_news", staff_news, TICK_SECONDS)
    # a job without a trigger runs once, as soon as the scheduler starts
    runner.scheduler.add_job(reminders, id="reminders_at_start", misfire_grace_time=None)
