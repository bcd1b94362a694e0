"""What a school may send as a document, for every flow that takes files (reports, nominations, dossiers).

The extension decides, and the type the client reports must fit it (or say nothing: some clients send
application/octet-stream for everything). Photos are scanned pages: always fine.
"""
from __future__ import annotations

from handlers.io import IncomingFile
from handlers.uploads import max_file_bytes

FILE_TYPES = {
    "pdf": {"application/pdf"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/msword",
             "application/zip"},
    "xls": {"application/vnd.ms-excel"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel",
             "application/zip"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
}
GENERIC_MIMES = {"", "application/octet-stream", "binary/octet-stream"}


def type_ok(f: IncomingFile, name: str) -> bool:
    if f.kind == "photo":
        return True
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    mime = (f.mime or "").split(";")[0].strip().lower()
    return ext in FILE_TYPES and (mime in GENERIC_MIMES or mime in FILE_TYPES[ext])


def too_big(f: IncomingFile, size: int | None = None) -> bool:
    size = size if size is not None else f.size
    return bool(size) and size > max_file_bytes(f)
