"""A deadline moved after launch, through the real Telegram adapter: staff confirm, the school is told once."""
from datetime import date

import pytest
from sqlmodel import select

from bot import texts
from db.models import Milestone
from tests.support import seed

STAFF_ID, CONTACT_ID = 2101, 1101


@pytest.fixture
def plan(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, CONTACT_ID, name="Cô Lan")
    seed.staff(STAFF_ID, "Nguyễn Thị Hoa")
    _, (m,) = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=10)])
    return m


async def test_a_moved_deadline_reaches_the_school_once(e2e, db, settings, plan):
    hoa = await e2e.user(STAFF_ID, "Cô Hoa")
    lan = await e2e.user(CONTACT_ID, "Cô Lan")
    await hoa.send("/suakh")
    await hoa.press(texts.EDIT_BTN_MILESTONE, await hoa.expect_reply(contains="Sửa kế hoạch"))
    await hoa.press_nth(0, await hoa.expect_reply(contains=texts.EDIT_PICK_MILESTONE))
    await hoa.press(texts.EDIT_BTN_MS_DUE, await hoa.expect_reply(contains="Sửa gì?"))
    await hoa.expect_reply(contains="Gõ hạn mới")
    new_day = date.today().replace(year=date.today().year + 1, month=1, day=20)
    await hoa.send(new_day.strftime("%d/%m/%Y"))
    preview = await hoa.expect_reply(contains="Sẽ báo cho 1 người liên hệ")
    await hoa.press(texts.EDIT_BTN_SAVE_TELL, preview)
    await hoa.expect_reply(contains=texts.EDIT_TOLD.format(contacts=1))
    told = await lan.expect_reply(contains="điều chỉnh hạn")
    assert f"sang {new_day:%d/%m/%Y}" in told.text and "Báo cáo sơ kết học kỳ I" in told.text
    await hoa.press(texts.EDIT_BTN_DONE, await hoa.expect_reply(contains="Chọn phần cần sửa"))
    await e2e.outbox_idle()
    assert len([m for m in lan.messages() if "điều chỉnh hạn" in m.content]) == 1
    with db() as s:
        assert texts.local(s.get(Milestone, plan.id).due_at, settings.tz).date() == new_day
