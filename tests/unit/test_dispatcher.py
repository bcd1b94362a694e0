"""The outbox dispatcher: fair, replies first, cheap, nothing stranded, one sender per channel."""
import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from db import files as file_store
from db import outbox
from db.clock import utcnow
from db.engine import get_engine
from db.models import OutboxMessage, OutboxStatus, StoredFile
from handlers.io import OutFile, OutMessage, SendResult
from schedules.outbox import OutboxDispatcher


class FakeSender:
    """Records every send; answers like a platform that keeps uploaded files (a file id per stored file)."""
    channel = "telegram"

    def __init__(self, delay: float = 0.0):
        self.sent: list[tuple[float, str, str]] = []
        self.files_seen: list = []
        self.delay = delay

    async def send(self, chat_id, message, files, edit_message_id):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.sent.append((time.monotonic(), chat_id, message.text))
        self.files_seen.extend(files)
        ids = {f.stored_file_id: f"tg-{f.stored_file_id}" for f in files if not f.telegram_file_id}
        return SendResult(True, message_id=str(len(self.sent)), file_ids=ids)

    def texts_to(self, chat_id):
        return [t for _, c, t in self.sent if c == chat_id]


async def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def bulk(db, chat_ids, prefix="bulk", message=None):
    with db() as s:
        outbox.enqueue_many(s, [outbox.Outgoing(f"{prefix}:{i}:{c}", "telegram", c, message or OutMessage(f"{prefix} {i}"),
                                                kind="launch") for i, c in enumerate(chat_ids)])


def replies(db, dispatcher, chat_id, n, prefix="reply"):
    """What the engine does: rows inserted already claimed, handed over in memory after the commit."""
    with db() as s:
        rows = outbox.enqueue_claimed(s, [outbox.Outgoing(f"{prefix}:{chat_id}:{i}", "telegram", chat_id,
                                                          OutMessage(f"{prefix} {i}")) for i in range(n)],
                                      dispatcher.token)
    dispatcher.accept(rows)


@pytest.fixture
async def running(settings):
    started = []

    async def start(rate=29.0, **kwargs):
        sender = FakeSender(kwargs.pop("delay", 0.0))
        d = OutboxDispatcher({"telegram": sender}, settings.thidua_data_dir, {"telegram": rate}, **kwargs)
        stop = asyncio.Event()
        task = asyncio.create_task(d.run(stop))
        started.append((stop, task))
        await wait_until(lambda: d.claim_token("telegram") is not None)
        return d, sender, stop, task

    yield start
    for stop, task in started:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_a_flooding_chat_does_not_delay_another_chats_reply(running, db):
    d, sender, *_ = await running()
    replies(db, d, "flood", 200)                      # 200 answers owed to one chat: ~1 per second
    await asyncio.sleep(0.05)
    asked = time.monotonic()
    replies(db, d, "other", 1)
    await wait_until(lambda: sender.texts_to("other"))
    answered = next(t for t, c, _ in sender.sent if c == "other")
    assert answered - asked < 1.0
    assert len(sender.texts_to("flood")) < 10        # the flood is still paced per chat


async def test_a_reply_passes_bulk_traffic_at_the_channel_gate(running, db):
    d, sender, *_ = await running(rate=20.0)
    bulk(db, [f"c{i}" for i in range(120)])             # six seconds of launch at 20/s
    d.wake()
    await wait_until(lambda: len(sender.sent) >= 5)
    asked = time.monotonic()
    replies(db, d, "waiting", 1)
    await wait_until(lambda: sender.texts_to("waiting"))
    answered = next(t for t, c, _ in sender.sent if c == "waiting")
    assert answered - asked < 0.5                       # not behind the 60+ bulk rows in memory


async def test_claims_take_at_most_two_rows_of_one_chat(settings, db):
    bulk(db, ["group"] * 50 + ["a", "b"])
    with db() as s:
        claimed = outbox.claim_fair(s, "telegram", "me", limit=10)
    assert [r.chat_id for r in claimed] == ["group", "group", "a", "b"]


async def test_results_are_recorded_in_batches(running, db):
    commits = []

    def count(conn):
        commits.append(1)
    d, sender, *_ = await running(rate=1000.0)
    event.listen(get_engine(), "commit", count)
    try:
        bulk(db, [f"c{i}" for i in range(60)])
        d.wake()
        await d.wait_idle(10)
        n_commits = len(commits)
    finally:
        event.remove(get_engine(), "commit", count)
    with db() as s:
        assert {r.status for r in s.exec(select(OutboxMessage)).all()} == {OutboxStatus.sent}
    assert len(sender.sent) == 60
    assert n_commits < 40      # one per message would be 60 results + claims + polls


