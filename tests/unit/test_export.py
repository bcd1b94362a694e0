"""/xuat and `thidua export`: the workbook checked cell by cell, the archive listed byte for byte; the pure builders."""
import io
import unicodedata
import zipfile
from datetime import datetime

import openpyxl
import pytest
from sqlmodel import select

from bot import cli, texts
from bot.settings import get_settings
from db import files as file_store
from db.models import AuditEvent
from handlers.exports_build import (ZipEntry, build_zip, safe_file_name, safe_part, sheet_name, unique_file_names,
                                    unique_names, zip_paths)
from tests.support import seed
from tests.unit.test_progress import STAFF_USER, add_submission, staff_chat

PDF_A = b"%PDF-1.4 bao cao Kim Dong " + bytes(range(100))
PDF_B = b"%PDF-1.4 bao cao Le Loi (1) " + bytes(range(50))
PDF_C = b"%PDF-1.4 bao cao Le Loi (2) " + bytes(range(70))
LONG = "Báo cáo sơ kết học kỳ I năm học 2026-2027 về phong trào thi đua"


# --------------------------------------------------------------------------------------------- pure builders

def test_sheet_names_are_short_clean_and_unique():
    names = unique_names([sheet_name(LONG), sheet_name(LONG), sheet_name("Quý I/2026: [kết quả]?")], 31,
                         reserved=["Tổng hợp"])
    assert all(len(n) <= 31 for n in names)
    assert names[0] == LONG[:31].strip() and names[1].endswith(" (2)") and names[0] != names[1]
    assert names[2] == "Quý I 2026 kết quả"
    assert unique_names(["Tổng hợp"], 31, reserved=["tổng hợp"]) == ["Tổng hợp (2)"]


VIET_300 = ("Báo cáo tổng kết phong trào thi đua " * 9)[:300]


@pytest.mark.parametrize("name, expected", [
    ("Trường Tiểu học Kim Đồng.pdf", "Trường Tiểu học Kim Đồng.pdf"),
    ("Tru\u031bo\u031b\u0300ng.pdf", "Trường.pdf"),                      # NFD from some keyboards -> NFC
    ('../bc: "cuối kỳ"/a\\b?.pdf', "_bc_ _cuối kỳ__a_b_.pdf"),           # no separators, no Windows-illegal chars
    ("....pdf", "tep.pdf"),                                               # the extension stays, a sane stem
    ("...", "tep"),
    (" .pdf", "tep.pdf"),
    ("bc.pdf. . ", "bc.pdf"),                                             # no trailing dots or spaces
    ("bc .pdf", "bc.pdf"),
    (".htaccess", "tep.htaccess"),                                        # no hidden files
    ("Báo cáo\u202efdp.exe", "Báo cáofdp.exe"),                           # RLO: would show as "Báo cáoexe.pdf"
    ("a\u200bb\u2066c\u200fd\ufeff\x00\x1f\x7f.docx", "abcd.docx"),       # zero-width, isolates, marks, controls
    ("dòng 1\ndòng\t2\u2028ba\u00a0bốn.pdf", "dòng 1 dòng 2 ba bốn.pdf"),  # any whitespace -> one space
    ("CON.pdf", "_CON.pdf"),                                              # reserved device names, any extension
    ("con .pdf", "_con.pdf"),
    ("Nul", "_Nul"),
    ("COM1.tar.gz", "_COM1.tar.gz"),
    ("lpt9.PDF", "_lpt9.PDF"),
    ("COM¹.txt", "_COM¹.txt"),
    ("CONSOLE.pdf", "CONSOLE.pdf"),                                       # only the exact names
    ("COM10.pdf", "COM10.pdf"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),                             # cut before the extension: 120 in all
    (VIET_300 + ".pdf", None),                                            # checked below: bytes and characters
    ("bao cao. ban cuoi", "bao cao. ban cuoi"),                           # ". ban cuoi" is no extension
    ("x" * 100 + ".verylongextension", None),
])
def test_safe_file_name(name, expected):
    got = safe_file_name(name)
    if expected is not None:
        assert got == expected
    assert len(got) <= 120 and len(got.encode("utf-8")) <= 200
    assert got == unicodedata.normalize("NFC", got) and got.strip(" .") == got.rstrip(" .") == got.lstrip(" ").rstrip(" .")
    assert not any(unicodedata.category(c) in ("Cc", "Cf") or c in '<>:"/\\|?*' for c in got)
    if name.endswith(".pdf"):
        assert got.endswith(".pdf")
    if name == VIET_300 + ".pdf":
        assert VIET_300.startswith(got[:-4]) and not unicodedata.combining(got[-5])


