"""The staff's daily digest: per launched campaign, what came in today, what falls due soon, who is overdue.

Rules: one digest per staff member per local day (outbox key `digest:{staff_id}:{local_date}`), sent by the
first tick at or after DIGEST_AT and before the evening quiet hours (a bot started late at night does not
send the day's digest then, nor the next morning). Staff see their office's campaigns and office-less ones
(staff without an office see all); a staff member with nothing visible gets no digest. Only active staff
whose chat is known.
"""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot import texts
from db import reminders as store
from db import scope
from db.clock import utcnow
from db.engine import session_scope
from db.models import Campaign, Milestone, Staff
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage
from schedules.planning import days_between, to_local
from schedules.reminders import milestone_label

DIGEST_AT = time(16, 30)
DIGEST_UNTIL = time(21, 0)      # the start of the default quiet hours
SOON_DAYS = 3
NAMES_SHOWN = 3
MILESTONES_SHOWN = 5
MAX_CHARS = 4000                # Telegram's limit is 4096


def run_digest(tz: ZoneInfo, now: datetime | None = None, at: time = DIGEST_AT) -> int:
    """Queue today's digest for every staff member who has not had it yet; returns how many were queued."""
    now = now or utcnow()
    local_now = to_local(now, tz)
    if not at <= local_now.time() < DIGEST_UNTIL:
        return 0
    with session_scope() as session:
        staff = store.digest_recipients(session)
        keys = {st.id: store.digest_key(st.id, local_now.date()) for st in staff}
        done = store.existing_keys(session, list(keys.values()))
        waiting = [st for st in staff if keys[st.id] not in done]
        if not waiting:
            return 0
        return enqueue_many(session, _digests(session, waiting, keys, now, tz))


def _digests(session, staff: list[Staff], keys: dict[int, str], now: datetime, tz: ZoneInfo) -> list[Outgoing]:
    campaigns = store.launched_campaigns(session)
    blocks: dict[int, str] = {}
    items = []
    quota = _quota_line(session, now)
    for st in staff:
        visible = [c for c in campaigns if scope.may_see(st, c)]   # the office rule, from its one place
        if not visible:
            continue
        for c in visible:
            if c.id not in blocks:
                blocks[c.id] = campaign_block(session, c, now, tz)
        header = texts.REMINDER_DIGEST_HEADER.format(date=texts.fmt_date(now, tz))
        text = "\n\n".join([header, *(blocks[c.id] for c in visible), *([quota] if quota else [])])
        items.append(Outgoing(keys[st.id], st.channel, st.chat_id, OutMessage(_fit(text)), kind=store.DIGEST_KIND))
    return items


def _quota_line(session, now: datetime) -> str | None:
    from bot.settings import get_settings
    from schedules.quota import usage_line
    try:
        settings = get_settings()
    except Exception:   # no configuration (a bare test run): no quota to report
        return None
    return usage_line(session, settings, now)


def campaign_block(session, campaign: Campaign, now: datetime, tz: ZoneInfo) -> str:
    names = store.campaign_unit_names(session, campaign.id)
    lines = [texts.REMINDER_DIGEST_CAMPAIGN.format(campaign=campaign.title), _received_line(session, campaign, names,
                                                                                           now, tz)]
    soon, overdue = [], []
    for m in store.campaign_milestones(session, campaign.id):
        days = days_between(m.due_at, now, tz)
        if 0 <= days <= SOON_DAYS:
            soon.append((m, _owing_names(session, m, names)))
        elif days < 0:
            owing = _owing_names(session, m, names)
            if owing:
                overdue.append((m, owing))
    if soon:
        lines.append(texts.REMINDER_DIGEST_DUE_SOON.format(days=SOON_DAYS))
        lines += _capped([texts.REMINDER_DIGEST_DUE_LINE.format(
            milestone=milestone_label(m), due=texts.fmt_date(m.due_at, tz), owing=len(owing), total=len(names))
            for m, owing in soon])
    if overdue:
        lines.append(texts.REMINDER_DIGEST_OVERDUE)
        lines += _capped([texts.REMINDER_DIGEST_OVERDUE_LINE.format(
            milestone=milestone_label(m), due=texts.fmt_date(m.due_at, tz), owing=len(owing), names=_names(owing))
            for m, owing in overdue])
    if not soon and not overdue:
        lines.append(texts.REMINDER_DIGEST_NOTHING_DUE)
    return "\n".join(lines)


def _received_line(session, campaign: Campaign, names: dict[int, str], now: datetime, tz: ZoneInfo) -> str:
    start, end = store.local_day_bounds(to_local(now, tz).date(), tz)
    received = store.submitted_between(session, campaign.id, start, end)
    if not received:
        return texts.REMINDER_DIGEST_TODAY_NONE
    units = list(dict.fromkeys(names.get(u, str(u)) for u, _ in received))   # unique, in arrival order
    return texts.REMINDER_DIGEST_TODAY.format(count=len(received), names=_names(units))


def _owing_names(session, milestone: Milestone, names: dict[int, str]) -> list[str]:
    states = store.unit_states(session, milestone)
    return [name for unit_id, name in names.items() if store.is_owing(states.get(unit_id))]


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return texts.REMINDER_DIGEST_MORE_NAMES.format(names=shown, more=more) if more > 0 else shown


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MILESTONES_SHOWN:
        return lines
    return lines[:MILESTONES_SHOWN] + [texts.REMINDER_DIGEST_MORE_MILESTONES.format(more=len(lines) - MILESTONES_SHOWN)]


def _fit(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"
