"""/xuat and `thidua export`: the workbook checked cell by cell, the archive listed byte for byte; the pure builders."""
import asyncio
import hashlib
import io
import threading
import unicodedata
import zipfile
from datetime import datetime

import openpyxl
import pytest
from sqlmodel import select

from bot import cli, links, texts
from bot.settings import get_settings
from db import files as file_store
from db import outbox as outbox_db
from db.models import AuditEvent, StoredFile
from handlers import background, export
from handlers.exports_build import (ZipEntry, build_zip, compression_for, safe_file_name, safe_part, sheet_name,
                                    unique_file_names, unique_names, write_zip, zip_paths)
from handlers.io import OutMessage
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_progress import STAFF_USER, add_submission
from bot.samples import sample_pdf


def staff_chat(settings) -> FlowChat:
    """The export job is what these tests look at: pushes return at once and leave it running."""
    return FlowChat(settings, STAFF_USER, "Chuyên viên", channel="telegram", wait_for_background=False)

PDF_A = sample_pdf("bao cao Kim Dong", pad=100)
PDF_B = sample_pdf("bao cao Le Loi (1)", pad=50)
PDF_C = sample_pdf("bao cao Le Loi (2)", pad=70)
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
@pytest.mark.reliability
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


def chunks_of(data: bytes, size: int = 1):
    return lambda: iter([data[i:i + size] for i in range(0, len(data), size)] or [b""])


def test_zip_paths_group_by_unit_and_milestone():
    e = lambda code, name, ms, data: ZipEntry(code, name, ms, "bc.pdf", chunks_of(data), len(data))  # noqa: E731
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


class WriteLog(io.BytesIO):
    """A seekable file that remembers the largest single write (a whole file in memory would show)."""
    largest = 0

    def write(self, data) -> int:
        self.largest = max(self.largest, len(data))
        return super().write(data)


def test_write_zip_streams_members_stores_compressed_types_and_uses_local_times():
    pdf, txt = bytes(range(256)) * 2048, b"ghi chu " * 65536          # 512 KiB each
    opened = []

    def source(name, data):
        def chunks():
            opened.append(name)
            return iter([data[i:i + 65536] for i in range(0, len(data), 65536)])
        return chunks

    def gone():
        raise FileNotFoundError
    at = datetime(2026, 10, 20, 10, 15, 42)
    entries = [ZipEntry("TH01", "Kim Đồng", "Sơ kết", "Báo cáo.PDF", source("pdf", pdf), len(pdf), at),
               ZipEntry("TH01", "Kim Đồng", "Sơ kết", "mat.pdf", gone, 10),
               ZipEntry("TH01", "Kim Đồng", "Sơ kết", "ghi chu.txt", source("txt", txt), len(txt), None)]
    fh, seen = WriteLog(), []
    stats = write_zip(fh, entries, progress=seen.append)
    assert (stats.written, stats.missing, stats.bytes_in) == (2, 1, len(pdf) + len(txt))
    assert opened == ["pdf", "txt"] and seen[-1] == len(pdf) + len(txt) and len(seen) == 16
    assert fh.largest <= 65536 + 1024                                  # chunk by chunk, never a whole file
    with zipfile.ZipFile(io.BytesIO(fh.getvalue())) as zf:
        pdf_info, txt_info = zf.infolist()
        assert pdf_info.filename == "TH01_Kim Đồng/Sơ kết/Báo cáo.PDF" and pdf_info.flag_bits & 0x800
        assert pdf_info.compress_type == zipfile.ZIP_STORED and pdf_info.compress_size == len(pdf)
        assert txt_info.compress_type == zipfile.ZIP_DEFLATED and txt_info.compress_size < len(txt) // 10
        assert pdf_info.date_time == (2026, 10, 20, 10, 15, 42)        # the office's wall clock, as given
        assert txt_info.date_time == (1980, 1, 1, 0, 0, 0)
        assert zf.read(pdf_info) == pdf and zf.read(txt_info) == txt and zf.testzip() is None


@pytest.mark.parametrize("name, stored", [("a.pdf", True), ("b.JPG", True), ("c.jpeg", True), ("d.png", True),
                                          ("e.docx", True), ("f.xlsx", True), ("g.zip", True), ("h.doc", False),
                                          ("i.txt", False), ("j", False), ("k.xls", False)])
