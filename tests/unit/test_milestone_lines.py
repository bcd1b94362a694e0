"""How milestones read to schools: the office's steps as information, deadlines with their documents."""
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from db.engine import session_scope
from db.models import Campaign, Milestone
from handlers import milestone_lines
from handlers.launch import launch_text
from tests.support import seed

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_office_step_reads_as_information_with_the_plans_phrase():
    m = Milestone(campaign_id=1, kind="event", title="Sự kiện (29/02/2024)", due_at=datetime(2024, 2, 29, 10),
                  precision="month", units_act=False, source_text="Thời gian sơ kết trong tháng 02/2024")
    line = milestone_lines.for_units(m, VN)
    assert line == "• trong tháng 02/2024: Sơ kết trong tháng 02/2024 — đơn vị không phải nộp"
    assert "Sự kiện" not in line


def test_a_deadline_lists_its_documents_in_the_launch(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    campaign, _ = seed.campaign(unit_ids=[unit.id], milestones=[
        dict(title="Hồ sơ khen thưởng", kind="award_dossier", due_at=datetime(2027, 5, 20, 10),
             required_documents=["Tờ trình", "Báo cáo thành tích"]),
        dict(title="Hội nghị tổng kết", kind="event", due_at=datetime(2027, 5, 28, 10), units_act=False,
             source_text="Phòng tổ chức Hội nghị tổng kết năm học")])
    with session_scope() as s:
        text = launch_text(s, s.get(Campaign, campaign.id), VN)
    assert "• 20/05/2027: Hồ sơ khen thưởng" + texts.MILESTONE_DOCUMENTS.format(docs="Tờ trình; Báo cáo thành tích") in text
    assert "• 28/05/2027: Phòng tổ chức Hội nghị tổng kết năm học — đơn vị không phải nộp" in text
