"""The console's export: /xuat's workbook and archive, built in the background with a progress bar, then
downloaded from the page; and the campaign's Báo cáo tiến độ (.docx), /baocao's own document.

The build is /xuat's own (handlers.export._build: a read-only session, then disk only, in a worker thread)
and so is its guard against building one campaign twice at once. A job lives in this process's memory (the
web server's process builds it); its files are stored like /xuat's and the export is audited.

The progress report is handlers.progress_report's (what /baocao and `thidua document progress` build), in the
office's letterhead or its own Word template. For 3,000 units it takes seconds of CPU, so it is built the
same way: its facts read in one short session in a worker thread, the document built and written to the store
after that session has closed, then the stored file's row and the audit in one more short transaction.
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
from db.models import Campaign, StoredFile
from handlers import background
from handlers import export as chat_export
from handlers import progress_report
from handlers.nomination_export import DOCX_MIME

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


@dataclass
class ReportJob:
    campaign_id: int
    staff_id: int
    state: str = "running"                       # running | done | failed
    file: tuple[int, str, int] | None = None     # (stored file id, name, bytes)


REPORTS: dict[tuple[int, int], ReportJob] = {}   # (staff id, campaign id) -> the latest progress report


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


async def _build_report(job: ReportJob, campaign: Campaign, office_id: int | None, data_dir: Path, tz, now) -> None:
    try:
        built = await asyncio.to_thread(progress_report.report_blob, campaign.id, office_id, data_dir, tz, now)
        if built is None:
            job.state = "failed"
            return
        name, blob = built
        with session_scope() as s:   # short: the row only, the bytes are already in the store
            stored = file_store.add_blob(s, blob, name, DOCX_MIME)
            people.audit(s, f"staff:{job.staff_id}", "progress_report_created", f"campaign:{job.campaign_id}",
                         file=stored.id, via="console")
            job.file = (stored.id, name, blob.size)
        job.state = "done"
    except Exception:
        log.exception("console progress report of campaign %s failed", job.campaign_id)
        job.state = "failed"


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
            report = REPORTS.get((staff.id, campaign.id))
            busy = request.query_params.get("ban") == "1"
            running = any(j is not None and j.state == "running" for j in (job, report))
            return render("exports", title=texts.CONSOLE_EXPORT_TITLE.format(title=campaign.title),
                          campaign=campaign, job=job, report=report, busy=busy,
                          refresh=REFRESH_S if running else None,
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

    async def report(self, request: Request):
        """Build the campaign's Báo cáo tiến độ in the background, one at a time per staff member and campaign."""
        checked = await self.console._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        now = utcnow()
        with session_scope() as s:
            staff, campaign = self._campaign(s, info, request)
            if campaign is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            back = f"/console/campaigns/{campaign.id}/exports"
            key = (staff.id, campaign.id)
            if key in REPORTS and REPORTS[key].state == "running":
                return see_other(back)
            people.audit(s, f"staff:{staff.id}", "progress_report_requested", f"campaign:{campaign.id}",
                         via="console")
            office_id = staff.office_id
        job = REPORTS[key] = ReportJob(campaign.id, staff.id)
        background.spawn(lambda: _build_report(job, campaign, office_id, self.cfg.data_dir, self.cfg.tz, now),
                         name=f"console-report:{campaign.id}")
        return see_other(back)

    async def file(self, request: Request):
        fid = as_id(request.path_params["file_id"])

        def find(s, staff):
            key = (staff.id, as_id(request.path_params["campaign_id"]))
            job, report = JOBS.get(key), REPORTS.get(key)
            ours = [f[0] for f in job.files] if job else []
            if report is not None and report.file is not None:
                ours.append(report.file[0])
            if fid not in ours or scope.campaign_for_staff(s, staff, key[1]) is None:
                return None
            return s.get(StoredFile, fid)
        return await self.console._send_file(request, find)

    def routes(self) -> list[Route]:
        return [
            Route("/console/campaigns/{campaign_id}/exports", self.page, methods=["GET"]),
            Route("/console/campaigns/{campaign_id}/exports", self.start, methods=["POST"]),
            Route("/console/campaigns/{campaign_id}/exports/report", self.report, methods=["POST"]),
            Route("/console/campaigns/{campaign_id}/exports/files/{file_id}", self.file, methods=["GET"]),
        ]
