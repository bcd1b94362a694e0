"""`thidua units import|invite|revoke|list` through bot.cli.main, against a fresh migrated database."""
import hashlib
import struct
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot import texts
from db import invites
from db.clock import utcnow
from db.models import AuditEvent, Invite, Office, Unit
from tests.support.documents import ole, text_pdf, xlsx_bytes

TITLE_ROWS = [["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN 1"], ["DANH SÁCH ĐẦU MỐI THI ĐUA"], []]
HEADER = ["STT", unicodedata.normalize("NFD", "Mã đơn vị"), "TEN  DON VI", "cap hoc", "Cụm thi đua",
          "nguoi dau moi", "Số điện thoại", "Ghi chú"]
ROSTER = [
    [1, "TH01", "Trường Tiểu học Lê Lợi", "Tiểu học", "Cụm 1", "Nguyễn Văn An", "0912 345 678", ""],
    [2, "TH02", "Trường Tiểu học Kim Đồng", "Tiểu học", "Cụm 1", "Trần Thị Bình", "+84 987 654 321", ""],
    [3, "THCS01", "Trường THCS Nguyễn Du", "THCS", "Cụm 2", "Lê Văn Cường", 903111222, "số cũ"],
    [4, None, "Trường chưa có mã", "THCS", "Cụm 2", None, None, ""],
    [5, "TH01", "Dòng trùng mã", None, None, None, None, ""],
    [6, "MN01", None, "Mầm non", None, None, None, ""],
]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    for row in [*TITLE_ROWS, HEADER, *rows]:
        workbook.active.append(row)
    workbook.save(path)
    return path


def units_in_db(db) -> dict[str, Unit]:
    with db() as s:
        return {u.code: u for u in s.exec(select(Unit)).all()}


def read_sheet(path: Path) -> list[dict]:
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == texts.CLI_SHEET_HEADERS
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def redeem(db, token: str, user_id: int):
    with db() as s:
        result = invites.redeem(s, token, channel="telegram", user_id=str(user_id), chat_id=str(user_id),
                                display_name=f"Người {user_id}")
        return result.ok, result.reason


# ---- import -------------------------------------------------------------------------------------

def test_import_adds_units_and_reports_rejected_rows(thidua, db, tmp_path):
    code, out, _ = thidua("units", "import", write_xlsx(tmp_path / "ds.xlsx", ROSTER))
    assert code == 0
    units = units_in_db(db)
    assert sorted(units) == ["TH01", "TH02", "THCS01"]
    th01 = units["TH01"]
    assert (th01.name, th01.level, th01.cluster, th01.liaison_name, th01.liaison_phone) == (
        "Trường Tiểu học Lê Lợi", "Tiểu học", "Cụm 1", "Nguyễn Văn An", "0912345678")
    assert units["TH02"].liaison_phone == "0987654321" and units["THCS01"].liaison_phone == "0903111222"
    assert "dòng tiêu đề là dòng 4" in out
    assert "Bỏ qua các cột không dùng: STT, Ghi chú." in out
    assert "Thêm mới (3):\n  • TH01 — Trường Tiểu học Lê Lợi\n" in out
    # spreadsheet rows: 3 title rows, the header on row 4, data from row 5
    assert "Bị từ chối (3):\n  • Dòng 8: thiếu mã đơn vị\n  • Dòng 9: mã trùng trong tệp (đã có ở dòng 5)\n" \
           "  • Dòng 10: thiếu tên đơn vị\n" in out
    assert "Tổng kết: thêm mới 3, cập nhật 0, không đổi 0, bị từ chối 3." in out


