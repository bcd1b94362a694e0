"""/decu: nominating an exemplary model, quota and replacement, withdrawal around the deadline, award forms."""
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db import standing
from db import files as file_store
from db import nominations
from db.clock import utcnow
from db.models import AuditEvent, AwardForm, Campaign, Milestone, Nomination, NominationFile, StoredFile
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_pdf, sample_png

PDF = sample_pdf("minh chung")
PNG = sample_png("anh")


@pytest.fixture
def world(settings):
    """One unit with a contact on the test channel, a campaign with two quarterly nomination periods."""
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    other = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    contact = seed.contact(unit.id, 501, channel="test", name="Cô Lan")
    campaign, (q1, q2, report) = seed.campaign(unit_ids=[unit.id, other.id], milestones=[
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý I/2027", due_in_days=10),
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý II/2027", due_in_days=100),
        dict(kind="preliminary_report", title="Báo cáo sơ kết", due_in_days=20),
    ])
    return dict(unit=unit, other=other, contact=contact, campaign=campaign, q1=q1, q2=q2, report=report,
                chat=FlowChat(settings, 501, "Cô Lan"))


async def fill(chat: FlowChat, *, period: str | None = "Quý I/2027", kind: str = "Cá nhân", name="Nguyễn Thị Mai",
               position: str | None = "Giáo viên", achievements: str = "Giáo viên dạy giỏi cấp thành phố.",
               award: str | None = "Chiến sĩ thi đua cơ sở", files=(("minh_chung.pdf", PDF, "application/pdf"),)):
    """From wherever the period question is (or already past it) to the summary."""
    if period:
        await chat.press(next(label for label in chat.labels() if label.startswith(period)))
    await chat.press(kind)
    await chat.send(name)
    if position is None:
        await chat.press("Bỏ qua")
    else:
        await chat.send(position)
    await chat.press("Dùng tên đơn vị")
    await chat.send(achievements)
    await chat.press("Bỏ qua")  # innovation
    await (chat.press(award) if award else chat.press("Bỏ qua"))
    for name_, data, mime in files:
        await chat.upload(name_, data, mime)
    await chat.press("Xong")
    assert "Kiểm tra lại đề cử" in chat.text


async def test_nominate_end_to_end(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    assert [label.split(" (")[0] for label in chat.labels()] == ["Quý I/2027", "Quý II/2027"]
    await chat.press(chat.labels()[0])
    assert chat.labels() == ["Tập thể", "Cá nhân"] and "Quý I/2027" in chat.text
    await chat.press("Cá nhân")
    await chat.send("Nguyễn  Thị   Mai")
    await chat.send("Tổ trưởng chuyên môn")
    assert "Trường Tiểu học Kim Đồng" in chat.text and chat.labels() == ["Dùng tên đơn vị"]
    await chat.press("Dùng tên đơn vị")
    summary = "Thành tích " + "x" * 1223
    await chat.send(summary)
    assert "(1.234/2.000 ký tự)" in chat.text
    await chat.send("Mô hình «Lớp học hạnh phúc»")
    forms = chat.labels()
    assert "Chiến sĩ thi đua cơ sở" in forms and "Tập thể lao động xuất sắc" not in forms and "Bỏ qua" in forms
    await chat.press("Chiến sĩ thi đua cơ sở")
    await chat.upload("virus.exe", b"MZ", "application/octet-stream")
    assert "không đúng định dạng" in chat.text
    await chat.upload("minh_chung.pdf", PDF)
    await chat.upload("anh.png", PNG, "image/png")
    assert "tổng cộng 2" in chat.text
    with db() as s:  # nothing is in the database before "Xác nhận"
        assert s.exec(select(StoredFile)).all() == [] and s.exec(select(Nomination)).all() == []
    await chat.press("Xong")
    assert "Nguyễn Thị Mai" in chat.text and "minh_chung.pdf, anh.png" in chat.text
    assert chat.labels() == ["Xác nhận", "Sửa", "Huỷ"]
    await chat.press("Xác nhận")
    year = texts.local(utcnow(), settings.tz).year
    assert f"DC-{year}-000001" in chat.text and "Minh chứng: 2 tệp" in chat.text
    with db() as s:
        n = s.exec(select(Nomination)).one()
        assert (n.reference, n.unit_id, n.milestone_id, n.campaign_id) == (
            f"DC-{year}-000001", world["unit"].id, world["q1"].id, world["campaign"].id)
        assert (n.nominee_type, n.nominee_name, n.position, n.nominee_unit) == (
            "individual", "Nguyễn Thị Mai", "Tổ trưởng chuyên môn", "Trường Tiểu học Kim Đồng")
        assert (n.achievements, n.innovation, n.award_form, n.period_label, n.status) == (
            summary, "Mô hình «Lớp học hạnh phúc»", "Chiến sĩ thi đua cơ sở", "Quý I/2027", "submitted")
        assert n.contact_id == world["contact"].id
        stored = nominations.files_of(s, n.id)
        assert [f.original_name for f in stored] == ["minh_chung.pdf", "anh.png"]
        assert file_store.read(s, settings.thidua_data_dir, stored[0].id)[1] == PDF
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "nomination_submitted")).one().subject == f"nomination:{n.id}"


