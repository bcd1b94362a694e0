"""schedules.plans.header: the title of each kind of document, on short letterheads of our own."""
from __future__ import annotations

from schedules.plans import parse_plan
from schedules.plans.header import parse_title, subject_line
from schedules.plans.text import logical_lines


def test_a_cong_van_subject_wrapped_over_lines_is_its_title():
    lines = ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số: 77/PGDĐT", "V/v tập huấn công tác thi đua; cập nhật",
             "Website ngành.", "An Bình, ngày12 tháng 10 năm 2026", "Kính gửi: Hiệu trưởng các trường."]
    assert subject_line(lines) == "V/v tập huấn công tác thi đua; cập nhật Website ngành"
    assert parse_title(lines) == ("V/v tập huấn công tác thi đua; cập nhật Website ngành", 0)


def test_a_subject_stops_at_the_place_date_line_even_when_the_day_is_glued():
    lines = ["V/v tổ chức hội thi giáo viên dạy giỏi", "An Bình, ngày12 tháng 10 năm 2026"]
    assert subject_line(lines) == "V/v tổ chức hội thi giáo viên dạy giỏi"


def test_a_thong_bao_or_quyet_dinh_heading_gives_the_title_under_it():
    notice = ["SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH AN BÌNH", "Số: 15/TB-SGDĐT", "An Bình, ngày 03 tháng 3 năm 2026",
              "THÔNG BÁO", "Kết luận của Giám đốc Sở tại hội nghị giao ban tháng 3", "",
              "1. Các phòng giáo dục gửi báo cáo trước ngày 20/3/2026."]
    assert parse_title(notice)[0] == "Kết luận của Giám đốc Sở tại hội nghị giao ban tháng 3"
    decision = ["QUYẾT ĐỊNH", "Về việc thành lập Hội đồng thi đua", "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]
    assert parse_title(decision)[0] == "Về việc thành lập Hội đồng thi đua"


def test_a_heading_word_inside_the_body_is_not_the_title():
    lines = ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Kính gửi: các trường.", "Căn cứ công văn số 5/SGDĐT;",
             "BÁO CÁO", "Các trường gửi báo cáo trước ngày 20/3/2026."]
    assert parse_title(lines) == (None, 0)


def test_the_draft_of_a_cong_van_has_its_subject_as_title():
    text = "\n".join(["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH", "Số: 77/PGDĐT", "V/v nộp bài dự thi",
                      "An Bình, ngày 12 tháng 10 năm 2026", "Kính gửi: Hiệu trưởng các trường.",
                      "Các trường nộp bài dự thi trước ngày 30/10/2026."])
    draft = parse_plan(text)
    assert draft["title"] == "V/v nộp bài dự thi"
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-10-30", "other")]
    assert logical_lines(text)[2] == "V/v nộp bài dự thi"


def test_the_issue_date_comes_only_from_a_place_date_line():
    from datetime import date

    from schedules.plans.header import is_place, parse_issued_date

    assert parse_issued_date(["Quận 1, ngày 09 tháng 01 năm 2023"]) == (date(2023, 1, 9), "Quận 1")
    # a cited document or a sentence is not a place, even written "…, ngày D tháng M năm Y"
    assert parse_issued_date(["Căn cứ Công văn số 1160/SGDĐT, ngày 05 tháng 10 năm 2026 của Sở"]) == (None, None)
    assert parse_issued_date(["Các trường gửi báo cáo, ngày 30 tháng 10 năm 2026"]) == (None, None)
    assert is_place("phuong 5") and is_place("an binh") and not is_place("so 12")


def test_a_place_date_after_other_header_text_on_its_line_is_read():
    from datetime import date

    from schedules.plans.header import parse_issued_date

    line = "Số: 77/PGDĐT An Bình, ngày12 tháng 10 năm 2026"      # the letterhead's two columns as one line
    assert parse_issued_date([line]) == (date(2026, 10, 12), "An Bình")


def test_an_issuer_that_is_not_an_education_office_is_read_from_the_letterhead():
    from schedules.plans.header import letterhead_issuer

    assert letterhead_issuer(["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ", "Số: 12/KH-UBND"]) == "Ủy ban nhân dân xã An Phú"
    assert letterhead_issuer(["UBND PHƯỜNG BẾN NGHÉ", "", "Số: 12/KH-UBND"]) == "Ủy ban nhân dân phường Bến Nghé"
    assert letterhead_issuer(["UBND HUYỆN AN BÌNH", "TRƯỜNG THCS LÊ LỢI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) \
        == "Trường THCS Lê Lợi"
    assert letterhead_issuer(["Kính gửi: các trường"]) is None
    draft = parse_plan("UBND THÀNH PHỐ AN BÌNH\nSố: 12/KH-UBND\nAn Bình, ngày 02 tháng 3 năm 2026\nKẾ HOẠCH\n"
                       "Thi đua năm 2026\nCác trường gửi báo cáo trước ngày 30/10/2026.")
    assert draft["issuer"] == "Ủy ban nhân dân thành phố An Bình"


def test_a_stamped_day_over_the_typed_one_is_the_issue_date():
    from datetime import date

    from schedules.plans.header import parse_issued_date

    assert parse_issued_date(["Hiệp Hòa, ngày 24 29 tháng 9 năm 2021"]) == (date(2021, 9, 29), "Hiệp Hòa")


def test_a_number_with_a_space_after_its_dash_is_read_whole():
    from schedules.plans.header import parse_doc_number

    assert parse_doc_number(["Số:12 /KH- PGD&ĐT"]) == "12/KH-PGD&ĐT"
    assert parse_doc_number(["Số: /KH-SGDĐT"]) is None          # the number is still blank
