"""The list of nominations as the office attaches it to a tờ trình: .xlsx and .docx, built from plain rows.

Pure functions (no database, no channel): rows in, bytes out.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from bot import texts


@dataclass(frozen=True)
class ExportRow:
    name: str
    position: str
    unit: str
    achievements: str
    award_form: str


def _cells(i: int, row: ExportRow) -> list:
    return [i, row.name, row.position, row.unit, row.achievements, row.award_form]


def build_xlsx(title: str, subtitle_lines: list[str], rows: list[ExportRow]) -> bytes:
    # imported on use: every bot start would otherwise load openpyxl and python-docx for a rare export
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.page import PageMargins

    wb = Workbook()
    ws = wb.active
    ws.title = texts.NOMINATION_EXPORT_SHEET
    headers = texts.NOMINATION_EXPORT_HEADERS
    last_col = len(headers)
    for r, (text, font) in enumerate([(title, Font(name="Times New Roman", bold=True, size=14))]
                                     + [(s, Font(name="Times New Roman", italic=True, size=12)) for s in subtitle_lines],
                                     start=1):
        ws.cell(row=r, column=1, value=text).font = font
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
    header_row = len(subtitle_lines) + 3   # one blank line under the title block
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=c, value=text)
        cell.font = Font(name="Times New Roman", bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for i, row in enumerate(rows, start=1):
        for c, value in enumerate(_cells(i, row), start=1):
            cell = ws.cell(row=header_row + i, column=c, value=value)
            cell.font = Font(name="Times New Roman", size=12)
            cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if c == 1 else "left")
            cell.border = border
    for letter, width in zip("ABCDEF", (6, 28, 20, 28, 70, 26)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"  # the header repeats on every printed page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_docx(title: str, subtitle_lines: list[str], rows: list[ExportRow]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)   # A4 landscape
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    for line in subtitle_lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(line).italic = True

    headers = texts.NOMINATION_EXPORT_HEADERS
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    repeat = OxmlElement("w:tblHeader")   # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for i, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, value in zip(cells, _cells(i, row)):
            cell.text = str(value)
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for col, width in zip(table.columns, (Cm(1.2), Cm(4.5), Cm(3.2), Cm(4.5), Cm(9.4), Cm(3.0))):
        for cell in col.cells:
            cell.width = width
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
