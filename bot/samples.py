"""Real sample documents built from bytes (PDF, JPEG, PNG, DOCX, XLSX): the demo's reports, the tests' fixtures.

Uploaded documents go through the guarded reader (schedules/documents.py), which opens every PDF; a stand-in
like b"%PDF-1.4 ..." would rightly be refused as corrupt. `pad` adds a comment of that many bytes, so two
samples can differ in size."""
from __future__ import annotations


def sample_pdf(text: str = "bao cao", pad: int = 0) -> bytes:
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    if pad:
        out += b"%" + b"x" * pad + b"\n"
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _image(text: str, fmt: str) -> bytes:
    """A small real image whose pixels depend on `text` (two samples with different texts differ)."""
    import hashlib
    import io

    from PIL import Image
    colour = tuple(hashlib.sha256(text.encode()).digest()[:3])
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buf, fmt)
    return buf.getvalue()


def sample_jpeg(text: str = "anh") -> bytes:
    return _image(text, "JPEG")


def sample_png(text: str = "anh") -> bytes:
    return _image(text, "PNG")


def sample_docx(text: str = "bao cao") -> bytes:
    import io

    from docx import Document
    doc = Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def sample_xlsx(text: str = "bang so lieu") -> bytes:
    import io

    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append([text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
