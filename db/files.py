"""Stored files: bytes on disk under THIDUA_DATA_DIR, addressed by sha256; name and type in the database."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlmodel import Session

from db.models import StoredFile


def path_for(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / sha256[:2] / sha256


def write_bytes(data_dir: Path, data: bytes) -> str:
    """Write the bytes durably (temp file, fsync, rename) and return their sha256."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(data_dir, digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return digest


def store(session: Session, data_dir: Path, data: bytes, original_name: str, mime: str | None) -> StoredFile:
    digest = write_bytes(data_dir, data)
    row = StoredFile(sha256=digest, size=len(data), mime=mime, original_name=original_name)
    session.add(row)
    session.flush()
    return row


def read(session: Session, data_dir: Path, stored_file_id: int) -> tuple[StoredFile, bytes]:
    row = session.get(StoredFile, stored_file_id)
    return row, path_for(data_dir, row.sha256).read_bytes()