def test_compression_by_type(name, stored):
    assert (compression_for(name) == zipfile.ZIP_STORED) is stored


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
    # the summary, one sheet per milestone, and the schools no message reaches (none has a contact here)
    assert len(wb.sheetnames) == 4 and wb.sheetnames[0] == "Tổng hợp" and wb.sheetnames[-1] == "Chưa có người nhận tin"
    assert all(len(n) <= 31 for n in wb.sheetnames) and len(set(wb.sheetnames)) == 4
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "Phong trào thi đua năm học 2026-2027"
    assert summary["A2"].value == "Số hiệu: 87/KH-GDĐT"
    assert summary["A3"].value == "Số đơn vị tham gia: 3"
    assert [c.value for c in summary[6]] == texts.EXPORT_SUMMARY_HEADERS
    # units, waiting, accepted, returned, missing, late, share handed in (waiting + accepted)
    assert [c.value for c in summary[7]][3:] == [3, 1, 1, 0, 1, 1, pytest.approx(2 / 3)]
    assert [c.value for c in summary[8]][3:] == [3, 0, 0, 0, 3, 0, 0]
    assert summary.cell(row=7, column=10).number_format == "0%"
    assert summary.cell(row=7, column=3).number_format == "DD/MM/YYYY"       # a real date, shown the Vietnamese way
    # the total line, then the same per cụm (over every milestone: 3 units x 2 milestones = 6 hand-ins due)
    assert [c.value for c in summary[9]][1:] == ["Tổng cộng", None, 6, 1, 1, 0, 4, 1, pytest.approx(2 / 6)]
    assert summary.cell(row=9, column=2).font.bold
    assert [c.value for c in summary[12]][:7] == texts.EXPORT_CLUSTER_HEADERS
    clusters = [[c.value for c in summary[r]][1:7] for r in range(13, 17)]
    assert clusters == [["Cụm 1", 1, 2, 1, 1, pytest.approx(0.5)], ["Cụm 2", 1, 2, 1, 1, pytest.approx(0.5)],
                        ["(chưa xếp cụm)", 1, 2, 0, 2, 0], ["Tổng cộng", 3, 6, 2, 4, pytest.approx(2 / 6)]]
    for sheet in wb.worksheets:   # printable: landscape A4, one page wide, the header row on every page
        assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth) == ("landscape", 1)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet["A1"].font.name == "Times New Roman"
    ws = wb[wb.sheetnames[1]]
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5"
    # the title block: the milestone's full title (the sheet's name is shortened) and its due date
    assert ws["A1"].value == LONG and ws["A2"].value.endswith(f"hạn nộp {texts.fmt_date(world['milestones'][0].due_at, get_settings().tz)}")
    assert [c.value for c in ws[4]] == ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm", "Trạng thái", "Thời điểm nộp",
                                        "Muộn", "Số tệp", "Ghi chú", "Người duyệt"]
    late_row = [c.value for c in ws[5]]
    assert late_row == [1, "TH01", "Trường Tiểu học Kim Đồng", "Cụm 1", "Đã duyệt", datetime(2026, 10, 20, 10, 15),
                        "Có", 1, "Bản có chữ ký", "Nguyễn Thị Hoa"]
    assert ws.cell(row=5, column=6).number_format == "DD/MM/YYYY HH:MM"
    resubmitted = [c.value for c in ws[6]]
    assert resubmitted[1:5] == ["TH02", "Trường Tiểu học Lê Lợi", "Cụm 2", "Chờ duyệt"]
    assert resubmitted[6:] == [None, 2, None, None]        # version 2: not late, 2 files, not reviewed yet
    missing = [c.value for c in ws[7]]
    assert missing == [3, "TH03", "Trường Tiểu học Nguyễn Trãi", None, "Chưa nộp", None, None, None, None, None]
    assert ws.max_row == 7
    for r in range(4, 8):         # bordered, each row as tall as its wrapped text needs
        assert ws.cell(row=r, column=3).border.left.style == "thin" and ws.row_dimensions[r].height >= 15


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


def outbox_rows(db, chat) -> list:
    with db() as s:
        return list(outbox_db.messages_for_chat(s, chat.channel, chat.user_id))


async def xuat(chat, db, *presses: str) -> list:
    """/xuat (and presses): the step answers nothing itself; the export runs after the commit."""
    replies = await chat.send("/xuat")
    for label in presses:
        replies = await chat.press(label)
    assert replies == []
    assert await background.drain(30)
    return outbox_rows(db, chat)


def payloads(rows) -> list[OutMessage]:
    return [OutMessage.from_json(r.payload) for r in rows]