def test_reimporting_the_same_file_changes_nothing(thidua, db, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", ROSTER)
    thidua("units", "import", path)
    before = {c: u.model_dump() for c, u in units_in_db(db).items()}
    code, out, _ = thidua("units", "import", path)
    assert code == 0
    assert "Tổng kết: thêm mới 0, cập nhật 0, không đổi 3, bị từ chối 3." in out
    assert "Thêm mới" not in out and "Cập nhật" not in out
    assert {c: u.model_dump() for c, u in units_in_db(db).items()} == before
    with db() as s:
        imports = s.exec(select(AuditEvent).where(AuditEvent.action == "units_imported")).all()
    assert [e.details["added"] for e in imports] == [3, 0]


def test_reimport_updates_by_code_without_duplicates(thidua, db, tmp_path):
    thidua("units", "import", write_xlsx(tmp_path / "v1.xlsx", ROSTER))
    changed = [list(r) for r in ROSTER[:3]]
    changed[1][6] = "0911 000 111"                       # TH02's liaison has a new phone
    changed[2][2], changed[2][4] = "Trường THCS Nguyễn Du (cơ sở 2)", "Cụm 3"
    changed.append([7, "MN01", "Trường Mầm non Hoa Sen", "Mầm non", "Cụm 3", None, None, ""])
    code, out, _ = thidua("units", "import", write_xlsx(tmp_path / "v2.xlsx", changed))
    assert code == 0
    assert "Thêm mới (1):\n  • MN01 — Trường Mầm non Hoa Sen\n" in out
    assert "  • TH02 — Trường Tiểu học Kim Đồng: đổi số điện thoại\n" in out
    assert "  • THCS01 — Trường THCS Nguyễn Du (cơ sở 2): đổi tên đơn vị, cụm thi đua\n" in out
    assert "Tổng kết: thêm mới 1, cập nhật 2, không đổi 1, bị từ chối 0." in out
    units = units_in_db(db)
    assert sorted(units) == ["MN01", "TH01", "TH02", "THCS01"]
    assert units["TH02"].liaison_phone == "0911000111" and units["THCS01"].cluster == "Cụm 3"


def test_office_is_created_once_and_owns_the_units(thidua, db, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", ROSTER[:2])
    _, out, _ = thidua("units", "import", path, "--office", "Phòng GD&ĐT  Quận 1")
    assert "Cơ quan quản lý: Phòng GD&ĐT Quận 1 (mới tạo)." in out
    _, out, _ = thidua("units", "import", path, "--office", "Phòng GD&ĐT Quận 1")
    assert "(mới tạo)" not in out and "không đổi 2" in out
    with db() as s:
        (office,) = s.exec(select(Office)).all()
        assert {u.office_id for u in s.exec(select(Unit)).all()} == {office.id}


def test_csv_in_windows_encoding_is_refused_and_nothing_is_imported(thidua, db, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes("Ma don vi,Ten don vi\nTH01,Tr\xfd\xf4\xecng\n".encode("latin-1"))
    code, out, err = thidua("units", "import", path)
    assert code == 2 and err.strip() == texts.CLI_ROSTER_NOT_UTF8 and out == ""
    assert units_in_db(db) == {}


def test_csv_import_with_no_diacritic_headers(thidua, db, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("DANH SACH\nma don vi,ten don vi,cum thi dua,SDT\nTH09,Trường Tiểu học Hòa Bình,Cụm 4,912000999\n",
                    encoding="utf-8")
    code, out, _ = thidua("units", "import", path)
    assert code == 0 and "thêm mới 1" in out
    unit = units_in_db(db)["TH09"]
    assert (unit.name, unit.cluster, unit.liaison_phone, unit.level) == (
        "Trường Tiểu học Hòa Bình", "Cụm 4", "0912000999", None)


# ---- invite -------------------------------------------------------------------------------------

@pytest.fixture
def imported(thidua, tmp_path):
    thidua("units", "import", write_xlsx(tmp_path / "ds.xlsx", ROSTER))
    return thidua


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_invite_writes_links_qr_codes_and_a_sheet(imported, db, tmp_path, settings):
    code, out, _ = imported("units", "invite", "--out", tmp_path / "moi", "--bot-username", "@PhongGD_Q1_bot")
    assert code == 0 and "Đã tạo 3 lời mời" in out
    rows = read_sheet(tmp_path / "moi" / "danh-sach-loi-moi.xlsx")
    assert [(r["Mã đơn vị"], r["Tên đơn vị"]) for r in rows] == [
        ("TH01", "Trường Tiểu học Lê Lợi"), ("TH02", "Trường Tiểu học Kim Đồng"), ("THCS01", "Trường THCS Nguyễn Du")]
    expires = texts.fmt_datetime(utcnow() + timedelta(days=30), settings.tz)
    for row in rows:
        token = row["Mã mời (gõ trong Zalo)"]
        assert len(token) == 9 and token[4] == "-"          # printed as BCGH-K2M9, typed either way
        assert row["Liên kết Telegram"] == f"https://t.me/PhongGD_Q1_bot?start={token.replace('-', '')}"
        assert invites.looks_like_code(token)
        assert row["Hạn dùng"][-10:] == expires[-10:] and row["Số lần dùng tối đa"] == 3
        width, height = png_size(tmp_path / "moi" / row["Tệp mã QR"])
        assert width == height >= 200
    assert row["Người đầu mối"] == "Lê Văn Cường" and row["Số điện thoại"] == "0903111222"
    assert sorted(p.name for p in (tmp_path / "moi").iterdir()) == [
        "TH01.png", "TH02.png", "THCS01.png", "danh-sach-loi-moi.xlsx", "huong-dan-cac-truong.docx"]
    tokens = [r["Mã mời (gõ trong Zalo)"] for r in rows]
    assert len(set(tokens)) == 3
    with db() as s:
        stored = s.exec(select(Invite)).all()
    assert sorted(i.token_hash for i in stored) == sorted(hashlib.sha256(t.replace("-", "").encode()).hexdigest() for t in tokens)
    assert all(i.max_uses == 3 and i.kind == "unit" for i in stored)


def test_only_hashes_reach_the_database_file(imported, settings, tmp_path):
    imported("units", "invite", "--out", tmp_path / "moi")
    tokens = [r["Mã mời (gõ trong Zalo)"] for r in read_sheet(tmp_path / "moi" / "danh-sach-loi-moi.xlsx")]
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file's raw bytes")
    db_path = Path(settings.database_url.split("///", 1)[1])
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))  # with the WAL file
    assert all(t.encode() not in raw for t in tokens)
    assert all(t.replace("-", "").encode() not in raw for t in tokens)
    assert all(hashlib.sha256(t.replace("-", "").encode()).hexdigest().encode() in raw for t in tokens)


def test_bot_username_comes_from_option_then_env_then_default(imported, tmp_path, monkeypatch):
    imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "a")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@SoGD_bot")
    imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "b")
    links = [read_sheet(tmp_path / d / "danh-sach-loi-moi.xlsx")[0]["Liên kết Telegram"] for d in "ab"]
    assert links[0].startswith("https://t.me/thidua_bot?start=") and links[1].startswith("https://t.me/SoGD_bot?start=")


