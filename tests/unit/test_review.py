"""/duyet: accept, return with a comment, contacts notified through the outbox, resubmission, stale/forged ids."""
import pytest
from sqlmodel import select

from bot import texts
from db import standing
from db import progress as progress_db
from db import submissions as sub_ops
from db.clock import utcnow
from db.models import AuditEvent, ConversationState, Milestone, OutboxMessage, Submission
from tests.support import seed
from tests.unit.test_progress import STAFF_USER, add_submission, staff_chat
from bot.samples import sample_pdf

PDF_1 = sample_pdf("bao cao so ket", pad=64)
PDF_2 = sample_pdf("phu luc", pad=32)


@pytest.fixture
def world(settings):
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    staff = seed.staff(STAFF_USER, "Nguyễn Thị Hoa")
    _, ms = seed.campaign(unit_ids=[kd.id, ll.id], milestones=[dict(title="Báo cáo sơ kết", due_in_days=4)])
    _, foreign_ms = seed.campaign("Phong trào khác", unit_ids=[kd.id], status="draft",
                                  milestones=[dict(title="Báo cáo riêng", due_in_days=9)])
    contacts = [seed.contact(kd.id, 7001, name="Cô Lan"), seed.contact(kd.id, 7002, channel="zalo", name="Thầy Minh"),
                seed.contact(ll.id, 7003, name="Cô Mai")]
    m = ms[0]
    kd_sub = add_submission(settings, kd.id, m.id, files=[("bao_cao.pdf", PDF_1), ("phu_luc.pdf", PDF_2)],
                            note="Gửi kèm phụ lục", late=True)
    ll_sub = add_submission(settings, ll.id, m.id, files=[("bc.pdf", PDF_1)])
    foreign_sub = add_submission(settings, kd.id, foreign_ms[0].id)
    return dict(kd=kd, ll=ll, staff=staff, milestone=m, contacts=contacts, kd_sub=kd_sub, ll_sub=ll_sub,
                foreign_sub=foreign_sub)


def outbox(db, prefix: str) -> list[OutboxMessage]:
    with db() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"{prefix}%"))
                           .order_by(OutboxMessage.id)).all())


def submission(db, sid: int) -> Submission:
    with db() as s:
        return s.get(Submission, sid)


async def open_queue(settings):
    chat = staff_chat(settings)
    await chat.send("/duyet")    # one campaign with submissions to review, one milestone: straight to the queue
    return chat


async def test_accept_records_reviewer_and_tells_every_contact(world, settings, db):
    chat = await open_queue(settings)
    assert "2 bài chờ duyệt (trang 1/1)" in chat.text
    assert chat.labels()[:2] == ["TH01 · Trường Tiểu học Kim Đồng", "TH02 · Trường Tiểu học Lê Lợi"]
    replies = await chat.press("TH01 · Trường Tiểu học Kim Đồng")
    file_msgs, detail = replies[:-1], replies[-1]
    with db() as s:
        stored_ids = [f.id for _, f in sub_ops.files_of(s, world["kd_sub"].id)]
    assert [m.files[0].stored_file_id for m in file_msgs] == stored_ids
    assert [m.files[0].name for m in file_msgs] == ["bao_cao.pdf", "phu_luc.pdf"]
    assert "tệp 1/2: bao_cao.pdf" in file_msgs[0].text
    assert "lần nộp 1" in detail.text and "(nộp muộn)" in detail.text and "Gửi kèm phụ lục" in detail.text
    assert texts.fmt_datetime(world["kd_sub"].submitted_at, settings.tz) in detail.text
    assert [c.label for c in detail.flat_choices()] == ["Duyệt", "Trả lại", "Bỏ qua"]

    await chat.press("Duyệt")
    assert texts.REVIEW_DONE_ACCEPTED.format(unit="Trường Tiểu học Kim Đồng", contacts=2) in chat.text
    assert "1 bài chờ duyệt" in chat.text        # back to the queue for the next one
    sub = submission(db, world["kd_sub"].id)
    assert (sub.status, sub.reviewed_by_staff_id) == ("accepted", world["staff"].id) and sub.reviewed_at
    rows = outbox(db, f"review:{sub.id}:")
    assert [(r.idempotency_key, r.chat_id, r.channel, r.kind) for r in rows] == [
        (f"review:{sub.id}:accepted:{sub.reviewed_at.isoformat()}:{c.id}", c.chat_id, c.channel, "review")
        for c in world["contacts"][:2]]
    assert "đã được duyệt" in rows[0].payload["text"] and rows[0].payload["choices"] == []
    with db() as s:
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "review_accepted")).one()
    assert audit.actor == f"staff:{world['staff'].id}" and audit.subject == f"submission:{sub.id}"


