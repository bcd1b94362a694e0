"""The conversation engine: one entry point for every channel.

An Inbound goes in; replies come out through the outbox in the same transaction as the state change, so a
crash either keeps both or neither. Three kinds of things answer an input:

- commands (`/viec`) and global actions (buttons `g|name|arg` that work from any message: menus, "Đã nhận",
  "Nộp ngay" in a reminder), registered with @command / @action;
- flows: small state machines with named states whose state lives in the conversation row (db.conversations.ChatState, handlers/flow.py).
  A flow's buttons carry the conversation's turn number, so a button from an older step is recognised as
  stale.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import unicodedata
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from bot import texts
from db import conversations, people
from db.clock import utcnow
from db.conversations import ChatState, ConversationChanged
from db.engine import session_scope, transaction_scope
from db.outbox import Outgoing, enqueue, enqueue_claimed, enqueue_many
from handlers import background
from handlers.flow import (  # noqa: F401  (re-exported: flows import their building blocks from here too)
    ACTIONS, ANYONE, COMMANDS, CONTACT, FLOWS, STAFF, Ctx, Downloader, Entry, Fetch, FileFetcher, Flow, Handler,
    Services, Step, action, action_choice, command, done, fetch, flow, goto)
from handlers.io import Inbound, IncomingFile, OutMessage

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------------- dispatch

def normalise(inbound: Inbound) -> Inbound:
    """NFC everywhere: Vietnamese typed on some keyboards arrives decomposed (NFD)."""
    if inbound.text is not None:
        inbound.text = unicodedata.normalize("NFC", inbound.text).strip()
    if inbound.args:
        inbound.args = unicodedata.normalize("NFC", inbound.args).strip()
    return inbound


def _as_messages(result: list[OutMessage] | OutMessage | str | None) -> list[OutMessage]:
    if result is None:
        return []
    if isinstance(result, (str, OutMessage)):
        result = [result]
    return [r if isinstance(r, OutMessage) else OutMessage(r) for r in result]


def _audience_refusal(entry_audience: str, ctx: Ctx) -> str | None:
    if entry_audience == STAFF and ctx.staff is None:
        return texts.STAFF_ONLY
    if entry_audience == CONTACT and ctx.contact is None:
        return texts.NOT_BOUND if ctx.staff is None else texts.CONTACT_ONLY
    return None


def _match_offered(conv: ChatState, inbound: Inbound) -> str | None:
    """Zalo has no buttons: "1", "1.", "một" or the label itself picks one of the offered choices."""
    offered = conv.offered or []
    if not offered or not inbound.text:
        return None
    from handlers.choices import match_choice  # local: keeps the engine import graph flat
    return match_choice(inbound.text, offered, numbers=not inbound.has_buttons)


async def _run_entry(ctx: Ctx, entry: Entry) -> list[OutMessage]:
    refusal = _audience_refusal(entry.audience, ctx)
    if refusal:
        return [OutMessage(refusal)]
    if entry.starts_flow and ctx.conv.flow:
        current = FLOWS.get(ctx.conv.flow)
        if current is None or not current.interruptible:
            return [_busy(ctx)]
        conversations.clear_flow(ctx.conv)   # nothing typed there is lost: it only showed things
    return _as_messages(await entry.handler(ctx))


def _busy(ctx: Ctx) -> OutMessage:
    flow = FLOWS.get(ctx.conv.flow or "")
    return OutMessage(texts.BUSY_IN_FLOW.format(flow=flow.title if flow else ctx.conv.flow))


async def _dispatch(ctx: Ctx) -> list[OutMessage]:
    inp, conv = ctx.inbound, ctx.conv
    if inp.forged:
        ctx.audit("forged_button")
        return [OutMessage(texts.FORGED_BUTTON)]

    waiting = (conv.data or {}).get("_fetch") if conv.flow else None
    if inp.fetch_id is not None:
        if not waiting or waiting.get("id") != inp.fetch_id:
            return []   # the flow was cancelled or moved on while the files were downloading
    elif waiting and inp.command != "huy":
        from handlers import fetching
        return [OutMessage(fetching.still_waiting(ctx, waiting))]

    if inp.command:
        if inp.command == "huy":
            return [OutMessage(_cancel(ctx))]
        entry = COMMANDS.get(inp.command)
        if entry is None:
            return [OutMessage(texts.UNKNOWN_COMMAND.format(command=inp.command))]
        return await _run_entry(ctx, entry)

    if inp.choice is None and not inp.text and not inp.files and inp.fetch_id is None:  # stickers, voice...
        return [OutMessage(texts.UNSUPPORTED_CONTENT)]

    if inp.choice is None:
        inp.choice = _match_offered(conv, inp)
        if inp.choice is not None:
            inp.text = None

    if inp.choice is not None:
        if inp.choice.startswith("g|"):
            _, name, arg = (inp.choice.split("|", 2) + [""])[:3]
            entry = ACTIONS.get(name)
            if entry is None:
                return [OutMessage(texts.STALE_BUTTON)]
            inp.args = arg
            return await _run_entry(ctx, entry)
        turn, _, value = inp.choice.partition("|")
        if not conv.flow or (turn != f"f{conv.turn}" and not _still_meant(conv, turn, value)):
            return [OutMessage(texts.STALE_BUTTON)]
        inp.choice = value

    if conv.flow:
        flow = FLOWS.get(conv.flow)
        if flow is None:
            conversations.clear_flow(conv)
            return [OutMessage(texts.INTERNAL_ERROR)]
        data = copy.deepcopy(conv.data or {})  # a flow may mutate nested values; keep the stored copy intact
        data.pop("_fetch", None)
        step = await flow.handle(ctx, conv.state, data, inp)
        ctx._apply(flow, step, data)
        if step.then:
            name, kwargs = step.then
            return step.replies + await ctx.start_flow(name, **kwargs)
        return step.replies

    fallback = COMMANDS.get("_default")
    return _as_messages(await fallback.handler(ctx)) if fallback else [OutMessage(texts.NOT_UNDERSTOOD)]


def _still_meant(conv: ChatState, turn: str, value: str) -> bool:
    flow = FLOWS.get(conv.flow)
    number = turn[1:]
    return (flow is not None and turn.startswith("f") and number.isdigit()
            and flow.accepts_earlier(conv.data or {}, int(number), value))


def _cancel(ctx: Ctx) -> str:
    if not ctx.conv.flow:
        return texts.NOTHING_TO_CANCEL
    ctx.audit("flow_cancelled", ctx.conv.flow)
    conversations.clear_flow(ctx.conv)
    return texts.CANCELLED


def _stamp_choices(conv: ChatState, replies: list[OutMessage], step_before: tuple) -> None:
    """Tie step buttons to the turn and remember what was offered (Zalo users type numbers).

    The turn moves on when the step changes or new step buttons are shown, so older buttons go stale.
    """
    step_changed = (conv.flow, conv.state) != step_before
    step_buttons = [c for m in replies for c in m.flat_choices() if not c.data.startswith("g|")]
    if step_changed or step_buttons:
        conv.turn += 1
    for choice in step_buttons:
        choice.data = f"f{conv.turn}|{choice.data}"
    with_choices = [m for m in replies if m.choices]
    if conv.flow and not step_buttons and not step_changed:
        return  # a read-only aside (/viec, /help) mid-flow must not replace the step's numbered choices
    if with_choices:
        conv.offered = [[c.data, c.label] for c in with_choices[-1].flat_choices()]
    elif step_changed:
        conv.offered = []


def reply_key(inbound: Inbound, index: int) -> str:
    return f"reply:{inbound.channel}:{inbound.update_key}:{index}"


async def handle(inbound: Inbound, *, tz: ZoneInfo, settings: Any = None, fetch_file: FileFetcher | None = None,
                 download: Downloader | None = None, dispatcher: Any = None) -> list[OutMessage]:
    """Process one input end to end. Returns the replies (already queued in the outbox).

    Updates of one chat are handled in order; different chats concurrently. The transaction itself never
    awaits I/O (slow work goes to after-commit jobs and Fetch), so it holds the database for milliseconds.
    """
    if download is None and fetch_file is not None:
        download = _bytes_downloader(fetch_file)
    return await run(normalise(inbound), Services(tz, settings, download, dispatcher))


async def run(inbound: Inbound, services: Services) -> list[OutMessage]:
    import handlers.registry  # noqa: F401  registers every command, action and flow
    async with _chat_lock(inbound.channel, inbound.chat_id):
        for attempt in range(RETRIES):
            try:
                replies, claimed, jobs = await _transaction(inbound, services)
                break
            except (IntegrityError, OperationalError, ConversationChanged) as exc:   # a lost race with another process
                if attempt == RETRIES - 1:
                    log.error("update %s lost %d races; giving up: %s", inbound.update_key, RETRIES, exc)
                    return []
                await asyncio.sleep(0.02 * 2 ** attempt)
            except Exception:
                log.exception("handling update %s failed", inbound.update_key)
                return _internal_error(inbound, services)
    if claimed and services.dispatcher is not None:
        services.dispatcher.accept(claimed)
    for job in jobs:   # committed: now the slow work, in the background
        background.spawn(job, name=f"after:{inbound.channel}:{inbound.chat_id}")
    return replies


RETRIES = 4
_chat_locks: dict[tuple[str, str], list] = {}


@asynccontextmanager
async def _chat_lock(channel: str, chat_id: str):
    """Keeps one chat's updates in order; held only while its (short, I/O-free) transaction runs."""
    key = (channel, chat_id)
    entry = _chat_locks.get(key)
    if entry is None:
        entry = _chat_locks[key] = [asyncio.Lock(), 0]
    entry[1] += 1
    try:
        async with entry[0]:
            yield
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            _chat_locks.pop(key, None)