def test_one_unit_invite_prints_its_link(imported, tmp_path):
    code, out, _ = imported("units", "invite", "--unit", "TH02", "--out", tmp_path / "one", "--days", "7",
                            "--max-uses", "5")
    (row,) = read_sheet(tmp_path / "one" / "danh-sach-loi-moi.xlsx")
    assert code == 0 and row["Mã đơn vị"] == "TH02" and row["Số lần dùng tối đa"] == 5
    assert f"Liên kết cho TH02 — Trường Tiểu học Kim Đồng: {row['Liên kết Telegram']}" in out
    assert "mỗi mã dùng tối đa 5 lần" in out


def test_unknown_unit_and_bad_numbers_are_refused(imported, tmp_path, db):
    code, _, err = imported("units", "invite", "--unit", "XX99", "--out", tmp_path / "x")
    assert code == 1 and "Không có đơn vị mã XX99" in err and not (tmp_path / "x").exists()
    with pytest.raises(SystemExit):
        imported("units", "invite", "--days", "0")
    code, _, err = imported("units", "revoke", "--unit", "XX99")
    assert code == 1 and "XX99" in err
    with db() as s:
        assert s.exec(select(Invite)).all() == []


def test_invite_without_units_says_to_import_first(thidua, tmp_path):
    code, _, err = thidua("units", "invite", "--out", tmp_path / "x")
    assert code == 1 and err.strip() == texts.CLI_NO_UNITS


def sheet_token(tmp_path: Path, out: str, unit: str = "TH01") -> str:
    rows = read_sheet(tmp_path / out / "danh-sach-loi-moi.xlsx")
    return next(r["Mã mời (gõ trong Zalo)"] for r in rows if r["Mã đơn vị"] == unit)


def test_new_invites_keep_old_ones_unless_replace(imported, db, tmp_path):
    imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "first")
    imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "second")
    first, second = sheet_token(tmp_path, "first"), sheet_token(tmp_path, "second")
    assert redeem(db, first, 1) == (True, None) and redeem(db, second, 2) == (True, None)
    code, out, _ = imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "third", "--replace")
    assert code == 0 and "Đã thu hồi 2 lời mời cũ" in out
    assert redeem(db, first, 3) == (False, "revoked") and redeem(db, second, 4) == (False, "revoked")
    assert redeem(db, sheet_token(tmp_path, "third"), 5) == (True, None)


def test_revoke_makes_redeem_fail(imported, db, tmp_path):
    imported("units", "invite", "--out", tmp_path / "moi")
    code, out, _ = imported("units", "revoke", "--unit", "TH01")
    assert code == 0 and out.strip() == "Đã thu hồi 1 lời mời của TH01 — Trường Tiểu học Lê Lợi."
    assert redeem(db, sheet_token(tmp_path, "moi", "TH01"), 1) == (False, "revoked")
    assert redeem(db, sheet_token(tmp_path, "moi", "TH02"), 2) == (True, None)   # other units untouched
    _, out, _ = imported("units", "revoke", "--unit", "TH01")
    assert "Đã thu hồi 0 lời mời" in out


def test_invite_expires_after_its_days(imported, db, tmp_path):
    imported("units", "invite", "--unit", "TH01", "--out", tmp_path / "moi", "--days", "10")
    token = sheet_token(tmp_path, "moi")
    with time_machine.travel(utcnow() + timedelta(days=10, minutes=1), tick=False):
        assert redeem(db, token, 1) == (False, "expired")
    with time_machine.travel(utcnow() + timedelta(days=9, hours=23), tick=False):
        assert redeem(db, token, 1) == (True, None)


