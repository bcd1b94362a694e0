"""Printable worksheets (openpyxl): a title block, a bordered bold header row frozen and repeated on every
printed page, thin borders, row heights that fit wrapped text (Excel and LibreOffice do not grow a row
whose height a file sets, and openpyxl writes none: without them wrapped rows print on top of each other),
landscape A4 one page wide, dates as real dates shown DD/MM/YYYY.
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, datetime

FONT = "Times New Roman"
SIZE = 12
LINE_PT = 15.75           # one line of 12 pt text, with Excel's leading
CHARS_PER_UNIT = 1.2      # Times New Roman 12 letters per unit of column width (units are Calibri 11 digits)
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0%"


def new_workbook(title: str):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def _font(bold: bool = False, italic: bool = False, size: float = SIZE):
    from openpyxl.styles import Font
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _border():
    from openpyxl.styles import Border, Side
    thin = Side(style="thin")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def title_block(ws, lines: Sequence[str | None], ncols: int, *, bold_rows: Sequence[int] = (1,)) -> int:
    """Lines merged across the table's width and centred; None lines are left out. Returns the blank row after."""
    from openpyxl.styles import Alignment
    r = 0
    for n, text in enumerate(lines, start=1):
        if not text:
            continue
        r += 1
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = _font(bold=n in bold_rows, italic=n not in bold_rows, size=13 if n in bold_rows else SIZE)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    return r + 1


def header_row(ws, r: int, headers: Sequence[str], widths: Sequence[float] | None = None) -> None:
    """Bold, centred, shaded; as tall as its longest wrapped heading when the widths are given."""
    from openpyxl.styles import Alignment, PatternFill
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=r, column=c, value=text)
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _border()
        cell.fill = PatternFill("solid", fgColor="EDEDED")
    if widths:
        fit_height(ws, r, headers, widths)


def group_row(ws, r: int, text: str, ncols: int) -> None:
    from openpyxl.styles import Alignment
    for c in range(1, ncols + 1):
        ws.cell(row=r, column=c).border = _border()
    cell = ws.cell(row=r, column=1, value=text)
    cell.font = _font(bold=True)
    cell.alignment = Alignment(vertical="center")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)


def value_row(ws, r: int, values: Sequence, widths: Sequence[float], *, centred: Sequence[int] = (1,),
              bold: bool = False) -> None:
    """One bordered row, text wrapped at the top of its cell, dates as dates; its height fits its text."""
    from openpyxl.styles import Alignment
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row=r, column=c, value=value)
        cell.font = _font(bold=bold)
        cell.border = _border()
        cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if c in centred else None)
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT if (value.hour, value.minute) != (0, 0) else DATE_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, float) and 0 <= value <= 1:
            cell.number_format = PERCENT_FORMAT
    fit_height(ws, r, values, widths)


def lines_needed(value, width: float) -> int:
    """How many printed lines a wrapped value takes in a column `width` units wide."""
    if value is None or isinstance(value, (int, float, date)):
        return 1
    per_line = max(1, int((width - 0.5) * CHARS_PER_UNIT))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))


def fit_height(ws, r: int, values: Sequence, widths: Sequence[float]) -> None:
    lines = max((lines_needed(v, w) for v, w in zip(values, widths)), default=1)
    ws.row_dimensions[r].height = round(lines * LINE_PT + 4, 2)


def finish(ws, widths: Sequence[float], header_row_: int, last_row: int) -> None:
    """Column widths, the header frozen and repeated on every printed page, landscape A4 one page wide."""
    from openpyxl.utils import get_column_letter
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=header_row_ + 1, column=1)
    ws.print_title_rows = f"{header_row_}:{header_row_}"
    for_print(ws)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{max(last_row, header_row_)}"


def for_print(ws) -> None:
    from openpyxl.worksheet.page import PageMargins
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P/&N"       # page x of n
    ws.oddFooter.center.font, ws.oddFooter.center.size = FONT, 11


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
