"""Nominations and award dossiers through the real Telegram adapter (PTB polling the sandbox Bot API)."""
import io
from datetime import timedelta

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from db import submissions
from db.models import Nomination, Submission
from tests.support import seed
from bot.samples import sample_docx, sample_pdf

PDF = sample_pdf("minh chung sang kien", pad=256)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def school(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, 1001, name="Cô Lan")          # telegram, chat 1001
    seed.staff(2001, name="Cô Hoa")
    _, (period, dossier) = seed.campaign(unit_ids=[unit.id], milestones=[
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý I/2027", due_in_days=10),
        dict(kind="award_dossier", title="Hồ sơ đề nghị khen thưởng", due_in_days=20,
             required_documents=["Tờ trình", "Biên bản họp bình xét"]),
    ])
    return dict(unit=unit, period=period, dossier=dossier)


async def nominate(alice, name: str, *, replace: str | None = None) -> str:
    """From /decu to the receipt; returns the receipt text."""
    await alice.send("/decu")
    msg = await alice.expect_reply()
    if any(b.text == "Đề cử mới" for b in msg.buttons):
        await alice.press("Đề cử mới", msg)
        msg = await alice.expect_reply()
    if replace:
        assert "đã đề cử đủ 1" in msg.content
        await alice.press(f"Thay {replace}", msg)
        msg = await alice.expect_reply(contains="tập thể hay cá nhân")
    await alice.press("Cá nhân", msg)
    await alice.expect_reply(contains="Họ và tên")
    await alice.send(name)
    await alice.expect_reply(contains="Chức vụ")
    await alice.send("Giáo viên")
    await alice.press("Dùng tên đơn vị", await alice.expect_reply(contains="Dùng tên đơn vị"))
    await alice.expect_reply(contains="Tóm tắt thành tích")
    await alice.send("Giáo viên dạy giỏi cấp thành phố; sáng kiến «Lớp học hạnh phúc».")
    assert "/2.000 ký tự)" in (await alice.expect_reply(contains="Đã ghi nhận")).content
    await alice.press("Bỏ qua", await alice.expect_reply(contains="Mô hình mới"))
    await alice.press("Chiến sĩ thi đua cơ sở", await alice.expect_reply(contains="Hình thức khen thưởng"))
    await alice.expect_reply(contains="Gửi tệp minh chứng")
    await alice.upload("sang_kien.pdf", PDF, "application/pdf")
    await alice.press("Xong", await alice.expect_reply(contains="Đã nhận 1 tệp minh chứng"))
    await alice.press("Xác nhận", await alice.expect_reply(contains="Kiểm tra lại đề cử"))
    return (await alice.expect_reply(contains="Số tiếp nhận: DC-")).content


