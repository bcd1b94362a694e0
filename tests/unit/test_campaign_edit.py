"""/suakh: a saved or launched plan changed in chat; after launch a moved deadline is told once."""
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db import reminders as reminder_store
from db.models import AuditEvent, Campaign, Milestone, OutboxMessage, Submission
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_progress import add_submission

STAFF = 9100
NOW = datetime(2026, 12, 3, 3, 0)   # 10:00 in Hà Nội


@pytest.fixture
def world(settings):
    units = [seed.unit(f"TH0{i}", f"Trường Tiểu học số {i}") for i in range(1, 4)]
    contacts = [seed.contact(u.id, 9200 + i, channel="test", name=f"Đầu mối {i}") for i, u in enumerate(units)]
    seed.staff(STAFF, "Nguyễn Thị Hoa", channel="test")
    camp, (report, final) = seed.campaign(unit_ids=[u.id for u in units], milestones=[
        dict(title="Báo cáo sơ kết học kỳ I", due_at=datetime(2027, 1, 15, 10)),
        dict(title="Báo cáo tổng kết", kind="final_report", due_at=datetime(2027, 5, 20, 10))])
    return dict(units=units, contacts=contacts, campaign=camp, report=report, final=final,
                chat=FlowChat(settings, STAFF))


def outbox(db, prefix: str) -> list[OutboxMessage]:
    with db() as s:
        return s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"{prefix}%"))
                      .order_by(OutboxMessage.id)).all()


async def test_header_and_milestones_of_a_draft_are_edited_and_audited(settings, db, world):
    with db() as s:
        s.get(Campaign, world["campaign"].id).status = "draft"
    chat = world["chat"]
    with time_machine.travel(NOW, tick=False):
        await chat.send("/suakh")
        assert "Sửa kế hoạch «Phong trào thi đua năm học 2026-2027» (nháp)" in chat.text
        await chat.press(texts.EDIT_BTN_TITLE)
        await chat.send("Phong trào thi đua «Dạy tốt – Học tốt» 2026-2027")
        assert texts.EDIT_SAVED.format(what=texts.EDIT_WHAT["title"]) in chat.text
        await chat.press(texts.EDIT_BTN_PERIOD)
        await chat.send("từ 05/09/2026 đến hết tháng 5/2027")
        assert "05/09/2026 – 31/05/2027" in chat.text
        await chat.press(texts.EDIT_BTN_QUOTA)
        await chat.send("3")
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[0])
        await chat.press(texts.EDIT_BTN_MS_TITLE)
        await chat.send("25/1")                                   # a date typed at the name prompt
        assert chat.text == texts.TITLE_LOOKS_LIKE_DATE.format(text="25/1")
        await chat.send("Báo cáo sơ kết học kỳ I năm học 2026-2027")
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[0])
        await chat.press(texts.EDIT_BTN_MS_DUE)
        await chat.send("20/1/2027")                               # a draft: saved at once, nobody told
        assert texts.EDIT_SAVED.format(what=texts.EDIT_WHAT["ms_due"]) in chat.text
        await chat.press(texts.EDIT_BTN_DONE)
    with db() as s:
        c = s.get(Campaign, world["campaign"].id)
        m = s.get(Milestone, world["report"].id)
        fields = [e.details.get("field") for e in s.exec(select(AuditEvent).where(
            AuditEvent.action == "campaign_edited")).all()]
    assert (c.title, c.period_start, c.period_end, c.nomination_quota) == (
        "Phong trào thi đua «Dạy tốt – Học tốt» 2026-2027", date(2026, 9, 5), date(2027, 5, 31), 3)
    assert m.title == "Báo cáo sơ kết học kỳ I năm học 2026-2027" and texts.local(m.due_at, settings.tz).date() == date(2027, 1, 20)
    assert fields == ["title", "period", "quota", "ms_title", "ms_due"]
    assert outbox(db, "edit:") == []