async def test_return_needs_a_comment_then_unit_owes_again_until_resubmitted(world, settings, db):
    m = world["milestone"]
    chat = await open_queue(settings)
    await chat.press("TH02 · Trường Tiểu học Lê Lợi")
    await chat.press("Trả lại")
    assert chat.text == texts.REVIEW_ASK_COMMENT
    await chat.upload("anh.jpg", b"\xff\xd8", "image/jpeg")       # a file is not a reason
    assert chat.text == texts.REVIEW_COMMENT_REQUIRED
    await chat.send("Thiếu biên bản họp hội đồng thi đua")
    assert texts.REVIEW_DONE_RETURNED.format(unit="Trường Tiểu học Lê Lợi", contacts=1) in chat.text

    sub = submission(db, world["ll_sub"].id)
    assert (sub.status, sub.review_comment, sub.reviewed_by_staff_id) == (
        "returned", "Thiếu biên bản họp hội đồng thi đua", world["staff"].id)
    [row] = outbox(db, f"review:{sub.id}:")
    contact = world["contacts"][2]
    assert row.idempotency_key == f"review:{sub.id}:returned:{sub.reviewed_at.isoformat()}:{contact.id}"
    assert row.chat_id == contact.chat_id
    assert "đã bị trả lại" in row.payload["text"] and "Lý do: Thiếu biên bản họp hội đồng thi đua" in row.payload["text"]
    assert f"Hạn nộp: {texts.fmt_date(m.due_at, settings.tz)} (còn 4 ngày)" in row.payload["text"]
    assert row.payload["choices"] == [[{"label": "Nộp lại", "data": f"g|submit|{m.id}"}]]
    with db() as s:
        assert world["ll"].id in standing.owing_unit_ids(s, s.get(Milestone, m.id))

    # the school sends version 2: owed no more, shows as awaiting review again
    v2 = add_submission(settings, world["ll"].id, m.id, version=2, files=[("bc_sua.pdf", PDF_2)])
    with db() as s:
        milestone = s.get(Milestone, m.id)
        assert world["ll"].id not in standing.owing_unit_ids(s, milestone)
        assert progress_db.status_counts(s, m.campaign_id, [milestone])[m.id].submitted == 2
        queue = progress_db.review_queue(s, milestone, 0, 10)
    assert [(sub.id, sub.version) for sub, _ in queue.items][-1] == (v2.id, 2)


async def test_reopening_a_reviewed_submission_asks_to_confirm(world, settings, db):
    with db() as s:
        progress_db.set_review(s, world["kd_sub"].id, expected_status="submitted", expected_reviewed_at=None,
                               status="accepted", staff_id=world["staff"].id, now=utcnow(), comment=None)
    chat = await open_queue(settings)
    assert "TH01 · Trường Tiểu học Kim Đồng" not in chat.labels()
    await chat.press("Xem cả bài đã xử lý")
    assert "TH01 · Trường Tiểu học Kim Đồng (Đã duyệt)" in chat.labels()
    await chat.press("TH01 · Trường Tiểu học Kim Đồng (Đã duyệt)")
    assert "Nguyễn Thị Hoa đánh dấu «Đã duyệt»" in chat.text
    await chat.press("Duyệt")
    assert chat.text == texts.REVIEW_CONFIRM_CHANGE.format(old="Đã duyệt", new="Đã duyệt")
    await chat.press("Giữ nguyên")
    await chat.press("TH01 · Trường Tiểu học Kim Đồng (Đã duyệt)")
    await chat.press("Trả lại")
    await chat.press("Xác nhận đổi")
    assert chat.text == texts.REVIEW_ASK_COMMENT
    await chat.send("Số liệu chưa khớp")
    assert submission(db, world["kd_sub"].id).status == "returned"
    assert len(outbox(db, f"review:{world['kd_sub'].id}:returned:")) == 2


