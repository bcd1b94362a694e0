"""The office's letterhead (issue #16): read and change the columns every filed document prints."""
from __future__ import annotations

from sqlmodel import Session, select

from db.models import Office

COLUMNS = ("name", "parent_body", "place_name", "signer_title", "signer_name", "number_prefix")
MAX_LEN = 200


def office(session: Session, office_id: int | None) -> Office | None:
    return session.get(Office, office_id) if office_id else None


def office_named(session: Session, name: str) -> Office | None:
    return session.exec(select(Office).where(Office.name == name).order_by(Office.id)).first()


def all_offices(session: Session) -> list[Office]:
    return list(session.exec(select(Office).order_by(Office.id)).all())


def set_fields(session: Session, office: Office, values: dict[str, str | None]) -> dict[str, str | None]:
    """Set the given columns (None or "" clears one; the name cannot be cleared). Returns what changed."""
    changed = {}
    for column, value in values.items():
        if column not in COLUMNS:
            raise ValueError(column)
        value = (value or "").strip() or None
        if column == "name" and value is None:
            raise ValueError(column)
        if getattr(office, column) != value:
            setattr(office, column, value)
            changed[column] = value
    if changed:
        session.add(office)
        session.flush()
    return changed


def template_bytes(session: Session, data_dir, office: Office | None) -> bytes | None:
    """The office's own .docx template, when it keeps one (else the built-in layout is used)."""
    if office is None or office.template_file_id is None:
        return None
    from db import files
    try:
        return files.read(session, data_dir, office.template_file_id)[1]
    except FileNotFoundError:      # the blob is gone: fall back to the built-in layout rather than fail
        return None


def set_template(session: Session, office: Office, stored_file_id: int | None) -> None:
    office.template_file_id = stored_file_id
    session.add(office)
    session.flush()
