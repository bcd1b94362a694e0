"""/xuat and `thidua export`: the campaign's summary workbook (.xlsx) and an archive (.zip) of the latest files.

Two halves, so that no transaction or lock is held while gigabytes move:

- plan (database): db.export_facts.export_data, a handful of SELECTs in a short read-only session;
- write_export (disk only): the workbook and the archive streamed into files (handlers.exports_build),
  member by member, chunk by chunk, so memory stays flat whatever the archive's size.

The CLI runs both in a row. In chat, the flow's step only records the request and queues "Đang tạo tệp…";
after the commit a background job (handlers.background) runs the build in a worker thread, edits that
message as the archive grows, stores the files (db.files.write_file, then add_blob in a short transaction)
and queues them: as documents, or, over Telegram's 50 MB, as a signed download link (bot.links).
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.links import file_url
from db import exports as exports_db
from db import files as file_store
from db import people
from db.engine import session_scope
from db.models import Campaign
from db.outbox import Outgoing, enqueue_many
from db.export_facts import ExportData
from handlers import background
from handlers.engine import STAFF, Ctx, Step, command, done, flow
from handlers.exports_build import ZipEntry, milestone_label, unique_names, write_xlsx, write_zip
from handlers.io import Link, OutFile, OutMessage
from handlers.progress import CampaignStaffFlow

log = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
CHAT_FILE_LIMIT = 49 * 1024 * 1024     # Telegram bots may send documents up to 50 MB
PROGRESS_STEP = 10                     # percent between two edits of the progress message...
PROGRESS_MIN_INTERVAL_S = 5.0          # ...and at least this long (Zalo cannot edit: each edit is a message)
MB = 1024 * 1024


# ------------------------------------------------------------------------------------------- the build

@dataclass
class ExportPlan:
    data: ExportData
    xlsx_name: str
    zip_name: str

    @property
    def title(self) -> str:
        return self.data.title


def plan_export(data: ExportData | None, tz: ZoneInfo, now: datetime) -> ExportPlan | None:
    if data is None:
        return None
    stamp = texts.local(now, tz).strftime("%Y%m%d_%H%M")
    return ExportPlan(data, f"tong_hop_chien_dich_{data.campaign_id}_{stamp}.xlsx",
                      f"bai_nop_chien_dich_{data.campaign_id}_{stamp}.zip")


@dataclass
class ExportResult:
    xlsx_path: Path
    zip_path: Path
    zipped: int              # files in the archive
    missing_on_disk: int     # stored rows whose bytes are gone

    @property
    def zip_size(self) -> int:
        return self.zip_path.stat().st_size


Progress = Callable[[int, int], None]     # (source bytes done, source bytes in all)


def zip_entries(data: ExportData, data_dir: Path, tz: ZoneInfo) -> tuple[list[ZipEntry], int]:
    """One entry per stored file whose bytes are on disk (stat only; nothing read yet), and how many are not."""
    labels = unique_names(milestone_label(m) for m in data.milestones)
    entries, missing = [], 0
    for m, label in zip(data.milestones, labels):
        submitted = {r.code: r.submitted_at for r in m.rows}
        for f in m.files:
            try:
                size = file_store.path_for(data_dir, f.sha256).stat().st_size
            except FileNotFoundError:
                missing += 1
                continue
            at = submitted.get(f.unit_code)
            entries.append(ZipEntry(f.unit_code, f.unit_name, label, f.original_name,
                                    functools.partial(file_store.iter_chunks, data_dir, f), size,
                                    texts.local(at, tz).replace(tzinfo=None) if at else None, f.folder))
    return entries, missing


def _write_atomically(path: Path, write: Callable) -> None:
    """Into `<name>.part` first: a reader never sees half a file under the final name."""
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "wb") as fh:
            write(fh)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_export(plan: ExportPlan, data_dir: Path, out_dir: Path, tz: ZoneInfo, now: datetime,
                 progress: Progress | None = None) -> ExportResult:
    """Disk only (no database): the workbook and the archive, streamed into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx_path, zip_path = out_dir / plan.xlsx_name, out_dir / plan.zip_name
    _write_atomically(xlsx_path, lambda fh: write_xlsx(fh, plan.data, tz, now))
    entries, missing = zip_entries(plan.data, data_dir, tz)
    total = sum(e.size for e in entries)
    report = (lambda done: progress(done, total)) if progress else None
    stats = None

    def archive(fh) -> None:
        nonlocal stats
        stats = write_zip(fh, entries, report)
    _write_atomically(zip_path, archive)
    return ExportResult(xlsx_path, zip_path, stats.written, missing + stats.missing)


# ------------------------------------------------------------------------------------------- the chat

