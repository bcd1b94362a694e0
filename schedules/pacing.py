"""How fast a channel may be sent to: one pace per channel, one per chat, replies ahead of bulk.

Telegram allows about 30 messages/s per bot and about 1/s per chat (a short burst is tolerated); a 429 says
how long to wait. Zalo has its own limits (settings).
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable


class Pace:
    """GCRA: at most `burst` at once, then one every `interval` seconds. reserve() returns the wait."""

    def __init__(self, per_s: float, burst: int = 1, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / per_s
        self.tolerance = (burst - 1) * self.interval
        self.tat = 0.0
        self.clock = clock

    def reserve(self) -> float:
        now = self.clock()
        start = max(now, self.tat - self.tolerance)
        self.tat = max(self.tat, start) + self.interval
        return start - now

    def idle(self) -> bool:
        return self.tat <= self.clock()


class Gate:
    """The channel-wide pace: one send every `interval` seconds; waiters go by priority, then arrival.

    A slot is taken when the sender actually goes: after an event-loop stall longer than `slack` the spacing
    restarts from the real time, so senders whose slots fell inside the stall don't all fire together
    (Telegram counts arrivals in a sliding second and would answer 429).
    """

    def __init__(self, per_s: float, slack: float = 0.005, clock: Callable[[], float] = time.monotonic):
        self.interval, self.slack, self.clock = 1.0 / per_s, slack, clock
        self.next_at = 0.0
        self.paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future]] = []
        self._seq = itertools.count()
        self._ticker: asyncio.Task | None = None

    async def wait(self, priority: int = 1) -> None:
        if not self._waiters and (start := max(self.next_at, self.paused_until)) <= (now := self.clock()):
            self._take(start, now)   # the slot is free and nobody is queued: no future, no ticker task
            return
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), fut))
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(self._tick())
        try:
            await fut
        except asyncio.CancelledError:
            if not fut.done():
                fut.cancel()
            raise

    async def _tick(self) -> None:
        while self._waiters:
            while (start := max(self.next_at, self.paused_until)) > (now := self.clock()):
                await asyncio.sleep(start - now)
            _, _, fut = heapq.heappop(self._waiters)
            if fut.done():          # its sender was cancelled: the slot goes to the next one
                continue
            self._take(start, now)
            fut.set_result(None)

    def _take(self, start: float, now: float) -> None:
        late = now - start
        self.next_at = (start if late <= self.slack else now) + self.interval

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)


class ChannelLimiter:
    def __init__(self, per_s: float, per_chat_per_s: float = 0.95, per_chat_burst: int = 2):
        self.gate = Gate(per_s)
        self.per_chat_per_s, self.per_chat_burst = per_chat_per_s, per_chat_burst
        self.chats: dict[str, Pace] = {}

    async def acquire(self, chat_id: str, priority: int = 1) -> None:
        chat = self.chats.get(chat_id)
        if chat is None:
            if len(self.chats) > 10_000:   # forget chats that have been quiet: their pace is back to a burst
                self.chats = {k: p for k, p in self.chats.items() if not p.idle()}
            chat = self.chats[chat_id] = Pace(self.per_chat_per_s, self.per_chat_burst)
        wait = chat.reserve()
        if wait > 0:
            await asyncio.sleep(wait)
        await self.gate.wait(priority)

    def pause(self, seconds: float) -> None:
        self.gate.pause(seconds)
