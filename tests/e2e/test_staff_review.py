"""Staff follow-up through the real Telegram adapter: return a submission with a comment, export the campaign."""
import io
import zipfile

import openpyxl
import pytest
from sqlmodel import select

from db.models import Submission
from tests.support import seed
from tests.unit.test_progress import add_submission
from bot.samples import sample_pdf

PDF = sample_pdf("bao cao so ket hoc ky I", pad=768)
STAFF_ID, CONTACT_ID = 2001, 1001


@pytest.fixture
def school(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, CONTACT_ID, name="Cô Lan")
    seed.staff(STAFF_ID, "Nguyễn Thị Hoa")
    _, ms = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=6)])
    sub = add_submission(settings, unit.id, ms[0].id, files=[("bao_cao_so_ket.pdf", PDF)], note="Bản chính thức")
    return dict(unit=unit, milestone=ms[0], submission=sub)


async def test_staff_returns_a_submission_and_the_school_is_told(e2e, db, school):
    hoa = await e2e.user(STAFF_ID, "Cô Hoa")
    lan = await e2e.user(CONTACT_ID, "Cô Lan")
    await hoa.send("/duyet")
    queue = await hoa.expect_reply(contains="1 bài chờ duyệt")
    await hoa.press("TH01 · Trường Tiểu học Kim Đồng", queue)
    file_msg = await hoa.expect_reply(contains="tệp 1/1: bao_cao_so_ket.pdf")
    assert file_msg.document.data == PDF and file_msg.document.file_name == "bao_cao_so_ket.pdf"
    detail = await hoa.expect_reply(contains="lần nộp 1")
    assert "Bản chính thức" in detail.text and [b.text for b in detail.buttons] == ["Duyệt", "Trả lại", "Bỏ qua"]
    await hoa.press("Trả lại", detail)
    await hoa.expect_reply(contains="Nhập lý do trả lại")
    await hoa.send("Thiếu chữ ký của hiệu trưởng")
    await hoa.expect_reply(contains="Đã trả lại bài của Trường Tiểu học Kim Đồng")

    notice = await lan.expect_reply(contains="đã bị trả lại")
    assert "Lý do: Thiếu chữ ký của hiệu trưởng" in notice.text and "còn 6 ngày" in notice.text
    [button] = notice.buttons
    assert button.text == "Nộp lại" and button.data.startswith(f"g|submit|{school['milestone'].id}#")
    with db() as s:
        sub = s.exec(select(Submission)).one()
    assert (sub.status, sub.review_comment) == ("returned", "Thiếu chữ ký của hiệu trưởng")

    # the school resubmits straight from the notice; version 2 goes back into the staff's queue
    await lan.press("Nộp lại", notice)
    await lan.expect_reply(contains="Hãy gửi tệp")
    signed = PDF + b" (co chu ky)"
    await lan.upload("bao_cao_so_ket_co_chu_ky.pdf", signed, "application/pdf")
    await lan.press("Xong", await lan.expect_reply(contains="1 tệp"))
    await lan.press("Bỏ qua", await lan.expect_reply(contains="ghi chú"))
    await lan.press("Xác nhận", await lan.expect_reply(contains="Kiểm tra lại"))
    assert "Lần nộp: 2" in (await lan.expect_reply(contains="Số tiếp nhận")).text
    await hoa.send("/huy")                       # leave the (now empty) review queue, then open it again
    await hoa.expect_reply(contains="Đã huỷ")
    await hoa.send("/duyet")
    queue = await hoa.expect_reply(contains="1 bài chờ duyệt")
    await hoa.press("TH01 · Trường Tiểu học Kim Đồng", queue)
    assert (await hoa.expect_reply(contains="tệp 1/1")).document.data == signed
    await hoa.press("Duyệt", await hoa.expect_reply(contains="lần nộp 2"))
    assert "đã được duyệt" in (await lan.expect_reply(contains="đã được duyệt")).text
    with db() as s:
        assert [(x.version, x.status) for x in s.exec(select(Submission).order_by(Submission.version))] == [
            (1, "returned"), (2, "accepted")]


async def test_a_manual_nudge_reaches_only_the_schools_still_missing(e2e, school):
    late_school = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    seed.contact(late_school.id, 1002, name="Thầy Bình")
    from db.campaigns import set_units
    from db.engine import session_scope
    with session_scope() as s:
        set_units(s, school["milestone"].campaign_id, [school["unit"].id, late_school.id])
    hoa = await e2e.user(STAFF_ID, "Cô Hoa")
    binh = await e2e.user(1002, "Thầy Bình")
    lan = await e2e.user(CONTACT_ID, "Cô Lan")
    await hoa.send("/nhacnho")
    await hoa.press_nth(0, await hoa.expect_reply(contains="Chọn mốc"))
    preview = await hoa.expect_reply(contains="chưa nộp (hoặc bị trả lại): 1")
    await hoa.press("Gửi", preview)
    await hoa.expect_reply(contains="Đã xếp")
    nudge = await binh.expect_reply(contains="Báo cáo sơ kết học kỳ I")
    assert [b.text for b in nudge.buttons] == ["Nộp ngay"]
    await e2e.outbox_idle()
    assert lan.messages() == []          # Kim Đồng has submitted: not nudged


async def test_xuat_sends_an_xlsx_and_a_zip(e2e, school):
    hoa = await e2e.user(STAFF_ID, "Cô Hoa")
    await hoa.send("/xuat")
    xlsx = await hoa.expect_reply(contains="Bảng tổng hợp")
    archive = await hoa.expect_reply(contains="Tệp nén")
    assert xlsx.document.file_name.endswith(".xlsx") and archive.document.file_name.endswith(".zip")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.document.data))
    sheet = wb[wb.sheetnames[1]]
    assert [c.value for c in sheet[5]][1:5] == ["TH01", "Trường Tiểu học Kim Đồng", "Cụm 1", "Chờ duyệt"]   # rows 1-4: title, header
    with zipfile.ZipFile(io.BytesIO(archive.document.data)) as zf:
        path = "TH01_Trường Tiểu học Kim Đồng/Báo cáo sơ kết học kỳ I/bao_cao_so_ket.pdf"
        assert zf.namelist() == [path] and zf.read(path) == PDF
