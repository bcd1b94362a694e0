"""A deadline reminder reaches the contact's chat through the real bot, with a working "Nộp ngay" button."""
from datetime import timedelta

from bot import texts
from db.clock import utcnow
from schedules.reminders import reminder_tick
from tests.support import seed


async def test_a_reminder_arrives_with_the_submit_now_button(e2e):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, 1001, name="Cô Lan")
    now = utcnow()
    # one reminder, the day before the deadline, at local midnight; no quiet hours, so the test runs at any hour
    policy = {"offsets_days": [-1], "send_at": "00:00", "quiet_start": "00:00", "quiet_end": "00:00"}
    seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id], launched_at=now - timedelta(days=2),
                  reminder_policy=policy,
                  milestones=[{"title": "Báo cáo sơ kết", "due_at": now + timedelta(days=1)}])
    alice = await e2e.user(1001, "Cô Lan")

    # the scheduler's own at-start tick may have got there first: either way one reminder is queued
    await reminder_tick(e2e.settings.tz, e2e.runtime.dispatcher.wake)
    reminder = await alice.expect_reply(contains="Nhắc hạn nộp: Báo cáo sơ kết")
    assert "Phong trào thi đua 2026" in reminder.text and "còn 1 ngày" in reminder.text
    assert [b.text for b in reminder.buttons] == [texts.REMINDER_SUBMIT_NOW]

    await alice.press(texts.REMINDER_SUBMIT_NOW, reminder)
    assert "Hạng mục: Báo cáo sơ kết" in (await alice.expect_reply(contains="Hãy gửi tệp")).text

    assert await reminder_tick(e2e.settings.tz, e2e.runtime.dispatcher.wake) == 0   # once only
    await e2e.outbox_idle()
    assert len([m for m in alice.messages() if "Nhắc hạn nộp" in m.content]) == 1
