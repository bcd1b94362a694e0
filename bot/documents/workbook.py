"""The consolidated workbook of /xuat and `thidua export`, for printing as much as for sorting:

- Tổng hợp: the campaign, then per milestone its full title, due date, counts and the share handed in, a
  total line, and the same per cụm thi đua;
- one sheet per milestone (name shortened after a whole word, unique; the full title and the due date in
  its title block), one per nomination round (its nominations), and the units no message reaches.

Every table: bordered, Times New Roman, header frozen and repeated on each printed page, wrapped text with
row heights that fit it, dates as real dates shown DD/MM/YYYY, landscape A4 one page wide, page x/n in the
footer. The workbook is built in memory: a few cells per unit and milestone (300 schools × 10 milestones is
3 000 rows), small next to the archive, which is streamed.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import BinaryIO
from zoneinfo import ZoneInfo

from bot import texts
from bot.documents import sheets
from bot.documents.progress_report import by_cluster, tally
from db.export_facts import ExportData, ExportMilestone, ExportRow

MISSING = "missing"
SUMMARY_WIDTHS = [6, 44, 12, 10, 10, 10, 10, 10, 10, 12]
MILESTONE_WIDTHS = [6, 12, 40, 18, 14, 18, 8, 8, 40, 22]
ROUND_WIDTHS = [6, 12, 30, 14, 28, 22, 60, 26, 12, 12, 7, 16, 12]
UNREACHED_WIDTHS = [6, 12, 40, 16, 28, 16]


def local(dt_utc: datetime, tz: ZoneInfo) -> datetime:
    """Excel has no time zones: write the office's wall-clock time."""
    return dt_utc.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)


def write_workbook(fh: BinaryIO, data: ExportData, tz: ZoneInfo, now_utc: datetime) -> None:
    from openpyxl import Workbook
    from handlers.exports_build import SHEET_MAX, milestone_label, sheet_name, unique_names

    wb = Workbook()
    rounds = [m for m in data.milestones if m.is_round]
    names = unique_names([sheet_name(milestone_label(m)) for m in data.milestones]
                         + [sheet_name(texts.EXPORT_ROUND_SHEET.format(period=m.period_label or m.title)) for m in rounds],
                         SHEET_MAX, reserved=[texts.EXPORT_SUMMARY_SHEET, texts.EXPORT_UNREACHED_SHEET])
    summary = wb.active
    summary.title = texts.EXPORT_SUMMARY_SHEET
    _summary(summary, data, tz, now_utc, milestone_label)
    for m, name in zip(data.milestones, names):
        _milestone(wb.create_sheet(name), data, m, tz, milestone_label(m))
    for m, name in zip(rounds, names[len(data.milestones):]):
        _round(wb.create_sheet(name), data, m, tz, milestone_label(m))
    if data.unreached:
        _unreached(wb.create_sheet(texts.EXPORT_UNREACHED_SHEET), data)
    wb.save(fh)


def _summary(ws, data: ExportData, tz: ZoneInfo, now_utc: datetime, label) -> None:
    """Rows 1-4 the campaign; row 6 the header; one row per milestone; a total; then the same per cụm."""
    from openpyxl.styles import Font
    ncols = len(SUMMARY_WIDTHS)
    for r, text in enumerate([data.title, texts.EXPORT_SUMMARY_DOC.format(number=data.doc_number or ""),
                              texts.EXPORT_SUMMARY_UNITS.format(units=data.unit_count),
                              texts.EXPORT_SUMMARY_AT.format(at=texts.fmt_datetime(now_utc, tz))], start=1):
        ws.cell(row=r, column=1, value=text).font = Font(name=sheets.FONT, bold=r == 1, size=14 if r == 1 else 12)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    header = 6
    sheets.header_row(ws, header, texts.EXPORT_SUMMARY_HEADERS, SUMMARY_WIDTHS)
    r, total = header, tally([])
    for i, m in enumerate(data.milestones, start=1):
        t = tally(m.rows)
        total = total.add(t)
        r += 1
        sheets.value_row(ws, r, [i, label(m), local(m.due_at, tz).date(), t.rows, t.submitted, t.accepted,
                                 t.returned, t.missing, t.late, t.share], SUMMARY_WIDTHS, centred=(1, 3))
        ws.cell(row=r, column=10).number_format = sheets.PERCENT_FORMAT
    r += 1
    sheets.value_row(ws, r, [None, texts.REPORT_DOC_TOTAL, None, total.rows, total.submitted, total.accepted,
                             total.returned, total.missing, total.late, total.share], SUMMARY_WIDTHS, bold=True)
    ws.cell(row=r, column=10).number_format = sheets.PERCENT_FORMAT
    r += 2
    ws.cell(row=r, column=1, value=texts.EXPORT_CLUSTER_TITLE).font = Font(name=sheets.FONT, bold=True, size=12)
    r += 1
    sheets.header_row(ws, r, texts.EXPORT_CLUSTER_HEADERS, SUMMARY_WIDTHS)
    units, cluster_total = 0, tally([])
    for i, (name, count, t) in enumerate(by_cluster(data), start=1):
        units, cluster_total = units + count, cluster_total.add(t)
        r += 1
        sheets.value_row(ws, r, [i, name, count, t.rows, t.handed_in, t.missing, t.share], SUMMARY_WIDTHS)
        ws.cell(row=r, column=7).number_format = sheets.PERCENT_FORMAT
    r += 1
    sheets.value_row(ws, r, [None, texts.REPORT_DOC_TOTAL, units, cluster_total.rows, cluster_total.handed_in,
                             cluster_total.missing, cluster_total.share], SUMMARY_WIDTHS, bold=True)
    ws.cell(row=r, column=7).number_format = sheets.PERCENT_FORMAT
    sheets.finish(ws, SUMMARY_WIDTHS, header, r)