def test_max_uses_limits_how_many_chats_bind(imported, db, tmp_path):
    imported("units", "invite", "--unit", "TH02", "--out", tmp_path / "moi", "--max-uses", "2")
    token = sheet_token(tmp_path, "moi", "TH02")
    assert [redeem(db, token, uid) for uid in (1, 2, 3)] == [(True, None), (True, None), (False, "used_up")]
    assert redeem(db, token, 1) == (False, "used_up")   # an invite used up is refused even to its own users


def test_list_shows_units_with_bound_contacts(imported, db, tmp_path):
    imported("units", "invite", "--out", tmp_path / "moi")
    for uid in (1, 2):
        redeem(db, sheet_token(tmp_path, "moi", "TH02"), uid)
    redeem(db, sheet_token(tmp_path, "moi", "TH01"), 3)
    code, out, _ = imported("units", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == " ".join(texts.CLI_LIST_HEADERS).split()
    counts = {line.split()[0]: line.split()[-1] for line in lines[2:5]}
    assert counts == {"TH01": "1", "TH02": "2", "THCS01": "0"}
    assert lines[-1] == "3 đơn vị; 2 đơn vị đã có người gắn tài khoản, 3 tài khoản đã gắn."


# ---- a file that cannot be read changes nothing (schedules.documents) ----------------------------------------

BAD_ROSTERS = [
    ("empty", "ds.xlsx", lambda tmp: b""),
    ("corrupt", "ds.xlsx", lambda tmp: write_xlsx(tmp / "good.xlsx", ROSTER).read_bytes()[:-120]),
    ("encrypted", "ds.xlsx", lambda tmp: ole("EncryptedPackage", "EncryptionInfo")),
    ("mislabelled", "ds.xlsx", lambda tmp: text_pdf()),
    ("mislabelled", "ds.csv", lambda tmp: xlsx_bytes()),
    ("unsupported", "ds.xls", lambda tmp: ole("Workbook")),
    ("unsupported", "ds.pdf", lambda tmp: text_pdf()),
]


@pytest.mark.parametrize("reason, name, make", BAD_ROSTERS, ids=[f"{r}-{n}" for r, n, _ in BAD_ROSTERS])
def test_import_of_a_bad_file_says_why_in_one_line_and_imports_nothing(thidua, db, tmp_path, reason, name, make):
    from schedules.documents import UnreadableDocument, read_roster_document

    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    with pytest.raises(UnreadableDocument) as expected:
        read_roster_document(path, name, None)
    assert expected.value.reason == reason
    code, out, err = thidua("units", "import", path)
    assert (code, out) == (2, "")
    assert err == expected.value.message + "\n" and "\n" not in expected.value.message
    assert units_in_db(db) == {}
    with db() as s:
        assert s.exec(select(AuditEvent)).all() == []


def test_import_of_a_missing_file_says_so(thidua, db, tmp_path):
    code, out, err = thidua("units", "import", tmp_path / "khong_co.xlsx")
    assert code == 2 and err.strip() == texts.CLI_ROSTER_NOT_FOUND.format(path=tmp_path / "khong_co.xlsx")


def test_invite_writes_one_printable_page_per_school(imported, tmp_path):
    from docx import Document
    from docx.shared import Cm
    code, _, _ = imported("units", "invite", "--out", tmp_path / "moi", "--zalo-bot", "Thi đua Quận 1")
    assert code == 0
    rows = read_sheet(tmp_path / "moi" / "danh-sach-loi-moi.xlsx")
    doc = Document(str(tmp_path / "moi" / "huong-dan-cac-truong.docx"))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)   # A4
    text = "\n".join(p.text for p in doc.paragraphs)
    pages = text.count(texts.LETTER_TITLE)
    assert pages == 3 and len(doc.inline_shapes) == 3                           # a QR code on each page
    for row in rows:
        assert row["Tên đơn vị"] in text and texts.LETTER_CODE.format(code=row["Mã mời (gõ trong Zalo)"]) in text
    assert "Tìm bot Thi đua Quận 1 trên Zalo" in text
    assert all(shape.width <= Cm(5) for shape in doc.inline_shapes)


def test_the_invite_sheet_shows_each_schools_qr_code_as_a_picture(imported, tmp_path):
    from openpyxl import load_workbook
    code, _, _ = imported("units", "invite", "--out", tmp_path / "moi")
    assert code == 0
    sheet = load_workbook(tmp_path / "moi" / "danh-sach-loi-moi.xlsx").active
    anchors = sorted(img.anchor._from.row for img in sheet._images)
    assert anchors == [1, 2, 3]                                  # rows 2-4 (0-based in the drawing anchor)
    assert all(sheet.row_dimensions[r].height >= 80 for r in (2, 3, 4))
