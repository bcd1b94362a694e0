"""The scheduler: APScheduler's AsyncIOScheduler in the bot's event loop, tied to no channel.

The database is the source of truth; the jobs here are short periodic ticks that read it, so nothing is
lost when the process stops and nothing far in the future is held in memory.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from datetime import timedelta

from db import conversations
from db.clock import utcnow
from db.engine import session_scope
from handlers import engine

log = logging.getLogger(__name__)

Tick = Callable[[], Awaitable[None]]
UPDATE_MEMORY = timedelta(days=3)   # longer than any channel re-delivers an update
FAST_TICK = 60.0                    # ticks more frequent than this run on the event loop's own clock


class SchedulerRunner:
    def __init__(self, settings, on_enqueued: Callable[[], None]):
        self.settings = settings
        self.on_enqueued = on_enqueued
        self.scheduler = AsyncIOScheduler(timezone=settings.tz)
        self._fast: list[asyncio.Task] = []
        self.loops: list[tuple[str, Tick]] = []
        self.ticks: list[tuple[str, Tick, float]] = [("expire_conversations", self.expire_conversations, 60.0),
                                                     ("prune_updates", self.prune_updates, 3600.0)]

    def add_tick(self, name: str, tick: Tick, every_seconds: float) -> None:
        self.ticks.append((name, tick, every_seconds))

    def add_loop(self, name: str, loop: Tick) -> None:
        """A job that decides itself when to run (it sleeps until there is work), started and stopped with
        the ticks."""
        self.loops.append((name, loop))

    async def expire_conversations(self) -> None:
        n = engine.expire_conversations(timeout_minutes=self.settings.conversation_timeout_minutes)
        if n:
            self.on_enqueued()

    async def prune_updates(self) -> None:
        with session_scope() as session:
            conversations.prune_updates(session, utcnow() - UPDATE_MEMORY)

    def start(self) -> None:
        for name, loop in self.loops:
            self._fast.append(asyncio.create_task(self._logged(name, loop), name=f"loop:{name}"))
        for name, tick, every in self.ticks:
            if every < FAST_TICK:
                self._fast.append(asyncio.create_task(self._every(name, tick, every), name=f"tick:{name}"))
                continue
            # coalesce + max_instances: a slow tick never piles up, a missed one runs once
            self.scheduler.add_job(tick, "interval", seconds=every, id=name, coalesce=True, max_instances=1,
                                   misfire_grace_time=None)
        self.scheduler.start()

    @staticmethod
    async def _every(name: str, tick: Tick, every: float) -> None:
        """Ticks of a few seconds follow the monotonic clock, not the wall clock: when the wall clock jumps
        (a suspended laptop, the demo's simulated days) APScheduler would first walk every missed interval."""
        while True:
            await asyncio.sleep(every)
            try:
                await tick()
            except Exception:
                log.exception("tick %s failed", name)

    @staticmethod
    async def _logged(name: str, loop: Tick) -> None:
        while True:
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("loop %s failed; starting it again", name)
                await asyncio.sleep(5)

    def stop(self) -> None:
        for task in self._fast:
            task.cancel()
        self._fast.clear()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
