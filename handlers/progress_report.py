"""/baocao (staff): the campaign's Báo cáo tiến độ as a .docx in the office's letterhead (bot.documents), the
same counts /tiendo and /xuat give. `thidua document progress` and the console's exports page build the same
file (report_document, or its two halves report_inputs and render_report)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.documents.letterhead import Letterhead
from bot.documents.progress_report import build_progress_docx
from db import export_facts, files, letterhead
from db.models import Campaign
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


@command("baocao", audience=STAFF, starts_flow=True)
async def baocao(ctx: Ctx):
    return await ctx.start_flow(ProgressReportFlow.name)


@flow
class ProgressReportFlow(CampaignStaffFlow):
    name, title = "progress_report", texts.REPORT_DOC_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        built = report_document(ctx.session, campaign, ctx.tz, ctx.now, ctx.staff.office_id,
                                Path(ctx.settings.thidua_data_dir))
        if built is None:
            return done(texts.PROGRESS_GONE)
        name, content = built
        stored = files.store(ctx.session, ctx.settings.thidua_data_dir, content, name, DOCX_MIME)
        ctx.audit("progress_report_created", f"campaign:{campaign.id}", file=stored.id)
        return done(OutMessage(texts.REPORT_DOC_SENT.format(title=campaign.title), files=[OutFile(stored.id, name)]))
