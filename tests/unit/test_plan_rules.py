"""Small tests of the building blocks of ``schedules.plans`` (one rule each) and of
``schedules.plans.reading.read_plan_text``."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from schedules.plans import (
    DateMention,
    classify_kind,
    classify_kinds,
    deadline_cue,
    find_actors,
    find_dates,
    fold,
    infer_year,
    is_cited_date,
    is_commemorative,
    is_phase,
    logical_lines,
    normalize_text,
    parse_doc_number,
    parse_issued_date,
    parse_title,
    recurring_every,
    school_year_of,
    strip_diacritics,
    who_acts,
    who_category,
)
from schedules.plans.reading import read_plan_text


def one(text: str, **kw) -> DateMention:
    ms = find_dates(text, kw.pop("default_year", 2024), **kw)
    assert len(ms) == 1, ms
    return ms[0]


# ----------------------------------------------------------------------------- text


def test_fold_keeps_length_and_drops_diacritics():
    s = "Đăng ký thi đua TRƯỚC NGÀY 25/1/2024, hồ sơ khen thưởng"
    f = fold(s)
    assert len(f) == len(s)
    assert f == "dang ky thi dua truoc ngay 25/1/2024, ho so khen thuong"
    assert strip_diacritics("Sở Giáo dục và Đào tạo") == "So Giao duc va Dao tao"


def test_normalize_text_nfd_spaces_markdown():
    nfd = unicodedata.normalize("NFD", "**Ngày 31 tháng 5:**\u00a0Các  đơn vị\r\n* gửi – báo cáo")
    out = normalize_text(nfd)
    assert unicodedata.is_normalized("NFC", out)
    assert out == "Ngày 31 tháng 5: Các đơn vị\n- gửi - báo cáo"


def test_logical_lines_joins_hard_wrapped_lines():
    body = (
        "Các đơn vị tổ chức phát động sâu rộng phong trào thi đua yêu nước gắn với việc\n"
        "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo tinh thần Chỉ thị\n"
        "Đảng ủy khối về công tác thi đua khen thưởng trong toàn ngành giáo dục năm học này.\n"
        "2\n"
        "- Thực hiện đăng ký các danh hiệu thi đua và hình thức khen thưởng (theo mẫu gửi\n"
        "kèm) nộp về Phòng GD&ĐT trước ngày 07/11/2020.\n"
        "Phòng GD&ĐT yêu cầu các đơn vị trực thuộc triển khai thực hiện hiệu quả các nội dung.\n"
    )
    lines = logical_lines(body * 2)
    assert lines[0].startswith("Các đơn vị") and lines[0].endswith("năm học này.")
    assert "Chỉ thị Đảng ủy" in lines[0]  # capitalised continuation of a full line
    assert lines[1] == (
        "- Thực hiện đăng ký các danh hiệu thi đua và hình thức khen thưởng (theo mẫu gửi kèm) nộp về Phòng GD&ĐT trước ngày 07/11/2020."
    )
    assert "2" not in lines  # lone page number dropped
    assert len(lines) == 6


def test_logical_lines_keeps_items_and_joins_sentence_split_by_blank_line():
    lines = logical_lines("- Mục một;\n- Mục hai\n\nCuộc vận động “Toàn dân đoàn kết xây\n\ndựng đời sống văn hóa”.")
    assert lines == ["- Mục một;", "- Mục hai", "Cuộc vận động “Toàn dân đoàn kết xây dựng đời sống văn hóa”."]


# ----------------------------------------------------------------------------- dates


def test_date_long_form():
    m = one("ngày 31 tháng 5 năm 2024")
    assert (m.date, m.precision, m.year_explicit) == (date(2024, 5, 31), "day", True)


@pytest.mark.parametrize("s", ["31/5/2024", "31-5-2024", "31.5.2024", "31/05/24", "31 / 5 / 2024"])
def test_date_numeric_forms(s):
    m = one(f"gửi báo cáo ngày {s}.")
    assert m.date == date(2024, 5, 31) and m.precision == "day"


def test_date_before_cue():
    m = one("Các đơn vị gửi báo cáo sơ kết trước ngày 25/1/2024, đồng thời")
    assert m.date == date(2024, 1, 25) and m.cue == "before"
    assert m.text == "25/1/2024"
    assert one("chậm nhất ngày 10/12/2024").cue == "before"
    assert one("Hạn nộp: 20/5").cue == "before"


def test_date_from_now_until():
    m = one("Từ nay đến ngày 22 tháng 3 năm 2024: Phòng GD&ĐT triển khai")
    assert m.date == date(2024, 3, 22) and m.cue == "until" and m.range_role == "end" and m.range_start == "issue"
    m = one("Từ ngày ban hành Kế hoạch đến ngày 31 tháng 12 năm 2025.")
    assert m.range_start == "issue" and m.date == date(2025, 12, 31)


def test_date_range_year_only_on_end():
    a, b = find_dates("đăng ký từ ngày 25/7 đến ngày 31/7/2022", 2030)
    assert (a.range_role, a.date) == ("start", date(2022, 7, 25))
    assert (b.range_role, b.date, b.range_start) == ("end", date(2022, 7, 31), date(2022, 7, 25))


def test_date_range_day_only_start():
    (b,) = find_dates("từ ngày 25 đến ngày 31/7/2022", 2030)
    assert b.date == date(2022, 7, 31) and b.range_start == date(2022, 7, 25)


def test_date_range_across_new_year():
    a, b = find_dates("từ 20/12 đến 10/01/2025", 2030)
    assert a.date == date(2024, 12, 20) and b.date == date(2025, 1, 10)


def test_month_precision_is_last_day():
    m = one("Thời gian sơ kết trong tháng 02/2024")
    assert (m.date, m.precision, m.cue) == (date(2024, 2, 29), "month", "during")
    assert one("trong tháng 7 năm 2024").date == date(2024, 7, 31)
    assert one("bắt đầu từ tháng 9/2023").cue == "from"


def test_month_without_year_needs_a_cue():
    assert one("Trong tháng 4: các đơn vị đề cử", school_year=2023).date == date(2024, 4, 30)
    assert find_dates("6 tháng 5 ngày", 2024) == []


def test_year_precision_needs_a_cue():
    m = one("Tổ chức sơ kết trong năm 2023.")
    assert (m.date, m.precision) == (date(2023, 12, 31), "year")
    assert find_dates("chỉ số của quận năm 2024 cao hơn so với năm 2023", 2024) == []
    assert find_dates("năm 2023 và nửa đầu năm 2024", 2024) == []
    assert find_dates("năm học 2023-2024", 2024) == []


def test_quarter_and_half_year_are_period_references():
    q = one("Quý I/2024: hội nghị")
    assert (q.date, q.precision, q.period_ref) == (date(2024, 3, 31), "month", True)
    assert one("trong quý IV", default_year=2025).date == date(2025, 12, 31)
    h = one("báo cáo sơ kết 6 tháng đầu năm")
    assert h.period_ref and h.date == date(2024, 6, 30)
    assert one("06 tháng cuối năm 2023").date == date(2023, 12, 31)


def test_impossible_dates_are_not_dates():
    assert find_dates("ngày 31/02/2024 và 30 tháng 2 năm 2024 và 32/1/2024", 2024) == []


def test_numbers_that_are_not_dates():
    text = "Nghị quyết số 98/2023/QH15, Thông tư 21/2020/TT-BGDĐT, đạt 2/3 số đơn vị, lớp 6/1, Số: 87/KH-GDDT"
    assert find_dates(text, 2024) == []


def test_day_month_year_from_school_year():
    assert infer_year(10, 2020, 2023) == 2023
    assert infer_year(1, 2020, 2023) == 2024
    assert infer_year(5, 2021, None) == 2021
    ms = find_dates("trước ngày 10/11 và trước ngày 15/1", 2030, school_year=2023)
    assert [m.date for m in ms] == [date(2023, 11, 10), date(2024, 1, 15)]
    assert all(not m.year_explicit for m in ms)


def test_day_month_long_after_issue_date_rolls_to_next_year():
    m = one("trước ngày 15/1", default_year=2020, ref_date=date(2020, 10, 30))
    assert m.date == date(2021, 1, 15)
    m = one("trước ngày 07/11", default_year=2020, ref_date=date(2020, 10, 30))
    assert m.date == date(2020, 11, 7)


def test_school_year_of():
    assert school_year_of("Phát động phong trào thi đua năm học 2023-2024") == 2023
    assert school_year_of("năm học 2020 - 2021") == 2020
    assert school_year_of("năm 2024") is None


@pytest.mark.parametrize(
    "before,cue",
    [
        ("gửi báo cáo trước ngày ", "before"),
        ("chậm nhất là ngày ", "before"),
        ("thời hạn: ", "before"),
        ("Thời hạn gửi báo cáo: trước 17h00 ngày ", "before"),
        ("Từ nay đến hết ", "until"),
        ("từ ngày ", "from"),
        ("bắt đầu từ ", "from"),
        ("Thời gian sơ kết trong ", "during"),
        ("tổ chức vào ngày ", "during"),
        ("- Ngày ", "on"),
        ("các đơn vị ", None),
    ],
)
def test_deadline_cue(before, cue):
    assert deadline_cue(before) == cue


# ----------------------------------------------------------------------------- cited / commemorative / phase


@pytest.mark.parametrize(
    "before",
    [
        "Căn cứ Kế hoạch số 383/KH-UBND ngày ",
        "Thực hiện Chỉ thị số 05/CT-UBND ngày ",
        "đặc biệt là Luật Thi đua, khen thưởng ngày ",
        "theo Quyết định số 1526/QĐ-TTg ngày ",
        "các chỉ tiêu được HĐND tỉnh khóa X thông qua tại kỳ họp thứ 8 ngày ",
        "Kế hoạch 124-KH/TU ngày ",
    ],
)
def test_cited_dates(before):
    assert is_cited_date(before)


@pytest.mark.parametrize(
    "before",
    [
        "Các đơn vị gửi báo cáo sơ kết trước ngày ",
        "gửi Kế hoạch của đơn vị về Phòng GDĐT quận qua email trước ngày ",
        "- Ngày ",
        "Từ nay đến ngày ",
        "Thời gian sơ kết trong ",
    ],
)
def test_not_cited_dates(before):
    assert not is_cited_date(before)


@pytest.mark.parametrize(
    "text",
    [
        "thi đua chào mừng kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam 03/02/2021",
        "kỷ niệm ngày Nhà giáo Việt Nam 20/11",
        "ngày Quốc tế Lao động 1/5",
        "kỷ niệm 70 năm Ngày chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)",
    ],
)
def test_commemorative_days(text):
    ms = find_dates(text, 2024)
    assert ms and is_commemorative(text, ms[-1])


@pytest.mark.parametrize(
    "text",
    [
        "Các đơn vị gửi báo cáo trước ngày 20/11/2023 về Phòng",
        "Ngày 31 tháng 5 năm 2024: Các đơn vị gửi báo cáo",
        "Chào mừng ngày Nhà giáo, các trường gửi báo cáo trước ngày 15/11/2024",
    ],
)
def test_not_commemorative(text):
    ms = find_dates(text, 2024)
    assert not is_commemorative(text, ms[-1])


def test_phase():
    assert is_phase("- Đợt thi đua thứ nhất: Từ nay đến hết tháng 01/2021, trọng tâm là ...")
    assert is_phase("Giai đoạn 2: từ 01/3 đến 30/4/2024")
    assert is_phase("Phong trào chia làm hai đợt: đợt 1 từ 5/9 đến 20/11")
    assert not is_phase("Từ nay đến ngày 22 tháng 3 năm 2024: Phòng GD&ĐT tổ chức triển khai")
    assert not is_phase("Tổng kết giai đoạn trước ngày 15/11/2025")


# ----------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    "phrase,kinds",
    [
        ("gửi báo cáo sơ kết", ["preliminary_report"]),
        ("báo cáo định kỳ sơ kết 6 tháng đầu năm", ["preliminary_report"]),
        ("Tổ chức tổng kết", ["final_report"]),
        ("báo cáo tổng kết và hồ sơ khen thưởng", ["final_report", "award_dossier"]),
        ("gửi báo cáo kết quả thực hiện công trình thi đua và báo cáo tổng kết phong trào", ["final_report"]),
        ("gửi Kế hoạch của đơn vị về Phòng GDĐT", ["plan_submission"]),
        ("Thực hiện đăng ký các danh hiệu thi đua và hình thức khen thưởng", ["registration"]),
        ("nộp hồ sơ đề nghị khen thưởng", ["award_dossier"]),
        ("nộp tờ trình, danh sách đề nghị khen thưởng", ["award_dossier"]),
        ("giới thiệu gương điển hình tiên tiến", ["nomination"]),
        ("đề cử cá nhân tiêu biểu", ["nomination"]),
        ("gửi báo cáo định kỳ hằng quý", ["periodic_report"]),
        ("tổ chức Hội nghị", ["event"]),
        ("Lễ phát động phong trào", ["event"]),
        ("gửi báo cáo kết quả", ["other"]),
        ("khen thưởng nhân dịp sơ kết, tổng kết", []),
        ("nâng cao chất lượng giáo dục", []),
    ],
)
def test_classify_kinds(phrase, kinds):
    assert classify_kinds(phrase) == kinds


def test_classify_kind_defaults_to_other():
    assert classify_kind("tăng cường đoàn kết") == "other"
    assert classify_kind("gửi báo cáo sơ kết") == "preliminary_report"
    assert classify_kind(unicodedata.normalize("NFD", "Gửi BÁO CÁO TỔNG KẾT")) == "final_report"


# ----------------------------------------------------------------------------- actors


def test_find_actors_skips_recipients_and_possessors():
    acts = find_actors("Các đơn vị gửi báo cáo về Phòng GD&ĐT (qua Văn phòng), báo cáo UBND của đơn vị")
    assert [(a.category, a.text) for a in acts] == [("units", "Các đơn vị")]
    acts = find_actors("Phòng Giáo dục và Đào tạo tổng hợp, triển khai đến các cơ sở giáo dục")
    assert [(a.category, a.text) for a in acts] == [("office", "Phòng Giáo dục và Đào tạo")]


def test_find_actors_phong_is_a_unit_of_a_so():
    acts = find_actors("Phòng GD&ĐT các huyện gửi báo cáo về Sở", issuer_kind="so")
    assert acts[0].category == "units"
    assert find_actors("Phòng GD&ĐT gửi báo cáo", issuer_kind="phong")[0].category == "office"


def test_who_acts_nearest_actor_before_date():
    who = who_acts("Phòng GDĐT quận đề nghị các đơn vị nghiêm túc triển khai và gửi Kế hoạch về Phòng GDĐT quận trước ngày 21/02/2021")
    assert who == "các đơn vị"


def test_who_acts_forward_when_date_heads_line():
    who = who_acts("Ngày 31 tháng 5 năm 2024: Các đơn vị gửi báo cáo về Phòng Giáo dục và Đào tạo", forward=True)
    assert who == "các đơn vị"
    who = who_acts("Từ nay đến ngày 22/3/2024: Phòng Giáo dục và Đào tạo triển khai kế hoạch", forward=True)
    assert who_category(who) == "office"


def test_who_acts_fallbacks():
    assert who_acts("Thời gian sơ kết trong tháng 02/2024", office_name="Sở Giáo dục và Đào tạo") == "Sở Giáo dục và Đào tạo"
    assert who_acts("Quý II: Hội nghị tổng kết phong trào") == "Phòng Giáo dục và Đào tạo"
    assert who_acts("nộp hồ sơ trước ngày 07/11/2020", heading_actor="Các trường mầm non") == "Các trường mầm non"
    assert who_acts("Tổ chức sơ kết trong năm 2023", default_units="các cơ sở giáo dục") == "các cơ sở giáo dục"
    assert who_acts("gửi báo cáo", context_before="Các trường, ") == "các trường"


@pytest.mark.parametrize(
    "who,cat",
    [
        ("các đơn vị", "units"),
        ("các cơ sở giáo dục", "units"),
        ("Các trường mầm non, tiểu học", "units"),
        ("Phòng Giáo dục và Đào tạo", "office"),
        ("Sở Giáo dục và Đào tạo", "office"),
        ("Công đoàn cơ quan", "other"),
        (None, "other"),
    ],
)
def test_who_category(who, cat):
    assert who_category(who) == cat


# ----------------------------------------------------------------------------- recurring


@pytest.mark.parametrize(
    "clause,every",
    [
        ("Hàng quý, rà soát, bình chọn đề nghị 01 gương điển hình", "quarter"),
        ("hằng quý các đơn vị gửi báo cáo", "quarter"),
        ("bình xét cá nhân theo quý và năm học", "quarter"),
        ("bình xét thi đua trong nội bộ cơ quan, đơn vị theo tháng, quý, năm", "month"),
        ("báo cáo định kỳ (hàng quý, 06 tháng và tổng kết năm)", "quarter"),
        ("Hàng tháng, các trường gửi báo cáo tiến độ", "month"),
        ("Định kỳ 6 tháng, các đơn vị báo cáo kết quả", "half_year"),
        ("Hàng năm, khi sơ kết, tổng kết phong trào thi đua", "year"),
        ("gửi báo cáo sơ kết 6 tháng đầu năm", None),
        ("thực hiện theo quy định", None),
        ("kế hoạch năm học 2023-2024", None),
        ("Chỉ thị về “Phát động thi đua thực hiện nhiệm vụ hằng năm”", None),
    ],
)
def test_recurring_every(clause, every):
    assert recurring_every(clause) == every


# ----------------------------------------------------------------------------- header


def test_parse_doc_number():
    assert parse_doc_number(["", "Số: 87 /KH-GDDT"]) == "87/KH-GDDT"
    assert parse_doc_number(["Số: 11/KH-PGDĐT"]) == "11/KH-PGDĐT"
    assert parse_doc_number(["Số: /KH-SGDĐT"]) is None
    assert parse_doc_number(["Số hiệu", "Số: 25/KH-PGD&ĐT"]) == "25/KH-PGD&ĐT"
    assert parse_doc_number(["PHÒNG GD&ĐT | Số: 45/KH-PGDĐT"]) == "45/KH-PGDĐT"
    assert parse_doc_number(["Căn cứ Kế hoạch số 383/KH-UBND ngày 07/12/2022"]) is None


def test_parse_issued_date():
    assert parse_issued_date(["Quận 1, ngày 09 tháng 01 năm 2023"]) == (date(2023, 1, 9), "Quận 1")
    assert parse_issued_date(["Bình Phước, ngày tháng năm 2023"]) == (None, "Bình Phước")
    lines = ["Hiệp Hoà, ngày tháng 10 năm 2020", "Ngày ban hành", "Ngày hiệu lực", "30/10/2020"]
    assert parse_issued_date(lines) == (date(2020, 10, 30), "Hiệp Hoà")


def test_parse_title():
    lines = ["Số: 11/KH-PGDĐT", "KẾ HOẠCH", "Công tác Thi đua Khen thưởng", "Ngành GD&ĐT quận Ba Đình năm 2021", "Căn cứ Kế hoạch số 1"]
    assert parse_title(lines) == ("Công tác Thi đua Khen thưởng Ngành GD&ĐT quận Ba Đình năm 2021", 4)
    assert parse_title(["Kế hoạch phát động thi đua", "nội dung"]) == (None, 0)
    assert parse_title(["KẾ HOẠCH", "Thi đua năm 2024", "- Các đơn vị gửi báo cáo."])[0] == "Thi đua năm 2024"


# ----------------------------------------------------------------------------- plan_text


def test_read_txt_utf8_bom_and_nfd(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "KẾ HOẠCH\r\n\r\n\r\n\r\nNgày 31 tháng 5").encode("utf-8"))
    t = read_plan_text(p)
    assert t == "KẾ HOẠCH\n\nNgày 31 tháng 5\n"


def test_read_txt_legacy_encoding(tmp_path):
    p = tmp_path / "b.txt"
    # Windows-1258 stores Vietnamese as base letters (â, ê, ơ ...) + combining tone marks
    def cp1258(s: str) -> bytes:
        out = b""
        for ch in s:
            try:
                out += ch.encode("cp1258")
            except UnicodeEncodeError:
                base, *marks = unicodedata.normalize("NFD", ch)
                if marks and unicodedata.normalize("NFC", base + marks[0]).encode("cp1258", "ignore"):
                    try:
                        out += unicodedata.normalize("NFC", base + marks[0]).encode("cp1258") + "".join(marks[1:]).encode("cp1258")
                        continue
                    except UnicodeEncodeError:
                        pass
                out += (base + "".join(marks)).encode("cp1258")
        return out

    p.write_bytes(cp1258("Kế hoạch thi đua năm học"))
    assert read_plan_text(p) == "Kế hoạch thi đua năm học\n"


def test_read_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "PHÒNG GD&ĐT\nSố: 12/KH-PGDĐT"
    t.cell(0, 1).text = "Quận 5, ngày 01 tháng 9 năm 2023"
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph(unicodedata.normalize("NFD", "Thi đua năm học 2023-2024"))
    s = d.add_table(rows=2, cols=3)
    for j, c in enumerate(["Thời gian", "Nội dung", "Đơn vị"]):
        s.cell(0, j).text = c
    for j, c in enumerate(["Trước 30/9", "Đăng ký thi đua", "Các trường"]):
        s.cell(1, j).text = c
    p = tmp_path / "c.docx"
    d.save(str(p))
    text = read_plan_text(p)
    lines = text.split("\n")
    assert "Số: 12/KH-PGDĐT" in lines  # header-table cells: one paragraph per line
    assert "Quận 5, ngày 01 tháng 9 năm 2023" in lines
    assert "Thi đua năm học 2023-2024" in lines  # NFC
    assert "Trước 30/9 | Các trường | Đăng ký thi đua" in lines  # a schedule row: time | who | task


def test_read_unsupported_doc(tmp_path):
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValueError):
        read_plan_text(p)