async def test_xuat_sends_workbook_and_archive(world, settings, db):
    chat = staff_chat(settings)
    rows = await xuat(chat, db)
    progress, done, xlsx_msg, zip_msg = payloads(rows)
    key = rows[0].idempotency_key
    assert progress.text == "Đang tạo tệp… «Phong trào thi đua năm học 2026-2027»" and progress.edit_key is None
    assert done.edit_key == key and done.text == "Đã tạo xong tệp xuất «Phong trào thi đua năm học 2026-2027»."
    assert xlsx_msg.files[0].name.endswith(".xlsx") and zip_msg.files[0].name.endswith(".zip")
    assert "3 tệp" in zip_msg.text and not zip_msg.links
    check_workbook(stored_bytes(settings, db, xlsx_msg.files[0]), world)
    check_zip(stored_bytes(settings, db, zip_msg.files[0]))
    with db() as s:
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "export_created")).one()
        assert s.get(StoredFile, zip_msg.files[0].stored_file_id).mime == "application/zip"
    assert audit.subject == f"campaign:{world['campaign'].id}" and audit.details["files"] == 3
    assert audit.actor == f"staff:{world['staff'].id}"
    assert not list((settings.thidua_data_dir / "tmp").iterdir())          # the work folder is gone


async def test_xuat_step_returns_before_the_build(world, settings, db, monkeypatch):
    release, entered = threading.Event(), threading.Event()
    real = export.write_export

    def slow(*args, **kw):
        entered.set()
        assert release.wait(10)
        return real(*args, **kw)
    monkeypatch.setattr(export, "write_export", slow)
    chat = staff_chat(settings)
    assert await chat.send("/xuat") == []
    assert background.running() == 1                           # the step has returned; the job is under way
    assert [r.idempotency_key for r in outbox_rows(db, chat)] == [f"export:telegram:{_last_update(db)}:progress"]
    assert await asyncio.to_thread(entered.wait, 10)
    with db() as s:                           # the build holds no transaction: a write goes through meanwhile
        s.add(AuditEvent(actor="test", action="write_while_exporting"))
    release.set()
    assert await background.drain(30)
    assert [bool(m.files) for m in payloads(outbox_rows(db, chat))] == [False, False, True, True]


async def test_a_second_xuat_of_a_campaign_being_exported_waits_for_the_first(world, settings, db, monkeypatch):
    release, entered = threading.Event(), threading.Event()
    real = export.write_export

    def slow(*args, **kw):
        entered.set()
        assert release.wait(10)
        return real(*args, **kw)
    monkeypatch.setattr(export, "write_export", slow)
    chat = staff_chat(settings)
    await chat.send("/xuat")
    assert await asyncio.to_thread(entered.wait, 10)
    await chat.send("/xuat")
    for _ in range(500):
        if any(r.idempotency_key.endswith(":busy") for r in outbox_rows(db, chat)):
            break
        await asyncio.sleep(0.01)
    release.set()
    assert await background.drain(30)
    texts_ = [(m.edit_key is not None, m.text) for m in payloads(outbox_rows(db, chat))]
    busy = "Tệp xuất của «Phong trào thi đua năm học 2026-2027» đang được tạo theo yêu cầu trước; kết quả sẽ được gửi khi xong."
    assert (True, busy) in texts_                                   # the second request's message, edited
    assert sum(1 for m in payloads(outbox_rows(db, chat)) if m.files) == 2   # one workbook, one archive
    assert export._running == set()


def _last_update(db) -> str:
    with db() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "export_requested")).one()
    return event.details["key"].rsplit(":", 1)[1]


