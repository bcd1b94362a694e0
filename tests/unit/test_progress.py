"""/tiendo (counts, paging, chart) and /nhacnho (preview, enqueue), plus staff-only refusals of the four commands."""
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from bot import texts
from bot.texts.format import local
from db import files as file_store
from db import progress as progress_db
from db.clock import utcnow
from db.models import AuditEvent, Broadcast, Contact, OutboxMessage, Submission, SubmissionFile
from handlers import nudge
from tests.support import seed
from tests.support.flowchat import FlowChat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STAFF_USER = 9001
_refs = iter(range(1, 10_000))


def add_submission(settings, unit_id: int, milestone_id: int, *, version: int = 1, status: str = "submitted",
                   late: bool = False, files: list[tuple[str, bytes]] = (), note: str | None = None,
                   submitted_at=None, reviewer_id: int | None = None, comment: str | None = None,
                   contact_id: int | None = None) -> Submission:
    """A submission written straight to the database (the contact's flow belongs to another module)."""
    from db.engine import session_scope
    with session_scope() as s:
        sub = Submission(reference=f"BC-2026-{next(_refs):06d}", unit_id=unit_id, milestone_id=milestone_id,
                         version=version, status=status, late=late, note=note, contact_id=contact_id,
                         submitted_at=submitted_at or utcnow().replace(microsecond=0))
        if status != "submitted":
            sub.reviewed_at, sub.reviewed_by_staff_id, sub.review_comment = utcnow(), reviewer_id, comment
        s.add(sub)
        s.flush()
        for pos, (name, data) in enumerate(files):
            stored = file_store.store(s, settings.thidua_data_dir, data, name, "application/pdf")
            s.add(SubmissionFile(submission_id=sub.id, stored_file_id=stored.id, position=pos))
        return sub


def staff_chat(settings, user=STAFF_USER) -> FlowChat:
    return FlowChat(settings, user, "Cô Hoa", channel="telegram")


@pytest.fixture
def campaign(settings):
    """30 schools; milestone 1 has a mix of statuses, milestone 2 nothing yet, plus an office-only step."""
    units = [seed.unit(f"TH{i:02d}", f"Trường Tiểu học số {i}", cluster=f"Cụm {1 + i % 3}") for i in range(30)]
    staff = seed.staff(STAFF_USER, "Nguyễn Thị Hoa")
    camp, ms = seed.campaign(unit_ids=[u.id for u in units], milestones=[
        dict(title="Báo cáo sơ kết", due_in_days=5),
        dict(title="Báo cáo tổng kết", due_in_days=40, kind="final_report"),
        dict(title="Phòng họp xét thi đua", due_in_days=50, units_act=False, kind="event"),
    ])
    m1 = ms[0].id
    for u in units[0:3]:
        add_submission(settings, u.id, m1)
    for u in units[3:5]:
        add_submission(settings, u.id, m1, status="accepted", reviewer_id=staff.id)
    add_submission(settings, units[5].id, m1, status="returned", reviewer_id=staff.id, comment="Thiếu số liệu")
    add_submission(settings, units[6].id, m1, late=True)
    add_submission(settings, units[7].id, m1, status="returned", reviewer_id=staff.id, comment="Sai mẫu")
    add_submission(settings, units[7].id, m1, version=2)  # resubmitted: counts as submitted now
    return dict(units=units, staff=staff, campaign=camp, milestones=ms)


def test_counts_per_milestone_use_the_latest_version(campaign, db):
    m1, m2, office_step = campaign["milestones"]
    with db() as s:
        counts = progress_db.status_counts(s, campaign["campaign"].id, [m1, m2])
    c1, c2 = counts[m1.id], counts[m2.id]
    assert (c1.total, c1.submitted, c1.accepted, c1.returned, c1.missing, c1.late) == (30, 5, 2, 1, 22, 1)
    assert (c2.submitted, c2.accepted, c2.returned, c2.missing, c2.late) == (0, 0, 0, 30, 0)


def test_missing_and_late_units_are_paged(campaign, db):
    m1 = campaign["milestones"][0]
    with db() as s:
        first = progress_db.missing_units(s, m1, 0, 20)
        second = progress_db.missing_units(s, m1, 1, 20)
        beyond = progress_db.missing_units(s, m1, 7, 20)   # clamped to the last page
        late = progress_db.late_units(s, m1, 0, 20)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (22, 2, 20, 2)
    assert [u.code for u, _ in first.items][:2] == ["TH08", "TH09"]
    assert [u.code for u, _ in second.items] == ["TH28", "TH29"]
    assert beyond.page == 1 and [u.code for u, _ in beyond.items] == ["TH28", "TH29"]
    assert [(u.code, sub.late) for u, sub in late.items] == [("TH06", True)]


