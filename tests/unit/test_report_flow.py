"""The report submission flow (handlers/report.py), driven directly through the engine with FlowChat."""
import hashlib
import unicodedata
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db import files as file_ops
from db.clock import utcnow
from db.models import AuditEvent, ConversationState, StoredFile, Submission, SubmissionFile
from handlers import engine
from handlers.engine import Flow, done, flow, goto
from handlers.io import IncomingFile
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_docx, sample_jpeg, sample_pdf, sample_png, sample_xlsx

PDF = sample_pdf("bao cao so ket hoc ky I", pad=256)
XLSX = sample_xlsx("bang so lieu thi dua")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USER = 501


@pytest.fixture
def world(settings):
    """Unit A (our contact, on the fake 'test' channel) in campaign 1; unit B alone in campaign 2."""
    a = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    b = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    contact = seed.contact(a.id, USER, channel="test", name="Cô Lan")
    camp, ms = seed.campaign(unit_ids=[a.id], milestones=[
        dict(title="Báo cáo sơ kết học kỳ I", due_in_days=10),
        dict(title="Đăng ký thi đua", kind="registration", due_in_days=-3),
        dict(title="Họp tổng kết của Phòng", kind="event", due_in_days=20),
        dict(title="Phòng tổng hợp", kind="other", due_in_days=12, units_act=False),
        dict(title="Hồ sơ khen thưởng", kind="award_dossier", due_in_days=30),
    ])
    other, other_ms = seed.campaign("Phong trào của trường khác", unit_ids=[b.id], milestones=[
        dict(title="Báo cáo riêng của Lê Lợi", due_in_days=5)])
    return dict(a=a, b=b, contact=contact, campaign=camp, report=ms[0], late=ms[1], event=ms[2],
                office_step=ms[3], dossier=ms[4], foreign=other_ms[0])


def press_value(chat: FlowChat, value: str):
    """Press the step button whose value is `value` (labels carry due dates, values do not)."""
    for msg in reversed(chat.last):
        for choice in msg.flat_choices():
            if choice.data.split("|", 1)[-1] == value:
                return chat.press_data(choice.data)
    raise AssertionError(f"no button with value {value!r}: {[c.data for m in chat.last for c in m.flat_choices()]}")


async def to_files_step(chat: FlowChat, milestone_id: int):
    await chat.send("/nop")
    await press_value(chat, f"m{milestone_id}")
    assert "Hãy gửi tệp báo cáo" in chat.text


async def submit(chat: FlowChat, milestone_id: int, files: list[tuple[str, bytes, str]], note: str | None = None):
    await to_files_step(chat, milestone_id)
    for name, data, mime in files:
        await chat.upload(name, data, mime)
    await chat.press("Xong")
    if note is None:
        await chat.press("Bỏ qua")
    else:
        await chat.send(note)
    assert "Kiểm tra lại trước khi nộp" in chat.text
    return await chat.press("Xác nhận")


def state_of(db, user=USER) -> ConversationState:
    with db() as s:
        return s.exec(select(ConversationState).where(ConversationState.chat_id == str(user))).one()


def count(db, model) -> int:
    with db() as s:
        return len(s.exec(select(model)).all())