def _title(ws, data: ExportData, title: str, due: str | None, ncols: int) -> int:
    """The sheet's full title (its name may be shortened) and its due date; returns the header's row."""
    lines = [title, texts.EXPORT_SHEET_SUBTITLE.format(campaign=data.title, due=due) if due else data.title]
    return sheets.title_block(ws, lines, ncols) + 1


def _milestone(ws, data: ExportData, m: ExportMilestone, tz: ZoneInfo, label: str) -> None:
    from openpyxl.utils import get_column_letter
    header = _title(ws, data, label, texts.fmt_date(m.due_at, tz), len(MILESTONE_WIDTHS))
    sheets.header_row(ws, header, texts.EXPORT_HEADERS, MILESTONE_WIDTHS)
    for i, row in enumerate(m.rows, start=1):
        at = local(row.submitted_at, tz) if row.submitted_at else None
        sheets.value_row(ws, header + i, [
            i, row.code, row.name, row.cluster, texts.EXPORT_STATUS.get(row.status, row.status), at,
            texts.EXPORT_YES if row.late else None, row.files if row.status != MISSING else None, _note(row) or None,
            row.reviewer], MILESTONE_WIDTHS, centred=(1, 2, 7, 8))
        if at is not None:
            ws.cell(row=header + i, column=6).number_format = sheets.DATETIME_FORMAT
    last = header + len(m.rows)
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(MILESTONE_WIDTHS))}{last}"
    sheets.finish(ws, MILESTONE_WIDTHS, header, last)


def _round(ws, data: ExportData, m: ExportMilestone, tz: ZoneInfo, label: str) -> None:
    """The round's nominations one by one: the list a Hội đồng TĐKT works from."""
    from openpyxl.utils import get_column_letter
    header = _title(ws, data, texts.EXPORT_ROUND_SHEET.format(period=m.period_label or label),
                    texts.fmt_date(m.due_at, tz), len(ROUND_WIDTHS))
    sheets.header_row(ws, header, texts.EXPORT_ROUND_HEADERS, ROUND_WIDTHS)
    for i, n in enumerate(m.nominations, start=1):
        sheets.value_row(ws, header + i, [
            i, n.unit_code, n.unit_name, n.cluster, n.nominee_name, n.position, n.achievements, n.award_form,
            texts.EXPORT_STATUS.get(n.status, n.status), local(n.submitted_at, tz).date(),
            texts.EXPORT_YES if n.late else None, n.reference, texts.EXPORT_YES if n.forwarded else None],
            ROUND_WIDTHS, centred=(1, 2, 10, 11))
    last = header + len(m.nominations)
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(ROUND_WIDTHS))}{last}"
    sheets.finish(ws, ROUND_WIDTHS, header, last)


def _unreached(ws, data: ExportData) -> None:
    """The schools staff must phone: no bound contact that a message reaches."""
    header = _title(ws, data, texts.EXPORT_UNREACHED_SHEET, None, len(UNREACHED_WIDTHS))
    sheets.header_row(ws, header, texts.EXPORT_UNREACHED_HEADERS, UNREACHED_WIDTHS)
    for i, u in enumerate(data.unreached, start=1):
        sheets.value_row(ws, header + i, [i, u.code, u.name, u.cluster, u.liaison, u.phone], UNREACHED_WIDTHS,
                         centred=(1, 2))
    sheets.finish(ws, UNREACHED_WIDTHS, header, header + len(data.unreached))


def _note(r: ExportRow) -> str:
    parts = [r.note or ""]
    if r.status == "returned" and r.review_comment:
        parts.append(texts.EXPORT_RETURN_REASON.format(comment=r.review_comment))
    return "\n".join(p for p in parts if p)
