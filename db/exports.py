"""Reads for exports: a session that never writes, for builds that run in a worker thread.

The build itself (db.export_facts.export_data) is a handful of SELECTs; it runs in its own short read-only
session, released before any file is read or written, so no transaction stays open during the disk work.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from db import export_facts
from db.engine import get_engine


@contextmanager
def read_only() -> Iterator[Session]:
    """A session for reads only: rolled back at the end, so it can never leave a write behind."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def export_data(campaign_id: int) -> export_facts.ExportData | None:
    """Everything the workbook and the archive need, read in its own short read-only session."""
    with read_only() as session:
        return export_facts.export_data(session, campaign_id)
