"""Pure builders: the progress chart (PNG), the workbook (.xlsx, laid out in bot.documents.workbook), the archive
(.zip) and safe file names.

No database here: callers pass plain rows (db.progress.ExportData) and, for the archive, a way to open each
member's chunks, so the same builders serve the chat (/xuat, /tiendo) and the CLI, and are tested on their
own. The archive is written into a file object as it goes (one zip member at a time, chunk by chunk): memory
stays flat whatever its size.
"""
from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from bot import texts
from db.export_facts import ExportData, ExportMilestone, ExportRow
from db.standing import MISSING

SHEET_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_PATH_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
CHART_ORDER = ("accepted", "submitted", "returned", MISSING)
CHART_COLOURS = {"accepted": "#2e7d32", "submitted": "#1976d2", "returned": "#f57c00", MISSING: "#bdbdbd"}


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
    """Excel forbids []:*?/\\ in sheet names and allows 31 characters: a longer title is cut after a whole
    word (the sheet itself carries the full title), unless its first word alone is too long."""
    cleaned = re.sub(r"\s+", " ", _SHEET_BAD.sub(" ", title)).strip().strip("'")
    if len(cleaned) > SHEET_MAX:
        cut = cleaned[:SHEET_MAX + 1].rsplit(" ", 1)[0]
        cleaned = cut if cut and len(cut) <= SHEET_MAX else cleaned[:SHEET_MAX]
    return cleaned.strip() or texts.EXPORT_SHEET_FALLBACK


# Windows refuses these as a name's part before the first dot, whatever follows (CON.pdf, com1.tar.gz).
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{p}{i}" for p in ("COM", "LPT")
                                                                for i in (*"123456789", "¹", "²", "³")}
_EXT = re.compile(r"\.[A-Za-z0-9]{1,10}")
NAME_MAX_CHARS = 120          # one file name in the archive
NAME_MAX_BYTES = 200          # UTF-8: ext4 and most tools allow 255 bytes per component; Vietnamese is 2-3 a letter
FOLDER_MAX_CHARS = 60         # unit and milestone folders: the whole path stays under Windows' 260


def _clean_chars(name: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", name):
        if ch.isspace():                                # tabs, new lines, no-break and ideographic spaces
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Cn", "Co"):    # control, format (bidi overrides U+202E, zero-width), ...
            continue
        out.append(ch)
    return _PATH_BAD.sub("_", "".join(out))


def _cut(text: str, max_chars: int, max_bytes: int) -> str:
    """At most max_chars characters and max_bytes UTF-8 bytes, cut between characters (never inside a
    letter and its combining marks), then without the spaces and dots Windows drops from a name's end."""
    text = text[:max(0, max_chars)]
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    while text and unicodedata.combining(text[-1]):
        text = text[:-1]
    return text.rstrip(" .")


def safe_file_name(name: str, fallback: str = "tep", *, suffix: str = "", keep_ext: bool = True,
                   max_chars: int = NAME_MAX_CHARS, max_bytes: int = NAME_MAX_BYTES) -> str:
    """One path component that opens on Windows, macOS and Linux and in zip tools, the extension kept.

    No control or bidi characters (a U+202E would show "cod.pdf" as "fdp.doc"), no path separators or
    characters Windows refuses, no leading dots (hidden) or trailing dots/spaces, no reserved device names
    (CON.pdf -> _CON.pdf); cut to max_chars characters / max_bytes UTF-8 bytes *before* the extension;
    an empty stem ("....pdf") becomes `fallback` ("tep.pdf"). `suffix` (" (2)") goes before the extension.
    """
    cleaned = re.sub(r"\s+", " ", _clean_chars(name)).strip()
    ext = ""
    if keep_ext:
        dot = cleaned.rfind(".")
        if dot >= 0 and _EXT.fullmatch(cleaned[dot:]):
            cleaned, ext = cleaned[:dot], cleaned[dot:]
    stem = cleaned.strip(" .") or fallback
    tail = suffix + ext
    stem = _cut(stem, max_chars - len(tail), max_bytes - len(tail.encode("utf-8"))) or fallback[:8]
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    return stem + tail


def safe_part(name: str, fallback: str = "tep") -> str:
    """A folder name in the archive (unit, milestone): safe_file_name without an extension, shorter."""
    return safe_file_name(name, fallback, keep_ext=False, max_chars=FOLDER_MAX_CHARS)


def unique_file_names(names: Iterable[str], fallback: str = "tep", **limits) -> list[str]:
    """Safe names, told apart case-insensitively as Windows and macOS compare them:
    bc.pdf, BC.pdf -> bc.pdf, BC (2).pdf (the extension stays last so the file still opens)."""
    taken: set[str] = set()
    out = []
    for name in names:
        candidate, n = safe_file_name(name, fallback, **limits), 1
        while candidate.casefold() in taken:
            n += 1
            candidate = safe_file_name(name, fallback, suffix=f" ({n})", **limits)
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


def write_xlsx(fh: BinaryIO, data: ExportData, tz: ZoneInfo, now_utc: datetime) -> None:
    """The printable workbook (bot.documents.workbook: title blocks, borders, totals per milestone and cụm)."""
    from bot.documents.workbook import write_workbook
    write_workbook(fh, data, tz, now_utc)


def build_xlsx(data: ExportData, tz: ZoneInfo, now_utc: datetime) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, data, tz, now_utc)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- archive