def _bytes_downloader(fetch_file: FileFetcher) -> Downloader:
    async def download(file: IncomingFile, sink: Callable[[bytes], None], max_bytes: int) -> None:
        sink(await fetch_file(file))
    return download


async def _transaction(inbound: Inbound, services: Services):
    with transaction_scope() as tx:
        conn = tx.connection
        if not conversations.claim_update(conn, inbound.channel, inbound.update_key):
            return [], [], []   # already handled, here or by another process
        chat = conversations.load_chat(conn, inbound.channel, inbound.chat_id, inbound.user_id)
        staff = people.staff_by_id(tx.session, chat.staff_id) if chat.staff_id is not None else None
        ctx = Ctx(inbound=inbound, conv=chat.conv, contact=chat.contact, staff=staff, tz=services.tz,
                  now=utcnow(), settings=services.settings, services=services, tx=tx, unit_view=chat.unit)
        if staff is not None and staff.started_at is None:   # their first message: the bot may now write to them
            people.mark_staff_started(tx.session, staff, inbound.chat_id, ctx.now)
        replies = _expire_if_due(ctx)
        step_before = (ctx.conv.flow, ctx.conv.state)
        replies += await _dispatch(ctx)
        _stamp_choices(ctx.conv, replies, step_before)
        tx.flush()   # the step's ORM changes first: a failing constraint there leaves nothing half-written
        conversations.save_chat(conn, ctx.conv, ctx.now)
        items = [Outgoing(reply_key(inbound, i), inbound.channel, inbound.chat_id, msg, priority=0,
                          contact_id=ctx.contact.id if ctx.contact else None,
                          contact_reachable=ctx.contact.reachable if ctx.contact else None)
                 for i, msg in enumerate(replies)] + ctx._notifications
        claimed = _enqueue(conn, items, services.dispatcher)
        return replies, claimed, list(ctx._after_commit)