async def test_a_running_dispatcher_recovers_rows_of_a_dead_process(running, db):
    bulk(db, ["x", "y"])
    with db() as s:   # claimed by a process that then died: lease ran out
        outbox.claim_fair(s, "telegram", "dead-process", limit=10)
        for row in s.exec(select(OutboxMessage)).all():
            row.lease_until = utcnow()
            s.add(row)
    d, sender, *_ = await running(poll_s=0.2)
    await wait_until(lambda: len(sender.sent) == 2, timeout=5)
    assert sorted(c for _, c, _ in sender.sent) == ["x", "y"]


async def test_leases_are_renewed_while_rows_are_held(running, db):
    d, sender, *_ = await running(rate=2.0, poll_s=0.1, lease_s=0.6)
    bulk(db, [f"c{i}" for i in range(10)])             # five seconds of sending at 2/s
    d.wake()
    await asyncio.sleep(1.5)                           # longer than the lease
    with db() as s:
        held = s.exec(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.sending)).all()
        assert held and all(r.lease_until > utcnow() for r in held) and {r.claimed_by for r in held} == {d.token}
    await d.wait_idle(15)
    assert sorted(c for _, c, _ in sender.sent) == sorted(f"c{i}" for i in range(10))   # each once


async def test_a_graceful_stop_hands_unsent_rows_back(running, db):
    d, sender, stop, task = await running(rate=5.0)
    bulk(db, [f"c{i}" for i in range(40)])
    d.wake()
    await wait_until(lambda: len(sender.sent) >= 3)
    stop.set()
    await asyncio.wait_for(task, 10)
    with db() as s:
        rows = s.exec(select(OutboxMessage)).all()
    statuses = {r.status for r in rows}
    assert OutboxStatus.sending not in statuses        # nothing stranded under a lease
    assert sum(r.status == OutboxStatus.sent for r in rows) == len(sender.sent)
    assert sum(r.status == OutboxStatus.pending for r in rows) == 40 - len(sender.sent)


async def test_one_process_dispatches_a_channel_and_another_takes_over(running, db):
    first, first_sender, first_stop, first_task = await running(poll_s=0.1)
    second = OutboxDispatcher({"telegram": FakeSender()}, first.data_dir, poll_s=0.1)
    second_stop = asyncio.Event()
    second_task = asyncio.create_task(second.run(second_stop))
    await asyncio.sleep(0.4)
    assert second.claim_token("telegram") is None      # the first holds the channel
    bulk(db, ["a", "b", "c"])
    first.wake()
    await first.wait_idle(5)
    first_stop.set()
    await asyncio.wait_for(first_task, 10)
    await wait_until(lambda: second.claim_token("telegram") is not None, timeout=3)
    bulk(db, ["d"], prefix="later")
    second.wake()
    await second.wait_idle(5)
    assert len(first_sender.sent) == 3 and second.senders["telegram"].texts_to("d") == ["later 0"]
    second_stop.set()
    await asyncio.wait_for(second_task, 10)


async def test_a_plan_is_uploaded_once_then_sent_by_its_file_id_without_reading_it(running, db, settings):
    with db() as s:
        plan = file_store.store(s, settings.thidua_data_dir, b"%PDF-1.4 plan" * 1000, "KH.pdf", "application/pdf")
    message = OutMessage("Phát động", files=[OutFile(stored_file_id=plan.id)])
    d, sender, stop, task = await running(rate=100.0, delay=0.05)
    bulk(db, [f"c{i}" for i in range(20)], message=message)
    d.wake()
    await d.wait_idle(10)
    uploads = [f for f in sender.files_seen if not f.telegram_file_id]
    assert len(uploads) == 1 and len(sender.files_seen) == 20   # the others waited for its id
    with db() as s:
        assert s.get(StoredFile, plan.id).telegram_file_id == f"tg-{plan.id}"   # every process will reuse it
    stop.set()
    await asyncio.wait_for(task, 10)
    file_store.path_for(settings.thidua_data_dir, plan.sha256).unlink()         # the bytes are never needed again
    again, again_sender, *_ = await running()
    bulk(db, ["late"], prefix="relaunch", message=message)
    again.wake()
    await again.wait_idle(5)
    (f,) = again_sender.files_seen
    assert f.telegram_file_id == f"tg-{plan.id}" and again_sender.texts_to("late") == ["Phát động"]


