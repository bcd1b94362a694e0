"""Stage 1 (.docx): paragraphs and tables in document order, each table read for what it is.

A Word plan or công văn has two kinds of tables:

* the **header table** (issuer | national motto, number and subject | place and date): its cells are read one
  paragraph per line, so the header stage finds "Số: 81/PGDĐT" and "An Bình, ngày 02 tháng 10 năm 2026" on
  lines of their own. A table is the header only when it comes before the body and shows header marks, not
  because it comes before a "KẾ HOẠCH" heading (a công văn has none, and its schedule table was lost so);
* **task tables** (TT | Nội dung | Thời gian | Đơn vị thực hiện): each row becomes one line, written
  time | who | task | the rest, as a deadline heading its obligation is written ("Trước ngày 15/10: Các
  trường gửi danh sách …"), so the row's own actor acts and its task gives the kind. A row with one distinct cell (a group
  heading spanning the table) stays a heading line.

Pure functions over rows of cells (each cell a list of paragraphs); ``docx_text`` walks the document.
"""
from __future__ import annotations

import re
from pathlib import Path

from schedules.plans.text import fold

Row = list[list[str]]          # a row: its distinct cells, each a list of non-empty paragraphs

_HEADER_MARK = re.compile(
    r"^(?:so\s*(?:hieu)?\s*:|cong hoa xa hoi|doc lap\s*-|ubnd\b|uy ban nhan dan|v/v\b|ve viec\b"
    r"|[^,\d]{2,60},\s*ngay\b[^.;]{0,30}\bnam\b)")
_BODY_START = re.compile(r"^(?:kinh gui|can cu|thuc hien|trien khai|[ivx]+[.)]\s|\d+[.)]\s)")

# column roles, tried in this order on the folded header cell (the first that matches wins)
_ROLES = (
    ("number", re.compile(r"^(?:s?tt|so tt|so thu tu)$")),
    ("start", re.compile(r"\bbat dau\b|\btu ngay\b")),
    ("time", re.compile(r"\b(?:thoi gian|thoi han|ngay|han|tien do|moc)\b")),
    ("who", re.compile(r"\b(?:don vi|nguoi|bo phan|chu tri|phu trach|trach nhiem|doi tuong|thanh phan|to chuc)\b")),
    ("task", re.compile(r"\b(?:noi dung|cong viec|nhiem vu|hoat dong|ten|van ban|chuong trinh|yeu cau)\b")),
    ("who", re.compile(r"\bthuc hien\b")),
)


def is_header_table(rows: list[Row], *, body_started: bool) -> bool:
    """The letterhead table: before the body, with a header mark (Số:, Cộng hòa…, UBND…, V/v, place-date)."""
    if body_started:
        return False
    return any(_HEADER_MARK.match(fold(p).strip()) for row in rows for cell in row for p in cell)


def starts_body(paragraph: str) -> bool:
    """A paragraph that opens the body (Kính gửi, Căn cứ, a numbered item): tables after it are not the header."""
    return bool(_BODY_START.match(fold(paragraph).strip()))


def column_roles(row: Row) -> list[str] | None:
    """Roles of a task table's header row ('number', 'start', 'time', 'who', 'task', 'other'), or None when the row is
    not a header row (it holds a date, or names no time and no task column)."""
    texts = [fold(" ".join(cell)).strip() for cell in row]
    if any(re.search(r"\d{1,2}\s*/\s*\d{1,2}", t) for t in texts):
        return None
    roles = []
    for t in texts:
        role = next((name for name, rx in _ROLES if rx.search(t)), "other")
        roles.append(role)
    if "time" not in roles or not ({"task", "who"} & set(roles)):
        return None
    return roles


_CUED = re.compile(r"^\W*(?:tu|bat dau|truoc|cham nhat|han|den|trong|vao)\b")


def task_row_line(roles: list[str], row: Row) -> str:
    """One row of a task table as a line: time | who | task | the rest (numbers dropped); a start column and
    an end column make one range ("Từ 01/11 đến 15/11")."""
    by_role: dict[str, list[str]] = {"start": [], "who": [], "task": [], "time": [], "other": []}
    for role, cell in zip(roles, row):
        text = " ".join(cell).strip()
        if text and role != "number":
            by_role[role].append(text)
    when = " ".join(by_role["time"])
    if by_role["start"]:
        # a start column and an end column: one range, so the start is not taken for the deadline
        start = " ".join(by_role["start"])
        start = start if _CUED.match(fold(start)) else "Từ " + start
        when = start + (" " + (when if _CUED.match(fold(when)) else "đến " + when) if when else "")
    parts = ([when] if when else []) + by_role["who"] + by_role["task"] + by_role["other"]
    return " | ".join(parts)


def table_lines(rows: list[Row]) -> list[str]:
    """Lines of a table that is not the header: a recognised header row sets the column roles of the rows
    under it; a row with one distinct cell is a heading line of its own; other rows join their cells."""
    out: list[str] = []
    roles: list[str] | None = None
    for row in rows:
        cells = [cell for cell in row if cell]
        if not cells:
            continue
        if len(cells) == 1:
            out.append(" ".join(cells[0]))
            continue
        found = column_roles(row)
        if found is not None:
            roles = found
            continue
        if roles is not None and len(row) == len(roles):
            line = task_row_line(roles, row)
        else:
            line = " | ".join(" ".join(cell) for cell in cells)
        if line:
            out.append(line)
    return out


def docx_text(path: str | Path) -> str:
    """Text of a .docx in reading order (see module docstring)."""
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out: list[str] = []
    body_started = False
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text
            out.append(text)
            body_started = body_started or starts_body(text)
        elif tag == "tbl":
            rows = _rows(Table(child, document))
            if is_header_table(rows, body_started=body_started):
                out.extend(p for row in rows for cell in row for p in cell)
            else:
                out.extend(table_lines(rows))
                body_started = True
            out.append("")
    return "\n".join(out)


def _rows(table) -> list[Row]:
    rows = []
    for row in table.rows:
        cells, prev = [], None
        for cell in row.cells:
            if prev is not None and cell._tc is prev:     # a merged cell is repeated by python-docx
                continue
            prev = cell._tc
            # a soft line break inside a cell ("PHÒNG GD&ĐT↵Số: 12/KH-PGDĐT") separates lines as a paragraph does
            cells.append([line.strip() for p in cell.paragraphs for line in p.text.split("\n") if line.strip()])
        rows.append(cells)
    return rows
