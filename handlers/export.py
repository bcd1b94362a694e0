"""/xuat: the campaign's summary workbook (.xlsx) and an archive (.zip) of the latest submitted files.

build_export() is shared with the CLI (`thidua export`); the chat stores both files and sends them as
documents through the outbox like any other reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import texts
from db import files as file_store
from db import progress as progress_db
from db.models import Campaign
from handlers.engine import STAFF, Ctx, Step, command, done, flow
from handlers.exports_build import ZipEntry, build_xlsx, build_zip, milestone_label, unique_names
from handlers.io import OutFile, OutMessage
from handlers.progress import CampaignStaffFlow

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHAT_FILE_LIMIT = 49 * 1024 * 1024     # Telegram bots may send documents up to 50 MB


@dataclass
class ExportFiles:
    title: str
    milestones: int
    units: int
    xlsx_name: str
    xlsx: bytes
    zip_name: str
    zip: bytes
    zipped: int              # files in the archive
    missing_on_disk: int     # stored rows whose bytes are gone


def build_export(session: Session, campaign_id: int, data_dir: Path, tz: ZoneInfo, now: datetime
                 ) -> ExportFiles | None:
    data = progress_db.export_data(session, campaign_id)
    if data is None:
        return None
    labels = unique_names(milestone_label(m) for m in data.milestones)
    entries, missing = [], 0
    for m, label in zip(data.milestones, labels):
        for f in m.files:
            path = file_store.path_for(data_dir, f.sha256)
            if not path.exists():
                missing += 1
                continue
            entries.append(ZipEntry(f.unit_code, f.unit_name, label, f.original_name, path.read_bytes()))
    stamp = texts.local(now, tz).strftime("%Y%m%d_%H%M")
    return ExportFiles(
        title=data.title, milestones=len(data.milestones),
        units=data.unit_count,
        xlsx_name=f"tong_hop_chien_dich_{campaign_id}_{stamp}.xlsx", xlsx=build_xlsx(data, tz, now),
        zip_name=f"bai_nop_chien_dich_{campaign_id}_{stamp}.zip", zip=build_zip(entries),
        zipped=len(entries), missing_on_disk=missing)


class S(StrEnum):
    campaign = "campaign"


@command("xuat", audience=STAFF, starts_flow=True)
async def xuat(ctx: Ctx):
    return await ctx.start_flow(ExportFlow.name)


@flow
class ExportFlow(CampaignStaffFlow):
    name, title = "staff_export", texts.EXPORT_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        return self.export(ctx, campaign)

    def export(self, ctx: Ctx, campaign: Campaign) -> Step:
        # Built in the handler's transaction: fine for an office's few hundred units; the CLI covers huge ones.
        out = build_export(ctx.session, campaign.id, ctx.settings.thidua_data_dir, ctx.tz, ctx.now)
        replies = [self.attach(ctx, texts.EXPORT_XLSX_READY.format(title=campaign.title, milestones=out.milestones,
                                                                     units=out.units), out.xlsx_name, out.xlsx, XLSX_MIME)]
        if len(out.zip) > CHAT_FILE_LIMIT:
            replies.append(OutMessage(texts.EXPORT_ZIP_TOO_BIG.format(size=len(out.zip) // (1024 * 1024),
                                                                      campaign_id=campaign.id)))
        else:
            text = texts.EXPORT_ZIP_READY.format(files=out.zipped) if out.zipped else texts.EXPORT_ZIP_EMPTY
            if out.missing_on_disk:
                text += "\n" + texts.EXPORT_ZIP_MISSING.format(n=out.missing_on_disk)
            replies.append(self.attach(ctx, text, out.zip_name, out.zip, "application/zip"))
        ctx.audit("export_created", f"campaign:{campaign.id}", files=out.zipped, xlsx_bytes=len(out.xlsx),
                  zip_bytes=len(out.zip))
        return done(*replies)

    @staticmethod
    def attach(ctx: Ctx, text: str, name: str, data: bytes, mime: str) -> OutMessage:
        stored = file_store.store(ctx.session, ctx.settings.thidua_data_dir, data, name, mime)
        return OutMessage(text, files=[OutFile(stored_file_id=stored.id, name=name)])