async def test_achievements_over_2000_refused_with_count(settings, world):
    chat = world["chat"]
    await chat.send("/decu")
    await chat.press(chat.labels()[0])
    await chat.press("Tập thể")
    await chat.send("Tổ Toán – Tin")
    await chat.press("Bỏ qua")
    await chat.send("Trường Tiểu học Kim Đồng")
    await chat.send("a" * 2001)
    assert "2.001" in chat.text and "vượt quá 2.000" in chat.text
    await chat.send("a" * 2000)
    assert "(2.000/2.000 ký tự)" in chat.text


async def test_collective_without_position_and_edit_before_confirm(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat, kind="Tập thể", name="Tổ Toán – Tin", position=None, award="Tập thể lao động xuất sắc", files=())
    assert "Đặc điểm: (không có)" in chat.text and "Minh chứng: (không có)" in chat.text
    await chat.press("Sửa")
    await chat.press("Tên")
    await chat.send("Tổ Khoa học tự nhiên")
    assert "Kiểm tra lại đề cử" in chat.text and "Tổ Khoa học tự nhiên" in chat.text
    await chat.press("Sửa")
    await chat.press("Loại")
    await chat.press("Cá nhân")  # the collective award form no longer fits: asked again
    assert "Tập thể lao động xuất sắc" not in chat.labels() and "Lao động tiên tiến" in chat.labels()
    await chat.press("Lao động tiên tiến")
    assert "Kiểm tra lại đề cử" in chat.text
    await chat.press("Xác nhận")
    with db() as s:
        n = s.exec(select(Nomination)).one()
        assert (n.nominee_type, n.nominee_name, n.position, n.award_form) == (
            "individual", "Tổ Khoa học tự nhiên", None, "Lao động tiên tiến")
        assert s.exec(select(NominationFile)).all() == []


async def test_cancel_stores_nothing(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat)
    await chat.press("Huỷ")
    assert chat.text == texts.NOMINATION_CANCELLED
    with db() as s:
        assert s.exec(select(Nomination)).all() == [] and s.exec(select(StoredFile)).all() == []


async def test_over_quota_refused_then_replaced(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat, name="Nguyễn Thị Mai")
    await chat.press("Xác nhận")
    await chat.send("/decu")
    assert "Nguyễn Thị Mai" in chat.text and chat.labels() == ["Đề cử mới", "Rút một đề cử"]
    await chat.press("Đề cử mới")
    await chat.press(chat.labels()[0])  # Quý I/2027 again: full
    assert "đã đề cử đủ 1" in chat.text and "Nguyễn Thị Mai" in chat.text
    assert chat.labels() == ["Thay Nguyễn Thị Mai", "Thôi"]
    await chat.press("Thay Nguyễn Thị Mai")
    await fill(chat, period=None, name="Trần Văn Hùng")
    assert "THAY THẾ" in chat.text
    await chat.press("Xác nhận")
    assert "đã được thay thế" in chat.text
    with db() as s:
        rows = s.exec(select(Nomination).order_by(Nomination.id)).all()
        assert [(r.nominee_name, r.status) for r in rows] == [("Nguyễn Thị Mai", "withdrawn"), ("Trần Văn Hùng", "submitted")]
    # another period has its own quota
    await chat.send("/decu")
    await chat.press("Đề cử mới")
    await chat.press(chat.labels()[1])
    assert chat.labels() == ["Tập thể", "Cá nhân"]


