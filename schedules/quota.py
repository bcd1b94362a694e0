"""Zalo's message quota: a 429 is "Quota exceeded" (the plan's allowance), not a per-second limit.

- QuotaWatch, an outbox result hook: on the first quota refusal of a local day, every active staff member
  who started the bot hears it once — how many messages wait and when sending is tried again. The rows
  stay pending (db.outbox.outcome) and the channel pauses (the dispatcher's limiter).
- usage_line: this month's sends against ZALO_MONTHLY_QUOTA, for /tiendo and the digest, warning from 80 %.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot import texts
from db import outbox
from db import reminders as reminder_store
from db.clock import utcnow
from db.engine import session_scope
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage, SendResult

WARN_AT = 0.8
CHANNEL_NAMES = {"zalo": "Zalo", "telegram": "Telegram"}


class QuotaWatch:
    def __init__(self, tz: ZoneInfo, on_enqueued=lambda: None):
        self.tz, self.on_enqueued = tz, on_enqueued
        self._told: set[tuple[str, str]] = set()

    def __call__(self, row, result: SendResult) -> None:
        if not result.quota_exhausted:
            return
        now = utcnow()
        day = texts.local(now, self.tz).date().isoformat()
        if (row.channel, day) in self._told:
            return
        self._told.add((row.channel, day))
        resume = now + timedelta(seconds=result.retry_after or 3600)
        with session_scope() as session:
            waiting = outbox.pending_count(session, row.channel)
            text = texts.QUOTA_EXHAUSTED.format(channel=CHANNEL_NAMES.get(row.channel, row.channel), waiting=waiting,
                                                at=texts.fmt_datetime(resume, self.tz))
            items = [Outgoing(f"quota:{row.channel}:{day}:{st.id}", st.channel, st.chat_id, OutMessage(text),
                              kind="notice", priority=0)
                     for st in reminder_store.digest_recipients(session)]
            queued = enqueue_many(session, items) if items else 0
        if queued:
            self.on_enqueued()


def month_start_utc(now: datetime, tz: ZoneInfo) -> datetime:
    local = texts.local(now, tz)
    start = datetime(local.year, local.month, 1, tzinfo=tz)
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def usage_line(session, settings, now: datetime | None = None) -> str | None:
    """"Zalo tháng này: 2.412/3.000 tin (80 %) ⚠️ …", or None when no quota is set."""
    quota = getattr(settings, "zalo_monthly_quota", None) if settings else None
    if not quota:
        return None
    used = outbox.sent_since(session, "zalo", month_start_utc(now or utcnow(), settings.tz))
    share = used / quota
    line = texts.QUOTA_USAGE.format(used=f"{used:,}".replace(",", "."), quota=f"{quota:,}".replace(",", "."),
                                    percent=round(share * 100))
    return line + (texts.QUOTA_WARNING if share >= WARN_AT else "")
