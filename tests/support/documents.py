"""Documents built from bytes for the guarded-reader tests (schedules.documents) and the CLI tests."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from bot.samples import sample_pdf

PLAN_TEXT = "KE HOACH thi dua nam hoc 2026-2027"


def text_pdf(text: str = PLAN_TEXT) -> bytes:
    """A one-page PDF with a text layer (Helvetica), offsets computed so pypdf reads it strictly."""
    return sample_pdf(text)


def pdf_with(password: str | None = None, owner: str | None = None, blank: bool = False) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    if blank:
        writer.add_blank_page(200, 200)      # what a scan looks like to a text extractor: no text at all
    else:
        writer.append(PdfReader(io.BytesIO(text_pdf())))
    if password is not None:
        writer.encrypt(password, owner_password=owner, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def docx_bytes(text: str = PLAN_TEXT) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows=(["Mã đơn vị", "Tên đơn vị"], ["TH01", "Trường Tiểu học Lê Lợi"])) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def random_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("anh/chup.txt", "không phải tài liệu Word")
    return buffer.getvalue()


def damaged_member(data: bytes) -> bytes:
    """The same zip with one byte of a stored member flipped: the directory is fine, the CRC is not."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for item in source.infolist():
            z.writestr(item.filename, source.read(item.filename))
    raw = bytearray(buffer.getvalue())
    at = raw.index(b"<?xml") + 10
    raw[at] ^= 0xFF
    return bytes(raw)


def ole(*streams: str) -> bytes:
    """The head of an OLE compound file naming its streams (what Word 97 and encrypted Office files are)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"".join(s.encode("utf-16-le") for s in streams)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