async def test_quota_of_two_allows_a_second(settings, db, world):
    with db() as s:
        s.get(type(world["campaign"]), world["campaign"].id).nomination_quota = 2
    chat = world["chat"]
    for name in ("Nguyễn Thị Mai", "Trần Văn Hùng"):
        await chat.send("/decu")
        if "Đề cử mới" in chat.labels():
            await chat.press("Đề cử mới")
        await fill(chat, name=name)
        await chat.press("Xác nhận")
    await chat.send("/decu")
    await chat.press("Đề cử mới")
    await chat.press(chat.labels()[0])
    assert "đã đề cử đủ 2" in chat.text


def late_evening(db, settings, milestone) -> datetime:
    """Move the deadline to 23:55 local on its day; returns 23:50 (UTC). Deadlines are whole local days,
    so 15 minutes later (past midnight) it has passed, well within the conversation timeout."""
    day = texts.local(milestone.due_at, settings.tz).date()
    evening = datetime(day.year, day.month, day.day, 23, 50) - timedelta(hours=7)   # Asia/Ho_Chi_Minh
    with db() as s:
        s.get(type(milestone), milestone.id).due_at = evening + timedelta(minutes=5)
    return evening


async def test_past_the_deadline_meanwhile_the_entry_is_kept_and_marked_late(settings, db, world):
    """Default: a round takes late entries until staff close it, marked late like reports."""
    chat = world["chat"]
    evening = late_evening(db, settings, world["q1"])
    with time_machine.travel(evening, tick=False):
        await chat.send("/decu")
        await fill(chat)
    with time_machine.travel(evening + timedelta(minutes=15), tick=False):
        await chat.press("Xác nhận")
    due = texts.fmt_date(evening, settings.tz)
    assert "Số tiếp nhận: DC-" in chat.text and texts.NOMINATION_RECEIPT_LATE.format(due=due) in chat.text
    with db() as s:
        assert s.exec(select(Nomination)).one().late is True


async def test_refused_at_confirm_when_the_campaign_takes_no_late_entries(settings, db, world):
    chat = world["chat"]
    evening = late_evening(db, settings, world["q1"])
    with db() as s:
        s.get(Campaign, world["q1"].campaign_id).late_nominations = False
    with time_machine.travel(evening, tick=False):
        await chat.send("/decu")
        await fill(chat)
    with time_machine.travel(evening + timedelta(minutes=15), tick=False):
        await chat.press("Xác nhận")
    assert chat.text == texts.NOMINATION_ROUND_CLOSED.format(period="Quý I/2027",
                                                             due=texts.fmt_date(evening, settings.tz))
    assert "không dành cho" not in chat.text
    with db() as s:
        assert s.exec(select(Nomination)).all() == []


async def test_a_round_closed_by_staff_refuses_and_says_closed(settings, db, world):
    chat = world["chat"]
    with db() as s:
        nominations.set_round_closed(s, s.get(Milestone, world["q1"].id), True, datetime.utcnow())
    await chat.press_data(f"g|nominate|{world['q1'].id}")      # an old reminder's button
    assert chat.text.startswith("Đợt đề cử Quý I/2027") and "đã khoá" in chat.text
    assert "không dành cho" not in chat.text
    await chat.send("/decu")                                    # only the open round is offered
    assert "Quý II/2027" in chat.text


