"""/dscu (staff): paged list, open with evidence, Duyệt / Trả lại with the unit told, .xlsx and .docx exports."""
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook
from sqlmodel import select

from bot import texts
from db import standing
from db import files as file_store
from db import nominations
from db.models import AuditEvent, Nomination, OutboxMessage
from handlers.io import OutMessage
from bot.documents.letterhead import Letterhead
from bot.documents.nominations import RoundInfo, build_list_docx, build_list_xlsx
from handlers.nomination_export import ExportRow
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_pdf

HEADERS = ["STT", "Họ và tên / Tên tập thể", "Chức vụ / Đặc điểm", "Đơn vị", "Tóm tắt thành tích", "Hình thức đề nghị"]


def make_nomination(db, settings, unit, milestone, name, *, reference, status="submitted", evidence=()):
    with db() as s:
        ids = [file_store.store(s, settings.thidua_data_dir, data, fname, "application/pdf").id for fname, data in evidence]
        return nominations.create(s, Nomination(
            reference=reference, campaign_id=milestone.campaign_id, milestone_id=milestone.id, unit_id=unit.id,
            period_label=milestone.period_label, nominee_type="individual", nominee_name=name, position="Giáo viên",
            nominee_unit=unit.name, achievements=f"Thành tích của {name}", award_form="Chiến sĩ thi đua cơ sở",
            status=status), ids)


@pytest.fixture
def world(settings, db):
    units = [seed.unit(f"TH{i:02d}", f"Trường Tiểu học số {i}") for i in range(1, 11)]
    c1 = seed.contact(units[0].id, 801, channel="test")
    c2 = seed.contact(units[0].id, 802, channel="telegram")
    campaign, (q1, q2) = seed.campaign(unit_ids=[u.id for u in units], milestones=[
        dict(kind="nomination", title="Đề cử", period_label="Quý I/2027", due_in_days=10),
        dict(kind="nomination", title="Đề cử", period_label="Quý II/2027", due_in_days=100),
    ])
    first = make_nomination(db, settings, units[0], q1, "Nguyễn Thị Mai", reference="DC-2027-000001",
                            evidence=[("mc1.pdf", sample_pdf("one")), ("mc2.pdf", sample_pdf("two"))])
    for i, u in enumerate(units[1:], start=2):
        make_nomination(db, settings, u, q1, f"Giáo viên {i}", reference=f"DC-2027-{i:06d}",
                        status="withdrawn" if i == 10 else "submitted")
    seed.staff(900, channel="test", name="Cô Hoa")
    return dict(units=units, c1=c1, c2=c2, campaign=campaign, q1=q1, q2=q2, first=first, staff=FlowChat(settings, 900))


async def open_period(chat: FlowChat, label: str = "Quý I/2027"):
    await chat.send("/dscu")
    await chat.press(next(lb for lb in chat.labels() if lb.startswith(label)))


async def test_list_is_paged_and_withdrawn_left_out(settings, world):
    chat = world["staff"]
    await chat.send("/dscu")
    assert chat.labels() == ["Quý I/2027 (9 đề cử)", "Quý II/2027 (0 đề cử)"]
    await chat.press("Quý I/2027 (9 đề cử)")
    assert "Trang 1/2 · 9 đề cử" in chat.text and "1. Trường Tiểu học số 1: Nguyễn Thị Mai (cá nhân) — đã nộp" in chat.text
    assert chat.labels()[:8] == [str(i) for i in range(1, 9)] and "Sau ▶" in chat.labels() and "◀ Trước" not in chat.labels()
    await chat.press("Sau ▶")
    assert "Trang 2/2" in chat.text and "9. Trường Tiểu học số 9" in chat.text and "Giáo viên 10" not in chat.text
    assert chat.labels()[0] == "9" and "◀ Trước" in chat.labels()
    await chat.press("◀ Trước")
    assert "Trang 1/2" in chat.text


