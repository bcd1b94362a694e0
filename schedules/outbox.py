"""The outbox dispatcher: sends queued rows through each channel as fast as the channel allows, never faster.

Per channel: one global pace (default 29 messages/s for Telegram's ~30) and, per chat, a small burst then
about 1 message/s. Messages of one chat go out in order. A 429 pauses the whole channel for retry_after and
puts the message back; a 403 marks the contact unreachable; anything else retries with back-off.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from db import conversations
from db import files as file_store
from db import outbox
from db.engine import db_lock, session_scope
from db.models import Contact, OutboxMessage, OutboxStatus
from handlers.io import OutMessage, SendResult

log = logging.getLogger(__name__)


@dataclass
class ResolvedFile:
    name: str
    path: Path | None                  # the bytes on disk (db.files.path_for); senders stream from it
    mime: str | None
    kind: str
    stored_file_id: int | None = None
    telegram_file_id: str | None = None   # known to Telegram already: sent by id, nothing read


class ChannelSender(Protocol):
    channel: str

    async def send(self, chat_id: str, message: OutMessage, files: list[ResolvedFile],
                   edit_message_id: str | None) -> SendResult: ...


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


class Gate:
    """The channel-wide pace: one send every `interval` seconds, in arrival order, never catching up.

    A GCRA that hands out future slots ahead of time lets every task whose slot fell inside an event-loop
    stall (a claim of many rows, a GC pass) fire together once the loop runs again. Telegram counts
    arrivals in a sliding second, so the send 30 slots after the delayed ones lands in the same second as
    them and gets a 429 (then the channel pauses a whole second). Here a slot is taken when the task
    actually goes: after a stall longer than `slack` the spacing restarts from the real time.
    """

    def __init__(self, per_s: float, slack: float = 0.005, clock: Callable[[], float] = time.monotonic):
        self.interval, self.slack, self.clock = 1.0 / per_s, slack, clock
        self.next_at = 0.0
        self.paused_until = 0.0
        self._lock = asyncio.Lock()   # FIFO: waiters go in the order they came

    async def wait(self) -> None:
        async with self._lock:
            while (start := max(self.next_at, self.paused_until)) > (now := self.clock()):
                await asyncio.sleep(start - now)
            late = now - start
            self.next_at = (start if late <= self.slack else now) + self.interval


class ChannelLimiter:
    def __init__(self, per_s: float, per_chat_per_s: float = 0.95, per_chat_burst: int = 2):
        self.gate = Gate(per_s)
        self.per_chat_per_s, self.per_chat_burst = per_chat_per_s, per_chat_burst
        self.chats: dict[str, Pace] = {}

    async def acquire(self, chat_id: str) -> None:
        chat = self.chats.setdefault(chat_id, Pace(self.per_chat_per_s, self.per_chat_burst))
        await asyncio.sleep(chat.reserve())
        await self.gate.wait()

    def pause(self, seconds: float) -> None:
        self.gate.paused_until = max(self.gate.paused_until, time.monotonic() + seconds)


ResultHook = Callable[[OutboxMessage, SendResult], None]


class OutboxDispatcher:
    def __init__(self, senders: dict[str, ChannelSender], data_dir: Path,
                 rates: dict[str, float] | None = None, batch: int = 50, max_queued: int = 100):
        self.senders = senders
        self.data_dir = Path(data_dir)
        self.limiters = {ch: ChannelLimiter((rates or {}).get(ch, 29.0)) for ch in senders}
        self.batch, self.max_queued = batch, max_queued
        self.queues: dict[tuple[str, str], deque[OutboxMessage]] = {}
        self.workers: dict[tuple[str, str], asyncio.Task] = {}
        self.hooks: list[ResultHook] = []
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    @property
    def queued(self) -> int:
        return sum(len(q) for q in self.queues.values()) + len(self.workers)

    async def run(self, stop: asyncio.Event) -> None:
        async with db_lock():
            with session_scope() as session:
                outbox.release_stale_leases(session)
        while not stop.is_set():
            async with db_lock():  # sessions are synchronous: never write while a flow holds the lock
                claimed = self._claim()
            if not claimed:
                await self._idle(stop)
            elif self.queued >= self.max_queued:
                await self._wait_for_room(stop)
        for task in list(self.workers.values()):
            task.cancel()

    def _claim(self) -> int:
        room = self.max_queued - self.queued
        total = 0
        for channel in self.senders:
            with session_scope() as session:
                rows = outbox.claim_due(session, channel, min(self.batch, room))
            for row in rows:
                key = (row.channel, row.chat_id)
                self.queues.setdefault(key, deque()).append(row)
                if key not in self.workers:
                    self.workers[key] = asyncio.create_task(self._drain_chat(key))
            total += len(rows)
        return total

    async def _idle(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        timeout = 1.0
        for channel in self.senders:
            with session_scope() as session:  # a read: WAL readers never wait for the writer
                due = outbox.next_due_at(session, channel)
            if due is not None:
                from db.clock import utcnow
                timeout = min(timeout, max(0.01, (due - utcnow()).total_seconds()))
        stop_wait = asyncio.create_task(stop.wait())
        wake_wait = asyncio.create_task(self._wake.wait())
        await asyncio.wait({stop_wait, wake_wait}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        stop_wait.cancel()
        wake_wait.cancel()

    async def _wait_for_room(self, stop: asyncio.Event) -> None:
        while self.queued >= self.max_queued // 2 and not stop.is_set():
            self._drained.clear()
            try:
                await asyncio.wait_for(self._drained.wait(), timeout=0.5)
            except asyncio.TimeoutError:
                pass

    async def _drain_chat(self, key: tuple[str, str]) -> None:
        queue = self.queues[key]
        try:
            while queue:
                row = queue.popleft()
                await self._send_one(row)
                self._drained.set()
        finally:
            self.workers.pop(key, None)
            if not queue:
                self.queues.pop(key, None)
            self._drained.set()
            self._wake.set()

    async def _send_one(self, row: OutboxMessage) -> None:
        limiter, sender = self.limiters[row.channel], self.senders[row.channel]
        message = OutMessage.from_json(row.payload)
        try:
            async with db_lock():
                edit_id = self._edit_target(message)
                files = self._resolve_files(message)
            await limiter.acquire(row.chat_id)
            result = await sender.send(row.chat_id, message, files, edit_id)
        except _NotYet:
            result = SendResult(False, retry_after=1.0, error="edit target not sent yet")
        except Exception as exc:  # a bug or an I/O error must not kill the dispatcher
            log.exception("sending outbox row %s failed", row.id)
            result = SendResult(False, error=type(exc).__name__)
        if result.retry_after and not result.ok and result.error != "edit target not sent yet":
            limiter.pause(result.retry_after)
        async with db_lock():
            self._record(row, result)

    def _record(self, row: OutboxMessage, result: SendResult) -> None:
        with session_scope() as session:
            status = outbox.record_result(session, row.id, result)
            if status == OutboxStatus.blocked and row.contact_id:
                contact = session.get(Contact, row.contact_id)
                if contact is not None:
                    contact.reachable = False
                    session.add(contact)
            elif status == OutboxStatus.sent:
                self._after_delivery(session, row)
        row.status = status
        for hook in self.hooks:
            try:
                hook(row, result)
            except Exception:
                log.exception("outbox hook failed")

    @staticmethod
    def _after_delivery(session, row: OutboxMessage) -> None:
        if row.contact_id:
            contact = session.get(Contact, row.contact_id)
            if contact is not None and not contact.reachable:
                contact.reachable = True
                session.add(contact)
        choices = OutMessage.from_json(row.payload).flat_choices()
        if choices and row.kind != "reply":  # replies: the engine already recorded what it offered
            conversations.remember_offered(session, row.channel, row.chat_id, [[c.data, c.label] for c in choices])

    def _edit_target(self, message: OutMessage) -> str | None:
        if not message.edit_key:
            return None
        with session_scope() as session:
            target = outbox.platform_message_id(session, message.edit_key)
        if target is None:
            raise _NotYet()
        return target

    def _resolve_files(self, message: OutMessage) -> list[ResolvedFile]:
        resolved = []
        with session_scope() as session:
            for f in message.files:
                if f.stored_file_id is None:
                    continue
                row, data = file_store.read(session, self.data_dir, f.stored_file_id)
                resolved.append(ResolvedFile(f.name or row.original_name, data, row.mime, f.kind, row.id))
        return resolved

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Tests and the demo: wait until nothing is queued, in memory or due in the database."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.workers and not self._has_due():
                return
            self.wake()
            self._drained.clear()
            try:
                await asyncio.wait_for(self._drained.wait(), timeout=0.2)
            except asyncio.TimeoutError:
                pass
        raise TimeoutError("outbox did not drain")

    def _has_due(self) -> bool:
        from db.clock import utcnow
        with session_scope() as session:
            for channel in self.senders:
                due = outbox.next_due_at(session, channel)
                if due is not None and due <= utcnow():
                    return True
        return False


class _NotYet(Exception):
    pass
