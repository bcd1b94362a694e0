"""The administrative layout of Nghị định 30/2020/NĐ-CP (Phụ lục I) for .docx, shared by every document the office files.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; the page number centred in the top
margin from page 2 on; a two-column header with the issuing body on the left (parent body, then the office
in bold over a short rule) and the Quốc hiệu – Tiêu ngữ on the right (the motto underlined over its whole
length); the number under the office, the place-date line in italics under the motto; the document's type
and subject in bold, centred; the body justified; Nơi nhận on the left and the signature block on the right.
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot import texts
from bot.documents.letterhead import Letterhead

FONT = "Times New Roman"
A4_SHORT_CM, A4_LONG_CM = 21.0, 29.7
MARGIN_TOP_CM = MARGIN_BOTTOM_CM = 2.0
MARGIN_LEFT_CM, MARGIN_RIGHT_CM = 3.0, 1.5
BODY_PT, HEAD_PT, NATION_PT, TABLE_PT = 14, 13, 12, 12   # the decree: Quốc hiệu and bodies 12-13, motto 13-14
CM_PER_CHAR = {12: 0.21, 13: 0.23, 14: 0.25}     # a Times New Roman letter, on average (for sizing only)


def usable_width_cm(landscape: bool) -> float:
    return (A4_LONG_CM if landscape else A4_SHORT_CM) - MARGIN_LEFT_CM - MARGIN_RIGHT_CM


def new_document(*, landscape: bool = False):
    """An empty A4 document with the decree's margins, font and page numbers."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(A4_LONG_CM), Cm(A4_SHORT_CM)
    else:
        section.page_width, section.page_height = Cm(A4_SHORT_CM), Cm(A4_LONG_CM)
    section.top_margin, section.bottom_margin = Cm(MARGIN_TOP_CM), Cm(MARGIN_BOTTOM_CM)
    section.left_margin, section.right_margin = Cm(MARGIN_LEFT_CM), Cm(MARGIN_RIGHT_CM)
    section.header_distance = section.footer_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _east_asian_font(normal.element)
    normal.paragraph_format.space_before, normal.paragraph_format.space_after = Pt(0), Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _page_numbers(doc, section)
    return doc


def _east_asian_font(element) -> None:
    """Word picks the East Asian font slot for some Vietnamese letters: name Times New Roman in every slot."""
    from docx.oxml.ns import qn
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _page_numbers(doc, section) -> None:
    """The decree: the number centred in the top margin, not shown on the first page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, instr in (("begin", None), (None, "PAGE"), ("end", None)):
        run = p.add_run()
        run.font.size = Pt(HEAD_PT)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    section.first_page_header.paragraphs[0].text = ""


# ------------------------------------------------------------------------------------------- paragraphs

def para(container, text: str = "", *, bold: bool = False, italic: bool = False, underline: bool = False,
         size: int | None = None, align: str = "left", indent_cm: float = 0.0, space_after: float = 0.0,
         space_before: float = 0.0):
    """One paragraph of one run. align: left | center | right | justify."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(space_after), Pt(space_before)
    if indent_cm:
        fmt.first_line_indent = Cm(indent_cm)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return p


def body(doc, text: str):
    """A body paragraph: justified, first line indented 1.27 cm, 6 pt after (the decree's minimum)."""
    return para(doc, text, align="justify", indent_cm=1.27, space_after=6)