async def test_open_accept_and_unit_told(settings, db, world):
    chat = world["staff"]
    await open_period(chat)
    await chat.press("1")
    evidence, detail = chat.last
    assert [f.name for f in evidence.files] == ["mc1.pdf", "mc2.pdf"]
    with db() as s:
        assert file_store.read(s, settings.thidua_data_dir, evidence.files[0].stored_file_id)[1] == sample_pdf("one")
    assert "DC-2027-000001" in detail.text and "Thành tích của Nguyễn Thị Mai" in detail.text
    assert chat.labels() == ["Duyệt", "Trả lại", "Quay lại danh sách"]
    await chat.press("Duyệt")
    assert "Đã duyệt đề cử DC-2027-000001; đã báo cho 2 đầu mối" in chat.text and "Trang 1/2" in chat.text
    n_id, c1, c2 = world["first"].id, world["c1"], world["c2"]
    with db() as s:
        n = s.get(Nomination, n_id)
        assert (n.status, n.reviewed_by_staff_id is not None, n.reviewed_at is not None) == ("accepted", True, True)
        decided = n.reviewed_at.isoformat()
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"nomreview:{n_id}:%"))
                         .order_by(OutboxMessage.idempotency_key)).all()
        assert [(m.idempotency_key, m.chat_id, m.channel, m.kind) for m in notices] == [
            (f"nomreview:{n_id}:accepted:{decided}:{c1.id}", "801", "test", "review"),
            (f"nomreview:{n_id}:accepted:{decided}:{c2.id}", "802", "telegram", "review")]
        assert "DUYỆT" in notices[0].payload["text"]
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "nomination_reviewed")).one()
        assert (event.subject, event.details["status"], event.actor.startswith("staff:")) == (
            f"nomination:{n_id}", "accepted", True)


async def test_return_with_comment_and_unit_told(settings, db, world):
    chat = world["staff"]
    await open_period(chat)
    await chat.press("2")
    await chat.press("Trả lại")
    assert "lý do trả lại" in chat.text
    await chat.send("Thiếu minh chứng về sáng kiến.")
    assert "Đã trả lại đề cử DC-2027-000002" in chat.text
    with db() as s:
        n = s.exec(select(Nomination).where(Nomination.reference == "DC-2027-000002")).one()
        assert (n.status, n.review_comment) == ("returned", "Thiếu minh chứng về sáng kiến.")
        assert standing.owing_unit_ids(s, world["q1"]) == [world["units"][1].id, world["units"][9].id]
    # the unit of nomination 2 has no contact: nobody to tell. Unit 1's contacts hear about a return to them:
    await chat.press("1")
    await chat.press("Trả lại")
    await chat.send("Tóm tắt quá ngắn")
    unit_chat = FlowChat(settings, 801)
    with db() as s:
        notice = s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"nomreview:{world['first'].id}:returned:%:{world['c1'].id}"))).one()
        assert "TRẢ LẠI" in notice.payload["text"] and "Tóm tắt quá ngắn" in notice.payload["text"]
    # returned no longer fills the quota: the unit may nominate again
    await unit_chat.send("/decu")
    await unit_chat.press(next(lb for lb in unit_chat.labels() if lb.startswith("Quý I/2027")))
    assert unit_chat.labels() == ["Tập thể", "Cá nhân"]


async def test_withdrawn_cannot_be_reviewed(settings, db, world):
    chat = world["staff"]
    await open_period(chat)
    with db() as s:
        n = s.get(Nomination, world["first"].id)
        n.status = "withdrawn"
    await chat.press("1")  # opened from a list shown before the withdrawal
    await chat.press("Duyệt")
    assert "đã được đơn vị rút" in chat.text
    with db() as s:
        assert s.get(Nomination, world["first"].id).status == "withdrawn"


def with_file(chat):
    return next(m for m in chat.last if m.files)