async def test_whole_flow_two_files_and_note(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("bao_cao_so_ket.pdf", PDF)
    assert "Đã nhận 1 tệp" in chat.text and "bao_cao_so_ket.pdf" in chat.text
    assert chat.labels() == ["Xong", "Huỷ"]
    await chat.upload("so_lieu.xlsx", XLSX, XLSX_MIME)
    assert "Đã nhận 2 tệp" in chat.text and "so_lieu.xlsx" in chat.text
    await chat.press("Xong")
    assert chat.labels() == ["Bỏ qua", "Huỷ"]
    await chat.send("Gửi kèm bảng số liệu")
    summary = chat.text
    for part in ("Phong trào thi đua năm học 2026-2027", "Báo cáo sơ kết học kỳ I", "bao_cao_so_ket.pdf",
                 "so_lieu.xlsx", "Gửi kèm bảng số liệu"):
        assert part in summary
    assert "quá hạn" not in summary
    assert chat.labels() == ["Xác nhận", "Sửa", "Huỷ"]
    await chat.press("Xác nhận")

    with db() as s:
        sub = s.exec(select(Submission)).one()
        rows = s.exec(select(SubmissionFile, StoredFile).join(StoredFile, StoredFile.id == SubmissionFile.stored_file_id)
                      .order_by(SubmissionFile.position)).all()
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "report_submitted")).one()
    year = (utcnow() + timedelta(hours=7)).year
    assert sub.reference == f"BC-{year}-000001"
    assert (sub.unit_id, sub.milestone_id, sub.version, sub.late) == (world["a"].id, world["report"].id, 1, False)
    assert sub.note == "Gửi kèm bảng số liệu" and sub.contact_id == world["contact"].id
    assert [f.original_name for _, f in rows] == ["bao_cao_so_ket.pdf", "so_lieu.xlsx"]
    for (_, stored), data in zip(rows, [PDF, XLSX]):
        assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
        assert file_ops.path_for(settings.thidua_data_dir, stored.sha256).read_bytes() == data
    assert audit.subject == f"submission:{sub.id}"
    receipt = chat.text
    assert sub.reference in receipt and "Lần nộp: 1" in receipt and texts.fmt_datetime(sub.submitted_at, settings.tz) in receipt
    assert "nộp muộn" not in receipt
    assert state_of(db).flow is None


async def test_submit_again_makes_version_two_and_keeps_version_one(settings, db, world):
    chat = FlowChat(settings, USER)
    await submit(chat, world["report"].id, [("v1.pdf", PDF, "application/pdf")])
    await submit(chat, world["report"].id, [("v2.pdf", PDF + b"sua", "application/pdf")])
    assert "Lần nộp: 2" in chat.text and "các lần nộp trước vẫn được lưu" in chat.text
    with db() as s:
        subs = s.exec(select(Submission).order_by(Submission.version)).all()
    assert [(x.version, x.reference[-6:]) for x in subs] == [(1, "000001"), (2, "000002")]
    assert count(db, SubmissionFile) == 2


async def test_past_due_milestone_is_marked_and_flagged_late(settings, db, world):
    chat = FlowChat(settings, USER)
    await chat.send("/nop")
    late_label = next(label for label in chat.labels() if label.startswith("Đăng ký thi đua"))
    assert "quá hạn" in late_label
    await chat.send("/huy")
    await submit(chat, world["late"].id, [("dangky.pdf", PDF, "application/pdf")])
    assert "nộp muộn" in chat.text
    with db() as s:
        assert s.exec(select(Submission)).one().late is True


async def test_milestone_list_offers_only_what_the_unit_submits(settings, world):
    chat = FlowChat(settings, USER)
    await chat.send("/nop")
    values = [c.data.split("|", 1)[1] for m in chat.last for c in m.flat_choices()]
    assert f"m{world['report'].id}" in values and f"m{world['late'].id}" in values
    for hidden in ("event", "office_step", "foreign"):
        assert f"m{world[hidden].id}" not in values   # events, office steps, other campaigns