# Already compressed: deflating them costs CPU and gains nothing, so they are STORED.
STORED_EXTS = frozenset({
    "pdf", "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "tif", "tiff",
    "docx", "xlsx", "pptx", "docm", "xlsm", "odt", "ods", "odp", "epub",
    "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "zst",
    "mp3", "m4a", "aac", "ogg", "opus", "mp4", "m4v", "mov", "mkv", "webm", "avi",
})
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)       # the earliest time a zip member can carry


@dataclass
class ZipEntry:
    unit_code: str
    unit_name: str
    milestone: str
    file_name: str
    chunks: Callable[[], Iterator[bytes]]     # opened when the member is written (FileNotFoundError: skipped)
    size: int = 0                             # expected bytes (zip64 decision, progress)
    modified: datetime | None = None          # office-local wall-clock time for the member
    folder: str | None = None                 # a sub-folder under the milestone: a nominee, a dossier item


def compression_for(name: str) -> int:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return zipfile.ZIP_STORED if ext in STORED_EXTS else zipfile.ZIP_DEFLATED


def zip_paths(entries: list[ZipEntry]) -> list[str]:
    """`<mã>_<tên>/<mốc>[/<mục>]/<tên tệp>`, sanitised, with equal names in one folder told apart (also folders that
    only became equal once cut to length: two long milestone titles that differ at the end)."""
    unit_names = {}
    for e in entries:
        unit_names.setdefault(e.unit_code, f"{e.unit_code}_{e.unit_name}")
    unit_folder = dict(zip(unit_names, unique_file_names(unit_names.values(), "don_vi", keep_ext=False,
                                                         max_chars=FOLDER_MAX_CHARS)))
    milestone_labels = list(dict.fromkeys(e.milestone for e in entries))
    milestone_folder = dict(zip(milestone_labels, unique_file_names(milestone_labels, "moc", keep_ext=False,
                                                                    max_chars=FOLDER_MAX_CHARS)))
    folders = [f"{unit_folder[e.unit_code]}/{milestone_folder[e.milestone]}"
               + (f"/{safe_part(e.folder, 'muc')}" if e.folder else "") for e in entries]
    by_folder: dict[str, list[int]] = {}
    for i, folder in enumerate(folders):
        by_folder.setdefault(folder.casefold(), []).append(i)
    paths = [""] * len(entries)
    for indexes in by_folder.values():
        names = unique_file_names(entries[i].file_name for i in indexes)
        for i, name in zip(indexes, names):
            paths[i] = f"{folders[i]}/{name}"
    return paths


def _zip_time(dt: datetime | None) -> tuple[int, int, int, int, int, int]:
    if dt is None:
        return ZIP_EPOCH
    return max(ZIP_EPOCH, (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second))


@dataclass
class ZipStats:
    written: int = 0          # members in the archive
    missing: int = 0          # entries whose bytes could not be opened
    bytes_in: int = 0         # source bytes read


def write_zip(fh: BinaryIO, entries: list[ZipEntry], progress: Callable[[int], None] | None = None) -> ZipStats:
    """Stream the archive into `fh` (a seekable file): one member at a time, chunk by chunk, so memory stays
    flat whatever the size. progress(bytes read so far) after every chunk."""
    stats = ZipStats()
    with zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
        for entry, path in zip(entries, zip_paths(entries)):
            try:
                chunks = entry.chunks()
                first = next(chunks, b"")       # opens the source: a missing blob is skipped, not half-written
            except FileNotFoundError:
                stats.missing += 1
                continue
            info = zipfile.ZipInfo(path, date_time=_zip_time(entry.modified))
            info.compress_type = compression_for(path)
            info.external_attr = 0o644 << 16
            info.file_size = entry.size        # > ~2 GiB switches the member to zip64 before it is written
            with zf.open(info, "w") as member:
                for chunk in itertools.chain((first,), chunks):
                    member.write(chunk)
                    stats.bytes_in += len(chunk)
                    if progress:
                        progress(stats.bytes_in)
            stats.written += 1   # zipfile marks non-ASCII names as UTF-8 (flag 0x800)
    return stats


def build_zip(entries: list[ZipEntry]) -> bytes:
    """Small archives in memory (tests)."""
    buf = io.BytesIO()
    write_zip(buf, entries)
    return buf.getvalue()