def _enqueue(conn: Connection, items: list[Outgoing], dispatcher: Any) -> list:
    """Rows for a channel this process sends for are inserted already claimed, for the dispatcher's memory."""
    mine = [it for it in items if dispatcher is not None and dispatcher.claim_token(it.channel)]
    others = [it for it in items if it not in mine]
    if others:
        enqueue_many(conn, others)
    if not mine:
        return []
    return enqueue_claimed(conn, mine, dispatcher.token, priority=0)


def _internal_error(inbound: Inbound, services: Services) -> list[OutMessage]:
    """A bug in a step must not leave the chat unanswered or stuck: end its flow and say so, once."""
    reply = OutMessage(texts.INTERNAL_ERROR)
    try:
        with session_scope() as session:
            if not conversations.claim_update(session, inbound.channel, inbound.update_key):
                return []
            conv = conversations.get_or_create(session, inbound.channel, inbound.chat_id, inbound.user_id)
            conversations.clear_flow(conv)
            conv.offered = []
            enqueue_many(session, [Outgoing(reply_key(inbound, 0), inbound.channel, inbound.chat_id, reply,
                                            priority=0)])
    except Exception:
        log.exception("could not even answer update %s", inbound.update_key)
        return []
    background.wake_outbox()
    return [reply]


def _timeout_minutes(flow_name: str | None, default: int) -> int:
    flow = FLOWS.get(flow_name or "")
    return (flow.timeout_minutes if flow and flow.timeout_minutes else None) or default


def _expire_if_due(ctx: Ctx) -> list[OutMessage]:
    conv = ctx.conv
    if conv.flow and conv.expires_at and conv.expires_at < ctx.now:
        minutes = _timeout_minutes(conv.flow, getattr(ctx.settings, "conversation_timeout_minutes", 30))
        conversations.clear_flow(conv)
        return [OutMessage(texts.TIMED_OUT.format(minutes=minutes))]
    return []


def expire_conversations(now: datetime | None = None, timeout_minutes: int = 30) -> int:
    """Called by the scheduler: end silent flows and tell the chat so (once: the key is per expiry)."""
    import handlers.registry  # noqa: F401  flows know their own timeouts
    now = now or utcnow()
    with session_scope() as session:
        stale = conversations.expired(session, now)
        for conv in stale:
            key = f"timeout:{conv.channel}:{conv.chat_id}:{conv.expires_at.isoformat()}"
            minutes = _timeout_minutes(conv.flow, timeout_minutes)
            enqueue(session, Outgoing(key, conv.channel, conv.chat_id,
                                      OutMessage(texts.TIMED_OUT.format(minutes=minutes)), kind="timeout"))
            conversations.clear_flow(conv)
            conv.offered = []
        return len(stale)