def _count_statements():
    seen = []
    listener = lambda *args: seen.append(args[2])   # noqa: E731  (conn, cursor, statement, ...)
    event.listen(get_engine(), "before_cursor_execute", listener)
    return seen, lambda: event.remove(get_engine(), "before_cursor_execute", listener)


async def test_an_idle_dispatcher_leaves_an_unchanged_database_alone_but_sees_another_processs_rows(running, db):
    d, sender, *_ = await running(poll_s=0.05)
    await asyncio.sleep(0.3)                           # first looks done: it knows nothing is pending
    seen, stop_counting = _count_statements()
    try:
        await asyncio.sleep(1.0)                       # ~8 idle polls
        if get_engine().dialect.name == "sqlite":      # PostgreSQL has no change marker: it polls (and NOTIFY wakes)
            assert seen == []                          # nothing changed: no query at all
        bulk(db, ["x"], prefix="cli")                  # another process commits a row: no wake() reaches us
        await wait_until(lambda: sender.texts_to("x") == ["cli 0"], timeout=3)
    finally:
        stop_counting()


async def test_a_dead_dispatchers_rows_come_back_when_its_lease_ends_though_nothing_else_changes(running, db):
    d, sender, *_ = await running(poll_s=0.05)
    with db() as s:
        outbox.enqueue_many(s, [outbox.Outgoing("orphan:1", "telegram", "y", OutMessage("orphan"), kind="launch")])
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == "orphan:1")).one()
        row.status, row.claimed_by = OutboxStatus.sending, "dead-host:1:abc"
        row.lease_until = utcnow() + timedelta(seconds=0.8)
        s.add(row)
    started = time.monotonic()
    await wait_until(lambda: sender.texts_to("y") == ["orphan"], timeout=5)
    assert time.monotonic() - started >= 0.7           # not before the lease ended


async def test_reachability_is_written_only_when_it_changes(running, db):
    from db.models import Contact, Unit
    with db() as s:
        unit = Unit(code="R1", name="Trường R")
        s.add(unit)
        s.flush()
        known, lost = (Contact(unit_id=unit.id, channel="telegram", platform_user_id=u, chat_id=u) for u in ("k", "l"))
        lost.reachable = False
        s.add_all([known, lost])
        s.flush()
        ids = {c.chat_id: c.id for c in (known, lost)}
    d, sender, *_ = await running()

    async def reply_to(chat, reachable):
        seen, stop_counting = _count_statements()
        try:
            with db() as s:
                rows = outbox.enqueue_claimed(s, [outbox.Outgoing(f"r:{chat}", "telegram", chat, OutMessage(chat),
                                                                  contact_id=ids[chat], contact_reachable=reachable)],
                                              d.token)
            d.accept(rows)
            await d.wait_idle(5)
        finally:
            stop_counting()
        return [st for st in seen if st.lstrip().upper().startswith("UPDATE CONTACT")]

    assert await reply_to("k", True) == []             # known reachable: no contact statement
    assert len(await reply_to("l", False)) == 1        # it came back: written once
    with db() as s:
        assert s.get(Contact, ids["l"]).reachable is True and s.get(Contact, ids["k"]).reachable is True


async def test_a_dispatcher_taking_over_from_another_waits_out_telegrams_second(running, db):
    """What the other dispatcher sent in its last second still counts in Telegram's window: a 429 otherwise."""
    with db() as s:
        outbox.enqueue_many(s, [outbox.Outgoing("held:1", "telegram", "h", OutMessage("held"), kind="launch"),
                                outbox.Outgoing("next:1", "telegram", "n", OutMessage("next"), kind="launch")])
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == "held:1")).one()
        row.status, row.claimed_by = OutboxStatus.sending, "other-host:1:abc"
        row.lease_until = utcnow() + timedelta(seconds=5)
        s.add(row)
    started = time.monotonic()
    d, sender, *_ = await running(poll_s=0.05)
    await wait_until(lambda: sender.texts_to("n") == ["next"], timeout=5)
    first = next(t for t, c, _ in sender.sent if c == "n")
    assert first - started >= 0.9                     # not at once: the channel was quiet for a second
    assert sender.texts_to("h") == []                 # the other's row is left to its lease


async def test_a_dispatcher_starting_alone_sends_at_once(running, db):
    started = time.monotonic()
    d, sender, *_ = await running(poll_s=0.05)
    replies(db, d, "alone", 1)
    await wait_until(lambda: sender.texts_to("alone"), timeout=5)
    assert next(t for t, c, _ in sender.sent if c == "alone") - started < 0.9
