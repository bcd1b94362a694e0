"""The staff news tick: every minute, tell the staff who asked (/thongbao) what happened since they were
last told — each event as it comes ("each"), or one summary an hour ("hourly"). Through the outbox, keyed
by staff and event, so a restart neither loses nor repeats a line.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from db import staff_news as store
from db.clock import utcnow
from db.engine import session_scope
from db.models import Staff
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage

HOURLY = timedelta(hours=1)
SETTLE = timedelta(seconds=10)   # an event written just before `now` may not be committed yet: leave it for next time
LINES_PER_MESSAGE = 15
EACH_PER_TICK = 5           # beyond this many at once, "each" folds the rest into one message


def line(news: store.News) -> str:
    late = texts.NEWS_LATE if news.late else ""
    template = {"submitted": texts.NEWS_SUBMITTED, "resubmitted": texts.NEWS_RESUBMITTED,
                "nominated": texts.NEWS_NOMINATED, "bound": texts.NEWS_BOUND}[news.kind]
    return template.format(unit=news.unit.name, what=news.what, version=news.version, late=late)


def _folded(lines: list[str], head: str | None = None) -> str:
    shown = lines[:LINES_PER_MESSAGE]
    more = [texts.NEWS_MORE.format(more=len(lines) - len(shown))] if len(lines) > len(shown) else []
    return "\n".join(([head] if head else []) + shown + more)


def messages_for(staff: Staff, news: list[store.News]) -> list[Outgoing]:
    def out(key: str, text: str) -> Outgoing:
        return Outgoing(f"news:{staff.id}:{key}", staff.channel, staff.chat_id, OutMessage(text), kind="news")

    if staff.notify == "each" and len(news) <= EACH_PER_TICK:
        return [out(str(n.audit_id), line(n)) for n in news]
    head = texts.NEWS_HEAD_HOURLY.format(count=len(news)) if staff.notify == "hourly" else None
    return [out(f"{news[0].audit_id}-{news[-1].audit_id}", _folded([line(n) for n in news], head))]


def run_staff_news(tz: ZoneInfo, now: datetime | None = None) -> int:
    """Queue what is due now; returns how many messages were new."""
    now = (now or utcnow()) - SETTLE
    with session_scope() as session:
        staff = store.subscribers(session)
        due = [s for s in staff if s.notify == "each" or (s.notified_until or now) + HOURLY <= now]
        if not due:
            return 0
        since = min(s.notified_until or now for s in due)
        news = store.news_between(session, since, now)
        items = []
        for s in due:
            mine = [n for n in news if n.at > (s.notified_until or now) and store.visible_to(s, n)]
            if mine:
                items += messages_for(s, mine)
            store.advance(session, s, now)
        return enqueue_many(session, items) if items else 0
