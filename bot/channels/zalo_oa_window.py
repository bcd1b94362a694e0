"""Telling staff which Zalo OA contacts the bot cannot reach (an outbox result hook).

An OA may answer a user for 48 hours after the user last wrote to it; outside that window Zalo refuses the
consultation message (bot/channels/zalo_oa_api.py). The sender reports such a row as blocked, which marks
the contact unreachable (db.outbox.record_results) until they write again. This hook gathers those contacts
for a moment (a launch refuses many at once) and sends every active staff member one notice listing them,
each contact at most once a day.
"""
from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot import texts
from bot.channels.zalo_oa import CHANNEL, OUTSIDE_WINDOW_ERROR
from db import reminders as reminder_store
from db import zalo_oa as oa_store
from db.clock import utcnow
from db.engine import session_scope
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage, SendResult

GATHER_S = 1.0
MAX_LINES = 30


class OAWindowWatch:
    def __init__(self, tz: ZoneInfo, on_enqueued=lambda: None, gather_s: float = GATHER_S):
        self.tz, self.on_enqueued, self.gather_s = tz, on_enqueued, gather_s
        self._waiting: list[str] = []
        self._told: set[tuple[str, str]] = set()     # (chat id, local day)
        self._timer: asyncio.TimerHandle | None = None

    def __call__(self, row, result: SendResult) -> None:
        if row.channel != CHANNEL or not result.blocked or not (result.error or "").startswith(OUTSIDE_WINDOW_ERROR):
            return
        day = texts.local(utcnow(), self.tz).date().isoformat()
        if (row.chat_id, day) in self._told:
            return
        self._told.add((row.chat_id, day))
        self._waiting.append(row.chat_id)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.gather_s, self.flush)

    def flush(self) -> int:
        if self._timer is not None:
            self._timer.cancel()    # called directly (tests): the timer has nothing left to do
        self._timer = None
        chats, self._waiting = self._waiting, []
        if not chats:
            return 0
        with session_scope() as session:
            labels = oa_store.contact_labels(session, CHANNEL, chats)
            lines = []
            for chat in chats:
                unit, name, phone = labels.get(chat, ("?", chat, None))
                lines.append(texts.OA_UNREACHABLE_LINE.format(
                    unit=unit, name=name, phone=texts.OA_UNREACHABLE_PHONE.format(phone=phone) if phone else ""))
            shown = lines[:MAX_LINES]
            if len(lines) > MAX_LINES:
                shown.append(texts.OA_UNREACHABLE_MORE.format(more=len(lines) - MAX_LINES))
            text = "\n".join([texts.OA_UNREACHABLE_HEAD.format(n=len(chats)), *shown])
            stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
            items = [Outgoing(f"oa-window:{stamp}:{st.id}", st.channel, st.chat_id, OutMessage(text),
                              kind="notice", priority=0)
                     for st in reminder_store.digest_recipients(session)]
            queued = enqueue_many(session, items) if items else 0
        if queued:
            self.on_enqueued()
        return queued