async def test_exports_read_back(settings, db, world):
    chat = world["staff"]
    await open_period(chat)
    await chat.press("Xuất Excel")
    assert chat.last[0].text == texts.NOMINATION_EXPORT_BUILDING.format(period="Quý I/2027")   # built after the commit
    sent = with_file(chat)
    assert "9 đề cử" in sent.text and sent.files[0].name.endswith(".xlsx")
    with db() as s:
        _, data = file_store.read(s, settings.thidua_data_dir, sent.files[0].stored_file_id)
    ws = load_workbook(io.BytesIO(data)).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert any("Quý I/2027" in (r[0] or "") for r in rows[:header_at])
    assert list(rows[header_at]) == HEADERS
    body = rows[header_at + 1:]
    assert body[0][0] == "I. CÁ NHÂN (9)"    # grouped: tập thể, then cá nhân (only the groups with someone)
    assert len(body) == 10 and body[1] == (1, "Nguyễn Thị Mai", "Giáo viên", "Trường Tiểu học số 1",
                                           "Thành tích của Nguyễn Thị Mai", "Chiến sĩ thi đua cơ sở")
    assert ws.page_setup.orientation == "landscape"

    await chat.press("Xuất Word")
    sent = with_file(chat)
    assert sent.files[0].name.endswith(".docx")
    with db() as s:
        _, data = file_store.read(s, settings.thidua_data_dir, sent.files[0].stored_file_id)
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "nominations_exported")).all()
    doc = Document(io.BytesIO(data))
    assert "DANH SÁCH" in [p.text for p in doc.paragraphs]
    table = doc.tables[1]             # tables[0] is the letterhead: issuing body | Quốc hiệu – Tiêu ngữ
    assert [c.text for c in table.rows[0].cells] == HEADERS
    assert table.rows[1].cells[0].text == "I. CÁ NHÂN (9)"
    assert [c.text for c in table.rows[2].cells] == ["1", "Nguyễn Thị Mai", "Giáo viên", "Trường Tiểu học số 1",
                                                     "Thành tích của Nguyễn Thị Mai", "Chiến sĩ thi đua cơ sở"]
    assert len(table.rows) == 11
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE and doc.sections[0].page_width > doc.sections[0].page_height


async def test_empty_period_and_export_of_nothing(settings, world):
    chat = world["staff"]
    await open_period(chat, "Quý II/2027")
    assert "Chưa có đơn vị nào đề cử" in chat.text
    await chat.press("Xuất Excel")
    assert texts.NOMINATION_EXPORT_EMPTY in chat.text


async def test_contacts_cannot_review(settings, world):
    assert (await FlowChat(settings, 801).send("/dscu"))[0].text == texts.STAFF_ONLY


def test_builders_from_plain_rows():
    rows = [ExportRow("Tổ Toán – Tin", "", "Trường THCS Nguyễn Du", "Dẫn đầu phong trào\nchuyển đổi số", "Giấy khen",
                      "collective")]
    info = RoundInfo("Quý I/2027", "Phong trào thi đua")
    ws = load_workbook(io.BytesIO(build_list_xlsx(Letterhead(), info, rows))).active
    values = list(ws.iter_rows(values_only=True))
    assert ("DANH SÁCH",) == values[1][:1] and values[-2][0] == "I. TẬP THỂ (1)"
    assert values[-1] == (1, "Tổ Toán – Tin", None, "Trường THCS Nguyễn Du", "Dẫn đầu phong trào\nchuyển đổi số", "Giấy khen")
    table = Document(io.BytesIO(build_list_docx(Letterhead(), info, rows))).tables[1]
    assert table.rows[2].cells[4].text == "Dẫn đầu phong trào\nchuyển đổi số"


