"""Award dossier: a checklist filled document by document; only a complete dossier becomes a Submission."""
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db import submissions
from db.clock import utcnow
from db.models import StoredFile, Submission, SubmissionFile
from handlers import engine
from handlers.engine import Flow, Step, flow, goto
from handlers.io import OutMessage
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_docx, sample_jpeg, sample_pdf

DEFAULT = texts.DOSSIER_DEFAULT_DOCUMENTS
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@flow
class HandOverFlow(Flow):
    """Stands in for the report flow: it hands award_dossier milestones over to "dossier"."""
    name, title, audience = "test_dossier_handover", "thử", "contact"

    async def begin(self, ctx, data, **kw):
        return goto("pick", "Chọn mục cần nộp (gõ số):")

    async def on_pick(self, ctx, data, inp):
        # the engine honours `then` from a step (not from begin())
        return Step([OutMessage("Mục này là hồ sơ khen thưởng.")], None, then=("dossier", {"milestone_id": int(inp.text)}))


@engine.command("thu_hoso", "contact")
async def hand_over(ctx):
    return await ctx.start_flow("test_dossier_handover")


@pytest.fixture
def world(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    other = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    seed.contact(unit.id, 601, channel="test")
    _, (dossier, custom, nomination) = seed.campaign(unit_ids=[unit.id], milestones=[
        dict(kind="award_dossier", title="Hồ sơ đề nghị khen thưởng năm học", due_in_days=15),
        dict(kind="award_dossier", title="Hồ sơ Cờ thi đua", due_in_days=15,
             required_documents=["Tờ trình", {"name": "Báo cáo thành tích"}]),
        dict(kind="nomination", title="Đề cử", due_in_days=15),
    ])
    return dict(unit=unit, other=other, dossier=dossier, custom=custom, nomination=nomination,
                chat=FlowChat(settings, 601))


async def attach(chat: FlowChat, index: int, *files: tuple):
    await chat.press(next(label for label in chat.labels() if label.startswith(f"{index}. ")))
    for name, data, *mime in files:
        await chat.upload(name, data, *mime)
    await chat.press("Xong")


async def test_dossier_completed_document_by_document(settings, db, world):
    chat = world["chat"]
    await chat.send("/thu_hoso")
    await chat.send(str(world["dossier"].id))
    assert chat.last[0].text == "Mục này là hồ sơ khen thưởng.", chat.text
    assert all(f"⬜ {i}. {label}" in chat.text for i, label in enumerate(DEFAULT, start=1)), chat.text
    assert chat.labels()[-2:] == ["Nộp hồ sơ", "Huỷ"]

    await chat.press("Nộp hồ sơ")
    assert "Chưa thể nộp" in chat.text and all(f"⬜ {label}" in chat.text for label in DEFAULT)

    await attach(chat, 1, ("to_trinh.pdf", sample_pdf("tt")))
    assert f"✅ 1. {DEFAULT[0]} (1 tệp)" in chat.text and f"⬜ 2. {DEFAULT[1]}" in chat.text
    await attach(chat, 2, ("bien_ban.pdf", sample_pdf("bb")))
    await chat.press("Nộp hồ sơ")
    assert "Chưa thể nộp" in chat.text
    assert f"⬜ {DEFAULT[2]}" in chat.text and f"⬜ {DEFAULT[3]}" in chat.text and f"⬜ {DEFAULT[0]}" not in chat.text
    await attach(chat, 3, ("bao_cao.docx", sample_docx(), DOCX_MIME), ("minh_chung.jpg", sample_jpeg("minh chung"), "image/jpeg"))
    with db() as s:  # nothing half-done is visible
        assert s.exec(select(Submission)).all() == [] and s.exec(select(StoredFile)).all() == []
    await attach(chat, 4, ("tom_tat.pdf", sample_pdf("tomtat")))
    assert all(f"✅ {i}." in chat.text for i in range(1, 5))

    await chat.press("Nộp hồ sơ")
    year = texts.local(utcnow(), settings.tz).year
    assert f"HS-{year}-000001" in chat.text and "lần nộp thứ 1" in chat.text
    assert f"✅ {DEFAULT[2]}: bao_cao.docx, minh_chung.jpg" in chat.text
    with db() as s:
        sub = s.exec(select(Submission)).one()
        assert (sub.unit_id, sub.milestone_id, sub.version, sub.status, sub.late) == (
            world["unit"].id, world["dossier"].id, 1, "submitted", False)
        files = submissions.files_of(s, sub.id)
        assert [(sf.document_label, f.original_name) for sf, f in files] == [
            (DEFAULT[0], "to_trinh.pdf"), (DEFAULT[1], "bien_ban.pdf"), (DEFAULT[2], "bao_cao.docx"),
            (DEFAULT[2], "minh_chung.jpg"), (DEFAULT[3], "tom_tat.pdf")]


async def test_custom_checklist_and_second_version(settings, db, world):
    chat = world["chat"]
    for version in (1, 2):
        await chat.press_data(f"g|dossier|{world['custom'].id}")
        assert "⬜ 1. Tờ trình" in chat.text and "⬜ 2. Báo cáo thành tích" in chat.text and "3." not in chat.text
        await attach(chat, 1, ("tt.pdf", sample_pdf("1")))
        await attach(chat, 2, ("bc.pdf", sample_pdf("2")))
        await chat.press("Nộp hồ sơ")
        assert f"lần nộp thứ {version}" in chat.text
    with db() as s:
        subs = s.exec(select(Submission).order_by(Submission.version)).all()
        assert [s_.version for s_ in subs] == [1, 2] and subs[0].reference != subs[1].reference
        labels = s.exec(select(SubmissionFile.document_label).where(SubmissionFile.submission_id == subs[1].id)).all()
        assert labels == ["Tờ trình", "Báo cáo thành tích"]


async def test_bad_files_refused_and_a_line_cleared(settings, db, world):
    chat = world["chat"]
    await chat.press_data(f"g|dossier|{world['custom'].id}")
    await chat.upload("tt.pdf", sample_pdf("bao cao"))
    assert texts.DOSSIER_PICK_LINE in chat.text
    await chat.press("1. Tờ trình")
    await chat.upload("tt.zip", b"PK", "application/zip")
    assert "không đúng định dạng" in chat.text
    await chat.upload("tt.pdf", b"MZ", "application/x-msdownload")  # a renamed program
    assert "không đúng định dạng" in chat.text and "Xoá tệp của mục này" not in chat.labels()
    await chat.upload("big.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    assert "vượt quá giới hạn 20 MB" in chat.text
    await chat.upload("tt.pdf", sample_pdf("ok"))
    await chat.press("Xoá tệp của mục này")
    assert "⬜ 1. Tờ trình" in chat.text
    await chat.press("Huỷ")
    assert chat.text == texts.DOSSIER_CANCELLED
    with db() as s:
        assert s.exec(select(Submission)).all() == []


async def test_late_dossier_is_marked_late(settings, db, world):
    chat = world["chat"]
    with time_machine.travel(world["custom"].due_at + timedelta(days=1), tick=False):
        await chat.press_data(f"g|dossier|{world['custom'].id}")
        await attach(chat, 1, ("tt.pdf", sample_pdf("1")))
        await attach(chat, 2, ("bc.pdf", sample_pdf("2")))
        await chat.press("Nộp hồ sơ")
        assert "sau hạn" in chat.text
    with db() as s:
        assert s.exec(select(Submission)).one().late is True


async def test_dossier_refused_for_other_units_and_other_kinds(settings, world):
    chat = world["chat"]
    _, (foreign,) = seed.campaign(title="Khác", unit_ids=[world["other"].id], milestones=[
        dict(kind="award_dossier", title="Hồ sơ", due_in_days=5)])
    await chat.press_data(f"g|dossier|{foreign.id}")
    assert chat.text == texts.DOSSIER_NOT_ALLOWED
    await chat.press_data(f"g|dossier|{world['nomination'].id}")
    assert chat.text == texts.DOSSIER_NOT_ALLOWED
    await chat.press_data("g|dossier|abc")
    assert chat.text == texts.DOSSIER_NOT_ALLOWED


async def test_another_lines_button_switches_line_before_xong_and_files_stay_where_chosen(settings, db, world):
    """The checklist stays on screen while a line is filled; its buttons pick another line (not "stale")."""
    chat = world["chat"]
    await chat.send("/thu_hoso")
    await chat.send(str(world["dossier"].id))
    checklist = {c.label: c.data for m in chat.last for c in m.flat_choices()}
    await chat.press(next(label for label in checklist if label.startswith("1. ")))
    await chat.upload("to_trinh.pdf", sample_pdf("tt"))
    await chat.press_data(next(d for label, d in checklist.items() if label.startswith("2. ")))
    assert texts.STALE_BUTTON not in chat.text and DEFAULT[1] in chat.text       # asked for line 2's files
    await chat.upload("bien_ban.pdf", sample_pdf("bb"))
    await chat.press_data(next(d for label, d in checklist.items() if label.startswith("3. ")))
    await chat.upload("bao_cao.pdf", sample_pdf("bc"))
    await chat.press_data(next(d for label, d in checklist.items() if label.startswith("4. ")))
    await chat.upload("minh_chung.pdf", sample_pdf("mc"))
    await chat.press_data(checklist["Nộp hồ sơ"])
    assert "Số tiếp nhận" in chat.text or "BC-" in chat.text, chat.text
    with db() as s:
        rows = s.exec(select(SubmissionFile, StoredFile).join(
            StoredFile, StoredFile.id == SubmissionFile.stored_file_id).order_by(SubmissionFile.position)).all()
    assert [(sf.document_label, f.original_name) for sf, f in rows] == list(zip(
        DEFAULT, ["to_trinh.pdf", "bien_ban.pdf", "bao_cao.pdf", "minh_chung.pdf"]))
    # a checklist button of an earlier run of the flow stays stale
    await chat.press_data(checklist["Nộp hồ sơ"])
    assert chat.text == texts.STALE_BUTTON


async def test_a_dossier_is_tied_to_the_nominee_it_supports(settings, db, world):
    from db import nominations
    from db.models import Nomination

    with db() as s:
        n = nominations.create(s, Nomination(
            reference="DC-2026-000009", campaign_id=world["dossier"].campaign_id, milestone_id=world["nomination"].id,
            unit_id=world["unit"].id, nominee_name="Nguyễn Thị Mai", achievements="Giáo viên giỏi"), [])
    chat = world["chat"]
    await chat.send("/thu_hoso")
    await chat.send(str(world["custom"].id))
    assert texts.DOSSIER_ASK_NOMINEE in chat.text
    assert chat.labels() == ["DC-2026-000009 · Nguyễn Thị Mai", texts.DOSSIER_NO_NOMINEE]
    await chat.press("DC-2026-000009 · Nguyễn Thị Mai")
    assert texts.DOSSIER_NOMINEE_CHOSEN.format(name="Nguyễn Thị Mai") in chat.text
    await attach(chat, 1, ("to_trinh.pdf", sample_pdf("tt")))
    await attach(chat, 2, ("bao_cao.pdf", sample_pdf("bc")))
    await chat.press("Nộp hồ sơ")
    with db() as s:
        sub = s.exec(select(Submission).where(Submission.milestone_id == world["custom"].id)).one()
        assert sub.nomination_id == n.id
    seed.staff(602, "Cô Hoa", channel="test")                     # staff see which nominee it supports
    staff = FlowChat(settings, 602)
    await staff.send("/duyet")
    await staff.press(next(lb for lb in staff.labels() if "Cờ thi đua" in lb))
    await staff.press(next(lb for lb in staff.labels() if "TH01" in lb))
    assert texts.REVIEW_DOSSIER_FOR.format(reference="DC-2026-000009", name="Nguyễn Thị Mai") in staff.text
