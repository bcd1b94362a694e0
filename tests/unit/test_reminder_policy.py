"""/nhachan: staff view and edit a campaign's reminder policy in chat."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db.engine import session_scope
from db.models import AuditEvent, Campaign
from handlers.reminder_policy import describe_offsets, format_offsets_typed, parse_hour, parse_offsets
from schedules.planning import ReminderPolicy
from tests.support import seed
from tests.support.flowchat import FlowChat


def stored_policy(campaign_id: int) -> dict | None:
    with session_scope() as s:
        return s.get(Campaign, campaign_id).reminder_policy


# ------------------------------------------------------------------------------------------ typed formats

@pytest.mark.parametrize("typed, stored", [
    ("7,3,1,0,-1,-3", (-7, -3, -1, 0, 1, 3)),
    ("7, 3 ; 0", (-7, -3, 0)),
    ("0 -2 +5", (-5, 0, 2)),
    ("3,3,1", (-3, -1)),
    ("Tắt", ()),
])
def test_parse_offsets(typed, stored):
    assert parse_offsets(typed) == stored


@pytest.mark.parametrize("typed", ["", "bảy", "7,,x", "1.5", "400", ",".join(["1"] * 11) + ",2"])
def test_parse_offsets_refuses(typed):
    assert parse_offsets(typed) is None


def test_typed_form_round_trips_and_reads_well():
    assert format_offsets_typed((-7, -3, -1, 0, 1, 3)) == "7,3,1,0,-1,-3"
    assert parse_offsets(format_offsets_typed((-5, 2))) == (-5, 2)
    assert describe_offsets((-7, -3, 0, 2)) == "7, 3 ngày trước hạn; đúng ngày hạn; 2 ngày sau hạn"
    assert describe_offsets(()) == texts.REMINDER_POLICY_OFF


@pytest.mark.parametrize("typed, at", [("8:00", time(8)), ("14h30", time(14, 30)), ("9 giờ", time(9)),
                                       ("7", time(7)), ("25:00", None), ("8:5", None), ("sáng", None)])
def test_parse_hour(typed, at):
    assert parse_hour(typed) == at


# ------------------------------------------------------------------------------------------------ the flow

@pytest.fixture
def office_and_staff(settings):
    office = seed.office()
    staff = seed.staff(4001, "Cô Lan", office_id=office.id, channel="test")
    first, _ = seed.campaign("Thi đua dạy tốt", office_id=office.id)
    second, _ = seed.campaign("Chiến dịch khác", office_id=office.id, status="draft")
    seed.campaign("Của phòng khác", office_id=seed.office("Phòng khác").id)
    return staff, first, second


async def test_staff_views_and_edits_a_campaign_policy(settings, office_and_staff):
    staff, first, _ = office_and_staff
    chat = FlowChat(settings, 4001, "Cô Lan")
    await chat.send("/nhachan")
    assert chat.labels() == ["Chiến dịch khác", "Thi đua dạy tốt"]      # not the other office's
    await chat.press("Thi đua dạy tốt")
    assert "7, 3, 1 ngày trước hạn; đúng ngày hạn; 1, 3 ngày sau hạn" in chat.text
    assert "Giờ gửi: 08:00" in chat.text and texts.REMINDER_POLICY_WEEKENDS_SEND in chat.text

    await chat.press(texts.REMINDER_POLICY_EDIT_OFFSETS)
    assert "Hiện tại: 7,3,1,0,-1,-3" in chat.text
    await chat.send("mười ngày")
    assert "Chưa đọc được" in chat.text
    await chat.send("10, 5, 0, -2")
    assert texts.REMINDER_POLICY_SAVED in chat.text and "10, 5 ngày trước hạn" in chat.text
    assert stored_policy(first.id)["offsets_days"] == [-10, -5, 0, 2]

    await chat.press(texts.REMINDER_POLICY_EDIT_HOUR)
    await chat.send("22:00")
    assert "nằm trong giờ nghỉ" in chat.text
    await chat.send("14h30")
    assert "Giờ gửi: 14:30" in chat.text

    await chat.press(texts.REMINDER_POLICY_TOGGLE_WEEKENDS)
    assert texts.REMINDER_POLICY_WEEKENDS_SKIP in chat.text
    await chat.press(texts.REMINDER_POLICY_DONE)
    assert chat.text == texts.REMINDER_POLICY_CLOSED

    policy = ReminderPolicy.from_json(stored_policy(first.id))
    assert policy == ReminderPolicy(offsets_days=(-10, -5, 0, 2), send_at=time(14, 30), skip_weekends=True)
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "reminder_policy_changed")).all()
    assert [(e.actor, e.subject) for e in events] == [(f"staff:{staff.id}", f"campaign:{first.id}")] * 3
    assert events[-1].details["after"]["skip_weekends"] is True


async def test_a_single_campaign_is_opened_directly_and_reminders_can_be_turned_off(settings):
    staff = seed.staff(4001, "Cô Lan", channel="test")
    campaign, _ = seed.campaign("Duy nhất")
    chat = FlowChat(settings, 4001, "Cô Lan")
    await chat.send("/nhachan")
    assert "Lịch nhắc hạn tự động — Duy nhất" in chat.text
    await chat.press(texts.REMINDER_POLICY_EDIT_OFFSETS)
    await chat.send("tắt")
    assert texts.REMINDER_POLICY_OFF in chat.text
    assert stored_policy(campaign.id)["offsets_days"] == []


async def test_a_broken_stored_policy_shows_the_defaults_with_a_note(settings):
    seed.staff(4001, channel="test")
    seed.campaign("Hỏng", reminder_policy={"send_at": "23:00"})
    chat = FlowChat(settings, 4001)
    await chat.send("/nhachan")
    assert texts.REMINDER_POLICY_BROKEN in chat.text and "Giờ gửi: 08:00" in chat.text


async def test_contacts_cannot_use_it(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, 1001, channel="test")
    chat = FlowChat(settings, 1001)
    await chat.send("/nhachan")
    assert chat.text == texts.STAFF_ONLY


async def test_nhachan_shows_coming_holidays_and_edits_the_offices_days_off(settings, office_and_staff):
    _, campaign, _ = office_and_staff
    campaign_id = campaign.id
    chat = FlowChat(settings, 4001, "Cô Lan")
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        await chat.send("/nhachan")
        await chat.press("Thi đua dạy tốt")
        assert "Ngày lễ, Tết: không gửi; sắp tới: 16/04 Ngày Giỗ Tổ Hùng Vương" in chat.text
        await chat.press("Ngày nghỉ riêng")
        await chat.send("26/3, 32/3")
        assert "Chưa đọc được ngày «26/3, 32/3»" in chat.text
        await chat.send("26/3, 27/3/2027")
        assert "Ngày nghỉ riêng của Phòng/Sở: 26/03/2027, 27/03/2027" in chat.text
        await chat.press("Đổi quy tắc ngày lễ")
        assert "Ngày lễ, Tết: vẫn gửi" in chat.text
    with session_scope() as s:
        stored = s.get(Campaign, campaign_id).reminder_policy
    assert stored["days_off"] == ["2027-03-26", "2027-03-27"] and stored["skip_holidays"] is False