async def test_due_day_itself_is_still_open(settings, db, world):
    chat = world["chat"]
    evening = late_evening(db, settings, world["q1"])
    with time_machine.travel(evening + timedelta(minutes=9), tick=False):   # 23:59, after the 23:55 due time
        await chat.send("/decu")
        await fill(chat)
        await chat.press("Xác nhận")
    assert "Số tiếp nhận: DC-" in chat.text


async def test_withdraw_before_deadline(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat)
    await chat.press("Xác nhận")
    await chat.send("/decu")
    await chat.press("Rút một đề cử")
    await chat.press(chat.labels()[0])
    assert "Rút đề cử DC-" in chat.text
    await chat.press("Xác nhận rút")
    assert "Đã rút đề cử DC-" in chat.text
    with db() as s:
        assert s.exec(select(Nomination)).one().status == "withdrawn"
        assert standing.owing_unit_ids(s, world["q1"]) == [world["unit"].id, world["other"].id]
    await chat.send("/decu")  # nothing active: straight to the periods
    assert chat.labels()[0].startswith("Quý I/2027")


async def test_withdraw_after_deadline_is_refused(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat)
    await chat.press("Xác nhận")
    with time_machine.travel(world["q1"].due_at + timedelta(days=1), tick=False):
        await chat.send("/decu")
        await chat.press("Rút một đề cử")
        await chat.press(chat.labels()[0])
        assert "Không thể rút đề cử DC-" in chat.text and "đã qua" in chat.text
    with db() as s:
        assert s.exec(select(Nomination)).one().status == "submitted"


async def test_withdraw_refused_when_deadline_passes_before_confirming(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat)
    await chat.press("Xác nhận")
    evening = late_evening(db, settings, world["q1"])
    with time_machine.travel(evening, tick=False):
        await chat.send("/decu")
        await chat.press("Rút một đề cử")
        await chat.press(chat.labels()[0])
    with time_machine.travel(evening + timedelta(minutes=15), tick=False):
        await chat.press("Xác nhận rút")
    assert "Không thể rút" in chat.text
    with db() as s:
        assert s.exec(select(Nomination)).one().status == "submitted"


async def test_past_deadline_round_offered_as_late_unless_the_campaign_refuses(settings, db, world):
    chat = world["chat"]
    with time_machine.travel(world["q1"].due_at + timedelta(days=1), tick=False):
        await chat.send("/decu")
        assert [label.split(" ")[0:2] for label in chat.labels()] == [["Quý", "I/2027"], ["Quý", "II/2027"]]
        await chat.press(chat.labels()[0])
        assert "đã quá hạn" in chat.text and "nộp muộn" in chat.text     # told before typing that it is late
        await chat.send("/huy")
    with db() as s:
        s.get(Campaign, world["q1"].campaign_id).late_nominations = False
    with time_machine.travel(world["q1"].due_at + timedelta(days=1), tick=False):
        await chat.send("/decu")
        # one open round left: asked straight away
        assert "Quý II/2027" in chat.text and chat.labels() == ["Tập thể", "Cá nhân"]
    with time_machine.travel(world["q2"].due_at + timedelta(days=1), tick=False):
        await chat.send("/huy")
        await chat.send("/decu")
        assert chat.text == texts.NOMINATION_NONE_OPEN


async def test_hand_over_with_milestone_and_authorisation(settings, db, world):
    chat = world["chat"]
    await chat.press_data(f"g|nominate|{world['q2'].id}")
    assert "Quý II/2027" in chat.text and chat.labels() == ["Tập thể", "Cá nhân"]
    await chat.send("/huy")
    _, (foreign,) = seed.campaign(title="Phong trào khác", unit_ids=[world["other"].id], milestones=[
        dict(kind="nomination", title="Đề cử", period_label="Quý I/2027", due_in_days=5)])
    await chat.press_data(f"g|nominate|{foreign.id}")
    assert chat.text == texts.NOMINATION_NOT_ALLOWED
    await chat.press_data(f"g|nominate|{world['report'].id}")  # not a nomination milestone
    assert chat.text == texts.NOMINATION_NOT_ALLOWED
    await chat.press_data("g|nominate|")  # main menu button
    assert chat.labels()[0].startswith("Quý I/2027")


