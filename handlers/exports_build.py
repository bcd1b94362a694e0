"""Pure builders: bytes of the progress chart (PNG), the workbook (.xlsx) and the archive (.zip).

No database and no disk here: callers pass plain rows (db.progress.ExportData) and file bytes, so the same
builders serve the chat (/xuat, /tiendo) and the CLI, and are tested on their own.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot import texts
from db.progress import MISSING, ExportData, ExportMilestone, ExportRow

SHEET_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_PATH_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
CHART_ORDER = ("accepted", "submitted", "returned", MISSING)
CHART_COLOURS = {"accepted": "#2e7d32", "submitted": "#1976d2", "returned": "#f57c00", MISSING: "#bdbdbd"}


def _local(dt_utc: datetime, tz: ZoneInfo) -> datetime:
    """Excel has no time zones: write the office's wall-clock time."""
    return dt_utc.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)


def milestone_label(m: ExportMilestone) -> str:
    if m.period_label and m.period_label not in m.title:
        return f"{m.title} {m.period_label}"
    return m.title


# ------------------------------------------------------------------------------------------- names

def unique_names(names: Iterable[str], limit: int | None = None, reserved: Iterable[str] = ()) -> list[str]:
    """Make names unique (case-insensitively, as Excel and Windows compare) by adding " (2)", " (3)"..."""
    taken = {r.casefold() for r in reserved}
    out = []
    for name in names:
        candidate, n = (name[:limit] if limit else name), 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = (name[:limit - len(suffix)] if limit else name) + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def sheet_name(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows 31 characters."""
    cleaned = re.sub(r"\s+", " ", _SHEET_BAD.sub(" ", title)).strip().strip("'")
    return cleaned[:SHEET_MAX].strip() or texts.EXPORT_SHEET_FALLBACK


def safe_part(name: str, fallback: str = "tep") -> str:
    """One path component: no separators or characters Windows refuses; Vietnamese letters kept (NFC)."""
    cleaned = _PATH_BAD.sub("_", unicodedata.normalize("NFC", name))
    cleaned = re.sub(r"\s+", " ", cleaned).strip().strip(".")
    return cleaned[:120] or fallback


def _split_ext(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    return (stem, f".{ext}") if dot and stem else (name, "")


def unique_file_names(names: Iterable[str]) -> list[str]:
    """bc.pdf, bc.pdf -> bc.pdf, bc (2).pdf (the extension stays last so the file still opens)."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, ext = _split_ext(name)
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem} ({n}){ext}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


# ------------------------------------------------------------------------------------------- chart

@dataclass
class ChartBar:
    label: str
    counts: dict[str, int]     # status -> number of units


