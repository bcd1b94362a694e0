"""Follows running launches: edits the staff's progress message in place and sends the final report.

Only Broadcast.kind "launch" (nudges report their own way).

The dispatcher calls on_result() after each send (a hook), which only marks the broadcast dirty; tick(),
run by follow() ~1.5 s after a result came in (and never while nothing is sent: an idle bot sleeps), turns
dirty broadcasts into at most one queued progress edit each (and none while the previous edit is still
waiting to go out), and, when nothing of a broadcast is pending any more, into the final edit and the
report (once: deterministic keys and Broadcast.finished_at).
Everything is derived from the outbox rows, so a restart loses nothing: unfinished broadcasts are
re-examined on the first tick.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlmodel import Session

from db import broadcasts as bc
from db import campaigns as campaign_ops
from db import outbox
from db.clock import utcnow
from db.engine import session_scope
from db.models import Broadcast, OutboxMessage, OutboxStatus
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage, SendResult
from handlers.launch import final_report, progress_key, progress_text, report_key

log = logging.getLogger(__name__)

ACTIVE = (OutboxStatus.pending, OutboxStatus.sending)
TICK_SECONDS = 1.5


class BroadcastMonitor:
    def __init__(self, dispatcher=None, on_enqueued: Callable[[], None] | None = None):
        self.on_enqueued = on_enqueued
        self.dirty: set[int] = set()
        self._results = asyncio.Event()
        self.last_edit: dict[int, str] = {}    # broadcast id -> key of the last progress edit queued
        self._loaded = False
        if dispatcher is not None:
            dispatcher.hooks.append(self.on_result)

    def on_result(self, row: OutboxMessage, result: SendResult) -> None:
        if row.broadcast_id is not None:
            self.dirty.add(row.broadcast_id)
            self._results.set()

    async def follow(self) -> None:
        """Ticks while launches make progress: the first at once (launches a restart interrupted), then one
        TICK_SECONDS after results came in, so one edit covers many sends."""
        while True:
            self._results.clear()
            await self.tick()
            if not self.dirty:
                await self._results.wait()
            await asyncio.sleep(TICK_SECONDS)

    async def tick(self) -> None:
        if self._loaded and not self.dirty:
            return   # nothing sent since the last tick: an idle bot does no database work here
        try:
            queued = self.step()
        except Exception:
            log.exception("broadcast monitor tick failed")
            return
        if queued and self.on_enqueued:
            self.on_enqueued()

    def step(self) -> int:
        """One pass over the dirty broadcasts; returns how many messages were queued."""
        with session_scope() as session:
            if not self._loaded:
                self.dirty.update(bc.unfinished_launch_ids(session))
                self._loaded = True
            todo, self.dirty = self.dirty, set()
            return sum(self._update(session, bid) for bid in sorted(todo))

    def _update(self, session: Session, broadcast_id: int) -> int:
        broadcast = bc.get(session, broadcast_id)
        if (broadcast is None or broadcast.kind != bc.LAUNCH or broadcast.finished_at is not None
                or not broadcast.staff_chat_id):
            return 0
        counts = outbox.broadcast_counts(session, broadcast_id)
        title = campaign_ops.get(session, broadcast.campaign_id).title
        if not any(counts.get(s, 0) for s in ACTIVE):
            return self._finish(session, broadcast, title, counts)
        return self._progress(session, broadcast, title, counts)

    def _progress(self, session: Session, broadcast: Broadcast, title: str, counts: dict[str, int]) -> int:
        last = self.last_edit.get(broadcast.id)
        if last and bc.outbox_status(session, last) in ACTIVE:
            self.dirty.add(broadcast.id)   # the previous edit has not gone out yet: look again next tick
            return 0
        done = sum(n for s, n in counts.items() if s not in ACTIVE)
        key = f"{progress_key(broadcast.id)}:{done}"
        if key == last:
            return 0
        self.last_edit[broadcast.id] = key
        text = progress_text(title, counts, broadcast.total)
        return enqueue_many(session, [self._to_staff(broadcast, key, OutMessage(text, edit_key=progress_key(broadcast.id)))])

    def _finish(self, session: Session, broadcast: Broadcast, title: str, counts: dict[str, int]) -> int:
        final = OutMessage(progress_text(title, counts, broadcast.total, final=True), edit_key=progress_key(broadcast.id))
        items = [self._to_staff(broadcast, f"{progress_key(broadcast.id)}:done", final)]
        items += [self._to_staff(broadcast, report_key(broadcast.id, i), msg, kind="report")
                  for i, msg in enumerate(final_report(session, broadcast, title, counts))]
        bc.finish(session, broadcast, utcnow())
        self.last_edit.pop(broadcast.id, None)
        return enqueue_many(session, items)

    @staticmethod
    def _to_staff(broadcast: Broadcast, key: str, message: OutMessage, kind: str = "edit") -> Outgoing:
        return Outgoing(key, broadcast.staff_channel, broadcast.staff_chat_id, message, kind=kind)