async def test_owing_units_for_nomination(settings, db, world):
    chat = world["chat"]
    with db() as s:
        assert standing.owing_unit_ids(s, world["q1"]) == [world["unit"].id, world["other"].id]
    await chat.send("/decu")
    await fill(chat)
    await chat.press("Xác nhận")
    with db() as s:
        assert standing.owing_unit_ids(s, world["q1"]) == [world["other"].id]
        assert standing.owing_unit_ids(s, world["q2"]) == [world["unit"].id, world["other"].id]


async def test_unbound_chat_cannot_nominate(settings, world):
    stranger = FlowChat(settings, 999)
    assert (await stranger.send("/decu"))[0].text == texts.NOT_BOUND


# ------------------------------------------------------------------------------------------- award forms

async def test_default_award_forms_are_seeded_once(settings, db):
    with db() as s:
        assert nominations.ensure_default_award_forms(s) == len(nominations.DEFAULT_AWARD_FORMS)
        assert nominations.ensure_default_award_forms(s) == 0
        names = {f.name for f in nominations.award_forms(s, collective=True)}
        assert {"Tập thể lao động tiên tiến", "Cờ thi đua của UBND tỉnh", "Giấy khen"} <= names
        assert "Lao động tiên tiến" not in names


async def test_staff_manage_award_forms_and_units_see_the_change(settings, db, world):
    seed.staff(700, channel="test")
    staff = FlowChat(settings, 700)
    await staff.send("/hinhthuc")
    assert "Chiến sĩ thi đua cơ sở" in staff.text and "/hinhthuc them" in staff.text
    await staff.send("/hinhthuc them Giấy khen của Chủ tịch UBND xã | cả hai | Chủ tịch UBND cấp xã")
    assert "Đã thêm" in staff.text
    await staff.send("/hinhthuc them Giấy khen của Chủ tịch UBND xã | cả hai")
    assert "Đã có" in staff.text
    await staff.send("/hinhthuc them Bằng khen | mọi người")
    assert staff.text == texts.AWARD_BAD_WHO
    with db() as s:
        cstt = s.exec(select(AwardForm).where(AwardForm.name == "Chiến sĩ thi đua cơ sở")).one()
    await staff.send(f"/hinhthuc tat {cstt.id}")
    assert "Đã ngừng dùng: Chiến sĩ thi đua cơ sở" in staff.text
    chat = world["chat"]
    await chat.send("/decu")
    await chat.press(chat.labels()[0])
    await chat.press("Cá nhân")
    await chat.send("Nguyễn Thị Mai")
    await chat.send("Giáo viên")
    await chat.press("Dùng tên đơn vị")
    await chat.send("Thành tích tốt")
    await chat.press("Bỏ qua")
    assert "Chiến sĩ thi đua cơ sở" not in chat.labels() and "Giấy khen của Chủ tịch UBND xã" in chat.labels()
    assert (await chat.send("/hinhthuc"))[0].text == texts.STAFF_ONLY
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "award_form_disabled")).one()


def test_cli_awards(settings, capsys, monkeypatch):
    from bot import cli
    from bot.settings import get_settings
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["awards", "list"]) == 0
        assert "Tập thể lao động xuất sắc" in capsys.readouterr().out
        assert cli.main(["awards", "add", "Huy hiệu Tuổi trẻ sáng tạo", "--for", "individual"]) == 0
        assert cli.main(["awards", "add", "Huy hiệu Tuổi trẻ sáng tạo"]) == 1
        assert cli.main(["awards", "disable", "Giấy khen"]) == 0
        assert cli.main(["awards", "disable", "#999"]) == 1
        out = capsys.readouterr().out
        assert "Đã thêm" in out and "Đã ngừng dùng" in out and "Không tìm thấy" in out
    finally:
        get_settings.cache_clear()
    from db.engine import session_scope
    with session_scope() as s:
        assert s.exec(select(AwardForm).where(AwardForm.name == "Giấy khen")).one().active is False
        assert s.exec(select(AwardForm).where(AwardForm.name == "Huy hiệu Tuổi trẻ sáng tạo")).one().for_collective is False


