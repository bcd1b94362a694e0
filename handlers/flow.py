"""The building blocks of a flow: what a step returns (Step, Fetch), what it may use (Ctx), and how commands,
global actions and flows are registered. The engine (handlers/engine.py) runs them.

A flow is a small state machine with named states (`on_<state>` methods) whose state lives in
the conversation row (db.conversations.ChatState); a step never awaits I/O (it runs inside the update's transaction): slow work is a Fetch
or an after-commit job.
"""
from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import texts
from db import conversations, people
from db.conversations import ChatState, ContactView, UnitView
from db.engine import Transaction
from db.models import Contact, Staff, Unit
from db.outbox import Outgoing
from handlers.io import Choice, Inbound, IncomingFile, OutMessage

ANYONE, CONTACT, STAFF = "anyone", "contact", "staff"


class FileFetcher(Protocol):
    async def __call__(self, file: IncomingFile) -> bytes: ...


@dataclass
class Fetch:
    """Files a step needs the bytes of. The engine downloads them after the commit, outside any transaction,
    into the blob store (several at once, behind a small limit), optionally runs a preparer over them in a
    thread (parsing a plan), then feeds the flow one more input in the step's state: inp.fetched (and
    inp.prepared). Meanwhile the chat is told to wait; /huy still works."""
    files: list[IncomingFile]
    prepare: tuple[str, dict] | None = None   # (name in fetching.PREPARERS, its keyword arguments)


@dataclass
class Step:
    """What a flow step returns: the replies, and the next state (None ends the flow)."""
    replies: list[OutMessage]
    state: str | None = None
    then: tuple[str, dict] | None = None   # hand over to another flow: (flow name, begin() kwargs)
    fetch: Fetch | None = None             # download these, then continue in `state` with inp.fetched


def done(*replies: OutMessage | str) -> Step:
    return Step([r if isinstance(r, OutMessage) else OutMessage(r) for r in replies], None)


def goto(state: str, *replies: OutMessage | str) -> Step:
    return Step([r if isinstance(r, OutMessage) else OutMessage(r) for r in replies], state)


def fetch(state: str, files: list[IncomingFile], *replies: OutMessage | str,
          prepare: tuple[str, dict] | None = None) -> Step:
    """Go to `state` once these files are downloaded (see Fetch)."""
    return Step([r if isinstance(r, OutMessage) else OutMessage(r) for r in replies], state,
                fetch=Fetch(list(files), prepare))


Downloader = Callable[[IncomingFile, Callable[[bytes], None], int], Awaitable[None]]


@dataclass
class Services:
    """What the running process lends the engine: where it is, how to download, who sends."""
    tz: ZoneInfo
    settings: Any = None
    download: Downloader | None = None
    dispatcher: Any = None   # schedules.outbox.OutboxDispatcher: replies go to it in memory


class Flow:
    """Base of every flow. Subclasses set `name`, `title` and `audience`, implement begin() and on_<state>()."""
    name: str = ""
    title: str = ""            # shown in "you are in the middle of ..."
    audience: str = CONTACT
    timeout_minutes: int | None = None  # default: settings.conversation_timeout_minutes
    interruptible: bool = False         # a browse-only flow: another command simply replaces it

    async def begin(self, ctx: "Ctx", data: dict, **kwargs: Any) -> Step:
        raise NotImplementedError

    def accepts_earlier(self, data: dict, turn: int, value: str) -> bool:
        """Whether a button of an earlier turn of this flow still means something now (a checklist that stays
        on screen while its items are filled). Default: no, an older button is stale."""
        return False

    async def handle(self, ctx: "Ctx", state: str, data: dict, inp: Inbound) -> Step:
        method = getattr(self, f"on_{state}", None)
        if method is None:  # a state from an older version of the flow: start over cleanly
            return done(texts.INTERNAL_ERROR)
        return await method(ctx, data, inp)


