"""Reading a roster of units (.xlsx or .csv) into rows. Pure: no database, no printing.

Offices keep rosters in every shape: a title and a date above the table, headers typed with or without
diacritics (or in NFD from a Mac), extra columns (STT, ghi chú...), phone numbers that Excel turned into
numbers. We find the header row ourselves and read only the columns we know.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bot import texts
from db.units import UnitRow

HEADER_SEARCH_ROWS = 30

# Header spellings, as header_key() renders them (lowercase, no diacritics, single spaces).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma don vi", "ma dv", "ma", "ma truong", "ma so", "ma so don vi", "ma don vi truong"),
    "name": ("ten don vi", "ten dv", "ten truong", "don vi", "truong", "ten", "ten co so giao duc"),
    "level": ("cap hoc", "cap", "bac hoc", "cap truong", "loai hinh"),
    "cluster": ("cum thi dua", "cum", "khoi thi dua", "cum khoi thi dua", "cum khoi", "khoi"),
    "liaison_name": ("nguoi dau moi", "dau moi", "ho ten nguoi dau moi", "ho va ten nguoi dau moi",
                     "nguoi lien he", "ho ten", "ho va ten", "can bo dau moi"),
    "liaison_phone": ("so dien thoai", "sdt", "so dt", "dien thoai", "dt", "so dien thoai nguoi dau moi",
                      "sdt nguoi dau moi", "sdt dau moi", "dien thoai di dong", "so di dong"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


class RosterError(Exception):
    """The file as a whole cannot be read; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    reasons: list[str]


@dataclass
class Roster:
    rows: list[UnitRow] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)


# ---- text helpers ------------------------------------------------------------------------------

def header_key(text: str) -> str:
    """'Tên  Đơn vị (*)', 'TEN DON VI', NFD 'Tên đơn vị' -> 'ten don vi'."""
    text = re.sub(r"\(.*?\)", " ", text)                       # "(*)", "(Zalo)" are notes, not names
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("đ", "d").replace("ð", "d")   # đ has no decomposition
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def field_for_header(text: str) -> str | None:
    return _ALIAS_TO_FIELD.get(header_key(text))


def cell_text(value) -> str:
    """A cell as clean NFC text: 101.0 -> '101', no stray or doubled spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese number as digits with a leading 0 ('+84 912.345.678' -> '0912345678'); None if invalid.

    Only the first number counts when a cell holds several ('0912... / 0987...').
    """
    first = re.split(r"[/,;]|\s-\s", raw)[0].strip()
    if re.search(r"[^\d\s.()+-]", first):
        return None
    digits = re.sub(r"\D", "", first)
    if first.startswith("+84") or (digits.startswith("84") and len(digits) in (11, 12)):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits                                   # Excel stored it as a number and dropped the 0
    return digits if digits.startswith("0") and len(digits) in (10, 11) else None


# ---- the table -----------------------------------------------------------------------------------

def parse_table(table: list[list]) -> Roster:
    """Rows of cell values (first = spreadsheet row 1) -> units, rejected rows and warnings."""
    header_index, columns = find_header(table)
    roster = Roster(header_row=header_index + 1)
    roster.ignored_columns = [cell_text(v) for i, v in enumerate(table[header_index])
                              if cell_text(v) and i not in columns.values()]
    first_row_of_code: dict[str, int] = {}
    for index in range(header_index + 1, len(table)):
        values = {name: cell_text(_cell(table[index], col)) for name, col in columns.items()}
        if _is_blank_or_repeat(values):
            continue
        _read_row(roster, index + 1, values, first_row_of_code)
    return roster


def find_header(table: list[list]) -> tuple[int, dict[str, int]]:
    """(row index, {field: column index}) of the first row naming at least the code and name columns."""
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for col, value in enumerate(row):
            name = field_for_header(cell_text(value))
            if name and name not in columns:
                columns[name] = col
        if "code" in columns and "name" in columns:
            return index, columns
    raise RosterError(texts.CLI_ROSTER_NO_HEADER.format(rows=HEADER_SEARCH_ROWS))


def _cell(row: list, col: int):
    return row[col] if col < len(row) else None


def _is_blank_or_repeat(values: dict[str, str]) -> bool:
    """Empty rows, a header repeated on a later page, the '(1) (2) (3)' line under official headers."""
    filled = [v for v in values.values() if v]
    if not filled:
        return True
    if field_for_header(values["code"]) == "code" and field_for_header(values["name"]) == "name":
        return True
    return all(re.fullmatch(r"\(\d{1,2}\)", v) for v in filled)


def _read_row(roster: Roster, row: int, values: dict[str, str], first_row_of_code: dict[str, int]) -> None:
    code, name = values.pop("code"), values.pop("name")
    reasons = [reason for missing, reason in ((not code, texts.CLI_REJECT_NO_CODE),
                                               (not name, texts.CLI_REJECT_NO_NAME)) if missing]
    if code and code in first_row_of_code:
        reasons.append(texts.CLI_REJECT_DUPLICATE.format(first_row=first_row_of_code[code]))
    if reasons:
        roster.rejected.append(RowProblem(row, reasons))
        return
    first_row_of_code[code] = row
    details: dict[str, str | None] = {key: value or None for key, value in values.items()}
    if details.get("liaison_phone"):
        phone = normalize_phone(details["liaison_phone"])
        if phone is None:  # keep the unit; leave the phone we may already have untouched
            roster.warnings.append(RowProblem(row, [texts.CLI_WARN_BAD_PHONE.format(phone=details["liaison_phone"])]))
            del details["liaison_phone"]
        else:
            details["liaison_phone"] = phone
    roster.rows.append(UnitRow(row=row, code=code, name=name, details=details))


# ---- files -------------------------------------------------------------------------------------------

def read_roster(path: str | Path) -> Roster:
    """The first sheet (of an .xlsx) or the .csv that has a recognisable header row.

    Trusts the file: flows and the CLI read uploads through schedules.documents.read_roster_document, which
    checks the bytes first (empty, corrupt, encrypted, mislabelled) and then reads with the functions here."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(texts.CLI_ROSTER_NOT_FOUND.format(path=path))
    return roster_from_tables(read_tables(path))


def roster_from_tables(tables: list[list[list]]) -> Roster:
    """The first table (sheet) that has a recognisable header row."""
    for table in tables[:-1]:
        try:
            return parse_table(table)
        except RosterError:
            continue
    return parse_table(tables[-1] if tables else [])


def read_tables(path: Path) -> list[list[list]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv_table(path.read_bytes())]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_tables(path)
    if suffix == ".xls":
        raise RosterError(texts.CLI_ROSTER_OLD_XLS)
    raise RosterError(texts.CLI_ROSTER_BAD_TYPE.format(name=path.name))


def read_csv_table(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")  # also plain UTF-8
    except UnicodeDecodeError:
        # cp1258/latin-1 would decode any bytes into wrong letters: refuse rather than import garbage
        raise RosterError(texts.CLI_ROSTER_NOT_UTF8) from None
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(text)))


def _guess_delimiter(text: str) -> str:
    """Excel writes ';' under a Vietnamese locale and ',' elsewhere; count them in the first lines."""
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    return max((",", ";", "\t"), key=sample.count)


def read_xlsx_tables(path: Path) -> list[list[list]]:
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # zip/XML errors: a renamed or damaged file
        raise RosterError(texts.CLI_ROSTER_UNREADABLE.format(name=path.name, error=error)) from None
    try:
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
    finally:
        workbook.close()