def test_unique_names_add_a_counter_before_the_extension_within_the_limits():
    assert unique_file_names(["bc.pdf", "BC.pdf", "bc.pdf", "ghi chu", "....pdf", "tep.pdf"]) == [
        "bc.pdf", "BC (2).pdf", "bc (3).pdf", "ghi chu", "tep.pdf", "tep (2).pdf"]
    long = [VIET_300 + ".pdf"] * 3
    names = unique_file_names(long)
    assert len(set(names)) == 3 and names[1].endswith(" (2).pdf") and names[2].endswith(" (3).pdf")
    assert all(len(n.encode("utf-8")) <= 200 for n in names)
    assert unique_file_names(["CON.pdf", "_CON.pdf"]) == ["_CON.pdf", "_CON (2).pdf"]


def test_zip_paths_group_by_unit_and_milestone():
    e = lambda code, name, ms, data: ZipEntry(code, name, ms, "bc.pdf", data)  # noqa: E731
    entries = [e("TH01", "Kim Đồng", "Sơ kết", b"1"), e("TH01", "Kim Đồng", "Sơ kết", b"2"),
               e("TH02", "Lê/Lợi", "Sơ kết", b"3"), e("TH01", "Kim Đồng", "Tổng kết", b"4"),
               e("TH01", "Kim Đồng", LONG, b"5"), e("TH01", "Kim Đồng", LONG + " (bổ sung)", b"6")]
    folder = safe_part(LONG)
    assert len(folder) <= 60
    assert zip_paths(entries) == ["TH01_Kim Đồng/Sơ kết/bc.pdf", "TH01_Kim Đồng/Sơ kết/bc (2).pdf",
                                  "TH02_Lê_Lợi/Sơ kết/bc.pdf", "TH01_Kim Đồng/Tổng kết/bc.pdf",
                                  f"TH01_Kim Đồng/{folder}/bc.pdf",           # equal once cut: told apart
                                  f"TH01_Kim Đồng/{safe_file_name(LONG, keep_ext=False, suffix=' (2)', max_chars=60)}/bc.pdf"]
    with zipfile.ZipFile(io.BytesIO(build_zip(entries))) as zf:
        assert zf.read("TH01_Kim Đồng/Sơ kết/bc (2).pdf") == b"2"


# --------------------------------------------------------------------------------------------- the chat

@pytest.fixture
def world(settings):
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1")
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", cluster="Cụm 2")
    nt = seed.unit("TH03", "Trường Tiểu học Nguyễn Trãi", cluster=None)
    staff = seed.staff(STAFF_USER, "Nguyễn Thị Hoa")
    camp, ms = seed.campaign(unit_ids=[kd.id, ll.id, nt.id], doc_number="87/KH-GDĐT", milestones=[
        dict(title=LONG, due_in_days=-2), dict(title=LONG + " (bổ sung)", due_in_days=20)])
    m1 = ms[0]
    at = datetime(2026, 10, 20, 3, 15)   # 10:15 in Hà Nội
    add_submission(settings, kd.id, m1.id, files=[("Báo cáo sơ kết.pdf", PDF_A)], status="accepted", late=True,
                   reviewer_id=staff.id, note="Bản có chữ ký", submitted_at=at)
    add_submission(settings, ll.id, m1.id, files=[("bc.pdf", PDF_B)], status="returned", reviewer_id=staff.id,
                   comment="Thiếu phụ lục")
    add_submission(settings, ll.id, m1.id, version=2, files=[("bc.pdf", PDF_B), ("bc.pdf", PDF_C)])
    return dict(campaign=camp, milestones=ms, at=at, units=(kd, ll, nt), staff=staff)


def stored_bytes(settings, db, out_file) -> bytes:
    with db() as s:
        return file_store.read(s, settings.thidua_data_dir, out_file.stored_file_id)[1]


