"""/thongbao: staff hear of submissions, nominations and bindings — each, hourly, or not; and nobody is
written to before they have started the bot."""
from datetime import datetime, timedelta

import time_machine
from sqlmodel import select

from bot import texts
from db.engine import session_scope
from db.models import OutboxMessage, Staff
from schedules.staff_news import SETTLE, run_staff_news
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_digest import VN, build_office, digest_at

T0 = datetime(2026, 10, 15, 2, 0)        # 09:00 in Hà Nội


def news_rows() -> list[OutboxMessage]:
    with session_scope() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "news").order_by(OutboxMessage.id)))


def tick(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return run_staff_news(VN)


async def submit_report(settings, unit_id: int, user: int, milestone_id: int, version: int = 1):
    from tests.unit.test_progress import add_submission
    sub = add_submission(settings, unit_id, milestone_id, version=version)
    from db import people
    with session_scope() as s:
        people.audit(s, f"contact:{user}", "report_submitted", f"submission:{sub.id}")
    return sub


async def test_each_mode_tells_every_submission_once_and_only_to_the_office_it_concerns(settings):
    office = seed.office()
    other = seed.office("Phòng GD&ĐT Quận 3")
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng", office_id=office.id)
    seed.staff(5001, "Cô Hoa", office_id=office.id, channel="test")
    seed.staff(5002, "Anh Minh", office_id=other.id, channel="test")
    _, (m,) = seed.campaign(unit_ids=[unit.id], office_id=office.id, milestones=[dict(title="Báo cáo sơ kết",
                                                                                      due_in_days=5)])
    hoa, minh = FlowChat(settings, 5001), FlowChat(settings, 5002)
    with time_machine.travel(T0, tick=False):
        await hoa.send("/thongbao")
        assert texts.NEWS_MODES["off"] in hoa.text
        await hoa.press(texts.NEWS_BTN["each"])
        assert hoa.text == texts.NEWS_SET.format(mode=texts.NEWS_MODES["each"])
        await minh.send("/thongbao")
        await minh.press(texts.NEWS_BTN["each"])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        await submit_report(settings, unit.id, 1, m.id)
    assert tick(T0 + timedelta(minutes=1)) == 0                           # not settled yet
    assert tick(T0 + timedelta(minutes=1) + SETTLE + timedelta(seconds=1)) == 1
    assert tick(T0 + timedelta(minutes=3)) == 0                           # told once
    [row] = news_rows()
    assert row.chat_id == "5001" and row.payload["text"] == texts.NEWS_SUBMITTED.format(
        unit="Trường Tiểu học Kim Đồng", what="Báo cáo sơ kết", late="")


async def test_hourly_mode_sends_one_summary_an_hour(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.staff(5003, "Cô Hoa", channel="test")
    _, (m,) = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    hoa = FlowChat(settings, 5003)
    with time_machine.travel(T0, tick=False):
        await hoa.send("/thongbao")
        await hoa.press(texts.NEWS_BTN["hourly"])
    for version, minutes in enumerate((5, 10, 20), start=1):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            await submit_report(settings, unit.id, 1, m.id, version)
        assert tick(T0 + timedelta(minutes=minutes, seconds=30)) == 0     # gathered, not sent yet
    assert tick(T0 + timedelta(hours=1, seconds=11)) == 1
    [row] = news_rows()
    assert row.payload["text"].startswith(texts.NEWS_HEAD_HOURLY.format(count=3))
    assert "nộp lại «Báo cáo sơ kết» (lần 2)" in row.payload["text"]


async def test_a_staff_member_added_by_cli_is_written_to_only_after_starting_the_bot(settings):
    lan, _ = build_office()
    with session_scope() as s:
        s.get(Staff, lan.id).started_at = None                           # added by CLI, never opened the chat
    assert digest_at(2026, 10, 15, 16, 30) == 0
    await FlowChat(settings, 4001, channel="telegram").send("/start")     # the first message activates
    with session_scope() as s:
        assert s.get(Staff, lan.id).started_at is not None
    assert digest_at(2026, 10, 16, 16, 30) == 1


async def test_nominations_and_new_bindings_are_news_too(settings):
    from db import nominations, people
    from db.models import Nomination
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.staff(5004, "Cô Hoa", channel="test")
    camp, (round_,) = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Đề cử", kind="nomination",
                                                                          due_in_days=5)])
    hoa = FlowChat(settings, 5004)
    with time_machine.travel(T0, tick=False):
        await hoa.send("/thongbao")
        await hoa.press(texts.NEWS_BTN["each"])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        contact = seed.contact(unit.id, 6001, channel="test", name="Cô Lan")
        with session_scope() as s:
            n = nominations.create(s, Nomination(reference="DC-2026-000001", campaign_id=camp.id,
                                                 milestone_id=round_.id, unit_id=unit.id,
                                                 nominee_name="Nguyễn Thị Mai", achievements="…"), [])
            people.audit(s, "contact:1", "contact_bound", f"unit:{unit.id}", contact=contact.id)
            people.audit(s, "contact:1", "nomination_submitted", f"nomination:{n.id}")
    assert tick(T0 + timedelta(minutes=2)) == 2
    assert [r.payload["text"] for r in news_rows()] == [
        texts.NEWS_BOUND.format(unit="Trường Tiểu học Kim Đồng", what="Cô Lan"),
        texts.NEWS_NOMINATED.format(unit="Trường Tiểu học Kim Đồng", what="Nguyễn Thị Mai", late="")]
