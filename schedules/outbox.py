"""The outbox dispatcher: sends queued rows through each channel as fast as the channel allows, never faster.

- Replies the engine commits arrive already claimed, in memory (`accept`): nobody waiting in a conversation
  waits for a database poll. The database is polled only for other traffic (launches, reminders, rows of
  other processes) and to recover rows whose lease ran out, every `poll_s` or when woken.
- Fair: each chat has its own queue and worker, paced at ~1 message/s; a claim takes at most two rows of
  any one chat, and replies (priority 0) pass bulk traffic at the channel's gate. One chat's backlog never
  delays another chat's messages.
- Results are recorded in batches (one transaction every `record_every` seconds); Contact rows are touched
  only when reachability changes; a Telegram file id learnt on the first upload is stored on StoredFile, so
  a launch never reads the plan's bytes again, in any process.
- Leases are short and renewed while rows are held; a graceful stop hands unsent rows back at once, and
  after a kill -9 they return to pending when the lease runs out (seconds).
- One process per channel dispatches (db/leadership.py): several processes share one rate limit.
"""
from __future__ import annotations

import asyncio
import heapq
import logging
import os
import socket
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from db import conversations
from db import files as file_store
from db import leadership as leaders
from db import outbox
from db.clock import utcnow
from db.engine import change_marker, get_engine, session_scope, transaction_scope
from db.models import OutboxStatus, StoredFile
from db.outbox import Queued
from handlers.io import OutMessage, SendResult
from schedules.pacing import ChannelLimiter, Gate, Pace  # noqa: F401  (Gate, Pace: re-exported for tests)

log = logging.getLogger(__name__)

TAKEOVER_QUIET_S = 1.0   # Telegram counts a bot's messages over a sliding second


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


ResultHook = Callable[[Queued, SendResult], None]


class _NotYet(Exception):
    pass


