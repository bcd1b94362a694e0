"""Reading rosters: header matching, title rows, rejected rows, phones, .xlsx and .csv files."""
import unicodedata

import pytest
from openpyxl import Workbook

from bot import texts
from bot.roster import (RosterError, field_for_header, header_key, normalize_phone, parse_table, read_csv_table,
                        read_roster)

HEADERS = ["Mã đơn vị", "Tên đơn vị", "Cấp học", "Cụm thi đua", "Người đầu mối", "Số điện thoại"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("header, field", [
    ("Mã đơn vị", "code"), ("MA DON VI", "code"), ("  mã   ĐƠN vị ", "code"), (nfd("Mã đơn vị"), "code"),
    ("Tên  đơn vị", "name"), ("TEN DON VI", "name"), (nfd("Tên đơn vị"), "name"), ("Tên đơn vị (*)", "name"),
    ("cap hoc", "level"), ("Cấp học", "level"),
    ("cum thi dua", "cluster"), ("Cụm thi đua", "cluster"), ("CỤM THI ĐUA", "cluster"),
    ("Người đầu mối", "liaison_name"), ("nguoi dau moi", "liaison_name"),
    ("Số điện thoại", "liaison_phone"), ("SĐT", "liaison_phone"), ("so dien thoai (Zalo)", "liaison_phone"),
    ("Mã\nđơn vị", "code"), ("STT", None), ("Ghi chú", None), ("", None),
])
def test_headers_match_whatever_the_spelling(header, field):
    assert field_for_header(header) == field


def test_header_key_strips_diacritics_case_and_spacing():
    assert header_key(nfd("  Người  ĐẦU MỐI ")) == header_key("nguoi dau moi") == "nguoi dau moi"


@pytest.mark.parametrize("raw, phone", [
    ("0912345678", "0912345678"), ("0912 345 678", "0912345678"), ("0912.345.678", "0912345678"),
    ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"), ("(+84) 912-345-678", "0912345678"),
    ("912345678", "0912345678"),            # Excel kept it as a number and dropped the 0
    ("0912345678 / 0987654321", "0912345678"), ("02838123456", "02838123456"),
    ("abc", None), ("12345", None), ("0912 345 678 9999", None), ("gọi 0912345678", None),
])
def test_phone_is_normalised_to_digits_with_leading_zero(raw, phone):
    assert normalize_phone(raw) == phone


def test_title_rows_above_header_unknown_columns_and_numbered_line_are_skipped():
    table = [
        ["DANH SÁCH ĐƠN VỊ THAM GIA PHONG TRÀO THI ĐUA", None, None],
        [None, None, None],
        ["STT", "MA DON VI", "Tên  đơn vị", "Ghi chú", "cum thi dua"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "TH01", "Trường Tiểu học Lê Lợi", "mới thành lập", "Cụm 1"],
        [2, 102.0, nfd("Trường Tiểu học Kim Đồng"), None, None],
        [None, None, None, None, None],
    ]
    roster = parse_table(table)
    assert roster.header_row == 3
    assert roster.ignored_columns == ["STT", "Ghi chú"]
    assert [(r.row, r.code, r.name, r.details) for r in roster.rows] == [
        (5, "TH01", "Trường Tiểu học Lê Lợi", {"cluster": "Cụm 1"}),
        (6, "102", "Trường Tiểu học Kim Đồng", {"cluster": None}),   # NFD name stored as NFC
    ]
    assert roster.rejected == [] and roster.warnings == []


def test_rejected_rows_carry_their_row_number_and_reason():
    table = [HEADERS,
             ["TH01", "Trường A", None, None, None, None],
             [None, "Trường thiếu mã", None, None, None, None],
             ["TH03", "   ", "THCS", None, None, None],
             [None, None, "Tiểu học", None, None, None],
             ["TH01", "Trường A lần hai", None, None, None, None],
             ["TH04", "Trường D", None, None, None, "số máy lạ"]]
    roster = parse_table(table)
    assert [r.code for r in roster.rows] == ["TH01", "TH04"]
    assert [(p.row, p.reasons) for p in roster.rejected] == [
        (3, [texts.CLI_REJECT_NO_CODE]),
        (4, [texts.CLI_REJECT_NO_NAME]),
        (5, [texts.CLI_REJECT_NO_CODE, texts.CLI_REJECT_NO_NAME]),
        (6, ["mã trùng trong tệp (đã có ở dòng 2)"]),
    ]
    # a bad phone keeps the unit but not the phone (an existing one stays untouched)
    assert [(p.row, p.reasons) for p in roster.warnings] == [
        (7, ['số điện thoại "số máy lạ" không hợp lệ nên không được lưu'])]
    assert "liaison_phone" not in roster.rows[1].details


def test_a_header_repeated_further_down_is_not_a_unit():
    roster = parse_table([HEADERS, ["TH01", "Trường A"], HEADERS, ["TH02", "Trường B"]])
    assert [r.code for r in roster.rows] == ["TH01", "TH02"] and roster.rejected == []


def test_without_code_and_name_columns_the_file_is_refused():
    with pytest.raises(RosterError, match="dòng tiêu đề"):
        parse_table([["Tên đơn vị", "Cấp học"], ["Trường A", "THCS"]])


def write_xlsx(path, rows, sheets_before: int = 0):
    workbook = Workbook()
    for i in range(sheets_before):
        workbook.create_sheet(f"Ghi chú {i}", 0).append(["Trang này không có danh sách"])
    sheet = workbook.worksheets[-1]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_title_rows_and_a_notes_sheet_first(tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", [
        ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN 1"],
        ["Danh sách đầu mối thi đua năm học 2026-2027"],
        [],
        ["STT", nfd("Mã đơn vị"), "ten don vi", "CẤP HỌC", "Cụm thi đua", "Người đầu mối", "Số điện thoại", "Email"],
        [1, "MN01", "Trường Mầm non Hoa Sen", "Mầm non", "Cụm 2", "Phạm Thị D", 912345678, "d@example.vn"],
    ], sheets_before=1)
    roster = read_roster(path)
    assert roster.header_row == 4
    assert roster.ignored_columns == ["STT", "Email"]
    (row,) = roster.rows
    assert (row.row, row.code, row.name) == (5, "MN01", "Trường Mầm non Hoa Sen")
    assert row.details == {"level": "Mầm non", "cluster": "Cụm 2", "liaison_name": "Phạm Thị D",
                           "liaison_phone": "0912345678"}