def build_chart(bars: list[ChartBar], title: str) -> bytes:
    """One stacked bar per milestone. Figure + Agg canvas directly: no pyplot global state, thread-safe."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(min(18.0, max(6.0, 1.4 * len(bars) + 3)), 4.8), dpi=100)  # Telegram caps photo sizes
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = list(range(len(bars)))
    bottoms = [0] * len(bars)
    for status in CHART_ORDER:
        values = [b.counts.get(status, 0) for b in bars]
        ax.bar(xs, values, bottom=bottoms, color=CHART_COLOURS[status], label=texts.EXPORT_STATUS[status])
        bottoms = [b + v for b, v in zip(bottoms, values)]
    ax.set_xticks(xs, [_wrap(b.label) for b in bars], fontsize=8)
    ax.set_ylabel(texts.PROGRESS_CHART_YLABEL)
    ax.set_title(_wrap(title, 60))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _wrap(text: str, width: int = 16) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines[:3])


# ------------------------------------------------------------------------------------------- workbook

def counts_of(rows: list[ExportRow]) -> dict[str, int]:
    out = {s: 0 for s in CHART_ORDER}
    for r in rows:
        out[r.status] = out.get(r.status, 0) + 1
    out["late"] = sum(1 for r in rows if r.late)
    return out


def build_xlsx(data: ExportData, tz: ZoneInfo, now_utc: datetime) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = texts.EXPORT_SUMMARY_SHEET
    names = unique_names([sheet_name(milestone_label(m)) for m in data.milestones], SHEET_MAX,
                         reserved=[texts.EXPORT_SUMMARY_SHEET])
    _write_summary(summary, data, names, tz, now_utc)
    for m, name in zip(data.milestones, names):
        _write_milestone(wb.create_sheet(name), m, tz)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_summary(ws, data: ExportData, names: list[str], tz: ZoneInfo, now_utc: datetime) -> None:
    from openpyxl.styles import Font

    ws.append([data.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([texts.EXPORT_SUMMARY_DOC.format(number=data.doc_number or "")])
    ws.append([texts.EXPORT_SUMMARY_UNITS.format(units=data.unit_count)])
    ws.append([texts.EXPORT_SUMMARY_AT.format(at=texts.fmt_datetime(now_utc, tz))])
    ws.append([])
    ws.append(texts.EXPORT_SUMMARY_HEADERS)
    _bold_row(ws, ws.max_row)
    for i, (m, name) in enumerate(zip(data.milestones, names), start=1):
        c = counts_of(m.rows)
        ws.append([i, name, _local(m.due_at, tz).date(), len(m.rows), c["submitted"], c["accepted"],
                   c["returned"], c[MISSING], c["late"]])
        ws.cell(ws.max_row, 3).number_format = "DD/MM/YYYY"
    _widths(ws, [6, 40, 12, 10, 10, 10, 10, 10, 10])


def _write_milestone(ws, m: ExportMilestone, tz: ZoneInfo) -> None:
    ws.append(texts.EXPORT_HEADERS)
    _bold_row(ws, 1)
    ws.freeze_panes = "A2"
    for i, r in enumerate(m.rows, start=1):
        ws.append([i, r.code, r.name, r.cluster or "", texts.EXPORT_STATUS.get(r.status, r.status),
                   _local(r.submitted_at, tz) if r.submitted_at else None,
                   texts.EXPORT_LATE_YES if r.late else "", r.files if r.status != MISSING else None,
                   _note(r), r.reviewer or ""])
        ws.cell(ws.max_row, 6).number_format = "DD/MM/YYYY HH:MM"
    ws.auto_filter.ref = ws.dimensions
    _widths(ws, [6, 12, 40, 14, 14, 18, 8, 8, 40, 22])


def _note(r: ExportRow) -> str:
    parts = [r.note or ""]
    if r.status == "returned" and r.review_comment:
        parts.append(texts.EXPORT_RETURN_REASON.format(comment=r.review_comment))
    return "\n".join(p for p in parts if p)


def _bold_row(ws, row: int) -> None:
    from openpyxl.styles import Font
    for cell in ws[row]:
        cell.font = Font(bold=True)


def _widths(ws, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


# ------------------------------------------------------------------------------------------- archive

@dataclass
class ZipEntry:
    unit_code: str
    unit_name: str
    milestone: str
    file_name: str
    data: bytes


def zip_paths(entries: list[ZipEntry]) -> list[str]:
    """`<mã>_<tên>/<mốc>/<tên tệp>`, sanitised, with equal names in one folder told apart."""
    folders = [f"{safe_part(f'{e.unit_code}_{e.unit_name}')}/{safe_part(e.milestone, 'moc')}" for e in entries]
    by_folder: dict[str, list[int]] = {}
    for i, folder in enumerate(folders):
        by_folder.setdefault(folder.casefold(), []).append(i)
    paths = [""] * len(entries)
    for indexes in by_folder.values():
        names = unique_file_names(safe_part(entries[i].file_name) for i in indexes)
        for i, name in zip(indexes, names):
            paths[i] = f"{folders[i]}/{name}"
    return paths


def build_zip(entries: list[ZipEntry]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for entry, path in zip(entries, zip_paths(entries)):
            zf.writestr(path, entry.data)   # zipfile marks non-ASCII names as UTF-8 (flag 0x800)
    return buf.getvalue()