async def test_typed_numbers_without_buttons_like_zalo(settings, db, world):
    chat = FlowChat(settings, 501, has_buttons=False)
    for typed in ("/decu", "1", "2", "Lê Văn Nam", "Giáo viên", "1", "Thành tích xuất sắc", "1"):
        await (chat.send(typed))
    assert "Hình thức khen thưởng" in chat.text
    await chat.send("Chiến sĩ thi đua cơ sở")   # a label typed in full works too
    await chat.send("1")                          # Xong
    await chat.send("1")                          # Xác nhận
    assert "Số tiếp nhận: DC-" in chat.text
    with db() as s:
        n = s.exec(select(Nomination)).one()
        assert (n.nominee_name, n.nominee_unit, n.innovation, n.award_form) == (
            "Lê Văn Nam", "Trường Tiểu học Kim Đồng", None, "Chiến sĩ thi đua cơ sở")


async def test_contact_moved_to_another_unit_mid_flow(settings, db, world):
    chat = world["chat"]
    await chat.send("/decu")
    await chat.press(chat.labels()[0])
    with db() as s:
        s.get(type(world["contact"]), world["contact"].id).unit_id = world["other"].id
    await chat.press("Cá nhân")
    assert chat.text == texts.NOMINATION_NOT_ALLOWED


async def test_of_two_evidence_files_only_the_one_that_opens_is_kept(settings, db, world):
    from tests.support.documents import text_pdf
    chat = world["chat"]
    await chat.send("/decu")
    await fill(chat, files=(("minh_chung.pdf", PDF, "application/pdf"),
                            ("giay_khen.pdf", text_pdf()[:150], "application/pdf")))   # truncated
    with db() as s:
        assert s.exec(select(NominationFile)).all() == []
    await chat.press("Xác nhận")
    with db() as s:
        nomination = s.exec(select(Nomination)).one()
        (kept,) = s.exec(select(NominationFile).where(NominationFile.nomination_id == nomination.id)).all()
        assert s.get(StoredFile, kept.stored_file_id).original_name == "minh_chung.pdf"


async def test_a_truncated_evidence_file_gets_the_guarded_readers_reply(settings, db, world):
    from tests.support.documents import text_pdf
    chat = world["chat"]
    await chat.send("/decu")
    await chat.press(chat.labels()[0])
    await chat.press("Cá nhân")
    await chat.send("Nguyễn Thị Mai")
    await chat.send("Giáo viên")
    await chat.press("Dùng tên đơn vị")
    await chat.send("Giáo viên dạy giỏi cấp thành phố.")
    await chat.press("Bỏ qua")
    await chat.press("Chiến sĩ thi đua cơ sở")
    await chat.upload("giay_khen.pdf", text_pdf()[:150], "application/pdf")
    assert chat.text.startswith(texts.DOCUMENT_CORRUPT.format(name="giay_khen.pdf"))


@pytest.mark.parametrize("title, period, expected", [
    ("Đề cử gương điển hình tiên tiến quý I/2024", None, "quý I/2024"),    # the period the title ends with
    ("Đề cử gương điển hình", None, "gương điển hình"),                    # never "Đề cử Đề cử …"
    ("Đề cử", "Quý II/2027", "Quý II/2027"),                               # the period label wins
    ("Đăng ký danh hiệu thi đua năm học 2026-2027", None, "năm học 2026-2027"),
])
def test_a_round_is_named_once_after_the_word_de_cu(title, period, expected):
    from db.models import Milestone as M
    label = nominations.period_label(M(title=title, period_label=period, campaign_id=1))
    assert label == expected
    assert "đề cử đề cử" not in texts.NOMINATION_EXPORT_SENT.format(period=label, count=1, fmt=".xlsx").casefold()
