"""The console's export: /xuat's workbook and archive, built in the background with a progress bar, then
downloaded from the page.

The build is /xuat's own (handlers.export._build: a read-only session, then disk only, in a worker thread)
and so is its guard against building one campaign twice at once. A job lives in this process's memory (the
web server's process builds it); its files are stored like /xuat's and the export is audited.
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import texts
from bot.console.pages import as_id, message, render, see_other
from db import console as console_db
from db import files as file_store
from db import people, scope
from db.clock import utcnow
from db.engine import session_scope
from db.models import StoredFile
from handlers import background
from handlers import export as chat_export

log = logging.getLogger(__name__)
REFRESH_S = 2


@dataclass
class Job:
    campaign_id: int
    staff_id: int
    tracker: chat_export._Tracker
    state: str = "running"                       # running | done | failed
    files: list[tuple[int, str, int]] = field(default_factory=list)   # (stored file id, name, bytes)
    zipped: int = 0

    @property
    def percent(self) -> int:
        return self.tracker.percent()


JOBS: dict[tuple[int, int], Job] = {}          # (staff id, campaign id) -> the latest job


async def _build(job: Job, req: chat_export.ExportRequest) -> None:
    work_dir = Path(req.settings.thidua_data_dir) / "tmp" / f"console-export-{uuid.uuid4().hex}"
    try:
        built = await asyncio.to_thread(chat_export._build, req, work_dir, job.tracker)
        if built is None:
            job.state = "failed"
            return
        with session_scope() as s:   # short: rows only, the bytes are already in the store
            xlsx = file_store.add_blob(s, built.xlsx_blob, built.plan.xlsx_name, chat_export.XLSX_MIME)
            archive = file_store.add_blob(s, built.zip_blob, built.plan.zip_name, chat_export.ZIP_MIME)
            people.audit(s, req.actor, "export_created", f"campaign:{req.campaign_id}", files=built.result.zipped,
                         xlsx_bytes=built.xlsx_blob.size, zip_bytes=built.zip_size, via="console")
            job.files = [(xlsx.id, xlsx.original_name, xlsx.size), (archive.id, archive.original_name, archive.size)]
        job.zipped, job.state = built.result.zipped, "done"
    except Exception:
        log.exception("console export of campaign %s failed", req.campaign_id)
        job.state = "failed"
    finally:
        chat_export._running.discard(req.campaign_id)
        await asyncio.to_thread(shutil.rmtree, work_dir, True)


class Exports:
    def __init__(self, console):
        self.console = console
        self.cfg = console.cfg

    def _campaign(self, s, info, request):
        staff = console_db.active_staff(s, info.staff_id)
        campaign = scope.campaign_for_staff(s, staff, as_id(request.path_params["campaign_id"]),
                                            statuses=("launched", "closed")) if staff else None
        return staff, campaign

    async def page(self, request: Request):
        checked = await self.console._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff, campaign = self._campaign(s, info, request)
            if campaign is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            job = JOBS.get((staff.id, campaign.id))
            busy = request.query_params.get("ban") == "1"
            return render("exports", title=texts.CONSOLE_EXPORT_TITLE.format(title=campaign.title),
                          campaign=campaign, job=job, busy=busy,
                          refresh=REFRESH_S if job is not None and job.state == "running" else None,
                          **self.console._context(staff, info))

    async def start(self, request: Request):
        checked = await self.console._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff, campaign = self._campaign(s, info, request)
            if campaign is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            back = f"/console/campaigns/{campaign.id}/exports"
            if campaign.id in chat_export._running:      # /xuat or a colleague is building it right now
                return see_other(back + "?ban=1")
            people.audit(s, f"staff:{staff.id}", "export_requested", f"campaign:{campaign.id}", via="console")
            req = chat_export.ExportRequest(f"console-export:{uuid.uuid4().hex}", "console", "", f"staff:{staff.id}",
                                            campaign.id, campaign.title, utcnow(), self.cfg.tz, self.cfg.settings)
            job = Job(campaign.id, staff.id, chat_export._Tracker(asyncio.get_running_loop()))
        chat_export._running.add(campaign.id)
        JOBS[(staff.id, campaign.id)] = job
        background.spawn(lambda: _build(job, req), name=f"console-export:{campaign.id}")
        return see_other(back)

    async def file(self, request: Request):
        fid = as_id(request.path_params["file_id"])

        def find(s, staff):
            job = JOBS.get((staff.id, as_id(request.path_params["campaign_id"])))
            if job is None or fid not in [f[0] for f in job.files] or \
                    scope.campaign_for_staff(s, staff, job.campaign_id) is None:
                return None
            return s.get(StoredFile, fid)
        return await self.console._send_file(request, find)

    def routes(self) -> list[Route]:
        return [
            Route("/console/campaigns/{campaign_id}/exports", self.page, methods=["GET"]),
            Route("/console/campaigns/{campaign_id}/exports", self.start, methods=["POST"]),
            Route("/console/campaigns/{campaign_id}/exports/files/{file_id}", self.file, methods=["GET"]),
        ]