def rule(container, column_cm: float, length_cm: float):
    """A short solid line centred in its column: a paragraph's bottom border, narrowed by equal indents."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    p = para(container)
    side = max(0.0, (column_cm - length_cm) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(side)
    p.paragraph_format.space_after = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_PPR_AFTER_PBDR)     # Word refuses children out of schema order
    return p


# CT_PPr / CT_TblPr children that must come after the one inserted (ECMA-376 order; Word checks it)
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                   "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                   "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TBLPR_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
                     "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TBLPR_AFTER_BORDERS = _TBLPR_AFTER_TBLW[4:]


def text_width_cm(text: str, size: int) -> float:
    return len(text) * CM_PER_CHAR.get(size, 0.23)


# ------------------------------------------------------------------------------------------- the header

@dataclass(frozen=True)
class Heading:
    kind: str                   # ký hiệu of the document's type: TTr (tờ trình), BC (báo cáo), DS (danh sách)
    when: date | None = None    # None: the day left as dots for the signer


def header(doc, lh: Letterhead, heading: Heading, *, landscape: bool = False) -> None:
    """The two-column header of the decree: issuing body | Quốc hiệu – Tiêu ngữ, then number | place and date."""
    width = usable_width_cm(landscape)
    left_cm = 6.2 if not landscape else 9.5
    right_cm = width - left_cm
    table = fixed_table(doc, 2, [left_cm, right_cm], borders=False)
    top, bottom = table.rows
    left, right = top.cells
    _clear(left)
    _clear(right)
    if lh.parent_body:
        para(left, lh.parent_body.upper(), size=NATION_PT, align="center")
    para(left, lh.office_upper, bold=True, size=NATION_PT, align="center")
    rule(left, left_cm, _rule_length(text_width_cm(lh.office_upper, NATION_PT), left_cm))
    para(right, texts.OFFICE_DOC_NATION, bold=True, size=NATION_PT, align="center")
    para(right, texts.OFFICE_DOC_MOTTO, bold=True, underline=True, size=HEAD_PT, align="center")
    number_cell, date_cell = bottom.cells
    _clear(number_cell)
    _clear(date_cell)
    para(number_cell, texts.OFFICE_DOC_NUMBER.format(number=texts.OFFICE_DOC_BLANK, kind=lh.kind_code(heading.kind)),
         size=HEAD_PT, align="center", space_before=6)
    para(date_cell, place_date(lh, heading.when), italic=True, size=BODY_PT, align="center", space_before=6)
    para(doc, space_after=6)


def _rule_length(text_cm: float, column_cm: float) -> float:
    """Between a third and a half of the line above it (the decree), never wider than the column."""
    return max(1.5, min(column_cm, text_cm) * 0.4)


def place_date(lh: Letterhead, when: date | None) -> str:
    blank = texts.OFFICE_DOC_BLANK
    place = lh.place_name or blank
    if when is None:
        return texts.OFFICE_DOC_PLACE_DATE.format(place=place, day=blank, month=blank, year=blank)
    # The decree writes days below 10 and months below 3 with a leading zero (ngày 05 tháng 02).
    return texts.OFFICE_DOC_PLACE_DATE.format(place=place, day=f"{when.day:02d}",
                                              month=f"{when.month:02d}" if when.month < 3 else str(when.month),
                                              year=when.year)


def title(doc, kind_title: str, subject: str | None = None, lines: Sequence[str] = (), *,
          landscape: bool = False) -> None:
    """The type (TỜ TRÌNH, BÁO CÁO, DANH SÁCH) and the subject, bold and centred, a short rule under them."""
    para(doc, kind_title, bold=True, size=BODY_PT, align="center", space_before=6)
    if subject:
        para(doc, subject, bold=True, size=BODY_PT, align="center")
    for line in lines:
        para(doc, line, italic=True, size=BODY_PT, align="center")
    width = usable_width_cm(landscape)
    rule(doc, width, _rule_length(text_width_cm(subject or kind_title, BODY_PT), width / 2))
    para(doc, space_after=6)


# ------------------------------------------------------------------------------------------- the end

def keep_with_signature(doc, table) -> None:
    """What follows the table (a total line) moves to the next page with the signature rather than leave it
    standing alone. (A table row cannot be kept with the next paragraph in LibreOffice, so a last page may
    hold the total and the signature only.)"""
    from docx.text.paragraph import Paragraph
    for child in reversed(list(doc.element.body)):
        if child is table._tbl:
            break
        if child.tag.endswith("}p"):
            Paragraph(child, doc).paragraph_format.keep_with_next = True


def signature(doc, lh: Letterhead, recipients: Sequence[str], *, landscape: bool = False) -> None:
    """Nơi nhận (left, bold italic 12, items 11) and the signer's title and name (right, bold)."""
    width = usable_width_cm(landscape)
    left_cm = width * 0.45
    table = fixed_table(doc, 1, [left_cm, width - left_cm], borders=False)
    keep_row_together(table.rows[0])     # the signer's title and name stay on one page
    left, right = table.rows[0].cells
    _clear(left)
    _clear(right)
    para(left, texts.OFFICE_DOC_RECIPIENTS, bold=True, italic=True, size=12, space_before=6)
    for line in list(recipients) + [texts.OFFICE_DOC_RECIPIENT_ARCHIVE]:
        para(left, line, size=11)
    signer = lh.signer_lines or [texts.OFFICE_DOC_BLANK]
    for i, line in enumerate(signer):
        para(right, line, bold=True, size=BODY_PT, align="center", space_before=6 if i == 0 else 0)
    for _ in range(4):              # room for the signature and the seal
        para(right)
    para(right, lh.signer_name or texts.OFFICE_DOC_BLANK, bold=True, size=BODY_PT, align="center")


# ------------------------------------------------------------------------------------------- tables