async def test_a_moved_deadline_after_launch_is_previewed_then_told_once_to_those_concerned(settings, db, world):
    u1, u2, u3 = world["units"]
    add_submission(settings, u1.id, world["report"].id, status="accepted")       # nothing to tell TH01
    with db() as s:   # a reminder queued for the old date
        s.add(OutboxMessage(idempotency_key=reminder_store.reminder_key(world["report"].id, u2.id, 1, -7),
                            channel="test", chat_id="9201", kind=reminder_store.REMINDER_KIND, payload={"text": "x"},
                            status="pending", created_at=NOW - timedelta(hours=1), not_before=NOW))
    chat = world["chat"]
    with time_machine.travel(NOW, tick=False):
        await chat.send("/suakh")
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[0])
        await chat.press(texts.EDIT_BTN_MS_DUE)
        await chat.send("ngày 25 tháng 1 năm 2027")
        expected = texts.EDIT_NOTICE_MOVED.format(milestone="Báo cáo sơ kết học kỳ I",
                                                  campaign="Phong trào thi đua năm học 2026-2027",
                                                  old="15/01/2027", new="25/01/2027")
        assert texts.EDIT_NOTIFY_PREVIEW.format(contacts=2, units=2, message=expected) in chat.text
        with db() as s:
            assert texts.local(s.get(Milestone, world["report"].id).due_at, settings.tz).date() == date(2027, 1, 15)
        await chat.press(texts.EDIT_BTN_SAVE_TELL)
        assert texts.EDIT_TOLD.format(contacts=2) in chat.text
    told = outbox(db, "edit:")
    assert sorted(r.chat_id for r in told) == ["9201", "9202"] and all(r.payload["text"] == expected for r in told)
    with db() as s:
        assert texts.local(s.get(Milestone, world["report"].id).due_at, settings.tz).date() == date(2027, 1, 25)
        [queued] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
        assert queued.status == "cancelled"                       # reminders follow the new date
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "campaign_change_told")).one()


async def test_cancelling_the_preview_changes_nothing(settings, db, world):
    chat = world["chat"]
    with time_machine.travel(NOW, tick=False):
        await chat.send("/suakh")
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[1])
        await chat.press(texts.EDIT_BTN_MS_DUE)
        await chat.send("30/5/2027")
        await chat.press(texts.EDIT_BTN_CANCEL)
        assert texts.EDIT_CHANGE_CANCELLED in chat.text
    with db() as s:
        assert texts.local(s.get(Milestone, world["final"].id).due_at, settings.tz).date() == date(2027, 5, 20)
    assert outbox(db, "edit:") == []


async def test_dropping_a_milestone_with_submissions_asks_first_and_keeps_them(settings, db, world):
    sub = add_submission(settings, world["units"][0].id, world["report"].id)
    chat = world["chat"]
    await chat.send("/suakh")
    await chat.press(texts.EDIT_BTN_MILESTONE)
    await chat.press(chat.labels()[0])
    await chat.press(texts.EDIT_BTN_MS_DROP)
    assert texts.EDIT_DROP_CONFIRM.format(title="Báo cáo sơ kết học kỳ I", count=1) in chat.text
    await chat.press(texts.EDIT_BTN_DROP_NO)
    with db() as s:
        assert s.get(Milestone, world["report"].id).deleted_at is None
    await chat.press(texts.EDIT_BTN_MS_DROP)
    await chat.press(texts.EDIT_BTN_DROP_YES)
    assert "Báo cáo sơ kết học kỳ I" not in chat.text.split("Các mốc:")[1]
    with db() as s:
        assert s.get(Milestone, world["report"].id).deleted_at is not None
        assert s.get(Submission, sub.id) is not None                 # what the school sent stays


async def test_a_milestone_added_after_launch_is_told_to_every_school(settings, db, world):
    chat = world["chat"]
    with time_machine.travel(NOW, tick=False):
        await chat.send("/suakh")
        await chat.press(texts.EDIT_BTN_ADD)
        await chat.press(texts.kind_label("plan_submission"))
        await chat.send("Kế hoạch")                      # fine: a real word, long enough
        await chat.send("20/12/2026")
        assert "3 người liên hệ của 3 đơn vị" in chat.text
        await chat.press(texts.EDIT_BTN_SAVE_TELL)
    assert len(outbox(db, "edit:")) == 3 and "bổ sung mốc «Kế hoạch»" in outbox(db, "edit:")[0].payload["text"]


async def test_only_staff_may_edit(settings, world):
    school = FlowChat(settings, 9200)
    assert (await school.send("/suakh"))[0].text == texts.STAFF_ONLY


