"""Drive the channel-neutral engine directly, Errbot style: push a message, pop the replies."""
from __future__ import annotations

import itertools

from db import outbox
from db.engine import session_scope
from handlers import background, engine
from handlers.io import Inbound, IncomingFile, OutMessage

_update_ids = itertools.count(1)


class FlowChat:
    """One chat on a fake channel. Files 'sent' are kept in memory and fetched from there."""

    def __init__(self, settings, user_id: str, name: str = "Người dùng", channel: str = "test",
                 has_buttons: bool = True, wait_for_background: bool = True):
        """wait_for_background=False: each push returns the step's own replies at once, and the work it
        started after its commit is left running (tests of that work drive it themselves)."""
        self.settings, self.user_id, self.name = settings, str(user_id), name
        self.channel, self.has_buttons = channel, has_buttons
        self.wait_for_background = wait_for_background
        self.files: dict[str, bytes] = {}
        self.last: list[OutMessage] = []

    async def _push(self, **fields) -> list[OutMessage]:
        """Push one input; the replies are what the outbox got for this chat, including those of the work the
        step started after its commit (downloads): the test sees what the user would."""
        inbound = Inbound(self.channel, self.user_id, self.user_id, f"u{next(_update_ids)}",
                          display_name=self.name, has_buttons=self.has_buttons, **fields)
        before = self._last_row_id()
        replies = await engine.handle(inbound, tz=self.settings.tz, settings=self.settings, fetch_file=self._fetch)
        if not self.wait_for_background:
            self.last = replies
            return replies
        assert await background.drain(10), "background work did not finish"
        with session_scope() as session:
            rows = [r for r in outbox.messages_for_chat(session, self.channel, self.user_id) if r.id > before]
        self.last = [OutMessage.from_json(r.payload) for r in rows]
        return self.last

    def _last_row_id(self) -> int:
        with session_scope() as session:
            rows = outbox.messages_for_chat(session, self.channel, self.user_id)
        return rows[-1].id if rows else 0

    async def _fetch(self, f: IncomingFile) -> bytes:
        return self.files[f.ref]

    async def send(self, text: str) -> list[OutMessage]:
        if text.startswith("/"):
            head, _, rest = text.partition(" ")
            return await self._push(command=head[1:], args=rest)
        return await self._push(text=text)

    async def press(self, label: str) -> list[OutMessage]:
        """Press the button with this label on the latest replies."""
        for msg in reversed(self.last):
            for choice in msg.flat_choices():
                if choice.label == label:
                    return await self._push(choice=choice.data)
        raise AssertionError(f"no button {label!r} in {[c.label for m in self.last for c in m.flat_choices()]}")

    async def press_data(self, data: str, forged: bool = False) -> list[OutMessage]:
        return await self._push(choice=data, forged=forged)

    async def upload(self, name: str, data: bytes, mime: str = "application/pdf", kind: str = "document",
                     caption: str | None = None) -> list[OutMessage]:
        ref = f"file{len(self.files) + 1}"
        self.files[ref] = data
        return await self._push(text=caption, files=[IncomingFile(ref, name, mime, len(data), kind)])

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.last)

    def labels(self) -> list[str]:
        return [c.label for m in self.last for c in m.flat_choices()]
