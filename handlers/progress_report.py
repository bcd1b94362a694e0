"""/baocao (staff): the campaign's Báo cáo tiến độ as a .docx in the office's letterhead (bot.documents), the
same counts /tiendo and /xuat give. `thidua document progress` builds the same file (report_document)."""
from __future__ import annotations

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


def report_document(session, campaign: Campaign, tz: ZoneInfo, now: datetime, fallback_office_id: int | None = None,
                    data_dir: Path | None = None) -> tuple[str, bytes] | None:
    """(file name, bytes) of the report, or None when the campaign is gone. With `data_dir`, in the office's
    own .docx template when it keeps one."""
    data = export_facts.export_data(session, campaign.id)
    if data is None:
        return None
    office = export_facts.office_for(session, campaign, fallback_office_id)
    template = letterhead.template_bytes(session, data_dir, office) if data_dir else None
    name = f"bao_cao_tien_do_{campaign.id}_{texts.local(now, tz):%Y%m%d_%H%M}.docx"
    return name, build_progress_docx(Letterhead.of(office), data, tz, now, template)


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