async def test_tiendo_shows_counts_chart_and_pages(campaign, settings, db):
    chat = staff_chat(settings)
    replies = await chat.send("/tiendo")   # one campaign: no campaign question
    chart, overview = replies
    assert chart.files and chart.files[0].kind == "photo"
    with db() as s:
        stored, data = file_store.read(s, settings.thidua_data_dir, chart.files[0].stored_file_id)
    assert data.startswith(PNG_SIGNATURE) and stored.mime == "image/png"
    assert "Số đơn vị tham gia: 30" in overview.text
    assert "Chờ duyệt 5 · Đã duyệt 2 · Bị trả lại 1 · Chưa nộp 22 · Nộp muộn 1" in overview.text
    assert "Phòng họp xét thi đua" not in overview.text       # the office's own step is not tracked
    unreached = texts.PROGRESS_BTN_SHOW["unreached"]
    assert chat.labels() == ["1. Báo cáo sơ kết", "2. Báo cáo tổng kết", unreached, "Xong"]

    await chat.press("1. Báo cáo sơ kết")
    assert "chưa nộp: 22 đơn vị (trang 1/2)" in chat.text
    assert "1. TH08 — Trường Tiểu học số 8 [Cụm 3]" in chat.text and "TH28" not in chat.text
    assert chat.labels() == ["Trang sau", "Xem nộp muộn", unreached, "Quay lại", "Xong"]
    await chat.press("Trang sau")
    assert "(trang 2/2)" in chat.text and "21. TH28" in chat.text and "22. TH29" in chat.text
    assert chat.labels() == ["Trang trước", "Xem nộp muộn", unreached, "Quay lại", "Xong"]
    await chat.press("Trang trước")
    assert "(trang 1/2)" in chat.text
    await chat.press("Xem nộp muộn")
    assert "nộp muộn: 1 đơn vị" in chat.text and "TH06 — Trường Tiểu học số 6" in chat.text
    await chat.press("Quay lại")
    assert len(chat.last) == 1 and "Chưa nộp 22" in chat.text       # back: text only, no new chart
    await chat.press("Xong")
    assert chat.text == texts.PROGRESS_CLOSED
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "progress_viewed")).first().actor == \
            f"staff:{campaign['staff'].id}"


async def test_tiendo_picks_among_campaigns_and_hides_other_offices(campaign, settings, db):
    mine, theirs = seed.office("Phòng GD&ĐT Quận 1"), seed.office("Phòng GD&ĐT Quận 3")
    with db() as s:
        from db.models import Staff
        s.get(Staff, campaign["staff"].id).office_id = mine.id
    seed.campaign("Phong trào Quận 1", unit_ids=[campaign["units"][0].id], office_id=mine.id,
                  milestones=[dict(title="Đăng ký thi đua", due_in_days=3, kind="registration")])
    seed.campaign("Phong trào Quận 3", unit_ids=[campaign["units"][0].id], office_id=theirs.id)
    chat = staff_chat(settings)
    await chat.send("/tiendo")
    assert chat.labels() == ["Phong trào Quận 1", "Phong trào thi đua năm học 2026-2027"]
    forged = chat.last[0].choices[0][0].data.rsplit("|", 1)[0] + "|c:999"
    await chat.press_data(forged)
    assert texts.EXPECT_CHOICE in chat.text
    await chat.press("Phong trào Quận 1")
    assert "1. Đăng ký thi đua" in chat.labels() and "Chưa nộp 1" in chat.text


@pytest.mark.parametrize("command", ["/tiendo", "/duyet", "/nhacnho", "/xuat"])
async def test_staff_commands_refuse_contacts_and_strangers(campaign, settings, command):
    seed.contact(campaign["units"][0].id, 5001)
    for user in (5001, 5002):
        replies = await FlowChat(settings, user, channel="telegram").send(command)
        assert [r.text for r in replies] == [texts.STAFF_ONLY]


# --------------------------------------------------------------------------------------------- /nhacnho

@pytest.fixture
def reachable(campaign, settings):
    """Contacts: two for a missing school, one unreachable, one for a returned school, one for a done school."""
    u = campaign["units"]
    made = dict(
        missing_a=seed.contact(u[10].id, 6001), missing_b=seed.contact(u[10].id, 6002, channel="zalo"),
        other_missing=seed.contact(u[11].id, 6003), blocked=seed.contact(u[12].id, 6004),
        returned=seed.contact(u[5].id, 6005), done=seed.contact(u[3].id, 6006), waiting=seed.contact(u[0].id, 6007))
    from db.engine import session_scope
    with session_scope() as s:
        s.get(Contact, made["blocked"].id).reachable = False
    return made


