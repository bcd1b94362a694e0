"""/baocao (staff): the campaign's Báo cáo tiến độ as a .docx in the office's letterhead (bot.documents), the
same counts /tiendo and /xuat give, built after the commit in a worker thread (seconds for thousands of units:
never in a step's transaction). `thidua document progress` and the console's exports page build the same file
(report_document, report_blob, or its two halves report_inputs and render_report)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.documents.letterhead import Letterhead
from bot.documents.progress_report import build_progress_docx
from db import export_facts, files, letterhead, people
from db.engine import session_scope
from db.models import Campaign
from handlers.built_files import ReplyTo, build_then_send
from handlers.engine import STAFF, Ctx, Step, command, done, flow
from handlers.io import OutFile, OutMessage
from handlers.nomination_export import DOCX_MIME
from handlers.progress import CampaignStaffFlow


@dataclass
class ReportInputs:
    """What the report is built from, read in one session; building it afterwards needs no database."""
    campaign_id: int
    data: export_facts.ExportData
    letterhead: Letterhead
    template: bytes | None


def report_inputs(session, campaign: Campaign, fallback_office_id: int | None = None,
                  data_dir: Path | None = None) -> ReportInputs | None:
    """The report's facts, letterhead and (with `data_dir`) the office's own .docx template when it keeps one;
    None when the campaign is gone."""
    data = export_facts.export_data(session, campaign.id)
    if data is None:
        return None
    office = export_facts.office_for(session, campaign, fallback_office_id)
    template = letterhead.template_bytes(session, data_dir, office) if data_dir else None
    return ReportInputs(campaign.id, data, Letterhead.of(office), template)


def render_report(inputs: ReportInputs, tz: ZoneInfo, now: datetime) -> tuple[str, bytes]:
    """(file name, bytes): CPU only, so a large campaign can be built off the event loop, outside a transaction."""
    name = f"bao_cao_tien_do_{inputs.campaign_id}_{texts.local(now, tz):%Y%m%d_%H%M}.docx"
    return name, build_progress_docx(inputs.letterhead, inputs.data, tz, now, inputs.template)


def report_document(session, campaign: Campaign, tz: ZoneInfo, now: datetime, fallback_office_id: int | None = None,
                    data_dir: Path | None = None) -> tuple[str, bytes] | None:
    """(file name, bytes) of the report, or None when the campaign is gone. With `data_dir`, in the office's
    own .docx template when it keeps one. The console calls its two halves on either side of its session."""
    inputs = report_inputs(session, campaign, fallback_office_id, data_dir)
    return render_report(inputs, tz, now) if inputs is not None else None


def report_blob(campaign_id: int, fallback_office_id: int | None, data_dir: Path, tz: ZoneInfo,
                now: datetime) -> tuple[str, files.Blob] | None:
    """In a worker thread: the facts in one short read, then the document built and written to the store
    with no transaction open. None when the campaign is gone. /baocao and the console both build it so."""
    with session_scope() as session:
        campaign = session.get(Campaign, campaign_id)
        inputs = report_inputs(session, campaign, fallback_office_id, data_dir) if campaign else None
    if inputs is None:
        return None
    name, content = render_report(inputs, tz, now)
    return name, files.Blob(files.write_bytes(data_dir, content), len(content))


@command("baocao", audience=STAFF, starts_flow=True)
async def baocao(ctx: Ctx):
    return await ctx.start_flow(ProgressReportFlow.name)


@flow
class ProgressReportFlow(CampaignStaffFlow):
    name, title = "progress_report", texts.REPORT_DOC_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        """Only the request here: a report of thousands of units takes seconds to build, after the commit."""
        build = functools.partial(report_blob, campaign.id, ctx.staff.office_id, Path(ctx.settings.thidua_data_dir),
                                  ctx.tz, ctx.now)
        record = functools.partial(_sent_message, ctx.actor, campaign.id, campaign.title)
        ctx.audit("progress_report_requested", f"campaign:{campaign.id}")
        ctx.after_commit(functools.partial(build_then_send, ReplyTo.asker(ctx, "report", "report"), build, record,
                                           texts.REPORT_DOC_FAILED.format(title=campaign.title)))
        return done(texts.REPORT_DOC_BUILDING.format(title=campaign.title))


def _sent_message(actor: str, campaign_id: int, title: str, session, built: tuple[str, files.Blob] | None
                  ) -> OutMessage:
    if built is None:
        return OutMessage(texts.PROGRESS_GONE)
    name, blob = built
    stored = files.add_blob(session, blob, name, DOCX_MIME)
    people.audit(session, actor, "progress_report_created", f"campaign:{campaign_id}", file=stored.id)
    return OutMessage(texts.REPORT_DOC_SENT.format(title=title), files=[OutFile(stored.id, name)])