class S(StrEnum):
    campaign = "campaign"


@command("xuat", audience=STAFF, starts_flow=True)
async def xuat(ctx: Ctx):
    return await ctx.start_flow(ExportFlow.name)


@dataclass
class ExportRequest:
    key: str                 # outbox key prefix; "<key>:progress" is the message the job edits
    channel: str
    chat_id: str
    actor: str
    campaign_id: int
    title: str
    requested_at: datetime
    tz: ZoneInfo
    settings: object

    @property
    def progress_key(self) -> str:
        return f"{self.key}:progress"


@flow
class ExportFlow(CampaignStaffFlow):
    name, title = "staff_export", texts.EXPORT_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        return self.export(ctx, campaign)

    def export(self, ctx: Ctx, campaign: Campaign) -> Step:
        """Only the request, in the engine's transaction; the build runs after the commit."""
        req = ExportRequest(f"export:{ctx.inbound.channel}:{ctx.inbound.update_key}", ctx.inbound.channel,
                            ctx.inbound.chat_id, ctx.actor, campaign.id, campaign.title, ctx.now, ctx.tz,
                            ctx.settings)
        # Queued under our own stable key (not the engine's reply index) so that the job can edit it.
        ctx.notify(Outgoing(req.progress_key, req.channel, req.chat_id,
                            OutMessage(texts.EXPORT_PROGRESS_START.format(title=campaign.title)), kind="export"))
        ctx.audit("export_requested", f"campaign:{campaign.id}", key=req.key)
        ctx.after_commit(functools.partial(run_export, req))
        return done()