async def test_nominate_review_and_export(e2e, db, school):
    alice = await e2e.user(1001, "Cô Lan")
    receipt = await nominate(alice, "Nguyễn Thị Mai")
    assert "Nguyễn Thị Mai" in receipt and "Quý I/2027" in receipt and "Minh chứng: 1 tệp" in receipt

    hoa = await e2e.user(2001, "Cô Hoa")
    await hoa.send("/dscu")
    listing = await hoa.expect_reply(contains="Trang 1/1")
    assert "Trường Tiểu học Kim Đồng: Nguyễn Thị Mai (cá nhân) — đã nộp" in listing.content
    await hoa.press("1", listing)
    evidence = await hoa.expect_reply(contains="Minh chứng của DC-")
    assert evidence.document is not None and evidence.document.data == PDF
    detail = await hoa.expect_reply(contains="Tóm tắt thành tích")
    await hoa.press("Duyệt", detail)
    after = await hoa.expect_reply(contains="Đã duyệt đề cử")
    assert "đã báo cho 1 đầu mối" in after.content
    notice = await alice.expect_reply(contains="DUYỆT")
    assert "Nguyễn Thị Mai" in notice.content

    await hoa.press("Xuất Excel", await hoa.expect_reply(contains="Trang 1/1"))
    await hoa.expect_reply(contains="Đang soạn văn bản đề cử")        # built after the commit, then sent
    listing = await hoa.expect_reply(contains="Trang 1/1")
    xlsx = await hoa.expect_reply(contains="(.xlsx)")
    rows = list(load_workbook(io.BytesIO(xlsx.document.data)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header + 1][0] == "I. CÁ NHÂN (1)"      # grouped: tập thể, then cá nhân
    assert rows[header + 2][:4] == (1, "Nguyễn Thị Mai", "Giáo viên", "Trường Tiểu học Kim Đồng")
    assert rows[header + 2][5] == "Chiến sĩ thi đua cơ sở"
    await hoa.press("Xuất Word", listing)
    docx = await hoa.expect_reply(contains="(.docx)")
    assert xlsx.document.file_name.endswith(".xlsx") and docx.document.file_name.endswith(".docx")
    table = Document(io.BytesIO(docx.document.data)).tables[1]     # tables[0]: the letterhead
    assert table.rows[0].cells[1].text == "Họ và tên / Tên tập thể"
    assert [c.text for c in table.rows[2].cells][:2] == ["1", "Nguyễn Thị Mai"]
    with db() as s:
        assert s.exec(select(Nomination)).one().status == "accepted"


async def test_quota_replacement_and_withdrawal_around_the_deadline(e2e, db, school):
    alice = await e2e.user(1001, "Cô Lan")
    await nominate(alice, "Nguyễn Thị Mai")
    receipt = await nominate(alice, "Trần Văn Hùng", replace="Nguyễn Thị Mai")
    assert "đã được thay thế" in receipt
    with db() as s:
        assert [(n.nominee_name, n.status) for n in s.exec(select(Nomination).order_by(Nomination.id))] == [
            ("Nguyễn Thị Mai", "withdrawn"), ("Trần Văn Hùng", "submitted")]

    # after the deadline: a clear refusal (the bot runs in this process, so time-machine moves its clock too)
    with time_machine.travel(school["period"].due_at + timedelta(days=1), tick=True):
        await alice.send("/decu")
        await alice.press("Rút một đề cử", await alice.expect_reply(contains="Các đề cử đang có hiệu lực"))
        pick = await alice.expect_reply(contains="Chọn đề cử muốn rút")
        await alice.press(pick.buttons[0].text, pick)
        assert "đã qua" in (await alice.expect_reply(contains="Không thể rút đề cử")).content
    # before it: withdrawn
    await alice.send("/decu")
    await alice.press("Rút một đề cử", await alice.expect_reply(contains="Các đề cử đang có hiệu lực"))
    pick = await alice.expect_reply(contains="Chọn đề cử muốn rút")
    await alice.press(pick.buttons[0].text, pick)
    await alice.press("Xác nhận rút", await alice.expect_reply(contains="Sau khi rút"))
    await alice.expect_reply(contains="Đã rút đề cử DC-")
    with db() as s:
        assert {n.status for n in s.exec(select(Nomination))} == {"withdrawn"}


async def test_dossier_handed_over_from_the_report_menu(e2e, db, school):
    alice = await e2e.user(1001, "Cô Lan")
    await alice.send("/nop")
    menu = await alice.expect_reply(contains="Chọn hạng mục cần nộp")
    label = next(b.text for b in menu.buttons if b.text.startswith("Hồ sơ đề nghị khen thưởng"))
    await alice.press(label, menu)
    checklist = await alice.expect_reply(contains="⬜ 1. Tờ trình")
    await alice.press("Nộp hồ sơ", checklist)
    refused = await alice.expect_reply(contains="Chưa thể nộp")
    assert "⬜ Tờ trình" in refused.content and "⬜ Biên bản họp bình xét" in refused.content
    checklist = await alice.expect_reply(contains="Hồ sơ khen thưởng:")
    for n, (name, mime) in enumerate([("to_trinh.pdf", "application/pdf"), ("bien_ban.docx", DOCX_MIME)], start=1):
        line = next(b.text for b in checklist.buttons if b.text.startswith(f"{n}. "))
        await alice.press(line, checklist)
        await alice.expect_reply(contains="Gửi tệp cho mục")
        await alice.upload(name, sample_docx(name) if name.endswith(".docx") else sample_pdf(name), mime)
        await alice.press("Xong", await alice.expect_reply(contains="Đã nhận 1 tệp"))
        checklist = await alice.expect_reply(contains=f"✅ {n}.")
    await alice.press("Nộp hồ sơ", checklist)
    receipt = await alice.expect_reply(contains="Số tiếp nhận: HS-")
    assert "✅ Tờ trình: to_trinh.pdf" in receipt.content and "✅ Biên bản họp bình xét: bien_ban.docx" in receipt.content
    with db() as s:
        sub = s.exec(select(Submission)).one()
        assert sub.milestone_id == school["dossier"].id
        assert [(sf.document_label, f.original_name) for sf, f in submissions.files_of(s, sub.id)] == [
            ("Tờ trình", "to_trinh.pdf"), ("Biên bản họp bình xét", "bien_ban.docx")]


async def test_an_approved_nomination_is_approved_everywhere_staff_look(e2e, db, school, settings):
    """Through the real bot: /tiendo and its chart, /nhacnho, the export and the digest all see the school
    whose nominee was approved as done, and a second school with nothing as owing."""
    from bot import texts
    from db.campaigns import set_units
    from db.engine import session_scope
    from db.export_facts import export_data
    from db.models import Milestone
    from db.reminders import campaign_unit_names
    from schedules.digest import _owing_names

    other = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    seed.contact(other.id, 1002, name="Thầy Bình")
    with session_scope() as s:
        set_units(s, school["period"].campaign_id, [school["unit"].id, other.id])
    alice, binh = await e2e.user(1001, "Cô Lan"), await e2e.user(1002, "Thầy Bình")
    hoa = await e2e.user(2001, "Cô Hoa")
    await nominate(alice, "Nguyễn Thị Mai")
    await hoa.send("/dscu")
    await hoa.press("1", await hoa.expect_reply(contains="Trang 1/1"))
    await hoa.press("Duyệt", await hoa.expect_reply(contains="Tóm tắt thành tích"))
    await hoa.press("Đóng", await hoa.expect_reply(contains="Đợt đang nhận"))

    await hoa.send("/tiendo")
    chart = await hoa.expect_reply(contains=texts.PROGRESS_CHART_CAPTION.split("{")[0].split(":")[0])
    assert chart.photo and chart.photo.startswith(b"\x89PNG")
    overview = await hoa.expect_reply(contains="Số đơn vị tham gia: 2")
    round_line = overview.content.split("Đề cử gương điển hình")[1].split("\n")[1]
    assert "Đã duyệt 1" in round_line and "Chưa nộp 1" in round_line
    await hoa.press("Xong", overview)

    await hoa.send("/nhacnho")
    await hoa.press_nth(0, await hoa.expect_reply(contains="Chọn mốc"))
    await hoa.press("Gửi", await hoa.expect_reply(contains="chưa nộp (hoặc bị trả lại): 1"))
    assert texts.NUDGE_REASON_NO_NOMINEE in (await binh.expect_reply(contains="Kính gửi")).content
    await e2e.outbox_idle()
    assert not [m for m in alice.messages() if texts.NUDGE_REASON_NO_NOMINEE in m.content]

    with session_scope() as s:
        facts = export_data(s, school["period"].campaign_id)
        period = s.get(Milestone, school["period"].id)
        owing = _owing_names(s, period, campaign_unit_names(s, period.campaign_id))
    rows = {r.code: r.status for m in facts.milestones if m.id == school["period"].id for r in m.rows}
    assert rows == {"TH01": "accepted", "TH02": "missing"} and owing == ["Trường Tiểu học Lê Lợi"]
