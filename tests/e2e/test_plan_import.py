"""Creating a campaign from the plan document, through the real bot: the plan is sent with /taochiendich."""
from pathlib import Path

from sqlmodel import select

from db.engine import session_scope
from db.models import Campaign, Milestone, StoredFile
from tests.support import seed

PLAN = Path(__file__).resolve().parents[2] / "bot" / "demo_data" / "ke_hoach_mau.txt"


async def test_staff_sends_the_plan_and_saves_the_draft(e2e):
    seed.staff(4001, name="Chuyên viên")
    for code in ("TH01", "TH02"):
        seed.unit(code, f"Trường {code}")
    staff = await e2e.user(4001, "Chuyên viên")
    await staff.upload("ke_hoach_thi_dua.txt", PLAN.read_bytes(), "text/plain", caption="/taochiendich")
    draft = await staff.expect_reply(contains="Bản nháp kế hoạch")
    assert "25/01/2024" in draft.text and "Báo cáo sơ kết" in draft.text
    await staff.press("Sửa một mốc", draft)
    await staff.press_nth(0, await staff.expect_reply(contains="Chọn mốc cần sửa"))
    await staff.press("Đổi ngày", await staff.expect_reply(contains="Bạn muốn làm gì"))
    await staff.expect_reply(contains="Gõ ngày mới")
    await staff.send("31/02/2024")
    await staff.expect_reply(contains="không có thật")
    await staff.send("26/1/2024")
    await staff.press("Chọn đơn vị tham gia", await staff.expect_reply(contains="26/01/2024"))
    await staff.press("Tất cả đơn vị (2)", await staff.expect_reply(contains="Đơn vị nào tham gia"))
    await staff.expect_reply(contains="Đã lưu kế hoạch")
    with session_scope() as s:
        campaign = s.exec(select(Campaign)).one()
        plan = s.get(StoredFile, campaign.plan_file_id)
        titles = [m.title for m in s.exec(select(Milestone).where(Milestone.campaign_id == campaign.id))]
    assert plan.size == len(PLAN.read_bytes()) and "Báo cáo sơ kết" in titles


async def test_a_school_cannot_create_campaigns(e2e):
    unit = seed.unit("TH03", "Trường TH03")
    seed.contact(unit.id, 1003)
    contact = await e2e.user(1003, "Cô Lan")
    await contact.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain", caption="/taochiendich")
    assert "chỉ dành cho cán bộ" in (await contact.expect_reply()).text
