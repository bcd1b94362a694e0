"""Reading uploaded documents safely: the one guarded reader every flow uses (issue 18 point 7).

A corrupt, encrypted, empty or mislabelled file must get one clear Vietnamese reply and change nothing. So a
flow never hands a file to a parser (pypdf, python-docx, openpyxl) directly: it calls one of these, which look
at the bytes first and turn every failure into `UnreadableDocument`. Pure functions: no database, no chat.

The API, for the flows (plan import, report submission, roster upload) and the CLI::

    from schedules.documents import UnreadableDocument, check_document, read_roster_document, read_text_document

    try:
        check_document(path, name, mime)                  # a report / evidence file: is it what it says it is?
        text = read_text_document(path, name, mime)       # a plan (.pdf, .docx, .txt/.md): its text
        roster = read_roster_document(path, name, mime)   # a roster (.xlsx, .csv): bot.roster.Roster
    except UnreadableDocument as problem:
        reply(problem.message)                            # one Vietnamese sentence (bot/texts/documents.py)
        # ... and write nothing: call these BEFORE storing the file or changing any row

`path` is the downloaded file on disk; `name` is the file name the user gave (its extension says what the
file should be; `mime` is only used when the name has no known extension, since clients often send
application/octet-stream). `problem.reason` is one of REASONS:

- ``empty``: no bytes (or only blanks, for a text file);
- ``corrupt``: the right kind of file but it does not open: truncated PDF, damaged zip, broken image...;
- ``encrypted``: password protected (a PDF that needs a password to open, an encrypted Word/Excel file);
- ``mislabelled``: the content is not what the extension says (magic bytes: ``%PDF``; a zip with
  ``word/document.xml`` for .docx, ``xl/workbook.xml`` for .xlsx; OLE for .doc/.xls; JPEG/PNG signatures);
  `problem.actual` says what it looks like, when known;
- ``unsupported``: a kind this use does not take (`accept`), e.g. .doc for a plan, .xls for a roster;
- ``no_text``: a scanned PDF (or a Word file without text) where the text was required.

`UnreadableDocument` is a ValueError, so code that already catches ValueError around a parser (the plan
import flow, `thidua plan parse`) shows its message instead of failing. A roster's CONTENT problems (no header
row, not UTF-8) stay `bot.roster.RosterError`, already a Vietnamese message.
"""
from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import texts

REASONS = ("empty", "corrupt", "encrypted", "mislabelled", "unsupported", "no_text")

EXTENSION_KINDS = {
    "pdf": "pdf", "docx": "docx", "doc": "doc", "xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls",
    "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "txt": "text", "md": "text", "text": "text", "csv": "csv",
}
MIME_KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "image/jpeg": "jpeg", "image/png": "png", "text/plain": "text", "text/markdown": "text", "text/csv": "csv",
}
DOCUMENT_KINDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpeg", "png"})   # reports, evidence
PLAN_KINDS = frozenset({"pdf", "docx", "text"})
ROSTER_KINDS = frozenset({"xlsx", "csv"})
TEXT_KINDS = frozenset({"text", "csv"})

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG = b"\x89PNG\r\n\x1a\n"
_SNIFF_BYTES = 8192


class UnreadableDocument(ValueError):
    """A file that cannot be read; `message` (also str()) is the Vietnamese reply for the user."""

    def __init__(self, reason: str, name: str, *, expected: str | None = None, actual: str | None = None,
                 accepted: Collection[str] = ()):
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        self.reason, self.name, self.expected, self.actual = reason, name, expected, actual
        self.accepted = tuple(accepted)
        self.message = texts.document_problem(reason, name, expected=expected, actual=actual,
                                              accepted=self.accepted)
        super().__init__(self.message)


# ------------------------------------------------------------------------------------------ what it is

def expected_kind(name: str, mime: str | None) -> str | None:
    """What the file should be: by its extension, else by the type the client reported, else None."""
    suffix = Path(name or "").suffix.lower().lstrip(".")
    if suffix in EXTENSION_KINDS:
        return EXTENSION_KINDS[suffix]
    return MIME_KINDS.get((mime or "").split(";")[0].strip().lower())


def sniff(path: Path) -> str:
    """What the bytes are: pdf | docx | xlsx | zip | broken_zip | doc | xls | ole | encrypted_office | jpeg |
    png | gif | rtf | html | text | unknown. Reads the head, and a zip's directory."""
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    if head.startswith(_OLE):
        return _ole_kind(path)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if re.match(rb"\s*<(!doctype html|html)", head, re.IGNORECASE):
        return "html"
    return "text" if b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff")) else "unknown"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "broken_zip"
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return "docx"
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return "xlsx"
    return "zip"