async def test_xuat_edits_the_progress_message_as_the_archive_grows(world, settings, db, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_MIN_INTERVAL_S", 0)
    release = threading.Event()
    real = export.write_export

    def reporting(plan, data_dir, out_dir, tz, now, progress):
        progress(0, 100 * 1024 * 1024)
        progress(100 * 1024 * 1024, 100 * 1024 * 1024)      # the archive written: 50 % (the copy is the rest)
        assert release.wait(10)
        return real(plan, data_dir, out_dir, tz, now)          # no more progress after 50 %
    monkeypatch.setattr(export, "write_export", reporting)
    chat = staff_chat(settings)
    await chat.send("/xuat")
    for _ in range(500):
        edits = [r for r in outbox_rows(db, chat) if r.idempotency_key.endswith(":progress:50")]
        if edits:
            break
        await asyncio.sleep(0.01)
    release.set()
    assert await background.drain(30)
    rows = outbox_rows(db, chat)
    edit = OutMessage.from_json(edits[0].payload)
    assert edit.edit_key == rows[0].idempotency_key
    assert edit.text == "Đang tạo tệp… «Phong trào thi đua năm học 2026-2027»: 50%"
    steps = [r.idempotency_key.rsplit(":", 1)[1] for r in rows if r.idempotency_key.startswith(edit.edit_key)]
    numbers = [int(x) for x in steps[1:-1]]
    assert steps[0] == "progress" and steps[-1] == "done" and numbers[0] == 50
    assert numbers == sorted(set(numbers)) and numbers[-1] < 100        # then the copy into the store: 60 %...


async def test_xuat_sends_a_link_when_the_archive_is_too_big_for_chat(world, settings, db, monkeypatch):
    monkeypatch.setattr(export, "CHAT_FILE_LIMIT", 100)
    rows = await xuat(staff_chat(settings), db)
    zip_msg = payloads(rows)[-1]
    assert not zip_msg.files and "quá lớn để gửi qua tin nhắn" in zip_msg.text and "3 tệp, 1 MB" in zip_msg.text
    (link,) = zip_msg.links
    assert link.label == "Tải tệp nén" and link.url.startswith(settings.thidua_public_url + "/tep/")
    file_id = links.file_id_from(settings.signing_secret, link.url.rsplit("/", 1)[1])
    with db() as s:
        stored, data = file_store.read(s, settings.thidua_data_dir, file_id)
    assert stored.original_name.endswith(".zip") and stored.mime == "application/zip"
    check_zip(data)


async def test_a_failing_build_tells_the_staff_member(world, settings, db, monkeypatch, caplog):
    def broken(*args, **kw):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(export, "write_export", broken)
    rows = await xuat(staff_chat(settings), db)
    progress, edit, failure = payloads(rows)
    assert edit.edit_key == rows[0].idempotency_key and edit.text.startswith("Không tạo được tệp xuất")
    assert failure.text.startswith("Rất tiếc, máy chủ gặp lỗi khi tạo tệp xuất cho «Phong trào thi đua")
    assert not failure.files and "export" in caplog.text
    with db() as s:
        assert not s.exec(select(AuditEvent).where(AuditEvent.action == "export_created")).all()


async def test_a_campaign_deleted_before_the_build_is_told(world, settings, db, monkeypatch):
    monkeypatch.setattr(export.exports_db, "export_data", lambda campaign_id: None)
    progress, edit, gone = payloads(await xuat(staff_chat(settings), db))
    assert edit.text.startswith("Không tạo được tệp xuất") and gone.text == texts.PROGRESS_GONE


async def test_xuat_asks_which_campaign_when_several(world, settings, db):
    seed.campaign("Phong trào Dạy tốt - Học tốt", unit_ids=[world["units"][0].id])
    chat = staff_chat(settings)
    await chat.send("/xuat")
    assert chat.labels() == ["Phong trào Dạy tốt - Học tốt", "Phong trào thi đua năm học 2026-2027"]
    rows = await xuat_press(chat, db, "Phong trào Dạy tốt - Học tốt")
    assert texts.EXPORT_ZIP_EMPTY in payloads(rows)[-1].text


async def xuat_press(chat, db, label):
    assert await chat.press(label) == []
    assert await background.drain(30)
    return outbox_rows(db, chat)


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
    assert sorted(p.suffix for p in written) == [".xlsx", ".zip"]        # no ".part" left behind
    by_suffix = {p.suffix: p.read_bytes() for p in written}
    check_workbook(by_suffix[".xlsx"], world)
    check_zip(by_suffix[".zip"])
    with zipfile.ZipFile(io.BytesIO(by_suffix[".zip"])) as zf:
        first = zf.getinfo(f"TH01_Trường Tiểu học Kim Đồng/{safe_part(LONG)}/Báo cáo sơ kết.pdf")
    assert first.date_time == (2026, 10, 20, 10, 15, 0)                # submitted 03:15 UTC = 10:15 in Hà Nội
    assert first.compress_type == zipfile.ZIP_STORED


def test_cli_export_counts_files_missing_on_disk(world, thidua, settings, tmp_path):
    blob = file_store.path_for(settings.thidua_data_dir, hashlib.sha256(PDF_A).hexdigest())
    blob.unlink()
    code, out, err = thidua("export", world["campaign"].id, "-o", tmp_path)
    assert code == 0 and "1 tệp không còn trên máy chủ" in err
    with zipfile.ZipFile(next(tmp_path.glob("*.zip"))) as zf:
        assert len(zf.namelist()) == 2


def test_a_long_title_is_cut_after_a_whole_word_for_its_sheet_name():
    name = sheet_name("Đề cử gương điển hình tiên tiến quý IV/2026")
    assert len(name) <= 31 and name == "Đề cử gương điển hình tiên tiến"
    assert sheet_name("Báocáosơkếthọckỳ1nămhọc20262027dàiquá") == "Báocáosơkếthọckỳ1nămhọc20262027dàiquá"[:31]