async def test_staff_close_a_round_and_open_it_again(settings, db, world):
    """Khoá đợt: no more entries, pending reminders cancelled, the scheduler leaves it alone; Mở lại undoes it."""
    from datetime import datetime

    from db import reminders as reminder_store
    from db.models import Milestone

    q1 = world["q1"]
    with db() as s:   # a reminder already queued for the round
        s.add(OutboxMessage(idempotency_key=reminder_store.reminder_key(q1.id, world["units"][1].id, 1, -3),
                            channel="telegram", chat_id="1", kind=reminder_store.REMINDER_KIND, payload={"text": "x"},
                            status="pending", created_at=datetime.utcnow(), not_before=datetime.utcnow()))
    chat = world["staff"]
    await open_period(chat)
    assert texts.NOMINATION_REVIEW_ROUND_STATE["open"].split(" (")[0] in chat.text
    await chat.press(texts.NOMINATION_REVIEW_BTN_LOCK)
    assert texts.NOMINATION_REVIEW_LOCKED.format(period="Quý I/2027", cancelled=1) in chat.text
    assert texts.NOMINATION_REVIEW_BTN_UNLOCK in chat.labels()
    with db() as s:
        assert s.get(Milestone, q1.id).closed_at is not None
        assert [m.id for m, _ in reminder_store.open_milestones(s)] == [world["q2"].id]
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).one().status == "cancelled"
        assert [a.action for a in s.exec(select(AuditEvent)).all()][-1] == "nomination_round_closed"
    school = FlowChat(settings, 801, channel="test")
    await school.press_data(f"g|nominate|{q1.id}")
    assert "đã khoá" in school.text
    await chat.press(texts.NOMINATION_REVIEW_BTN_UNLOCK)
    assert texts.NOMINATION_REVIEW_UNLOCKED.format(period="Quý I/2027") in chat.text
    with db() as s:
        assert s.get(Milestone, q1.id).closed_at is None


async def test_board_groups_approved_nominations_by_cluster_and_level_and_marks_forwarded(settings, db, world):
    """Bình xét: approved ones by cụm (and cấp học) against the quota; 'Đề nghị cấp trên' marks one."""
    from db import council
    from db.models import Unit

    with db() as s:
        for i, u in enumerate(world["units"]):
            row = s.get(Unit, u.id)
            row.cluster, row.level = ("Cụm 1" if i < 4 else "Cụm 2" if i < 9 else None), ("THCS" if i % 2 else "Tiểu học")
        for n in s.exec(select(Nomination).where(Nomination.reference.in_(["DC-2027-000001", "DC-2027-000005"]))):
            n.status = "accepted"
    chat = world["staff"]
    await open_period(chat)
    await chat.press(texts.NOMINATION_REVIEW_BTN_BOARD)
    text = chat.text
    assert texts.NOMINATION_BOARD_GROUP.format(name="Cụm 1", accepted=1, quota=4, units=4) in text
    assert texts.NOMINATION_BOARD_GROUP.format(name="Cụm 2", accepted=1, quota=5, units=5) in text
    assert texts.NOMINATION_BOARD_GROUP.format(name="Chưa xếp cụm", accepted=0, quota=1, units=1) in text
    assert "Nguyễn Thị Mai" in text and "Giáo viên 3" not in text          # only approved ones
    await chat.press(texts.NOMINATION_BOARD_BTN_BY_LEVEL)
    assert "theo cấp học" in chat.text and "▪ THCS:" in chat.text and "▪ Tiểu học:" in chat.text
    await chat.press(texts.NOMINATION_REVIEW_BTN_BACK)
    await chat.press("1")
    await chat.press(texts.NOMINATION_REVIEW_BTN_FORWARD)
    assert texts.NOMINATION_REVIEW_FORWARDED.format(reference="DC-2027-000001", name="Nguyễn Thị Mai") in chat.text
    assert texts.NOMINATION_REVIEW_BTN_UNFORWARD in chat.labels()
    with db() as s:
        assert council.forwarded_count(s, world["q1"].id) == 1
        groups = council.board(s, s.get(type(world["q1"]), world["q1"].id))
    assert [e.nomination.reference for g in groups for e in g.entries if e.forwarded] == ["DC-2027-000001"]
    await chat.press(texts.NOMINATION_REVIEW_BTN_BACK)
    await chat.press(texts.NOMINATION_REVIEW_BTN_BOARD)
    assert "Nguyễn Thị Mai (cá nhân)" + texts.NOMINATION_BOARD_MARK in chat.text
    with db() as s:
        assert "nomination_forwarded" in [a.action for a in s.exec(select(AuditEvent)).all()]


