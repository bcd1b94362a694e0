"""/dscu's documents of a round: the list of nominations (.docx / .xlsx, Danh sách đề nghị…) and the tờ trình
draft that proposes the approved ones upward, in the office's letterhead (bot.documents builds them).

Also what `thidua document nominations|proposal` calls, so the chat and the CLI file the same documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from bot import texts
from bot.documents.letterhead import Letterhead
from bot.documents.nominations import ListRow, RoundInfo, build_list_docx, build_list_xlsx, build_proposal_docx
from db import export_facts, files, letterhead, nominations
from db.models import Milestone, NominationStatus
from handlers.io import OutFile, OutMessage

ExportRow = ListRow      # the name /dscu and its tests know the row by
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
APPROVED = (NominationStatus.accepted,)


@dataclass
class RoundDocument:
    name: str
    data: bytes
    mime: str
    count: int
    period: str


def build_round_document(session, m: Milestone, kind: str, stamp: str, fallback_office_id: int | None = None,
                         data_dir: Path | None = None) -> RoundDocument | None:
    """kind: "docx" | "xlsx" (the list of the active nominations) or "proposal" (tờ trình of the approved
    ones). None when the round has nobody to list. `stamp` (YYYYmmdd_HHMM) names the file. With `data_dir`,
    an office that keeps its own .docx template gets it instead of the built-in layout."""
    statuses = APPROVED if kind == "proposal" else nominations.ACTIVE
    facts = export_facts.round_facts(session, m.id, statuses, fallback_office_id)
    if facts is None or not facts.nominees:
        return None
    rows = [ListRow(n.name, n.position, n.unit, n.achievements, n.award_form, n.nominee_type) for n in facts.nominees]
    lh = Letterhead.of(facts.office)
    period = nominations.period_label(m)
    info = RoundInfo(period, facts.campaign_title, facts.campaign_doc, None)
    template = letterhead.template_bytes(session, data_dir, facts.office) if data_dir and kind != "xlsx" else None
    if kind == "proposal":
        data, mime, name = build_proposal_docx(lh, info, rows, template), DOCX_MIME, f"to_trinh_de_cu_{m.id}_{stamp}.docx"
    elif kind == "xlsx":
        data, mime, name = build_list_xlsx(lh, info, rows), XLSX_MIME, f"danh_sach_de_cu_{m.id}_{stamp}.xlsx"
    else:
        data, mime, name = build_list_docx(lh, info, rows, template), DOCX_MIME, f"danh_sach_de_cu_{m.id}_{stamp}.docx"
    return RoundDocument(name, data, mime, len(rows), period)


def export_message(ctx, m: Milestone | None, kind: str) -> OutMessage:
    """/dscu's buttons Xuất Excel, Xuất Word and Tờ trình: the file, stored and sent, and the export audited."""
    if m is None:
        return OutMessage(texts.NOMINATION_REVIEW_GONE)
    local_now = texts.local(ctx.now, ctx.tz)
    doc = build_round_document(ctx.session, m, kind, f"{local_now:%Y%m%d_%H%M}",
                               ctx.staff.office_id if ctx.staff else None, Path(ctx.settings.thidua_data_dir))
    if doc is None:
        period = nominations.period_label(m)
        return OutMessage(texts.OFFICE_DOC_PROPOSAL_EMPTY.format(period=period) if kind == "proposal"
                          else texts.NOMINATION_EXPORT_EMPTY)
    stored = files.store(ctx.session, ctx.settings.thidua_data_dir, doc.data, doc.name, doc.mime)
    ctx.audit("nominations_exported", f"milestone:{m.id}", format=kind, count=doc.count, file=stored.id)
    text = (texts.OFFICE_DOC_PROPOSAL_SENT.format(period=doc.period, count=doc.count) if kind == "proposal"
            else texts.NOMINATION_EXPORT_SENT.format(period=doc.period, count=doc.count, fmt=f".{kind}"))
    return OutMessage(text, files=[OutFile(stored.id, doc.name)])