class _Tracker:
    """Progress shared between the worker thread and the job's coroutine."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop, self.changed = loop, asyncio.Event()
        self.done = self.total = 0
        self.cancelled = threading.Event()
        self._step = -1

    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    def update(self, done: int, total: int) -> None:   # in the worker thread
        if self.cancelled.is_set():
            raise asyncio.CancelledError()
        self.done, self.total = done, total
        step = self.percent() // PROGRESS_STEP
        if step != self._step:
            self._step = step
            self.loop.call_soon_threadsafe(self.changed.set)


@dataclass
class Built:
    plan: ExportPlan
    result: ExportResult
    zip_size: int
    xlsx_blob: file_store.Blob
    zip_blob: file_store.Blob


def _build(req: ExportRequest, work_dir: Path, tracker: "_Tracker") -> Built | None:
    """The heavy part, in a worker thread: its own read-only session, then disk only (no transaction, no lock).

    Progress counts two phases of about equal weight: the archive (source bytes read) and its copy into
    the content-addressed store (bytes copied), which on a cold disk takes as long."""
    plan = plan_export(exports_db.export_data(req.campaign_id), req.tz, req.requested_at)
    if plan is None:
        return None
    data_dir = Path(req.settings.thidua_data_dir)
    source = 0

    def archive_progress(done: int, total: int) -> None:
        nonlocal source
        source = total
        tracker.update(done, 2 * total)
    result = write_export(plan, data_dir, work_dir, req.tz, req.requested_at, archive_progress)
    zip_size = result.zip_size
    xlsx_blob = file_store.write_file(data_dir, result.xlsx_path)
    zip_blob = _copy_into_store(data_dir, result.zip_path,
                                lambda copied: tracker.update(source + copied * source // max(1, zip_size),
                                                              2 * source))
    return Built(plan, result, zip_size, xlsx_blob, zip_blob)


def _copy_into_store(data_dir: Path, path: Path, progress: Callable[[int], None]) -> file_store.Blob:
    """db.files.write_file, reporting the bytes copied so far."""
    copied = 0
    with file_store.BlobWriter(data_dir) as w, open(path, "rb") as fh:
        while chunk := fh.read(file_store.CHUNK):
            w.write(chunk)
            copied += len(chunk)
            progress(copied)
    return w.blob


async def _queue(items: list[Outgoing]) -> None:
    with session_scope() as session:
        enqueue_many(session, items)
    background.wake_outbox()


_running: set[int] = set()    # campaigns being exported by this process (all jobs run on one event loop)


async def run_export(req: ExportRequest) -> None:
    """The after-commit job. Never raises: a failure is told to the staff member in Vietnamese.

    One build per campaign at a time: a second /xuat of a campaign being exported (a double tap) is told to
    wait rather than doubling the disk and CPU the archive takes."""
    if req.campaign_id in _running:
        await _queue(_finish(req, texts.EXPORT_PROGRESS_BUSY, [], key="busy"))
        return
    _running.add(req.campaign_id)
    try:
        await _run_export(req)
    finally:
        _running.discard(req.campaign_id)


async def _run_export(req: ExportRequest) -> None:
    data_dir = Path(req.settings.thidua_data_dir)
    work_dir = data_dir / "tmp" / f"export-{uuid.uuid4().hex}"
    tracker = _Tracker(asyncio.get_running_loop())
    try:
        b = await _follow(req, tracker, asyncio.ensure_future(asyncio.to_thread(_build, req, work_dir, tracker)))
        if b is None:
            await _queue(_finish(req, texts.EXPORT_PROGRESS_FAILED, [OutMessage(texts.PROGRESS_GONE)]))
            return
        with session_scope() as session:   # short: rows and messages only, the bytes are already stored
            xlsx = file_store.add_blob(session, b.xlsx_blob, b.plan.xlsx_name, XLSX_MIME)
            archive = file_store.add_blob(session, b.zip_blob, b.plan.zip_name, ZIP_MIME)
            people.audit(session, req.actor, "export_created", f"campaign:{req.campaign_id}",
                         files=b.result.zipped, xlsx_bytes=b.xlsx_blob.size, zip_bytes=b.zip_size)
            enqueue_many(session, _finish(req, texts.EXPORT_PROGRESS_DONE, _result_messages(
                req, b.plan, b.result, xlsx.id, archive.id, b.zip_size)))
        background.wake_outbox()
    except asyncio.CancelledError:
        tracker.cancelled.set()      # the worker thread stops at its next chunk
        raise
    except Exception:
        log.exception("export %s failed", req.key)
        await _queue(_finish(req, texts.EXPORT_PROGRESS_FAILED,
                             [OutMessage(texts.EXPORT_FAILED.format(title=req.title))], key="failed"))
    finally:
        await asyncio.to_thread(shutil.rmtree, work_dir, True)


async def _follow(req: ExportRequest, tracker: _Tracker, task: asyncio.Future):
    """Wait for the worker, editing the progress message every PROGRESS_STEP % (at most every few seconds)."""
    loop = asyncio.get_running_loop()
    shown, shown_at = 0, loop.time()
    try:
        while not task.done():
            tracker.changed.clear()
            waiter = asyncio.ensure_future(tracker.changed.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            percent = tracker.percent() // PROGRESS_STEP * PROGRESS_STEP
            if task.done() or percent <= shown or percent >= 100 or loop.time() - shown_at < PROGRESS_MIN_INTERVAL_S:
                continue
            shown, shown_at = percent, loop.time()
            text = texts.EXPORT_PROGRESS.format(title=req.title, percent=percent)
            await _queue([Outgoing(f"{req.progress_key}:{percent}", req.channel, req.chat_id,
                                   OutMessage(text, edit_key=req.progress_key), kind="export")])
    except asyncio.CancelledError:
        tracker.cancelled.set()
        raise
    return await task


def _finish(req: ExportRequest, progress_text: str, messages: list[OutMessage], key: str = "done") -> list[Outgoing]:
    """The last edit of the progress message, then the messages themselves."""
    last = OutMessage(progress_text.format(title=req.title), edit_key=req.progress_key)
    return [Outgoing(f"{req.progress_key}:{key}", req.channel, req.chat_id, last, kind="export")] + [
        Outgoing(f"{req.key}:{key}:{i}", req.channel, req.chat_id, m, kind="export") for i, m in enumerate(messages)]


def _result_messages(req: ExportRequest, plan: ExportPlan, result: ExportResult, xlsx_id: int, zip_id: int,
                     zip_size: int) -> list[OutMessage]:
    data = plan.data
    xlsx = OutMessage(texts.EXPORT_XLSX_READY.format(title=data.title, milestones=len(data.milestones),
                                                     units=data.unit_count),
                      files=[OutFile(stored_file_id=xlsx_id, name=plan.xlsx_name)])
    if zip_size > CHAT_FILE_LIMIT:
        text = texts.EXPORT_ZIP_LINK.format(files=result.zipped, size=-(-zip_size // MB))
        archive = OutMessage(text, links=[Link(texts.EXPORT_ZIP_LINK_LABEL, download_link(req.settings, zip_id))])
    else:
        text = texts.EXPORT_ZIP_READY.format(files=result.zipped) if result.zipped else texts.EXPORT_ZIP_EMPTY
        archive = OutMessage(text, files=[OutFile(stored_file_id=zip_id, name=plan.zip_name)])
    if result.missing_on_disk:
        archive.text += "\n" + texts.EXPORT_ZIP_MISSING.format(n=result.missing_on_disk)
    return [xlsx, archive]


def download_link(settings, stored_file_id: int) -> str:
    """A signed link to a stored file, served by the bot's web server (bot/web.py, /tep/<token>)."""
    return file_url(settings.thidua_public_url, settings.signing_secret, stored_file_id)