async def test_a_returned_nomination_is_amended_in_place_and_staff_see_both_versions(settings, db, world):
    chat = world["staff"]
    await open_period(chat)
    await chat.press("1")
    await chat.press("Trả lại")
    await chat.send("Tóm tắt quá ngắn")
    with db() as s:
        notice = s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"nomreview:{world['first'].id}:returned:%:{world['c1'].id}"))).one()
    message = OutMessage.from_json(notice.payload)
    [[amend]] = message.choices
    assert amend.label == texts.NOMINATION_AMEND_BTN
    school = FlowChat(settings, 801)
    await school.press_data(amend.data)
    assert "Tóm tắt quá ngắn" in school.text and "Nguyễn Thị Mai" in school.text      # prefilled, reason shown
    assert "mc1.pdf, mc2.pdf" in school.text                                        # evidence kept
    await school.press("Sửa")
    await school.press(texts.NOMINATION_EDIT_FIELDS["achievements"])
    await school.send("Giáo viên dạy giỏi cấp thành phố; chủ nhiệm câu lạc bộ STEM 120 học sinh.")
    await school.press("Xác nhận")
    assert texts.NOMINATION_RECEIPT_AMENDS.format(reference="DC-2027-000001").strip() in school.text
    with db() as s:
        old = s.get(Nomination, world["first"].id)
        new = s.exec(select(Nomination).where(Nomination.amends_id == old.id)).one()
        assert old.status == "returned" and new.status == "submitted"
        assert new.achievements.startswith("Giáo viên dạy giỏi cấp thành phố") and new.nominee_name == old.nominee_name
        assert [f.sha256 for f in nominations.files_of(s, new.id)] == [f.sha256 for f in nominations.files_of(s, old.id)]
        assert world["units"][0].id not in standing.owing_unit_ids(s, world["q1"])
    # the old notice's button again: it was corrected already, not a second copy
    await school.press_data(amend.data)
    assert school.text == texts.NOMINATION_AMEND_ALREADY.format(reference="DC-2027-000001", new=new.reference)
    await chat.send("/huy")
    await open_period(chat)
    line = next(line for line in chat.text.splitlines() if new.reference in line)
    await chat.press(line.split(".", 1)[0])
    assert texts.NOMINATION_REVIEW_DETAIL_AMENDS.format(reference="DC-2027-000001",
                                                        comment="Tóm tắt quá ngắn").strip() in chat.text


async def test_a_round_document_is_built_after_the_commit_and_a_failure_is_told(settings, db, world, monkeypatch):
    from handlers import background, nomination_export
    chat = world["staff"]
    await open_period(chat)
    chat.wait_for_background = False
    replies = await chat.press("Xuất Word")
    assert replies[0].text == texts.NOMINATION_EXPORT_BUILDING.format(period="Quý I/2027") and not replies[0].files
    with db() as s:                    # the step committed only the request
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "nominations_exported")).all() == []
    assert await background.drain(10)
    with db() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "nominations_exported")).all()) == 1

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")
    monkeypatch.setattr(nomination_export, "build_list_docx", broken)
    chat.wait_for_background = True
    await chat.press("Xuất Word")
    assert texts.NOMINATION_EXPORT_FAILED.format(period="Quý I/2027") in chat.text
    assert not [m for m in chat.last if m.files]