def check_workbook(data: bytes, world) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert len(wb.sheetnames) == 3 and wb.sheetnames[0] == "Tổng hợp"
    assert all(len(n) <= 31 for n in wb.sheetnames) and len(set(wb.sheetnames)) == 3
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "Phong trào thi đua năm học 2026-2027"
    assert summary["A2"].value == "Số hiệu: 87/KH-GDĐT"
    assert summary["A3"].value == "Số đơn vị tham gia: 3"
    assert [c.value for c in summary[6]] == texts.EXPORT_SUMMARY_HEADERS
    assert [c.value for c in summary[7]][3:] == [3, 1, 1, 0, 1, 1]     # units, waiting, accepted, returned, missing, late
    assert [c.value for c in summary[8]][3:] == [3, 0, 0, 0, 3, 0]

    ws = wb[wb.sheetnames[1]]
    assert [c.value for c in ws[1]] == ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm", "Trạng thái", "Thời điểm nộp",
                                        "Muộn", "Số tệp", "Ghi chú", "Người duyệt"]
    late_row = [c.value for c in ws[2]]
    assert late_row == [1, "TH01", "Trường Tiểu học Kim Đồng", "Cụm 1", "Đã duyệt", datetime(2026, 10, 20, 10, 15),
                        "Có", 1, "Bản có chữ ký", "Nguyễn Thị Hoa"]
    resubmitted = [c.value for c in ws[3]]
    assert resubmitted[1:5] == ["TH02", "Trường Tiểu học Lê Lợi", "Cụm 2", "Chờ duyệt"]
    assert resubmitted[6:] == [None, 2, None, None]        # version 2: not late, 2 files, not reviewed yet
    missing = [c.value for c in ws[4]]
    assert missing == [3, "TH03", "Trường Tiểu học Nguyễn Trãi", None, "Chưa nộp", None, None, None, None, None]
    assert ws.max_row == 4


def check_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(zf.namelist())
        folder = safe_part(LONG)
        assert names == sorted([f"TH01_Trường Tiểu học Kim Đồng/{folder}/Báo cáo sơ kết.pdf",
                                f"TH02_Trường Tiểu học Lê Lợi/{folder}/bc.pdf",
                                f"TH02_Trường Tiểu học Lê Lợi/{folder}/bc (2).pdf"])
        assert zf.read(f"TH01_Trường Tiểu học Kim Đồng/{folder}/Báo cáo sơ kết.pdf") == PDF_A
        assert zf.read(f"TH02_Trường Tiểu học Lê Lợi/{folder}/bc.pdf") == PDF_B     # the latest version's files
        assert zf.read(f"TH02_Trường Tiểu học Lê Lợi/{folder}/bc (2).pdf") == PDF_C


async def test_xuat_sends_workbook_and_archive(world, settings, db):
    chat = staff_chat(settings)
    xlsx_msg, zip_msg = await chat.send("/xuat")
    assert xlsx_msg.files[0].name.endswith(".xlsx") and zip_msg.files[0].name.endswith(".zip")
    assert "3 tệp" in zip_msg.text
    check_workbook(stored_bytes(settings, db, xlsx_msg.files[0]), world)
    check_zip(stored_bytes(settings, db, zip_msg.files[0]))
    with db() as s:
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "export_created")).one()
    assert audit.subject == f"campaign:{world['campaign'].id}" and audit.details["files"] == 3


async def test_xuat_asks_which_campaign_when_several(world, settings):
    seed.campaign("Phong trào Dạy tốt - Học tốt", unit_ids=[world["units"][0].id])
    chat = staff_chat(settings)
    await chat.send("/xuat")
    assert chat.labels() == ["Phong trào Dạy tốt - Học tốt", "Phong trào thi đua năm học 2026-2027"]
    replies = await chat.press("Phong trào Dạy tốt - Học tốt")
    assert len(replies) == 2 and texts.EXPORT_ZIP_EMPTY in replies[1].text


def test_cli_export_writes_both_files(world, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(settings.thidua_data_dir))
    get_settings.cache_clear()
    try:
        assert cli.main(["export", str(world["campaign"].id), "-o", str(tmp_path / "out")]) == 0
        assert cli.main(["export", "999", "-o", str(tmp_path / "out")]) == 2
    finally:
        get_settings.cache_clear()
    written = sorted((tmp_path / "out").iterdir())
    assert sorted(p.suffix for p in written) == [".xlsx", ".zip"]
    by_suffix = {p.suffix: p.read_bytes() for p in written}
    check_workbook(by_suffix[".xlsx"], world)
    check_zip(by_suffix[".zip"])
