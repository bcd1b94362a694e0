"""Channel-neutral inputs and outputs. Channel adapters translate to and from these; flows see nothing else."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IncomingFile:
    ref: str                      # channel's handle to fetch the bytes (Telegram file_id, Zalo photo URL)
    name: str | None = None
    mime: str | None = None
    size: int | None = None
    kind: str = "document"        # document | photo


@dataclass
class Inbound:
    channel: str                  # telegram | zalo
    chat_id: str
    user_id: str
    update_key: str               # unique per channel: processed once
    display_name: str | None = None
    text: str | None = None       # plain text (NFC-normalised by the engine)
    command: str | None = None    # "start" for "/start abc"
    args: str = ""                # "abc"
    choice: str | None = None     # verified button data
    forged: bool = False          # button data whose signature did not verify
    files: list[IncomingFile] = field(default_factory=list)
    has_buttons: bool = True      # False on Zalo: choices are typed as numbers
    fetch_id: str | None = None   # the engine's own input: files a step asked for are downloaded
    fetched: list["FetchedFile"] | None = None
    prepared: dict | None = None  # what a preparer made of them (a plan's draft), outside any transaction


@dataclass
class FetchedFile:
    """A file a step asked the engine to download: now in the blob store, or why not."""
    ref: str
    name: str | None
    mime: str | None
    kind: str = "document"
    sha256: str | None = None
    size: int | None = None
    error: str | None = None      # "download" | "too_big"

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Choice:
    label: str
    data: str                     # what comes back when pressed; the adapter signs it


@dataclass
class OutFile:
    stored_file_id: int | None = None
    name: str | None = None
    kind: str = "document"        # document | photo
    url: str | None = None        # Zalo has no documents: it gets a link instead


@dataclass
class Link:
    label: str
    url: str


@dataclass
class OutMessage:
    text: str
    choices: list[list[Choice]] = field(default_factory=list)   # rows of buttons
    files: list[OutFile] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    edit_key: str | None = None   # edit the message sent under this outbox key instead of sending anew

    def to_json(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict (a recursive deep copy): every queued message goes through here
        return {"text": self.text,
                "choices": [[{"label": c.label, "data": c.data} for c in row] for row in self.choices],
                "files": [{"stored_file_id": f.stored_file_id, "name": f.name, "kind": f.kind, "url": f.url}
                          for f in self.files],
                "links": [{"label": link.label, "url": link.url} for link in self.links],
                "edit_key": self.edit_key}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "OutMessage":
        return cls(
            text=d["text"],
            choices=[[Choice(**c) for c in row] for row in d.get("choices") or []],
            files=[OutFile(**f) for f in d.get("files") or []],
            links=[Link(**link) for link in d.get("links") or []],
            edit_key=d.get("edit_key"),
        )

    def flat_choices(self) -> list[Choice]:
        return [c for row in self.choices for c in row]


@dataclass
class SendResult:
    """What a channel adapter reports back to the outbox dispatcher."""
    ok: bool
    message_id: str | None = None
    retry_after: float | None = None   # 429: try again after this many seconds
    quota_exhausted: bool = False      # the platform's message quota is spent: wait, do not count an attempt
    blocked: bool = False              # 403: the user blocked the bot
    permanent: bool = False            # 400-like: retrying will not help
    error: str | None = None
    file_ids: dict[int, str] = field(default_factory=dict)   # stored file id -> the platform's id for it