def fixed_table(container, rows: int, widths_cm: Sequence[float], *, borders: bool = True):
    """A table whose columns keep the given widths in Word and LibreOffice alike: a fixed layout, the grid
    (w:tblGrid) and every cell told the width (LibreOffice reads the grid, Word the cells)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = container.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    total.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(total, *_TBLPR_AFTER_TBLW)
    if borders:     # drawn on the table itself, not by a style: an office's template may not have "Table Grid"
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                el.set(qn(k), v)
            edges.append(el)
        tbl_pr.insert_element_before(edges, *_TBLPR_AFTER_BORDERS)
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)
    return table


def repeat_header(row) -> None:
    """The header row printed again at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def keep_row_together(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def write_cell(cell, text: str, *, bold: bool = False, size: int = TABLE_PT, align: str = "left") -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    _clear(cell)
    lines = str(text).split("\n") or [""]
    for line in lines:
        para(cell, line, bold=bold, size=size, align=align)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if not bold else WD_CELL_VERTICAL_ALIGNMENT.CENTER


def data_table(doc, headers: Sequence[str], rows: Sequence[Sequence], widths_cm: Sequence[float], *,
               centred: Sequence[int] = (0,), groups: dict[int, str] | None = None, total: Sequence | None = None):
    """Bordered table: a bold header row repeated on every page; `groups` puts a full-width bold row (I. TẬP THỂ)
    before the row of that index; `total` is a last bold row."""
    table = fixed_table(doc, 1, widths_cm)
    head = table.rows[0]
    repeat_header(head)
    for cell, text in zip(head.cells, headers):
        write_cell(cell, text, bold=True, align="center")
    groups = groups or {}
    for i, values in enumerate(rows):
        if i in groups:
            _group_row(table, groups[i], widths_cm)
        _value_row(table, values, widths_cm, centred)
    if total is not None:
        row = _value_row(table, total, widths_cm, centred)
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.bold = True
    return table


def _value_row(table, values: Sequence, widths_cm: Sequence[float], centred: Sequence[int]):
    from docx.shared import Cm
    row = table.add_row()
    keep_row_together(row)
    for c, (cell, value) in enumerate(zip(row.cells, values)):
        cell.width = Cm(widths_cm[c])
        write_cell(cell, "" if value is None else str(value), align="center" if c in centred else "left")
    return row


def _group_row(table, text: str, widths_cm: Sequence[float]) -> None:
    from docx.shared import Cm
    row = table.add_row()
    for cell, w in zip(row.cells, widths_cm):
        cell.width = Cm(w)
    merged = row.cells[0].merge(row.cells[-1])
    write_cell(merged, text, bold=True)
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def content_widths(columns: Sequence[Sequence[str]], total_cm: float, minimum_cm: Sequence[float], flex: int,
                   size: int = TABLE_PT, cap_chars: int = 16) -> list[float]:
    """Column widths from what they hold. Each column but `flex` gets room for its longest word and its typical
    text (the 90th percentile, so one long name does not widen it for everyone) up to `cap_chars` a line (longer
    texts wrap); the `flex` column (the summary of achievements) takes the rest of the page's width. Never below
    the minimums; when the page is too narrow for them all, every column shrinks in proportion."""
    if sum(minimum_cm) > total_cm:
        minimum_cm = [m * total_cm / sum(minimum_cm) for m in minimum_cm]
    per_char = CM_PER_CHAR.get(size, 0.22)
    padding = 0.5                                     # cell margins (0.19 cm a side) and a little air
    widths = []
    for values, floor in zip(columns, minimum_cm):
        texts_ = [str(v) for v in values if v is not None] or [""]
        longest_word = max((len(w) for t in texts_ for w in t.split()), default=1)
        lengths = sorted(len(t) for t in texts_)
        typical = lengths[min(len(lengths) - 1, math.floor(0.9 * len(lengths)))]
        widths.append(max(floor, max(longest_word, min(typical, cap_chars)) * per_char + padding))
    fixed = sum(w for i, w in enumerate(widths) if i != flex)
    room = total_cm - fixed
    if room >= minimum_cm[flex]:
        widths[flex] = room
    else:                                             # shrink the others towards their minimums
        widths[flex] = minimum_cm[flex]
        spare = total_cm - minimum_cm[flex] - sum(m for i, m in enumerate(minimum_cm) if i != flex)
        extra = fixed - sum(m for i, m in enumerate(minimum_cm) if i != flex)
        for i in range(len(widths)):
            if i != flex:
                widths[i] = minimum_cm[i] + (widths[i] - minimum_cm[i]) * (spare / extra if extra else 0)
    return [round(w, 2) for w in widths]


def _clear(cell) -> None:
    """A new cell holds one empty paragraph: remove it so the first para() is the first line."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
