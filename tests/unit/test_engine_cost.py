"""What one update costs the database: a few cached Core statements, no ORM unit of work, and a conversation
written back only when it changed, and only if nobody else wrote it since it was read (bench.cpu)."""
import asyncio
import gc
from contextlib import contextmanager

from sqlalchemy import event, update
from sqlmodel import Session, select

from bot import texts
from bot.runtime import settle_heap
from db import conversations
from db.engine import get_engine
from db.models import ConversationState
from handlers import engine
from handlers.engine import Flow, done, flow, goto
from handlers.io import Inbound
from schedules.pacing import Gate
from tests.support import seed
from tests.support.flowchat import FlowChat

CONTACT_USER = 41_000


@flow
class CostFlow(Flow):
    """A one-question flow used only by these tests: starting it changes the conversation."""
    name, title, audience = "test_cost", "thử nghiệm", "anyone"

    async def begin(self, ctx, data, **kw):
        return goto("ask", "Câu hỏi?")

    async def on_ask(self, ctx, data, inp):
        return done("Xong.")


@engine.command("test_cost")
async def cost_command(ctx):
    return await ctx.start_flow("test_cost")


@contextmanager
def counting():
    """The SQL statements run, and the ORM sessions that began a transaction, while the block runs."""
    statements, sessions = [], []

    def on_statement(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()[:3]).upper())

    def on_session(session, transaction, connection):
        sessions.append(session)

    event.listen(get_engine(), "before_cursor_execute", on_statement)
    event.listen(Session, "after_begin", on_session)
    try:
        yield statements, sessions
    finally:
        event.remove(get_engine(), "before_cursor_execute", on_statement)
        event.remove(Session, "after_begin", on_session)


def bound_contact(db) -> None:
    with db() as s:
        unit = seed.unit("C1", "Trường Tiểu học Cost")
        s.add(unit)
        s.flush()
        s.add(seed.contact(unit.id, CONTACT_USER, channel="test"))


async def help_from(settings, update_key: str):
    return await engine.handle(Inbound("test", str(CONTACT_USER), str(CONTACT_USER), update_key, command="help"),
                               tz=settings.tz, settings=settings)


async def test_a_contacts_help_costs_four_statements_and_no_orm_session(settings, db):
    bound_contact(db)
    with counting() as (statements, sessions):
        replies = await help_from(settings, "cost-1")
    assert texts.HELP_CONTACT.format(unit="Trường Tiểu học Cost") == replies[0].text
    writes = [s for s in statements if not s.startswith("NOTIFY")]   # PostgreSQL wakes the dispatcher too
    assert [s.split()[0] for s in writes] == ["INSERT", "SELECT", "INSERT", "INSERT"], writes
    assert [w.split()[2] for w in writes[::2]] == ["INBOUNDUPDATE", "CONVERSATIONSTATE"]
    assert writes[3].split()[2] == "OUTBOXMESSAGE"
    assert sessions == []                          # the contact and unit came as views: no ORM session at all

    with counting() as (statements, sessions):    # the same menu again: the conversation did not change
        await help_from(settings, "cost-2")
    assert [s.split()[0] for s in statements if not s.startswith("NOTIFY")] == ["INSERT", "SELECT", "INSERT"]
    assert not any(s.startswith(("UPDATE CONVERSATIONSTATE", "INSERT INTO CONVERSATIONSTATE")) for s in statements)
    assert sessions == []


async def test_a_step_that_needs_the_orm_gets_a_session_in_the_same_transaction(settings, db):
    with db() as s:
        s.add(seed.staff(CONTACT_USER + 1, channel="test"))
    with counting() as (_statements, sessions):
        replies = await engine.handle(Inbound("test", str(CONTACT_USER + 1), str(CONTACT_USER + 1), "orm-1",
                                              command="help"), tz=settings.tz, settings=settings)
    assert replies[0].text == texts.HELP_STAFF
    assert len(sessions) == 1                      # the Staff row is loaded (and marked started) by the ORM


def test_a_conversation_written_since_it_was_read_is_not_overwritten(settings, db):
    with db() as s:
        s.add(ConversationState(channel="test", chat_id="7", user_id="7", data={}, offered=[], turn=3))
    with get_engine().connect() as conn:
        chat = conversations.load_chat(conn, "test", "7", "7")
        assert chat.conv.turn == 3
        with db() as s:                            # another process moves the chat on meanwhile
            s.exec(update(ConversationState).where(ConversationState.chat_id == "7")
                   .values(flow="other", turn=4, updated_at=chat.conv.read_updated_at.replace(year=2030)))
        chat.conv.turn, chat.conv.flow = 4, "mine"
        try:
            conversations.save_chat(conn, chat.conv, chat.conv.read_updated_at)
            raise AssertionError("the other process's write was overwritten")
        except conversations.ConversationChanged:
            conn.rollback()
    with db() as s:
        assert s.exec(select(ConversationState.flow).where(ConversationState.chat_id == "7")).one() == "other"


async def test_the_engine_reads_a_conversation_again_when_another_process_wrote_it(settings, db, monkeypatch):
    bound_contact(db)
    await help_from(settings, "race-0")           # the conversation row exists now
    real_load, loads = conversations.load_chat, []

    def load_then_lose_the_race(conn, *args):
        chat = real_load(conn, *args)
        loads.append(chat)
        if len(loads) == 1:                         # as if another process had written it after this read
            chat.conv.read_updated_at = chat.conv.read_updated_at.replace(year=2000)
        return chat

    monkeypatch.setattr(conversations, "load_chat", load_then_lose_the_race)
    replies = await engine.handle(Inbound("test", str(CONTACT_USER), str(CONTACT_USER), "race-1", command="huy"),
                                  tz=settings.tz, settings=settings)
    assert len(loads) == 1 and replies[0].text == texts.NOTHING_TO_CANCEL   # unchanged: nothing to write
    chat = FlowChat(settings, CONTACT_USER, channel="test")
    loads.clear()
    assert (await chat.send("/test_cost"))[0].text == "Câu hỏi?"   # a flow starts: the conversation changes
    assert len(loads) == 2                          # the first attempt lost the race and was run again
    with db() as s:
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(CONTACT_USER))).one()
        assert conv.updated_at == loads[1].conv.updated_at


async def test_a_free_gate_lets_a_sender_through_without_a_task_and_still_spaces_the_next():
    gate = Gate(per_s=20)
    await gate.wait()
    assert gate._ticker is None                      # the slot was free: no future, no ticker task
    loop = asyncio.get_running_loop()
    started = loop.time()
    await gate.wait()                                # the next slot is 50 ms later
    assert loop.time() - started >= 0.045
    assert gate._ticker is not None


def test_settling_the_heap_at_start_up_hides_what_was_loaded_from_the_collector():
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000        # modules, mappers, compiled statements...
    finally:
        gc.unfreeze()
