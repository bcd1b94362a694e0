"""Units (schools) and their roster: upsert by code, look-ups, contact counts."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Contact, Office, Unit

# Columns a roster may carry besides code and name. A row only touches the ones its file has.
DETAIL_FIELDS = ("level", "cluster", "liaison_name", "liaison_phone")


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a roster. `details` holds only the columns present in the file."""
    row: int                      # row number as the spreadsheet shows it, for reports
    code: str
    name: str
    details: dict[str, str | None] = field(default_factory=dict)


@dataclass
class UnitChange:
    unit: Unit
    fields: list[str]             # names of the changed fields (empty for a new unit)


@dataclass
class ImportReport:
    added: list[UnitChange] = field(default_factory=list)
    updated: list[UnitChange] = field(default_factory=list)
    unchanged: list[Unit] = field(default_factory=list)


def get_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == code.strip())).first()


def office_by_name(session: Session, name: str, create: bool = False) -> tuple[Office | None, bool]:
    """The office with this exact name; (office, created)."""
    office = session.exec(select(Office).where(Office.name == name).order_by(Office.id)).first()
    if office is not None or not create:
        return office, False
    office = Office(name=name)
    session.add(office)
    session.flush()
    return office, True


def upsert_units(session: Session, rows: list[UnitRow], office_id: int | None = None) -> ImportReport:
    """Create or update units by code. Idempotent: the same rows twice change nothing the second time.

    office_id None leaves each unit's office as it is; codes not in `rows` are left alone (never deleted).
    """
    existing = _units_by_code(session, [r.code for r in rows])
    report = ImportReport()
    for row in rows:
        wanted = _wanted_values(row, office_id)
        unit = existing.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, **wanted)
            session.add(unit)
            existing[row.code] = unit
            report.added.append(UnitChange(unit, []))
            continue
        changed = _apply(unit, wanted)
        if changed:
            session.add(unit)
            report.updated.append(UnitChange(unit, changed))
        else:
            report.unchanged.append(unit)
    session.flush()
    return report


def _units_by_code(session: Session, codes: list[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for start in range(0, len(codes), 500):  # stay under SQLite's bound-parameter limit
        chunk = codes[start:start + 500]
        found.update({u.code: u for u in session.exec(select(Unit).where(Unit.code.in_(chunk))).all()})
    return found


def _wanted_values(row: UnitRow, office_id: int | None) -> dict:
    values = {"name": row.name, **{k: v for k, v in row.details.items() if k in DETAIL_FIELDS}}
    if office_id is not None:
        values["office_id"] = office_id
    return values


def _apply(unit: Unit, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(unit, name) != value]
    for name in changed:
        setattr(unit, name, values[name])
    return changed


def all_units(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit).order_by(Unit.code)).all())


def units_with_contact_counts(session: Session) -> list[tuple[Unit, int]]:
    """Every unit (by code) with how many chats are bound to it."""
    count = sa.func.count(Contact.id)
    query = (select(Unit, count).outerjoin(Contact, Contact.unit_id == Unit.id)
             .group_by(Unit.id).order_by(Unit.code))
    return [(unit, n) for unit, n in session.exec(query).all()]
