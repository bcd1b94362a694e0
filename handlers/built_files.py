"""After-commit jobs that build a document for the chat that asked for it (/baocao, /dscu's documents): built
in a worker thread with no transaction open, then stored, audited and sent in one short transaction; a
failure is told to the chat instead. The step itself only answers that the file is being prepared."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from db.engine import session_scope
from db.outbox import Outgoing, enqueue_many
from handlers import background
from handlers.io import OutMessage

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ReplyTo:
    """Where the file goes: the chat of the update that asked, under keys of its own (sent once)."""
    key: str
    channel: str
    chat_id: str
    kind: str

    @classmethod
    def asker(cls, ctx: Any, prefix: str, kind: str) -> "ReplyTo":
        inbound = ctx.inbound
        return cls(f"{prefix}:{inbound.channel}:{inbound.update_key}", inbound.channel, inbound.chat_id, kind)

    def message(self, suffix: str, message: OutMessage) -> Outgoing:
        return Outgoing(f"{self.key}:{suffix}", self.channel, self.chat_id, message, kind=self.kind)


async def build_then_send(reply: ReplyTo, build: Callable[[], T], record: Callable[[Session, T], OutMessage],
                          failed_text: str) -> None:
    """`build` runs in a worker thread; `record` stores what it built and returns the message that carries it.
    Never raises."""
    try:
        built = await asyncio.to_thread(build)
        with session_scope() as session:   # short: rows, audit and message; the bytes are already stored
            enqueue_many(session, [reply.message("done", record(session, built))])
    except Exception:
        log.exception("building %s failed", reply.key)
        with session_scope() as session:
            enqueue_many(session, [reply.message("failed", OutMessage(failed_text))])
    background.wake_outbox()