@dataclass
class Ctx:
    """Everything a command, action or flow step may use.

    `contact` and `unit` are the chat's unit contact and unit as read with the update (read-only views; a
    step that changes those rows loads them: people.contact, people.unit); `staff` is the Staff row.
    `session` is the update's transaction, as an ORM Session made on first use."""
    inbound: Inbound
    conv: ChatState
    contact: Contact | ContactView | None
    staff: Staff | None
    tz: ZoneInfo
    now: datetime
    settings: Any = None
    services: Services | None = None
    tx: Transaction | None = None            # the engine's transaction
    given_session: Session | None = None     # or a session the caller holds (the staff console)
    unit_view: UnitView | None = None
    _notifications: list[Outgoing] = field(default_factory=list)
    _after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def session(self) -> Session:
        return self.given_session if self.given_session is not None else self.tx.session

    def next_turn(self) -> int:
        """The turn the step buttons of the replies being built now will carry (see engine._stamp_choices)."""
        return self.conv.turn + 1

    @property
    def unit(self) -> Unit | UnitView | None:
        if self.contact is None:
            return None
        if self.unit_view is not None and self.unit_view.id == self.contact.unit_id:
            return self.unit_view
        return people.unit(self.session, self.contact.unit_id)   # bound in this update (/start)

    @property
    def actor(self) -> str:
        if self.staff:
            return f"staff:{self.staff.id}"
        if self.contact:
            return f"contact:{self.contact.id}"
        return f"{self.inbound.channel}:{self.inbound.user_id}"

    def notify(self, item: Outgoing) -> None:
        """Queue a message to someone else (in this transaction)."""
        self._notifications.append(item)

    def after_commit(self, job: Callable[[], Awaitable[None]]) -> None:
        """Run `job` once this transaction has committed, in the background, outside any transaction or lock:
        anything slow (a download, parsing a document, building an export) goes here, never in a step."""
        self._after_commit.append(job)

    def audit(self, action: str, subject: str | None = None, **details: Any) -> None:
        people.audit(self.session, self.actor, action, subject, **details)

    async def start_flow(self, name: str, **kwargs: Any) -> list[OutMessage]:
        flow = FLOWS[name]
        self.conv.flow, self.conv.state, self.conv.data = name, None, {}
        data: dict = {}
        step = await flow.begin(self, data, **kwargs)
        self._apply(flow, step, data)
        if step.then:  # begin() may decide at once that another flow should take over
            name, kwargs = step.then
            return step.replies + await self.start_flow(name, **kwargs)
        return step.replies

    def _apply(self, flow: Flow, step: Step, data: dict) -> None:
        if step.state is None:
            conversations.clear_flow(self.conv)
            return
        minutes = flow.timeout_minutes or getattr(self.settings, "conversation_timeout_minutes", 30)
        self.conv.flow, self.conv.state, self.conv.data = flow.name, step.state, copy.deepcopy(data)
        if step.fetch:
            from handlers import fetching
            fetching.start(self, step.fetch)
        self.conv.expires_at = self.now + timedelta(minutes=minutes)
        self.conv.updated_at = self.now


Handler = Callable[[Ctx], Awaitable[list[OutMessage] | OutMessage | str]]


@dataclass
class Entry:
    name: str
    audience: str
    handler: Handler
    starts_flow: bool = False


COMMANDS: dict[str, Entry] = {}
ACTIONS: dict[str, Entry] = {}
FLOWS: dict[str, Flow] = {}


def command(name: str, audience: str = ANYONE, starts_flow: bool = False):
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = Entry(name, audience, fn, starts_flow)
        return fn
    return register


def action(name: str, audience: str = ANYONE, starts_flow: bool = False):
    def register(fn: Handler) -> Handler:
        ACTIONS[name] = Entry(name, audience, fn, starts_flow)
        return fn
    return register


def flow(cls: type[Flow]) -> type[Flow]:
    FLOWS[cls.name] = cls()
    return cls


def action_choice(label: str, name: str, arg: Any = "") -> Choice:
    """A button that works from any message (not tied to the current step)."""
    return Choice(label, f"g|{name}|{arg}")
