"""Stored files: bytes on disk under THIDUA_DATA_DIR by sha256; name and type in the database.

Bytes are written outside any transaction: a BlobWriter streams chunks to a temporary file while hashing
them, then renames it to its content address. Only then does a short transaction add the StoredFile row
(`add_blob`), so a crash in between leaves at most an orphan blob, which `sweep_orphans` collects.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from db.models import StoredFile

CHUNK = 1024 * 1024


def path_for(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / sha256[:2] / sha256


@dataclass(frozen=True)
class Blob:
    """Bytes already on disk at their content address."""
    sha256: str
    size: int


class BlobWriter:
    """Write a stream of chunks into the store: incremental sha256, temp file, fsync, rename.

        with BlobWriter(data_dir) as w:
            async for chunk in stream: w.write(chunk)
        blob = w.blob
    """

    def __init__(self, data_dir: Path, max_bytes: int | None = None):
        self.data_dir = Path(data_dir)
        self.max_bytes = max_bytes
        self.size = 0
        self.blob: Blob | None = None
        self._hash = hashlib.sha256()
        tmp_dir = self.data_dir / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(dir=tmp_dir)
        self._fh = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise BlobTooBig(self.size)
        self._hash.update(chunk)
        self._fh.write(chunk)

    def finish(self) -> Blob:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        digest = self._hash.hexdigest()
        target = path_for(self.data_dir, digest)
        if target.exists() and target.stat().st_size == self.size:
            os.unlink(self._tmp)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._tmp, target)
        self.blob = Blob(digest, self.size)
        return self.blob

    def abort(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)

    def __enter__(self) -> "BlobWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self.blob is None:
            self.finish()
        elif exc_type is not None:
            self.abort()


class BlobTooBig(Exception):
    def __init__(self, size: int):
        super().__init__(f"more than the limit ({size} bytes so far)")
        self.size = size


def write_bytes(data_dir: Path, data: bytes) -> str:
    """Small in-memory contents (generated charts, tests): write them durably and return their sha256."""
    with BlobWriter(data_dir) as w:
        w.write(data)
    return w.blob.sha256


def write_file(data_dir: Path, source: Path) -> Blob:
    """Copy a file into the store chunk by chunk (never whole in memory)."""
    with BlobWriter(data_dir) as w, open(source, "rb") as fh:
        while chunk := fh.read(CHUNK):
            w.write(chunk)
    return w.blob


def add_blob(session: Session, blob: Blob, original_name: str, mime: str | None) -> StoredFile:
    """The row for bytes already in the store (a short transaction; no file I/O)."""
    row = StoredFile(sha256=blob.sha256, size=blob.size, mime=mime, original_name=original_name)
    session.add(row)
    session.flush()
    return row


def store(session: Session, data_dir: Path, data: bytes, original_name: str, mime: str | None) -> StoredFile:
    """Small contents only (tests, generated images): the bytes are written inside the caller's transaction."""
    return add_blob(session, Blob(write_bytes(data_dir, data), len(data)), original_name, mime)


def open_blob(data_dir: Path, stored: StoredFile):
    return open(path_for(data_dir, stored.sha256), "rb")


def iter_chunks(data_dir: Path, stored: StoredFile, chunk: int = CHUNK) -> Iterator[bytes]:
    with open_blob(data_dir, stored) as fh:
        while piece := fh.read(chunk):
            yield piece


def read(session: Session, data_dir: Path, stored_file_id: int) -> tuple[StoredFile, bytes]:
    """Whole bytes: only for small files (a plan being parsed, tests). Senders and exports stream."""
    row = session.get(StoredFile, stored_file_id)
    return row, path_for(data_dir, row.sha256).read_bytes()


def remember_telegram_file_id(session: Session, stored_file_id: int, file_id: str) -> None:
    row = session.get(StoredFile, stored_file_id)
    if row is not None and row.telegram_file_id != file_id:
        row.telegram_file_id = file_id
        session.add(row)


def sweep_orphans(session: Session, data_dir: Path, older_than_s: float = 24 * 3600) -> int:
    """Delete blobs no StoredFile row names (an aborted submit, a crash between write and commit) and stale
    temporary files. Only old ones: a blob written a moment ago may be about to get its row."""
    data_dir = Path(data_dir)
    known = set(session.exec(select(StoredFile.sha256)).all())
    cutoff = time.time() - older_than_s
    removed = 0
    for path in data_dir.glob("[0-9a-f][0-9a-f]/*"):
        if path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    for path in (data_dir / "tmp").glob("*") if (data_dir / "tmp").exists() else []:
        if path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed += 1
    return removed
