"""Downloads a flow step asked for (engine.Fetch), run after the step's transaction has committed.

    step → Fetch(files) → commit (state says "waiting for files", data["_fetch"] = what and why)
         → download each file into the blob store, streamed, hashed as it comes, several at once
         → optional preparer in a thread (e.g. reading a plan)
         → engine.run(Inbound(fetch_id, fetched=[FetchedFile…], prepared=…)) → the flow's next step

Nothing is held meanwhile: no transaction, no lock. A crash or restart loses nothing: the conversation
still says what it waits for, and `resume` (at start) or the next message (after a while) starts again.
An aborted fetch leaves at most orphan blobs, which db.files.sweep_orphans collects.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

from bot import texts
from db import conversations
from db import files as blob_store
from db.engine import session_scope
from handlers import background
from handlers.io import FetchedFile, Inbound, IncomingFile

log = logging.getLogger(__name__)

PARALLEL_DOWNLOADS = 8
STALE_AFTER = timedelta(minutes=3)   # a fetch not finished by then is presumed lost (its process died)

# name -> fn(files: list[tuple[Path, FetchedFile]], **kwargs) -> dict; runs in a thread, may be slow
PREPARERS: dict[str, Callable[..., dict]] = {}

_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def preparer(name: str):
    def register(fn):
        PREPARERS[name] = fn
        return fn
    return register


def start(ctx, spec) -> None:
    """Record what the step waits for (in the conversation, same transaction) and start it after commit."""
    record = {"id": uuid.uuid4().hex, "at": ctx.now.isoformat(), "files": [asdict(f) for f in spec.files],
              "prepare": list(spec.prepare) if spec.prepare else None,
              "user_id": ctx.inbound.user_id, "has_buttons": ctx.inbound.has_buttons}
    ctx.conv.data["_fetch"] = record
    services = ctx.services
    channel, chat_id = ctx.inbound.channel, ctx.inbound.chat_id
    ctx.after_commit(lambda: run(services, channel, chat_id, record))


def still_waiting(ctx, record: dict) -> str:
    """Someone wrote while their files download. If the download was lost (a crash), start it again."""
    started = datetime.fromisoformat(record["at"])
    if ctx.now - started > STALE_AFTER and ctx.services is not None:
        record = dict(record, at=ctx.now.isoformat())
        ctx.conv.data = dict(ctx.conv.data, _fetch=record)
        services, channel, chat_id = ctx.services, ctx.inbound.channel, ctx.inbound.chat_id
        ctx.after_commit(lambda: run(services, channel, chat_id, record))
        return texts.FETCH_RESTARTED
    return texts.FETCH_IN_PROGRESS


async def run(services, channel: str, chat_id: str, record: dict) -> None:
    from handlers import engine
    files = [IncomingFile(**f) for f in record["files"]]
    data_dir = Path(services.settings.thidua_data_dir)
    fetched = await asyncio.gather(*(_download(services, f, data_dir) for f in files))
    prepared = None
    pairs = [(blob_store.path_for(data_dir, f.sha256), f) for f in fetched if f.ok]
    if record.get("prepare") and pairs:   # over the files that arrived
        name, kwargs = record["prepare"]
        try:
            prepared = await asyncio.to_thread(PREPARERS[name], pairs, **kwargs)
        except Exception:
            log.exception("preparer %s failed", name)
            prepared = {"error": "internal"}
    inbound = Inbound(channel, chat_id, record.get("user_id") or chat_id, f"fetch:{record['id']}",
                      has_buttons=record.get("has_buttons", True), fetch_id=record["id"], fetched=list(fetched),
                      prepared=prepared)
    await engine.run(inbound, services)


async def _download(services, f: IncomingFile, data_dir: Path) -> FetchedFile:
    from handlers.uploads import max_file_bytes
    limit = max_file_bytes(f)
    result = FetchedFile(f.ref, f.name, f.mime, f.kind)
    if services.download is None:
        result.error = "download"
        return result
    async with _slot():
        writer = blob_store.BlobWriter(data_dir, max_bytes=limit)
        try:
            await services.download(f, writer.write, limit)
            blob = await asyncio.to_thread(writer.finish)   # fsync off the event loop
        except blob_store.BlobTooBig as exc:
            writer.abort()
            result.error, result.size = "too_big", exc.size
            return result
        except Exception:
            writer.abort()
            log.warning("download of %s failed", f.name, exc_info=True)
            result.error = "download"
            return result
    result.sha256, result.size = blob.sha256, blob.size
    return result


def _slot() -> asyncio.Semaphore:
    """At most PARALLEL_DOWNLOADS at once per process: bounded memory and sockets on deadline day."""
    loop = asyncio.get_running_loop()
    sem = _slots.get(loop)
    if sem is None:
        for old in [lp for lp in _slots if lp.is_closed()]:
            del _slots[old]
        sem = _slots[loop] = asyncio.Semaphore(PARALLEL_DOWNLOADS)
    return sem


def resume(services_for: Callable[[str], object]) -> int:
    """At start: every conversation still waiting for files gets them fetched again."""
    with session_scope() as session:
        waiting = [(c.channel, c.chat_id, c.data["_fetch"]) for c in conversations.waiting_for_files(session)]
    for channel, chat_id, record in waiting:
        services = services_for(channel)
        background.spawn(lambda s=services, c=channel, i=chat_id, r=record: run(s, c, i, r), name=f"resume:{chat_id}")
    return len(waiting)


def stored_blob(f: FetchedFile) -> blob_store.Blob:
    return blob_store.Blob(f.sha256, f.size)




@preparer("check_documents")
def check_documents(files: list) -> dict:
    """Reports, nominations, dossiers: each file is what its name says, opens, has no password (in a thread).
    Returns {"problems": {ref: Vietnamese message}} for those that are not."""
    from schedules.documents import UnreadableDocument, check_document
    problems = {}
    for path, fetched in files:
        try:
            check_document(path, fetched.name or ("anh.jpg" if fetched.kind == "photo" else "tep"), fetched.mime)
        except UnreadableDocument as problem:
            problems[fetched.ref] = problem.message
    return {"problems": problems}


def unreadable(inp: Inbound) -> dict[str, str]:
    """What check_documents found wrong, by file ref (empty when every file reads)."""
    return (inp.prepared or {}).get("problems", {})