async def test_nudge_preview_counts_then_sends_once(campaign, reachable, settings, db):
    m1 = campaign["milestones"][0]
    chat = staff_chat(settings)
    await chat.send("/nhacnho")
    assert chat.labels()[:2] == [f"Báo cáo sơ kết — {texts.fmt_date(m1.due_at, settings.tz)}",
                                 f"Báo cáo tổng kết — {texts.fmt_date(campaign['milestones'][1].due_at, settings.tz)}"]
    await chat.press(chat.labels()[0])
    expected = {reachable[k].id for k in ("missing_a", "missing_b", "other_missing", "returned")}
    assert "Số đơn vị chưa nộp (hoặc bị trả lại): 23" in chat.text
    assert f"Số người sẽ nhận tin: {len(expected)}" in chat.text
    assert "20 đơn vị chưa có ai nhận được tin" in chat.text
    assert "còn 5 ngày" in chat.text and chat.labels() == ["Gửi", "Huỷ"]
    send_button = chat.last[-1].choices[0][0].data

    await chat.press("Gửi")
    assert chat.text == texts.NUDGE_QUEUED.format(queued=4, units=3)
    with db() as s:
        broadcast = s.exec(select(Broadcast)).one()
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()
    assert (broadcast.kind, broadcast.milestone_id, broadcast.total) == ("nudge", m1.id, 4)
    assert {r.contact_id for r in rows} == expected
    assert {r.idempotency_key for r in rows} == {f"nudge:{broadcast.id}:{c}" for c in expected}
    by_contact = {r.contact_id: r.payload for r in rows}
    missing_msg = by_contact[reachable["missing_a"].id]
    assert "Kính gửi Trường Tiểu học số 10" in missing_msg["text"]
    assert f"Hạn nộp: {texts.fmt_date(m1.due_at, settings.tz)} (còn 5 ngày)" in missing_msg["text"]
    assert missing_msg["choices"] == [[{"label": "Nộp ngay", "data": f"g|submit|{m1.id}"}]]
    assert texts.NUDGE_REASON_RETURNED in by_contact[reachable["returned"].id]["text"]

    # idempotent: the same broadcast enqueued again adds nothing; the old "Gửi" button is stale
    with db() as s:
        campaign_row = s.get(type(campaign["campaign"]), campaign["campaign"].id)
        again = nudge.enqueue_nudge(s, s.get(Broadcast, broadcast.id), campaign_row, m1,
                                    nudge.audience(s, m1), utcnow(), settings.tz)
    assert again == 0
    assert (await chat.press_data(send_button))[0].text == texts.STALE_BUTTON
    with db() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()) == 4
        assert len(s.exec(select(Broadcast)).all()) == 1
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "nudge_sent")).one()
        assert audit.details["contacts"] == 4


async def test_nudge_overdue_wording_and_cancel(campaign, reachable, settings, db):
    m1 = campaign["milestones"][0]
    import time_machine
    # Noon (Hà Nội) three calendar days after the deadline: "quá hạn N ngày" counts local days, and an offset
    # of hours from a due_at taken from the wall clock crossed local midnight when the suite ran at night.
    due_day = local(m1.due_at, settings.tz).date()
    three_days_late = datetime.combine(due_day + timedelta(days=3), time(12), settings.tz)
    with time_machine.travel(three_days_late, tick=False):
        chat = staff_chat(settings)
        await chat.send("/nhacnho")
        await chat.press(chat.labels()[0])
        assert "quá hạn 3 ngày" in chat.text
        await chat.press("Huỷ")
    assert chat.text == texts.NUDGE_CANCELLED
    with db() as s:
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all() == []


async def test_nudge_when_nobody_owes(settings, db):
    unit = seed.unit("MN01", "Trường Mầm non Hoa Sen")
    seed.staff(STAFF_USER)
    _, ms = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Đăng ký thi đua", due_in_days=2)])
    add_submission(settings, unit.id, ms[0].id)
    chat = staff_chat(settings)
    await chat.send("/nhacnho")
    await chat.press(chat.labels()[0])
    assert chat.text == texts.NUDGE_NOBODY.format(milestone="Đăng ký thi đua")


async def test_lists_say_whom_to_phone_and_which_units_no_message_reaches(campaign, settings, db):
    from db.models import Unit
    units = campaign["units"]
    with db() as s:
        for u in units[:10]:
            s.get(Unit, u.id).liaison_name, s.get(Unit, u.id).liaison_phone = f"Thầy {u.code}", f"09{u.id:08d}"
    seed.contact(units[8].id, 7008, name="Cô Lan")                       # TH08 has someone bound
    blocked = seed.contact(units[9].id, 7009, name="Cô Mai")             # TH09's contact blocked the bot
    with db() as s:
        s.get(Contact, blocked.id).reachable = False
    chat = staff_chat(settings)
    await chat.send("/tiendo")
    await chat.press("1. Báo cáo sơ kết")
    lines = chat.text.splitlines()
    th08 = next(line for line in lines if "TH08" in line)
    th09 = next(line for line in lines if "TH09" in line)
    assert th08.endswith(texts.PROGRESS_REACH.format(who=f"Cô Lan · đầu mối Thầy TH08, 09{units[8].id:08d}"))
    assert texts.PROGRESS_NOBODY_BOUND in th09 and f"09{units[9].id:08d}" in th09
    await chat.press(texts.PROGRESS_BTN_SHOW["unreached"])
    assert "chưa có người nhận tin: 29" in chat.text                   # all but TH08 (TH09 is blocked)
    assert "TH08" not in chat.text and "TH09 — Trường Tiểu học số 9" in chat.text
    with db() as s:
        page = progress_db.unreached_units(s, campaign["campaign"].id)
    assert page.total == 29 and units[8].id not in [u.id for u in page.items]