def test_cli_edits_a_plan_and_moves_a_deadline_telling_the_schools(thidua, db, world):
    cid, mid = world["campaign"].id, world["report"].id
    code, out, _ = thidua("campaign", "edit", str(cid), "--doc-number", "92/KH-GDĐT", "--quota", "2")
    assert code == 0 and "số văn bản" in out and "số đề cử" in out
    assert thidua("campaign", "edit", str(cid))[0] == 2                                  # nothing to change
    assert thidua("campaign", "milestone", "edit", str(mid), "--title", "25/1")[0] == 2   # a date, not a name
    code, out, _ = thidua("campaign", "milestone", "edit", str(mid), "--due", "30/1/2027", "--notify")
    assert code == 0 and texts.EDIT_CLI_TOLD.format(count=3) in out
    assert len(outbox(db, "edit:")) == 3
    with db() as s:
        c, m = s.get(Campaign, cid), s.get(Milestone, mid)
        assert (c.doc_number, c.nomination_quota) == ("92/KH-GDĐT", 2)
        assert m.due_at.date() == date(2027, 1, 30)
        assert [e.details["field"] for e in s.exec(select(AuditEvent).where(
            AuditEvent.action == "campaign_edited")).all()] == ["doc_number", "quota", "ms_due"]


async def test_issued_date_and_a_milestones_kind_are_edited_unless_work_was_sent(settings, db, world):
    add_submission(settings, world["units"][0].id, world["report"].id)
    chat = world["chat"]
    with time_machine.travel(NOW, tick=False):
        await chat.send("/suakh")
        await chat.press(texts.EDIT_BTN_ISSUED)
        await chat.send("ngày 5 tháng 9 năm 2026")
        assert texts.EDIT_SAVED.format(what=texts.EDIT_WHAT["issued"]) in chat.text
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[0])                          # has a submission
        await chat.press(texts.EDIT_BTN_MS_KIND)
        await chat.press(texts.kind_label("final_report"))
        assert texts.EDIT_KIND_HAS_WORK in chat.text
        await chat.press(texts.EDIT_BTN_BACK)
        await chat.press(texts.EDIT_BTN_MILESTONE)
        await chat.press(chat.labels()[1])                          # nothing sent yet
        await chat.press(texts.EDIT_BTN_MS_KIND)
        await chat.press(texts.kind_label("periodic_report"))
    with db() as s:
        assert s.get(Campaign, world["campaign"].id).issued_date == date(2026, 9, 5)
        assert s.get(Milestone, world["report"].id).kind == "preliminary_report"
        assert s.get(Milestone, world["final"].id).kind == "periodic_report"


async def test_participating_units_are_added_and_dropped_by_code(settings, db, world):
    from db.models import CampaignUnit
    extra = seed.unit("TH09", "Trường Tiểu học số 9")
    chat = world["chat"]
    await chat.send("/suakh")
    await chat.press(texts.EDIT_BTN_UNITS)
    assert "Đơn vị tham gia: 3 (TH01, TH02, TH03)" in chat.text
    await chat.press(texts.EDIT_BTN_UNITS_ADD)
    await chat.send("th09, ZZ99")
    assert "ZZ99" in chat.text                                   # unknown code: nothing changed
    await chat.send("th09")
    assert "4 (TH01, TH02, TH03, TH09)" in chat.text and "/phatdong" in chat.text
    await chat.press(texts.EDIT_BTN_UNITS_DROP)
    await chat.send("TH02")
    with db() as s:
        ids = {cu.unit_id for cu in s.exec(select(CampaignUnit).where(
            CampaignUnit.campaign_id == world["campaign"].id))}
    assert ids == {world["units"][0].id, world["units"][2].id, extra.id}


async def test_whether_late_nominations_are_taken_is_chosen_per_campaign_in_chat(settings, db, world):
    chat = world["chat"]
    await chat.send("/suakh")
    assert texts.CAMPAIGN_LATE_NOMINATIONS[True] in chat.text
    await chat.press(texts.EDIT_BTN_LATE)
    assert texts.CAMPAIGN_LATE_NOMINATIONS[False] in chat.text
    with db() as s:
        assert s.get(Campaign, world["campaign"].id).late_nominations is False