def test_csv_utf8_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes("Danh sách;;\nma don vi;TÊN ĐƠN VỊ;so dien thoai\nTH01;Trường Tiểu học Lê Lợi;0912 345 678\n"
                     .encode("utf-8-sig"))
    roster = read_roster(path)
    assert [(r.row, r.code, r.name, r.details) for r in roster.rows] == [
        (3, "TH01", "Trường Tiểu học Lê Lợi", {"liaison_phone": "0912345678"})]


def test_csv_plain_utf8_with_commas_and_quotes():
    table = read_csv_table('Mã đơn vị,Tên đơn vị\nTH01,"Trường Tiểu học Lê Lợi, phường Bến Nghé"\n'.encode())
    assert table[1] == ["TH01", "Trường Tiểu học Lê Lợi, phường Bến Nghé"]


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_csv_not_in_utf8_fails_with_a_clear_message(tmp_path, encoding):
    path = tmp_path / "ds.csv"
    # cp1258 writes tones as combining marks after a base letter (ơ, ư, ê are single bytes)
    text = ("Ma\u0303 đơn vi\u0323,Tên đơn vi\u0323\nTH01,Trươ\u0300ng\n" if encoding == "cp1258"
            else "Ma don vi,Ten don vi\nTH01,École\n")
    path.write_bytes(text.encode(encoding))
    with pytest.raises(RosterError) as error:
        read_roster(path)
    assert str(error.value) == texts.CLI_ROSTER_NOT_UTF8 and "CSV UTF-8" in str(error.value)


def test_other_files_are_refused_clearly(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "ds.txt").write_text("x")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterError, match="xlsx"):
        read_roster(tmp_path / "old.xls")
    with pytest.raises(RosterError, match="ds.txt"):
        read_roster(tmp_path / "ds.txt")
    with pytest.raises(RosterError, match="broken.xlsx"):
        read_roster(tmp_path / "broken.xlsx")
    with pytest.raises(RosterError, match="Không tìm thấy tệp"):
        read_roster(tmp_path / "missing.csv")