def _ole_kind(path: Path) -> str:
    """Word, Excel or a password-protected Word/Excel (an OLE file holding an EncryptedPackage stream)."""
    data = path.read_bytes()

    def has_stream(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has_stream("EncryptedPackage"):
        return "encrypted_office"
    if has_stream("WordDocument"):
        return "doc"
    if has_stream("Workbook") or has_stream("Book"):
        return "xls"
    return "ole"


# -------------------------------------------------------------------------------------------- checking

def check_document(path: Path, name: str, mime: str | None, *, accept: Collection[str] | None = None) -> None:
    """Raise UnreadableDocument unless the file is a readable `accept` kind (default: DOCUMENT_KINDS, what
    reports and evidence may be) whose content matches its name. Opens PDFs, zips and images to be sure."""
    _check(Path(path), name, mime, frozenset(accept) if accept is not None else DOCUMENT_KINDS)


def _check(path: Path, name: str, mime: str | None, accept: frozenset[str]) -> str:
    """The checks of check_document; returns the kind."""
    kind = expected_kind(name, mime)
    if kind is None and not Path(name or "").suffix and path.stat().st_size:
        sniffed = sniff(path)   # neither extension nor type (a CLI argument 'kehoach'): what the bytes are
        kind = sniffed if sniffed in EXTENSION_KINDS.values() else None
    if kind is None or kind not in accept:
        raise UnreadableDocument("unsupported", name, expected=kind, accepted=sorted(accept))
    if path.stat().st_size == 0:
        raise UnreadableDocument("empty", name)
    actual = sniff(path)
    if kind in TEXT_KINDS:
        _check_text(path, name, kind, actual)
    elif kind == "pdf":
        _check_pdf(path, name, actual)
    elif kind in ("docx", "xlsx"):
        _check_office_zip(path, name, kind, actual)
    elif kind in ("doc", "xls"):
        if actual == "encrypted_office":
            raise UnreadableDocument("encrypted", name)
        if actual not in (kind, "ole"):
            raise _mislabelled(name, kind, actual)
    else:
        _check_image(path, name, kind, actual)
    return kind


def _mislabelled(name: str, expected: str, actual: str) -> UnreadableDocument:
    known = actual if actual in texts.DOCUMENT_KIND_LABELS else None
    return UnreadableDocument("mislabelled", name, expected=expected, actual=known)


def _check_text(path: Path, name: str, kind: str, actual: str) -> None:
    if actual != "text":
        raise _mislabelled(name, kind, actual)
    data = path.read_bytes()
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        data = data.removeprefix(bom)
    if not data.replace(b"\x00", b"").strip():
        raise UnreadableDocument("empty", name)


def _check_pdf(path: Path, name: str, actual: str) -> None:
    if actual != "pdf":
        raise _mislabelled(name, "pdf", actual)
    _open_pdf(path, name)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs ("EOF marker not found"...): the verdict here is the message that counts."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _open_pdf(path: Path, name: str):
    """A PdfReader that opened, was decrypted if it has only an owner password, and has pages."""
    from pypdf import PdfReader

    try:
        with _quiet_pypdf():
            reader = PdfReader(str(path))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableDocument("encrypted", name)
            if len(reader.pages) == 0:
                raise UnreadableDocument("corrupt", name)
    except UnreadableDocument:
        raise
    except Exception:   # pypdf raises its own errors, but also KeyError, TypeError... on damaged files
        raise UnreadableDocument("corrupt", name) from None
    return reader


def _check_office_zip(path: Path, name: str, kind: str, actual: str) -> None:
    if actual == "encrypted_office":
        raise UnreadableDocument("encrypted", name)
    if actual == "broken_zip":
        raise UnreadableDocument("corrupt", name)
    if actual != kind:
        raise _mislabelled(name, kind, actual)
    try:
        with zipfile.ZipFile(path) as z:
            damaged = z.testzip()     # reads every member and checks its CRC
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        damaged = True
    if damaged:
        raise UnreadableDocument("corrupt", name)


def _check_image(path: Path, name: str, kind: str, actual: str) -> None:
    if actual != kind:
        raise _mislabelled(name, kind, actual)
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()      # decodes everything: a truncated photo fails here
    except Exception:
        raise UnreadableDocument("corrupt", name) from None


# -------------------------------------------------------------------------------------------- reading

def read_text_document(path: Path, name: str, mime: str | None) -> str:
    """The text of a plan (.pdf, .docx, .txt/.md), normalised like schedules.plans.reading describes.
    Raises UnreadableDocument; `no_text` for a scanned PDF or a Word file without text."""
    from schedules.plans import reading as plan_text

    path = Path(path)
    kind = _check(path, name, mime, PLAN_KINDS)
    try:
        if kind == "pdf":
            cleaned = plan_text.clean_extracted_text(_pdf_pages_text(path, name), drop_page_numbers=True)
        elif kind == "docx":
            cleaned = plan_text.clean_extracted_text(plan_text.docx_text(path))
        else:
            cleaned = plan_text.clean_extracted_text(plan_text.decode_text(path.read_bytes()))
    except UnreadableDocument:
        raise
    except Exception:
        raise UnreadableDocument("corrupt", name) from None
    if not cleaned.strip():
        raise UnreadableDocument("empty" if kind == "text" else "no_text", name)
    return cleaned


def _pdf_pages_text(path: Path, name: str) -> str:
    from schedules.plans.pdf import page_text   # with the number and date e-office systems stamp on it

    reader = _open_pdf(path, name)
    with _quiet_pypdf():
        return "\n".join(page_text(page) for page in reader.pages)


def read_roster_document(path: Path, name: str, mime: str | None):
    """A roster (.xlsx, .csv) as a bot.roster.Roster. File problems raise UnreadableDocument; problems of
    its content (no header row, a CSV not in UTF-8) raise bot.roster.RosterError, a Vietnamese message too."""
    from bot.roster import RosterError, read_csv_table, read_xlsx_tables, roster_from_tables

    path = Path(path)
    kind = _check(path, name, mime, ROSTER_KINDS)
    try:
        tables = [read_csv_table(path.read_bytes())] if kind == "csv" else read_xlsx_tables(path)
    except RosterError:
        if kind == "csv":
            raise            # not UTF-8: the roster's own advice
        raise UnreadableDocument("corrupt", name) from None
    except Exception:
        raise UnreadableDocument("corrupt", name) from None
    return roster_from_tables(tables)