async def test_forged_and_stale_ids_are_refused(world, settings, db):
    chat = await open_queue(settings)
    button = chat.last[-1].choices[0][0].data          # "f<turn>|s:<id>"
    turn = button.split("|", 1)[0]
    for forged in (world["foreign_sub"].id, 99999):    # another campaign's submission, and no submission at all
        await chat.press_data(f"{turn}|s:{forged}")
        assert texts.REVIEW_UNKNOWN in chat.text
        turn = chat.last[-1].choices[0][0].data.split("|", 1)[0]
    assert submission(db, world["foreign_sub"].id).status == "submitted"

    # superseded: the school resubmits while the staff member looks at version 1
    await chat.press("TH02 · Trường Tiểu học Lê Lợi")
    add_submission(settings, world["ll"].id, world["milestone"].id, version=2)
    await chat.press("Duyệt")
    assert texts.REVIEW_SUPERSEDED in chat.text
    assert submission(db, world["ll_sub"].id).status == "submitted"

    # changed meanwhile: a colleague returns it between "open" and "Duyệt"
    colleague = seed.staff(9002, "Trần Văn Nam")
    await chat.press("TH01 · Trường Tiểu học Kim Đồng")
    with db() as s:
        progress_db.set_review(s, world["kd_sub"].id, expected_status="submitted", expected_reviewed_at=None,
                               status="returned", staff_id=colleague.id, now=utcnow(), comment="Sai mẫu")
    await chat.press("Duyệt")
    assert texts.REVIEW_CHANGED_MEANWHILE.format(reviewer="Trần Văn Nam", status="Bị trả lại") in chat.text
    sub = submission(db, world["kd_sub"].id)
    assert (sub.status, sub.reviewed_by_staff_id) == ("returned", colleague.id)
    assert outbox(db, f"review:{sub.id}:accepted:") == []

    # an old button from before is stale
    assert (await chat.press_data(button))[0].text == texts.STALE_BUTTON
    with db() as s:
        reasons = [e.details["reason"] for e in s.exec(select(AuditEvent).where(AuditEvent.action == "review_refused"))]
    assert reasons == ["unknown", "unknown", "superseded", "changed"]


async def test_set_review_is_compare_and_set(world, db):
    with db() as s:
        first = progress_db.set_review(s, world["ll_sub"].id, expected_status="submitted", expected_reviewed_at=None,
                                       status="accepted", staff_id=world["staff"].id, now=utcnow(), comment=None)
        second = progress_db.set_review(s, world["ll_sub"].id, expected_status="submitted", expected_reviewed_at=None,
                                        status="returned", staff_id=world["staff"].id, now=utcnow(), comment="x")
    assert (first, second) == (True, False)
    assert submission(db, world["ll_sub"].id).status == "accepted"


async def test_skip_and_finish(world, settings, db):
    chat = await open_queue(settings)
    await chat.press("TH01 · Trường Tiểu học Kim Đồng")
    await chat.press("Bỏ qua")
    assert "2 bài chờ duyệt" in chat.text
    await chat.press("Xong")
    assert chat.text == texts.REVIEW_CLOSED
    with db() as s:
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(STAFF_USER))).one()
    assert conv.flow is None and submission(db, world["kd_sub"].id).status == "submitted"


async def test_a_staff_member_deactivated_mid_flow_is_stopped(world, settings, db):
    chat = await open_queue(settings)
    await chat.press("TH01 · Trường Tiểu học Kim Đồng")
    with db() as s:
        from db.models import Staff
        s.get(Staff, world["staff"].id).active = False
    await chat.press("Duyệt")
    assert chat.text == texts.STAFF_ONLY
    assert submission(db, world["kd_sub"].id).status == "submitted"
    assert outbox(db, "review:") == []
