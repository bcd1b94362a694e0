"""/dscu's documents of a round: the list of nominations (.docx / .xlsx, Danh sách đề nghị…) and the tờ trình
draft that proposes the approved ones upward, in the office's letterhead (bot.documents builds them).

Also what `thidua document nominations|proposal` calls, so the chat and the CLI file the same documents. In
the chat the file is built after the commit in a worker thread (600 nominees take ~4 s), never in the step.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot import texts
from bot.documents.letterhead import Letterhead
from bot.documents.nominations import ListRow, RoundInfo, build_list_docx, build_list_xlsx, build_proposal_docx
from db import export_facts, files, letterhead, nominations, people
from db.engine import session_scope
from db.models import Milestone, NominationStatus
from handlers.built_files import ReplyTo, build_then_send
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


@dataclass
class RoundInputs:
    """What a round's document is built from, read in one session; building it needs no database."""
    milestone_id: int
    kind: str
    rows: list[ListRow]
    letterhead: Letterhead
    info: RoundInfo
    template: bytes | None


def round_inputs(session, m: Milestone, kind: str, fallback_office_id: int | None = None,
                 data_dir: Path | None = None) -> RoundInputs | None:
    statuses = APPROVED if kind == "proposal" else nominations.ACTIVE
    facts = export_facts.round_facts(session, m.id, statuses, fallback_office_id)
    if facts is None or not facts.nominees:
        return None
    rows = [ListRow(n.name, n.position, n.unit, n.achievements, n.award_form, n.nominee_type) for n in facts.nominees]
    info = RoundInfo(nominations.period_label(m), facts.campaign_title, facts.campaign_doc, None)
    template = letterhead.template_bytes(session, data_dir, facts.office) if data_dir and kind != "xlsx" else None
    return RoundInputs(m.id, kind, rows, Letterhead.of(facts.office), info, template)


def render_round(inputs: RoundInputs, stamp: str) -> RoundDocument:
    """CPU only (seconds for hundreds of nominees): off the event loop, outside any transaction."""
    lh, info, rows, template, mid = inputs.letterhead, inputs.info, inputs.rows, inputs.template, inputs.milestone_id
    if inputs.kind == "proposal":
        data, mime, name = build_proposal_docx(lh, info, rows, template), DOCX_MIME, f"to_trinh_de_cu_{mid}_{stamp}.docx"
    elif inputs.kind == "xlsx":
        data, mime, name = build_list_xlsx(lh, info, rows), XLSX_MIME, f"danh_sach_de_cu_{mid}_{stamp}.xlsx"
    else:
        data, mime, name = build_list_docx(lh, info, rows, template), DOCX_MIME, f"danh_sach_de_cu_{mid}_{stamp}.docx"
    return RoundDocument(name, data, mime, len(rows), info.period)


def build_round_document(session, m: Milestone, kind: str, stamp: str, fallback_office_id: int | None = None,
                         data_dir: Path | None = None) -> RoundDocument | None:
    """kind: "docx" | "xlsx" (the list of the active nominations) or "proposal" (tờ trình of the approved
    ones). None when the round has nobody to list. `stamp` (YYYYmmdd_HHMM) names the file. With `data_dir`,
    an office that keeps its own .docx template gets it instead of the built-in layout. (The CLI; the chat
    and the console use round_document_off_loop.)"""
    inputs = round_inputs(session, m, kind, fallback_office_id, data_dir)
    return render_round(inputs, stamp) if inputs is not None else None


def round_document_off_loop(milestone_id: int, kind: str, stamp: str, fallback_office_id: int | None,
                            data_dir: Path) -> RoundDocument | None:
    """For a worker thread: the facts in one short read, the session closed, then the document built."""
    with session_scope() as session:
        m = session.get(Milestone, milestone_id)
        inputs = round_inputs(session, m, kind, fallback_office_id, data_dir) if m else None
    return render_round(inputs, stamp) if inputs is not None else None


def round_document_blob(milestone_id: int, kind: str, stamp: str, fallback_office_id: int | None,
                        data_dir: Path) -> tuple[RoundDocument, files.Blob] | None:
    """In a worker thread: the round's facts in one short read, then the document (seconds for hundreds of
    nominees) built and written to the store with no transaction open."""
    doc = round_document_off_loop(milestone_id, kind, stamp, fallback_office_id, data_dir)
    if doc is None:
        return None
    return doc, files.Blob(files.write_bytes(data_dir, doc.data), len(doc.data))


def export_message(ctx, m: Milestone | None, kind: str) -> OutMessage:
    """/dscu's buttons Xuất Excel, Xuất Word and Tờ trình: only the request in the step; the file is built
    after the commit in a worker thread, then stored, audited and sent (handlers.built_files)."""
    if m is None:
        return OutMessage(texts.NOMINATION_REVIEW_GONE)
    stamp = f"{texts.local(ctx.now, ctx.tz):%Y%m%d_%H%M}"
    period = nominations.period_label(m)
    build = functools.partial(round_document_blob, m.id, kind, stamp, ctx.staff.office_id if ctx.staff else None,
                              Path(ctx.settings.thidua_data_dir))
    record = functools.partial(_sent_message, ctx.actor, m.id, kind, period)
    ctx.after_commit(functools.partial(build_then_send, ReplyTo.asker(ctx, "round-doc", "export"), build, record,
                                       texts.NOMINATION_EXPORT_FAILED.format(period=period)))
    return OutMessage(texts.NOMINATION_EXPORT_BUILDING.format(period=period))


def _sent_message(actor: str, milestone_id: int, kind: str, period: str, session,
                  built: tuple[RoundDocument, files.Blob] | None) -> OutMessage:
    if built is None:
        return OutMessage(texts.OFFICE_DOC_PROPOSAL_EMPTY.format(period=period) if kind == "proposal"
                          else texts.NOMINATION_EXPORT_EMPTY)
    doc, blob = built
    stored = files.add_blob(session, blob, doc.name, doc.mime)
    people.audit(session, actor, "nominations_exported", f"milestone:{milestone_id}", format=kind,
                 count=doc.count, file=stored.id)
    text = (texts.OFFICE_DOC_PROPOSAL_SENT.format(period=doc.period, count=doc.count) if kind == "proposal"
            else texts.NOMINATION_EXPORT_SENT.format(period=doc.period, count=doc.count, fmt=f".{kind}"))
    return OutMessage(text, files=[OutFile(stored.id, doc.name)])
