"""bot.documents: every document read back (python-docx / openpyxl) for what Nghị định 30/2020 and a printer need."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from bot import texts
from bot.documents import nd30
from bot.documents.letterhead import Letterhead
from bot.documents.nominations import ListRow, RoundInfo, build_list_docx, build_list_xlsx, build_proposal_docx
from bot.documents.progress_report import build_progress_docx, by_cluster, tally
from db.export_facts import ExportData, ExportMilestone, ExportRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LH = Letterhead("Sở Giáo dục và Đào tạo", "UBND tỉnh Bình Phước", "Bình Phước", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                "Trần Văn Bình", "SGDĐT")
INFO = RoundInfo("quý I/2027", "Phong trào thi đua “Dạy tốt, học tốt” năm học 2026-2027", "45/KH-SGDĐT")
NOW = datetime(2027, 3, 20, 3, 0)       # 10:00 in Bình Phước


def nominees(n: int = 12) -> list[ListRow]:
    return [ListRow(f"Tổ chuyên môn Toán số {i}" if i % 4 == 0 else f"Lê Thị Thu Hà {i}",
                    "Tổ chuyên môn" if i % 4 == 0 else "Giáo viên",
                    f"Trường THCS Tân Phú {i}", "Hoàn thành xuất sắc nhiệm vụ; sáng kiến cấp tỉnh " * (1 + i % 3),
                    "Giấy khen của Giám đốc Sở", "collective" if i % 4 == 0 else "individual") for i in range(n)]


def progress_data() -> ExportData:
    ms = []
    for k, (title, days) in enumerate([("Đăng ký thi đua", -30), ("Báo cáo sơ kết", -5), ("Báo cáo tổng kết", 40)]):
        m = ExportMilestone(k + 1, title, None, NOW + timedelta(days=days))
        for u in range(6):
            status = ("accepted", "submitted", "missing", "returned")[(u + k) % 4] if days < 0 else "missing"
            m.rows.append(ExportRow(f"TH{u}", f"Trường Tiểu học số {u}", ("Cụm 1", "Cụm 2", None)[u % 3], status,
                                    NOW if status != "missing" else None))
        ms.append(m)
    return ExportData(9, "Phong trào thi đua “Dạy tốt, học tốt”", "45/KH-SGDĐT", 6, ms)


def docs() -> dict[str, bytes]:
    return {"list": build_list_docx(LH, INFO, nominees()), "proposal": build_proposal_docx(LH, INFO, nominees()[:5]),
            "progress": build_progress_docx(LH, progress_data(), TZ, NOW)}


def fonts_of(doc) -> set[str]:
    return {r.font.name for p in doc.paragraphs for r in p.runs if r.font.name} | {doc.styles["Normal"].font.name}


@pytest.mark.parametrize("kind", ["list", "proposal", "progress"])
def test_every_document_has_the_decree_page_font_and_page_numbers(kind):
    doc = Document(io.BytesIO(docs()[kind]))
    s = doc.sections[0]
    assert round(s.top_margin.cm) == 2 and round(s.bottom_margin.cm) == 2
    assert round(s.left_margin.cm) == 3 and round(s.right_margin.cm, 1) == 1.5
    assert {round(s.page_width.cm, 1), round(s.page_height.cm, 1)} == {21.0, 29.7}
    assert (s.page_width > s.page_height) == (kind == "list")          # the list is landscape, the others portrait
    assert fonts_of(doc) == {"Times New Roman"}
    assert doc.styles["Normal"].font.size.pt in (13, 14)
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "Times New Roman"
    # the page number: a PAGE field centred in the header, none on the first page
    assert s.different_first_page_header_footer
    assert "PAGE" in "".join(el.text or "" for el in s.header._element.iter(qn("w:instrText")))
    assert not list(s.first_page_header._element.iter(qn("w:instrText")))


@pytest.mark.parametrize("kind,code", [("list", "DS"), ("proposal", "TTr"), ("progress", "BC")])
def test_the_header_table_issuing_body_left_nation_and_motto_right(kind, code):
    doc = Document(io.BytesIO(docs()[kind]))
    head = doc.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs][:2] == ["UBND TỈNH BÌNH PHƯỚC", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    assert left.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None          # the short rule under the office
    nation, motto = right.paragraphs[:2]
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and nation.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].underline and motto.runs[0].bold
    number, when = head.rows[1].cells
    assert number.text == f"Số: ……/{code}-SGDĐT"
    assert when.paragraphs[0].runs[0].italic and when.text.startswith("Bình Phước, ngày ")
    assert all(c.width is not None for c in head.rows[0].cells)


def test_signature_block_and_recipients():
    doc = Document(io.BytesIO(docs()["proposal"]))
    sign = doc.tables[-1]
    left, right = sign.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:" and left.paragraphs[0].runs[0].bold and left.paragraphs[0].runs[0].italic
    assert left.paragraphs[-1].text == "- Lưu: VT."
    lines = [p.text for p in right.paragraphs if p.text]
    assert lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Bình"]
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None   # never split over two pages


def test_place_date_is_dotted_until_dated_and_pads_the_decree_way():
    assert nd30.place_date(LH, None) == "Bình Phước, ngày …… tháng …… năm ……"
    assert nd30.place_date(LH, date(2027, 2, 5)) == "Bình Phước, ngày 05 tháng 02 năm 2027"
    assert nd30.place_date(LH, date(2027, 11, 15)) == "Bình Phước, ngày 15 tháng 11 năm 2027"
    assert nd30.place_date(Letterhead(), None).startswith("……, ngày")


def test_the_list_groups_collectives_then_individuals_with_a_repeated_header_and_fixed_widths():
    doc = Document(io.BytesIO(docs()["list"]))
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == texts.NOMINATION_EXPORT_HEADERS
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    firsts = [r.cells[0].text for r in table.rows[1:]]
    assert firsts[0] == "I. TẬP THỂ (3)" and firsts[4] == "II. CÁ NHÂN (9)"
    assert firsts[1:4] == ["1", "2", "3"] and firsts[5:] == [str(i) for i in range(1, 10)]
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert len(grid) == 6 and abs(sum(grid) - Cm(nd30.usable_width_cm(True)).twips) < 60
    assert max(grid) == grid[4]                                   # the summary of achievements is the widest
    assert min(grid) == grid[0] and grid[0] >= Cm(1.2).twips      # STT fits its three letters
    assert "(Kèm theo Tờ trình số ……/TTr-SGDĐT" in "\n".join(p.text for p in doc.paragraphs)


def test_the_proposal_lists_names_without_the_summary():
    doc = Document(io.BytesIO(docs()["proposal"]))
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == [h for i, h in enumerate(texts.NOMINATION_EXPORT_HEADERS) if i != 4]
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "TỜ TRÌNH" in body and "Kính gửi: UBND tỉnh Bình Phước" in body and "2 tập thể và 3 cá nhân" in body


def test_content_widths_give_the_rest_to_the_flexible_column_and_respect_minimums():
    cols = [["STT", "1"], ["Tên", "Nguyễn Văn A"], ["Tóm tắt", "x " * 200]]
    widths = nd30.content_widths(cols, 20.0, [1.2, 2.0, 4.0], flex=2)
    assert abs(sum(widths) - 20.0) < 0.05 and widths[2] == max(widths) and widths[0] >= 1.2
    tight = nd30.content_widths(cols, 5.0, [1.2, 2.0, 4.0], flex=2)   # narrower than the minimums: all shrink
    assert abs(sum(tight) - 5.0) < 0.05 and all(w > 0 for w in tight)


def test_progress_report_counts_per_milestone_and_cluster_and_lists_who_missed_each_deadline():
    data = progress_data()
    doc = Document(io.BytesIO(build_progress_docx(LH, data, TZ, NOW)))
    per_milestone = doc.tables[1]
    rows = [[c.text for c in r.cells] for r in per_milestone.rows]
    assert rows[0] == texts.REPORT_DOC_MILESTONE_HEADERS
    t = tally(data.milestones[0].rows)
    assert rows[1] == ["1", "Đăng ký thi đua", "18/02/2027", "6", str(t.submitted), str(t.accepted), str(t.returned),
                       str(t.missing), f"{round(t.share * 100)}%"]
    assert rows[-1][1] == "Tổng cộng" and rows[-1][3] == "18"
    clusters = [[c.text for c in r.cells] for r in doc.tables[2].rows]
    assert [r[1] for r in clusters[1:]] == ["Cụm 1", "Cụm 2", "(chưa xếp cụm)", "Tổng cộng"]
    assert [r[2] for r in clusters[1:]] == ["2", "2", "2", "6"]
    assert sum(t.handed_in for _, _, t in by_cluster(data)) == int(clusters[-1][4])
    body = "\n".join(p.text for p in doc.paragraphs)
    missed = [r for r in data.milestones[0].rows if r.status == "missing"]
    assert f"Đăng ký thi đua — hạn 18/02/2027: {len(missed)} đơn vị chưa nộp" in body
    assert "Báo cáo tổng kết — hạn 29/04/2027: chưa đến hạn, 6 đơn vị chưa nộp." in body
    names = {r.cells[2].text for r in doc.tables[3].rows[1:]}
    assert names == {r.name for r in missed}


def test_list_workbook_title_block_borders_heights_and_print_setup():
    rows = nominees()
    ws = load_workbook(io.BytesIO(build_list_xlsx(LH, INFO, rows))).active
    values = [r for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r[0] == "STT") + 1
    assert [values[i][0] for i in range(4)] == ["UBND TỈNH BÌNH PHƯỚC", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "DANH SÁCH",
                                                 "Đề nghị tuyên dương gương điển hình tiên tiến quý I/2027"]
    assert ws.cell(header + 1, 1).value == "I. TẬP THỂ (3)"
    assert ws.freeze_panes == f"A{header + 1}" and ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    for r in range(header, ws.max_row + 1):
        cell = ws.cell(r, 1)
        assert cell.border.left.style == "thin" and cell.font.name == "Times New Roman"
    # every wrapped row is given a height that holds its longest text: rows do not print over each other
    for r in range(header + 2, ws.max_row + 1):
        summary = ws.cell(r, 5).value
        if summary:
            lines = -(-len(summary) // int((ws.column_dimensions["E"].width - 0.5) * 1.2))
            assert ws.row_dimensions[r].height >= lines * 15
    assert [ws.column_dimensions[c].width for c in "ABCDEF"] == [6, 26, 18, 26, 60, 22]


# ECMA-376 child order (Word refuses a file whose properties come out of order; LibreOffice does not mind)
ORDER = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "trPr": ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
             "tblHeader", "tblCellSpacing", "jc", "hidden"],
}


@pytest.mark.parametrize("kind", ["list", "proposal", "progress"])
def test_properties_are_written_in_the_order_word_requires(kind):
    doc = Document(io.BytesIO(docs()[kind]))
    checked = 0
    for parent, order in ORDER.items():
        for el in doc.element.body.iter(qn(f"w:{parent}")):
            tags = [child.tag.split("}")[1] for child in el]
            assert tags == sorted(tags, key=order.index), (parent, tags)
            checked += 1
    assert checked > 50


def test_the_invite_sheet_prints_landscape_one_page_wide_with_its_header_repeated(tmp_path):
    from bot.invite_sheet import InviteLine, write_qr, write_sheet
    lines = [InviteLine(f"TH{i:02d}", f"Trường Tiểu học số {i}", "Tiểu học", "Cụm 1", "Cô Lan", "0912 000 000",
                        f"https://t.me/thidua_bot?start=tok{i}", f"tok{i}", NOW, 3) for i in range(1, 4)]
    for line in lines:
        write_qr(line.link, tmp_path / f"{line.code}.png")
    ws = load_workbook(write_sheet(lines, tmp_path / "moi.xlsx", TZ, tmp_path)).active
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1" and len(ws._images) == 3
