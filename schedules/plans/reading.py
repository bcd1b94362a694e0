"""Stage 1 of plan reading: the text of a plan document (.txt, .docx, .pdf).

* ``.txt`` / ``.md``: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1258 / latin-1.
* ``.docx``: paragraphs and tables in document order (``schedules.plans.docx``): the letterhead table
  one paragraph per line, a task table's rows as "time | who | task" lines.
* ``.pdf``: pypdf text extraction with the stamped annotations put back (``schedules.plans.pdf``); scanned
  PDFs give no text -> ValueError.

``read_plan_text`` checks the file first (``schedules.documents``); the extractors below trust it.

The result is NFC, with odd spaces unified, trailing spaces removed, lone page numbers
dropped and runs of blank lines collapsed. Hard-wrapped lines are left for the parser
(``schedules.plans.text.logical_lines``) which joins them.
"""

from __future__ import annotations

import re
from pathlib import Path

from schedules.plans.docx import docx_text
from schedules.plans.text import normalize_text

__all__ = ["read_plan_text", "clean_extracted_text", "decode_text", "docx_text", "pdf_text"]


def clean_extracted_text(text: str, *, drop_page_numbers: bool = False) -> str:
    """NFC, unified whitespace, at most one blank line in a row."""
    text = normalize_text(text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    if drop_page_numbers:
        lines = ["" if re.fullmatch(r"(?:-\s*)?\d{1,3}(?:\s*-)?", ln.strip()) else ln for ln in lines]
    out: list[str] = []
    for ln in lines:
        if not ln.strip() and out and not out[-1].strip():
            continue
        out.append(ln)
    return "\n".join(out).strip("\n") + "\n"


def decode_text(data: bytes) -> str:
    """Bytes of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1258 / latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in ("cp1258", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def pdf_text(path: str | Path) -> str:
    """Text of a text PDF, page by page."""
    from pypdf import PdfReader

    from schedules.plans.pdf import page_text

    reader = PdfReader(str(path))
    text = "\n".join(page_text(page) for page in reader.pages)
    if not text.strip():
        raise ValueError("PDF không có lớp chữ (có thể là bản scan)")
    return text


def read_plan_text(path: str | Path) -> str:
    """Text of a plan file (.txt/.md, .docx, .pdf), normalized (see module docstring).

    Guarded: goes through schedules.documents.read_text_document (named after the file itself), so an empty,
    corrupt, encrypted, mislabelled or scanned file raises UnreadableDocument, a ValueError whose message is
    the Vietnamese reply. Callers that know the user's file name and type should call read_text_document."""
    from schedules.documents import read_text_document

    p = Path(path)
    return read_text_document(p, p.name, None)