class OutboxDispatcher:
    def __init__(self, senders: dict[str, ChannelSender], data_dir: Path, rates: dict[str, float] | None = None,
                 *, poll_s: float = 2.0, lease_s: float = 6.0, max_bulk: int = 64, record_every: float = 0.1,
                 grace_s: float = 5.0, idle_poll_s: float | None = None, idle_maintain_s: float | None = None):
        self.senders = senders
        self.data_dir = Path(data_dir)
        self.limiters = {ch: ChannelLimiter((rates or {}).get(ch, 29.0)) for ch in senders}
        self.poll_s, self.lease, self.max_bulk = poll_s, timedelta(seconds=lease_s), max_bulk
        # An idle bot (nothing held, nothing due) looks less often: the engine and the scheduler wake it for
        # their own rows, PostgreSQL's NOTIFY for other processes' rows; only another process's rows on
        # SQLite (a `thidua` command) wait for this slower poll.
        self.idle_poll_s = idle_poll_s if idle_poll_s is not None else 2.5 * poll_s
        self.idle_maintain_s = idle_maintain_s if idle_maintain_s is not None else 5 * poll_s
        self._seen_marker: tuple | None = None   # the database's change marker at the last look (SQLite)
        self._look_again_at = 0.0
        self._foreign_lease_end = None
        self._next_maintenance = 0.0
        self.record_every, self.grace_s = record_every, grace_s
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.hooks: list[ResultHook] = []
        self.queues: dict[tuple[str, str], list[tuple[int, int, Queued]]] = {}
        self.workers: dict[tuple[str, str], asyncio.Task] = {}
        self.held: dict[int, Queued] = {}              # rows we hold: queued or being sent
        self.bulk_held = 0
        self.results: list[tuple[Queued, SendResult]] = []
        self.sent_ids: OrderedDict[str, str] = OrderedDict()   # outbox key -> platform message id (for edits)
        self.file_ids: dict[int, str] = {}
        self._uploads: dict[int, asyncio.Event] = {}
        self._stored_rows: dict[int, StoredFile] = {}
        self._leaders: dict[str, leaders.Leadership] = {}
        self._leading: set[str] = set()
        self._listener: leaders.OutboxListener | None = None
        self.stopping = False
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._last_renew = 0.0
        self._flush_handle: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------------------------------ the engine's side

    def claim_token(self, channel: str) -> str | None:
        """The token to insert a reply already claimed, if this process sends for that channel now."""
        return self.token if channel in self._leading and not self.stopping else None

    def accept(self, rows: list[Queued]) -> None:
        """Rows committed already claimed by us: straight to their chat's queue."""
        for row in rows:
            self._queue(row)

    def wake(self) -> None:
        self._wake.set()

    @property
    def queued(self) -> int:
        return len(self.held)

    # ------------------------------------------------------------------------------------------ the loop

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    wait = self._poll()
                    claimed = self._claim() if wait == 0 and self._has_room() else 0
                except Exception:   # the database is away for a moment: keep the loop alive
                    log.exception("outbox poll failed")
                    claimed, wait = 0, self.poll_s
                    self._seen_marker = None
                if claimed and self._has_room():
                    continue
                await self._sleep(stop, self._sleep_for(wait))
        finally:
            await self._shutdown()

    def _poll(self) -> float | None:
        """Seconds until rows are due (0: now, None: nothing pending), asking the database only when needed."""
        if self._nothing_new():
            return self._known_wait()
        marker = change_marker()               # before the reads: a commit during them shows next time
        with session_scope() as session:       # one short read-only session per look
            # leadership and leases: every few seconds while sending, and at each look of an idle
            # dispatcher (which looks only when the database changed or a lease ends)
            if not self.held or time.monotonic() >= self._next_maintenance:
                self._maintain(session)
                self._next_maintenance = self._next_maintenance_at()
            wait = self._seconds_to_due(session)
        self._remember(marker, wait)
        return wait

    def _sleep_for(self, wait: float | None) -> float:
        standby = len(self._leading) < len(self.senders)   # waiting to take a channel over: look every poll
        poll = self.poll_s if self.held or standby else self.idle_poll_s
        timeout = poll if not wait else min(wait, poll)
        if self.held:
            timeout = min(timeout, self._next_maintenance - time.monotonic())
        return max(0.01, timeout)

    def _nothing_new(self) -> bool:
        """Idle, leading every channel, and no process has committed since the last look (SQLite): the last
        answer still holds until the next due row or foreign lease end, so the database is not asked again.
        A look at least every minute anyway."""
        if self.held or len(self._leading) < len(self.senders):
            return False
        if self._seen_marker is None or time.monotonic() >= self._look_again_at:
            return False
        return change_marker() == self._seen_marker

    def _known_wait(self) -> float:
        return max(0.0, self._look_again_at - time.monotonic())

    def _remember(self, marker: tuple | None, wait: float | None) -> None:
        now = time.monotonic()
        horizon = [now + 60.0, now + wait if wait is not None else now + 60.0]
        if self._foreign_lease_end is not None:
            horizon.append(self._lease_end_monotonic())
        self._seen_marker, self._look_again_at = marker, min(horizon)

    def _lease_end_monotonic(self) -> float:
        return time.monotonic() + max(0.0, (self._foreign_lease_end - utcnow()).total_seconds()) + 0.05

    def _next_maintenance_at(self) -> float:
        """Every few seconds, and when another dispatcher's lease runs out (its rows may be a dead one's)."""
        at = time.monotonic() + self._maintain_every()
        return min(at, self._lease_end_monotonic()) if self._foreign_lease_end is not None else at

    def _maintain_every(self) -> float:
        """Held rows need their leases renewed (a third of the lease). A process waiting to take a channel
        over looks every poll; a leader with nothing to do now and then (a dead leader's rows are looked
        at when their leases run out: _next_maintenance_at)."""
        renew = self.lease.total_seconds() / 3
        if self.held:
            return min(self.poll_s, renew)
        if len(self._leading) < len(self.senders):
            return self.poll_s
        return max(self.idle_maintain_s, renew)

    def _maintain(self, session) -> None:
        taken: list[str] = []
        for channel in self.senders:
            lead = self._leaders.get(channel)
            if lead is None:
                lead = self._leaders[channel] = leaders.for_channel(get_engine(), self.data_dir, channel)
            if channel in self._leading and not lead.held():
                self._leading.discard(channel)
            elif channel not in self._leading and lead.try_acquire():
                self._leading.add(channel)
                taken.append(channel)
                log.info("dispatching %s from this process", channel)
        if self._leading and self._listener is None and get_engine().dialect.name == "postgresql":
            loop = asyncio.get_running_loop()
            self._listener = leaders.OutboxListener(get_engine(), lambda: loop.call_soon_threadsafe(self.wake))
            self._listener.start()
        # Rows of a process that died come back when their lease ends: a read, no write lock when there are none.
        self._foreign_lease_end = outbox.next_foreign_lease_end(session, self.token)
        if taken and self._foreign_lease_end is not None:
            # another dispatcher held rows until a moment ago (it died, or it restarted): what it sent in the
            # last second still counts in Telegram's window, so this one starts after that window
            for channel in taken:
                self.limiters[channel].pause(TAKEOVER_QUIET_S)
        if self._foreign_lease_end is not None and self._foreign_lease_end < utcnow():
            outbox.release_stale_leases(session)
            self._foreign_lease_end = outbox.next_foreign_lease_end(session, self.token)
        if self.held and time.monotonic() - self._last_renew > self.lease.total_seconds() / 3:
            outbox.renew_leases(session, self.token, self.lease)
            self._last_renew = time.monotonic()

    def _claim(self) -> int:
        total = 0
        for channel in self._leading:
            room = self.max_bulk - self.bulk_held
            if room <= 0:
                break
            busy = [chat for (ch, chat), q in self.queues.items() if ch == channel and len(q) >= 2][:500]
            with session_scope() as session:
                rows = outbox.claim_fair(session, channel, self.token, room, skip_chats=busy, lease=self.lease)
            for row in rows:
                self._queue(row, bulk=True)
            total += len(rows)
        return total

    def _has_room(self) -> bool:
        """Claim bulk rows in batches (when half the room is free), not one query per message sent."""
        return self.bulk_held <= self.max_bulk // 2

    def _seconds_to_due(self, session) -> float | None:
        """0 when rows are due now, else seconds until the next one (None: nothing pending)."""
        if not self._has_room():
            return self.poll_s   # woken when room frees up
        soonest = None
        for channel in self._leading:
            due = outbox.next_due_at(session, channel)
            if due is not None:
                wait = max(0.0, (due - utcnow()).total_seconds())
                soonest = wait if soonest is None else min(soonest, wait)
        return soonest

    async def _sleep(self, stop: asyncio.Event, timeout: float) -> None:
        self._wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()

    # ------------------------------------------------------------------------------------------ sending

    def _queue(self, row: Queued, bulk: bool = False) -> None:
        if row.id in self.held:
            return
        row.bulk = bulk
        self.held[row.id] = row
        self.bulk_held += bulk
        key = (row.channel, row.chat_id)
        heapq.heappush(self.queues.setdefault(key, []), (row.priority, row.id, row))
        if key not in self.workers:
            self.workers[key] = asyncio.create_task(self._drain_chat(key))

    async def _drain_chat(self, key: tuple[str, str]) -> None:
        try:
            while (queue := self.queues.get(key)) and not self.stopping:
                _, _, row = heapq.heappop(queue)
                result = await self._send_one(row)
                self._done(row, result)
        finally:
            self.workers.pop(key, None)
            if not self.queues.get(key):
                self.queues.pop(key, None)

    def _done(self, row: Queued, result: SendResult) -> None:
        self.results.append((row, result))
        self._schedule_flush()
        if result.ok and result.message_id:
            self.sent_ids[row.key] = result.message_id
            if len(self.sent_ids) > 5000:
                self.sent_ids.popitem(last=False)
        if result.ok and row.kind != "reply" and row.payload.get("choices"):
            self.flush()   # a notification's buttons are remembered at once: Zalo users answer by typing

    async def _send_one(self, row: Queued) -> SendResult:
        limiter, sender = self.limiters[row.channel], self.senders[row.channel]
        message = OutMessage.from_json(row.payload)
        uploading: list[int] = []
        try:
            edit_id = self._edit_target(message)
            files = await self._files_for(row.channel, message, uploading)
            await limiter.acquire(row.chat_id, row.priority)
            result = await sender.send(row.chat_id, message, files, edit_id)
            self.file_ids.update(result.file_ids)
        except _NotYet:
            return SendResult(False, retry_after=1.0, error="edit target not sent yet")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an I/O error must not kill the dispatcher
            log.exception("sending outbox row %s failed", row.id)
            return SendResult(False, error=type(exc).__name__)
        finally:
            for stored_id in uploading:   # others waiting for this upload's file id may go now
                self._uploads.pop(stored_id).set()
        if result.retry_after and not result.ok:
            limiter.pause(result.retry_after)   # a 429 pauses the whole channel
        return result

    def _edit_target(self, message: OutMessage) -> str | None:
        if not message.edit_key:
            return None
        target = self.sent_ids.get(message.edit_key)
        if target is None:
            with session_scope() as session:
                target = outbox.platform_message_id(session, message.edit_key)
        if target is None:
            raise _NotYet()
        return target

    async def _files_for(self, channel: str, message: OutMessage, uploading: list[int]) -> list[ResolvedFile]:
        """Where each file is, and its platform id if the platform has it already. No bytes are read.

        The first send of a file uploads it; sends of the same file meanwhile wait for its id rather than
        upload it again (a launch to 3,000 contacts uploads the plan once)."""
        ids = [f.stored_file_id for f in message.files if f.stored_file_id is not None]
        while True:
            rows = self._stored(ids)
            waiting = [self._uploads[i] for i in ids
                       if channel == "telegram" and i in self._uploads and not self._telegram_id(rows.get(i))]
            if not waiting:
                break
            await waiting[0].wait()
        resolved = []
        for f in message.files:
            row = rows.get(f.stored_file_id)
            if row is None:
                continue
            tg_id = self._telegram_id(row)
            if channel == "telegram" and not tg_id and row.id not in self._uploads:
                self._uploads[row.id] = asyncio.Event()
                uploading.append(row.id)
            resolved.append(ResolvedFile(f.name or row.original_name, file_store.path_for(self.data_dir, row.sha256),
                                         row.mime, f.kind, row.id, tg_id))
        return resolved

    def _telegram_id(self, row: StoredFile | None) -> str | None:
        if row is None:
            return None
        return self.file_ids.get(row.id) or row.telegram_file_id

    def _stored(self, ids: list[int]) -> dict[int, StoredFile]:
        """Stored files' rows (their names and places never change; file ids are tracked in self.file_ids)."""
        missing = [i for i in ids if i not in self._stored_rows]
        if missing:
            if len(self._stored_rows) > 1000:
                self._stored_rows.clear()
            with session_scope() as session:
                self._stored_rows.update({i: row for i in missing if (row := session.get(StoredFile, i)) is not None})
        return {i: self._stored_rows[i] for i in ids if i in self._stored_rows}

    # ------------------------------------------------------------------------------------------ recording

    def _schedule_flush(self) -> None:
        """Results are written a moment after the first of a batch arrives (no timer runs when idle)."""
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(self.record_every, self._timed_flush)

    def _timed_flush(self) -> None:
        self._flush_handle = None
        self.flush()

    def flush(self) -> int:
        """Write the results gathered so far in one transaction; then run the hooks."""
        batch, self.results = self.results, []
        if not batch:
            return 0
        try:
            with transaction_scope() as tx:   # Core; an ORM session only for file ids and buttons
                outbox.record_results(tx.connection, batch, token=self.token)
                for stored_id, platform_id in {k: v for _, r in batch for k, v in r.file_ids.items()}.items():
                    file_store.remember_telegram_file_id(tx.session, stored_id, platform_id)
                for row, _ in batch:
                    if row.status == OutboxStatus.sent and row.kind != "reply":
                        self._remember_buttons(tx.session, row)
        except Exception:
            log.exception("recording %d outbox results failed; retrying", len(batch))
            self.results = batch + self.results
            self._schedule_flush()
            return 0
        for row, result in batch:
            self.held.pop(row.id, None)
            self.bulk_held -= row.bulk
            for hook in self.hooks:
                try:
                    hook(row, result)
                except Exception:
                    log.exception("outbox hook failed")
        self._progress.set()
        if any(row.bulk for row, _ in batch) and self._has_room():
            self._wake.set()   # bulk room freed: claim more now (replies free none: no poll per reply)
        return len(batch)

    @staticmethod
    def _remember_buttons(session, row: Queued) -> None:
        """A notification with buttons (a reminder's "Nộp ngay"): Zalo users answer by typing its number."""
        choices = OutMessage.from_json(row.payload).flat_choices()
        if choices:
            conversations.remember_offered(session, row.channel, row.chat_id, [[c.data, c.label] for c in choices])

    # ------------------------------------------------------------------------------------------ stopping

    async def _shutdown(self) -> None:
        """Stop claiming; let sends under way finish (up to grace_s); hand everything else back to pending."""
        self.stopping = True
        unsent = [row for q in self.queues.values() for _, _, row in q]
        for q in self.queues.values():
            q.clear()
        if self.workers:
            done, pending = await asyncio.wait(list(self.workers.values()), timeout=self.grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.flush()
        recorded = {row.id for row in unsent}
        leftover = [row_id for row_id in self.held if row_id not in recorded] + [row.id for row in unsent]
        try:
            with session_scope() as session:
                outbox.release(session, self.token, leftover)
        except Exception:
            log.exception("could not hand back %d outbox rows; their lease will run out", len(leftover))
        self.held.clear()
        for lead in self._leaders.values():
            lead.release()
        self._leading.clear()
        if self._listener is not None:
            self._listener.stop()

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Tests and the demo: wait until nothing is queued, in memory or due in the database."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.held and not self.results and not self._has_due():
                return
            self.wake()
            self._progress.clear()
            try:
                await asyncio.wait_for(self._progress.wait(), timeout=0.1)
            except asyncio.TimeoutError:
                pass
        raise TimeoutError("outbox did not drain")

    def _has_due(self) -> bool:
        with session_scope() as session:
            return outbox.has_due(session, list(self.senders))
