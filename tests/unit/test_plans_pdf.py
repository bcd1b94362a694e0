"""schedules.plans.pdf: the number and issue day that e-office systems stamp on a PDF as annotations are read
back into their line. PDFs are built here (Helvetica, unaccented text), not fetched."""
from __future__ import annotations

import io

from schedules.plans import parse_plan
from schedules.plans.pdf import Piece, Stamp, with_stamps
from schedules.plans.reading import read_plan_text


def test_a_stamp_fills_the_blank_of_the_line_it_covers():
    pieces = [Piece(120, 710, "Số:         /PGD&ĐT"), Piece(225, 710, " "), Piece(None, None, "\n"),
              Piece(300, 709, "Hiệp Hoà, ngày      tháng "), Piece(447, 709, "10 năm 2020")]
    stamps = [Stamp(140, 709, 165, 726, "460"), Stamp(390, 705, 408, 722, "12")]
    assert with_stamps(pieces, stamps) == "Số: 460 /PGD&ĐT \nHiệp Hoà, ngày 12 tháng 10 năm 2020"


def test_a_stamp_with_two_blanks_in_its_piece_takes_the_one_at_its_position():
    pieces = [Piece(100, 500, "ngày      tháng      năm 2020"), Piece(300, 500, "!")]
    assert with_stamps(pieces, [Stamp(210, 498, 225, 512, "10")]) == "ngày      tháng 10 năm 2020!"


def test_a_stamp_on_no_line_of_text_is_left_out():
    pieces = [Piece(100, 500, "TRƯỞNG PHÒNG")]
    assert with_stamps(pieces, [Stamp(300, 100, 450, 180, "Đã ký")]) == "TRƯỞNG PHÒNG"


def test_no_stamp_keeps_the_text():
    pieces = [Piece(72, 700, "Kính gửi:"), Piece(None, None, "\n"), Piece(72, 680, "các trường")]
    assert with_stamps(pieces, []) == "Kính gửi:\ncác trường"


def _stamped_pdf(lines: list[str], stamps: list[tuple[float, float, str]], *, hidden: bool = False) -> bytes:
    """A one-page PDF whose lines are drawn at 72pt from the left, 20pt apart from y=720, and one signature
    widget per stamp (x, y, text) whose appearance draws the text, as e-office systems do."""
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject)

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    fonts = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    body = "".join(f"BT /F1 12 Tf 72 {720 - 20 * k} Td ({line}) Tj ET\n" for k, line in enumerate(lines))
    content = DecodedStreamObject()
    content.set_data(body.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = fonts
    annots = ArrayObject()
    for x, y, text in stamps:
        look = DecodedStreamObject()
        look.set_data(f"BT /F1 12 Tf 0 4 Td ({text}) Tj ET".encode("latin-1"))
        look.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(25),
                                                       NumberObject(17)]),
                     NameObject("/Resources"): fonts})
        annots.append(writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"), NameObject("/F"): NumberObject(2 if hidden else 132),
            NameObject("/Rect"): ArrayObject([FloatObject(x), FloatObject(y - 4), FloatObject(x + 25),
                                              FloatObject(y + 13)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(look)})})))
    page[NameObject("/Annots")] = annots
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


LETTER = ["PHONG GIAO DUC VA DAO TAO HUYEN AN BINH",
          "So:            /PGDDT                 An Binh, ngay          thang 10 nam 2026",
          "V/v tap huan cong tac thi dua",
          "Kinh gui: Hieu truong cac truong.",
          "Cac truong gui bao cao tong ket truoc ngay 30/10/2026."]


def test_the_stamped_number_and_issue_day_of_an_e_office_pdf_are_read(tmp_path):
    # Helvetica 12pt: "So:" ends near x=92, "ngay" near x=330; the stamps sit over the blanks after them
    path = tmp_path / "cv.pdf"
    path.write_bytes(_stamped_pdf(LETTER, [(100, 700, "77"), (345, 700, "12")]))
    text = read_plan_text(path)
    assert "So: 77 /PGDDT" in text and "ngay 12 thang 10 nam 2026" in text
    draft = parse_plan(text)
    assert draft["doc_number"] == "77/PGDDT"
    assert draft["issued_date"] == "2026-10-12"
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-10-30", "final_report")]


def test_a_hidden_annotation_is_not_read(tmp_path):
    path = tmp_path / "cv.pdf"
    path.write_bytes(_stamped_pdf(LETTER, [(100, 700, "77")], hidden=True))
    assert parse_plan(read_plan_text(path))["doc_number"] is None