async def test_wrong_file_type_is_refused(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("chuong_trinh.exe", b"MZ...", "application/x-msdownload")
    assert "Không nhận tệp «chuong_trinh.exe»" in chat.text and "Chưa có tệp nào" in chat.text
    await chat.upload("gia_mao.pdf", b"MZ...", "application/x-msdownload")   # extension and type disagree
    assert "Không nhận tệp «gia_mao.pdf»" in chat.text
    await chat.upload("anh_chup.png", sample_png("anh chup"), "image/png", kind="photo")
    assert "Đã nhận 1 tệp" in chat.text and "anh_chup.png" in chat.text
    assert state_of(db).data["files"][0]["name"] == "anh_chup.png"


async def test_file_over_20_mb_is_refused_with_advice(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    chat.files["big"] = sample_pdf("small stand-in")
    await chat._push(files=[IncomingFile("big", "ho_so_day_du.pdf", "application/pdf", 21 * 1024 * 1024, "document")])
    assert "ho_so_day_du.pdf" in chat.text and "tối đa 20 MB" in chat.text and "nén" in chat.text
    assert state_of(db).data["files"] == []
    [link] = chat.last[0].links                        # ...or send it through the upload page (up to 50 MB)
    assert "/tai-len/" in link.url


async def test_a_file_from_the_upload_page_may_be_up_to_50_mb(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    chat.files["upload:abc"] = sample_pdf("big stand-in")
    await chat._push(files=[IncomingFile("upload:abc", "ho_so_day_du.pdf", "application/pdf", 30 * 1024 * 1024)])
    assert [f["name"] for f in state_of(db).data["files"]] == ["ho_so_day_du.pdf"]
    await chat._push(files=[IncomingFile("upload:def", "qua_lon.pdf", "application/pdf", 51 * 1024 * 1024)])
    assert "qua_lon.pdf" in chat.text and len(state_of(db).data["files"]) == 1


async def test_album_of_two_photos_counts_as_two_files(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    chat.files.update(p1=sample_jpeg("trang 1"), p2=sample_jpeg("trang 2"))
    await chat._push(files=[IncomingFile("p1", None, "image/jpeg", 9, "photo"),
                            IncomingFile("p2", None, "image/jpeg", 9, "photo")])
    assert "Đã nhận 2 tệp" in chat.text
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    await chat.press("Xác nhận")
    with db() as s:
        stored = s.exec(select(StoredFile).order_by(StoredFile.id)).all()
    assert [f.sha256 for f in stored] == [hashlib.sha256(sample_jpeg("trang 1")).hexdigest(),
                                          hashlib.sha256(sample_jpeg("trang 2")).hexdigest()]
    assert all(f.original_name.endswith(".jpg") for f in stored)


async def test_text_where_a_file_is_expected(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.send("em gửi báo cáo ạ")
    assert texts.REPORT_EXPECT_FILE in chat.text and chat.labels() == ["Xong", "Huỷ"]
    await chat.press("Xong")
    assert texts.REPORT_NEED_ONE_FILE in chat.text
    assert state_of(db).state == "files"


async def test_button_from_an_old_message_is_stale(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("a.pdf", PDF)
    old_done = next(c.data for c in chat.last[0].flat_choices() if c.label == "Xong")
    await chat.upload("b.pdf", PDF + b"2")
    assert (await chat.press_data(old_done))[0].text == texts.STALE_BUTTON
    assert state_of(db).state == "files" and len(state_of(db).data["files"]) == 2


async def test_foreign_or_forged_milestone_ids_are_refused(settings, db, world):
    chat = FlowChat(settings, USER)
    for arg in (world["foreign"].id, world["office_step"].id, world["event"].id, 99999, "1 OR 1=1"):
        reply = await chat.press_data(f"g|submit|{arg}")
        assert reply[0].text in (texts.REPORT_NOT_ALLOWED, texts.REPORT_NOTHING_TO_SEND), arg
        assert state_of(db).flow is None
    assert (await chat.send(f"/nop {world['foreign'].id}"))[0].text == texts.REPORT_NOT_ALLOWED
    # a forged step value in a running flow: the other unit's milestone is not among the offered ones
    await chat.send("/nop")
    turn = state_of(db).turn
    await chat.press_data(f"f{turn}|m{world['foreign'].id}")
    assert texts.EXPECT_CHOICE in chat.text and state_of(db).state == "milestone"
    assert count(db, Submission) == 0 and count(db, StoredFile) == 0
    with db() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "submit_refused")).all()) == 6


async def test_draft_campaign_milestone_is_refused(settings, db, world):
    _, ms = seed.campaign("Kế hoạch nháp", unit_ids=[world["a"].id], status="draft",
                          milestones=[dict(title="Chưa phát động", due_in_days=5)])
    chat = FlowChat(settings, USER)
    assert (await chat.press_data(f"g|submit|{ms[0].id}"))[0].text == texts.REPORT_NOT_ALLOWED


async def test_reminder_button_goes_straight_to_files(settings, db, world):
    chat = FlowChat(settings, USER)
    await chat.press_data(f"g|submit|{world['report'].id}")
    assert "Hãy gửi tệp báo cáo" in chat.text and "Báo cáo sơ kết học kỳ I" in chat.text
    assert state_of(db).data["milestone_id"] == world["report"].id


async def test_viec_in_the_middle_of_the_flow_is_allowed_without_buttons(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("a.pdf", PDF)
    await chat.send("/viec")
    assert "Việc cần làm" in chat.text and "Bạn đang làm dở: nộp báo cáo" in chat.text
    assert chat.labels() == []   # the flow's choices stay the offered ones
    assert state_of(db).state == "files" and len(state_of(db).data["files"]) == 1
    # starting another submission is refused by the engine while this one runs
    await chat.press_data(f"g|submit|{world['late'].id}")
    assert "đang làm dở" in chat.text
    await chat.send("Xong")   # typed label still matches the flow's offered choice
    assert state_of(db).state == "note"


async def test_nfd_note_is_stored_nfc(settings, db, world):
    chat = FlowChat(settings, USER)
    note = "Đơn vị xin nộp bổ sung ảnh hoạt động"
    await submit(chat, world["report"].id, [("a.pdf", PDF, "application/pdf")], note=unicodedata.normalize("NFD", note))
    with db() as s:
        stored = s.exec(select(Submission)).one().note
    assert stored == note and unicodedata.is_normalized("NFC", stored)


async def test_download_failure_stores_nothing_and_stays_at_summary(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("a.pdf", PDF)
    await chat.upload("b.pdf", PDF + b"b")
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    kept = chat.files.pop("file2")   # the channel loses the second file
    await chat.press("Xác nhận")
    assert "Không tải được tệp «b.pdf»" in chat.text and "chưa có gì được lưu" in chat.text
    assert chat.labels() == ["Xác nhận", "Sửa", "Huỷ"]
    assert state_of(db).state == "confirm"
    assert count(db, Submission) == 0 and count(db, StoredFile) == 0
    with db() as s:   # at most an orphan blob (a.pdf arrived), which the sweep collects
        file_ops.sweep_orphans(s, settings.thidua_data_dir, older_than_s=-1)
    assert not [p for p in settings.thidua_data_dir.rglob("*") if p.is_file()]
    chat.files["file2"] = kept   # retry works
    await chat.press("Xác nhận")
    assert "Số tiếp nhận: BC-" in chat.text and count(db, StoredFile) == 2


async def test_silent_flow_times_out_after_30_minutes(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("a.pdf", PDF)
    with time_machine.travel(utcnow() + timedelta(minutes=29), tick=False):
        assert engine.expire_conversations(timeout_minutes=30) == 0
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert engine.expire_conversations(timeout_minutes=30) == 1
        assert state_of(db).flow is None
        await chat.send("Xong")
    assert texts.FREE_TEXT_OFFICE_FALLBACK in chat.text and count(db, Submission) == 0   # the flow is over


async def test_flow_resumes_after_a_restart(settings, db, world):
    before = FlowChat(settings, USER)
    await to_files_step(before, world["report"].id)
    await before.upload("a.pdf", PDF)
    after = FlowChat(settings, USER)          # a new process: nothing in memory but the channel's files
    after.files = dict(before.files)
    await after.upload("b.docx", sample_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "Đã nhận 2 tệp" in after.text
    await after.send("Xong")
    await after.send("Bỏ qua")
    await after.send("Xác nhận")
    assert "Số tiếp nhận: BC-" in after.text and count(db, SubmissionFile) == 2


async def test_edit_from_summary_replaces_files_and_note(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("sai.pdf", PDF)
    await chat.press("Xong")
    await chat.send("ghi chú cũ")
    await chat.press("Sửa")
    await chat.press("Sửa tệp")
    await chat.press("Xoá hết tệp")
    await chat.upload("dung.pdf", PDF + b"dung")
    await chat.press("Xong")
    assert "Kiểm tra lại" in chat.text and "dung.pdf" in chat.text and "sai.pdf" not in chat.text
    await chat.press("Sửa")
    await chat.press("Sửa ghi chú")
    assert "ghi chú cũ" in chat.text
    await chat.send("ghi chú mới")
    await chat.press("Xác nhận")
    with db() as s:
        sub = s.exec(select(Submission)).one()
        names = [f.original_name for f in s.exec(select(StoredFile)).all()]
    assert sub.note == "ghi chú mới" and names == ["dung.pdf"]


async def test_cancel_button_and_huy_store_nothing(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("a.pdf", PDF)
    await chat.press("Huỷ")
    assert chat.text == texts.REPORT_CANCELLED and state_of(db).flow is None
    await to_files_step(chat, world["report"].id)
    assert (await chat.send("/huy"))[0].text == texts.CANCELLED
    assert count(db, Submission) == 0


async def test_two_campaigns_ask_which_one_first(settings, db, world):
    seed.campaign("Cuộc thi Giáo viên dạy giỏi", unit_ids=[world["a"].id],
                  milestones=[dict(title="Danh sách dự thi", kind="registration", due_in_days=7)])
    chat = FlowChat(settings, USER)
    await chat.send("/nop")
    assert texts.REPORT_CHOOSE_CAMPAIGN in chat.text
    assert chat.labels() == ["Phong trào thi đua năm học 2026-2027", "Cuộc thi Giáo viên dạy giỏi", "Huỷ"]
    await chat.press("Cuộc thi Giáo viên dạy giỏi")
    assert "Danh sách dự thi" in chat.text and "Báo cáo sơ kết" not in chat.text


async def test_award_dossier_hands_over_or_says_not_available(settings, db, world, monkeypatch):
    monkeypatch.delitem(engine.FLOWS, "dossier", raising=False)
    chat = FlowChat(settings, USER)
    await chat.send("/nop")
    await press_value(chat, f"m{world['dossier'].id}")
    assert "chưa sẵn sàng" in chat.text and state_of(db).flow is None
    assert "chưa sẵn sàng" in (await chat.press_data(f"g|submit|{world['dossier'].id}"))[0].text

    class FakeDossier(Flow):
        name, title = "dossier", "hồ sơ khen thưởng"

        async def begin(self, ctx, data, milestone_id=None, **kw):
            data["milestone_id"] = milestone_id
            return goto("wait", f"Hồ sơ cho hạng mục {milestone_id}")

        async def on_wait(self, ctx, data, inp):
            return done("ok")

    monkeypatch.setitem(engine.FLOWS, "dossier", FakeDossier())
    await chat.send("/nop")
    await press_value(chat, f"m{world['dossier'].id}")
    assert f"Hồ sơ cho hạng mục {world['dossier'].id}" in chat.text
    conv = state_of(db)
    assert (conv.flow, conv.data["milestone_id"]) == ("dossier", world["dossier"].id)


async def test_unbound_user_cannot_submit(settings, db, world):
    stranger = FlowChat(settings, 999)
    assert (await stranger.send("/nop"))[0].text == texts.NOT_BOUND
    assert (await stranger.press_data(f"g|submit|{world['report'].id}"))[0].text == texts.NOT_BOUND


async def test_typed_numbers_without_buttons_zalo_style(settings, db, world):
    chat = FlowChat(settings, USER, has_buttons=False)
    await chat.send("/nop")
    await chat.send("2")                      # milestones by due date: the late one, then this one
    assert "Báo cáo sơ kết học kỳ I" in chat.text and "Hãy gửi tệp" in chat.text
    await chat.upload("a.pdf", PDF)
    for typed in ("1", "1", "1"):             # Xong, Bỏ qua, Xác nhận
        await chat.send(typed)
    assert "Số tiếp nhận: BC-" in chat.text
    with db() as s:
        assert s.exec(select(Submission)).one().milestone_id == world["report"].id


async def test_submitting_cancels_the_units_queued_reminders_at_once(world, settings, db):
    from db.models import OutboxMessage
    from db.outbox import Outgoing, enqueue
    from handlers.io import OutMessage
    c, m = world["contact"], world["report"]
    with db() as s:
        enqueue(s, Outgoing(f"rem:{m.id}:{world['a'].id}:{c.id}:-1", "test", str(USER), OutMessage("Nhắc hạn"),
                            kind="reminder", contact_id=c.id))
    await submit(FlowChat(settings, USER), m.id, [("bao_cao.pdf", PDF, "application/pdf")])
    with db() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).one()
    assert row.status == "cancelled"


@pytest.mark.reliability
async def test_an_unreadable_file_is_refused_at_confirm_and_nothing_is_stored(settings, db, world):
    from tests.support.documents import pdf_with, png
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("bao_cao.pdf", PDF)
    await chat.upload("phu_luc.pdf", pdf_with(password="matkhau"))
    await chat.upload("so_lieu.xlsx", png(), XLSX_MIME)            # a picture saved under an Excel name
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    await chat.press("Xác nhận")
    assert texts.DOCUMENT_ENCRYPTED.format(name="phu_luc.pdf") in chat.text
    assert "so_lieu.xlsx" in chat.text and "ảnh PNG" in chat.text
    assert "Đã nhận 1 tệp" in chat.text and state_of(db).state == "files"   # the good file is kept
    assert count(db, Submission) == 0 and count(db, StoredFile) == 0
    await chat.press("Xong")
    await chat.press("Xác nhận")
    assert "Số tiếp nhận: BC-" in chat.text and count(db, StoredFile) == 1


async def test_a_file_sent_outside_any_flow_asks_where_it_goes_and_is_submitted(settings, db, world):
    chat = FlowChat(settings, USER)
    await chat.upload("bao_cao_so_ket.pdf", PDF)
    assert texts.REPORT_FILE_WHICH_MILESTONE.format(count=1) in chat.text
    assert texts.NOT_UNDERSTOOD not in chat.text
    await press_value(chat, f"m{world['report'].id}")
    assert "Đã nhận 1 tệp" in chat.text and "bao_cao_so_ket.pdf" in chat.text     # the file went in first
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    await chat.press("Xác nhận")
    with db() as s:
        sub = s.exec(select(Submission)).one()
        [(_, stored)] = s.exec(select(SubmissionFile, StoredFile).join(
            StoredFile, StoredFile.id == SubmissionFile.stored_file_id)).all()
    assert sub.milestone_id == world["report"].id and stored.original_name == "bao_cao_so_ket.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()


async def test_a_file_with_nothing_open_is_not_silently_dropped(settings, db, world):
    chat = FlowChat(settings, 777)
    lone = seed.unit("TH09", "Trường không có kế hoạch")
    seed.contact(lone.id, 777, channel="test")
    await chat.upload("tep.pdf", PDF)
    assert chat.text == texts.REPORT_NOTHING_OPEN_FOR_FILE
    assert count(db, Submission) == 0


async def test_free_text_outside_a_flow_gets_the_offices_contact(settings, db, world):
    from db.models import Campaign
    chat = FlowChat(settings, USER)
    await chat.send("nộp ở đâu ạ?")
    assert texts.FREE_TEXT_OFFICE_FALLBACK in chat.text and texts.NOT_UNDERSTOOD not in chat.text
    with db() as s:   # the plan named someone: that is who the school is told to call
        s.get(Campaign, world["campaign"].id).details = {"contact": {"name": "Chị Hạnh", "phone": "0912 345 678"}}
    await chat.send("cho em hỏi hạn nộp")
    assert "Chị Hạnh — 0912 345 678" in chat.text


async def test_the_file_step_lists_the_documents_the_milestone_asks_for(settings, db, world):
    from db.models import Milestone
    with db() as s:
        s.get(Milestone, world["report"].id).required_documents = ["Báo cáo sơ kết", "Biểu mẫu số liệu 01"]
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    assert texts.REPORT_ASK_FILES_DOCUMENTS.format(docs="• Báo cáo sơ kết\n• Biểu mẫu số liệu 01") in chat.text


async def test_a_question_is_forwarded_to_staff_who_answer_from_chat_when_the_office_wants_it(settings, db, world):
    from db.models import OutboxMessage
    from handlers.io import OutMessage
    seed.staff(8800, "Cô Hoa", channel="test")
    settings.thidua_forward_questions = True
    school = FlowChat(settings, USER)
    await school.send("Cho em hỏi báo cáo sơ kết nộp bản có chữ ký được không ạ?")
    assert texts.QUESTION_SENT.split("{")[0] in school.text
    with db() as s:
        [row] = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("question:%"))).all()
    forwarded = OutMessage.from_json(row.payload)
    assert row.chat_id == "8800" and "Trường Tiểu học Kim Đồng (Cô Lan) hỏi" in forwarded.text
    staff = FlowChat(settings, 8800)
    await staff.press_data(forwarded.choices[0][0].data)
    assert texts.QUESTION_ASK_ANSWER.format(unit="Trường Tiểu học Kim Đồng") in staff.text
    await staff.send("Được ạ, bản scan có chữ ký là đủ.")
    assert staff.text == texts.QUESTION_ANSWER_SENT.format(unit="Trường Tiểu học Kim Đồng")
    with db() as s:
        [answer] = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("answer:%"))).all()
    assert answer.chat_id == str(USER) and answer.payload["text"] == texts.QUESTION_ANSWER_TO_SCHOOL.format(
        text="Được ạ, bản scan có chữ ký là đủ.")
