"""schedules.plans.recurring: the units' recurring hand-ins become recurring milestones (own fixtures)."""
from __future__ import annotations

from datetime import date

from schedules.plans import parse_plan
from schedules.plans.obligations import Addressees
from schedules.plans.recurring import due_day, recurring_kind, recurring_milestone

PHONG = Addressees("phong", "Phòng Giáo dục và Đào tạo", "các trường")
MONTHLY_PLAN = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 31/KH-PGDĐT
An Bình, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Thi đua học kỳ I năm học 2026-2027
I. NỘI DUNG
1. Thời gian thực hiện: từ ngày 15/9/2026 đến ngày 31/12/2026.
2. Hằng tháng, các trường gửi báo cáo tiến độ về Phòng trước ngày 25.
3. Các trường gửi báo cáo tổng kết trước ngày 20/12/2026.
"""


def test_only_the_units_hand_ins_recur_as_milestones():
    assert recurring_kind("Hằng tháng, các trường gửi báo cáo tiến độ") == "periodic_report"
    assert recurring_kind("Hằng quý, các trường gửi báo cáo sơ kết") == "preliminary_report"
    assert recurring_kind("Hàng năm, khi sơ kết, tổng kết cần gắn với kết quả") is None     # guidance
    assert recurring_kind("Hằng quý, các trường gửi đề cử 01 gương điển hình") is None     # rounds do that
    other_body = {"every": "quarter", "what": "Công đoàn cơ quan thực hiện báo cáo định kỳ hàng quý"}
    assert recurring_milestone(other_body, date(2026, 1, 1), date(2026, 12, 31), PHONG) is None


def test_a_stated_due_day_gives_the_first_due_date_else_the_periods_end():
    assert due_day("gửi báo cáo trước ngày 25 hằng tháng") == 25
    assert due_day("gửi báo cáo trước ngày 25/10/2026") is None                 # a date, not a day of each month
    monthly = {"every": "month", "what": "Hằng tháng, các trường gửi báo cáo tiến độ trước ngày 25"}
    m = recurring_milestone(monthly, date(2026, 9, 15), date(2026, 12, 31), PHONG)
    assert (m["date"], m["kind"], m["who"], m["recurrence"]) == ("2026-09-25", "periodic_report", "các trường", "month")
    quarterly = {"every": "quarter", "what": "Hằng quý, các trường gửi báo cáo nhanh"}
    assert recurring_milestone(quarterly, date(2026, 9, 15), date(2026, 12, 31), PHONG)["date"] == "2026-09-30"
    assert recurring_milestone(quarterly, None, None, PHONG) is None          # no period: nothing to repeat over


def test_the_draft_carries_the_recurring_milestone_and_the_period_end_is_not_a_deadline():
    draft = parse_plan(MONTHLY_PLAN)
    assert [(m["date"], m["kind"], m["recurrence"]) for m in draft["recurring_milestones"]] == [
        ("2026-09-25", "periodic_report", "month")]
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-12-20", "final_report")]
    assert {(s["date"], s["reason"]) for s in draft["skipped"]} == {("2026-09-15", "start"), ("2026-12-31", "period")}
    assert (draft["period_start"], draft["period_end"]) == ("2026-09-15", "2026-12-31")


def test_the_cli_summary_shows_recurring_milestones_and_the_dates_not_kept_with_why():
    from schedules.plans.cli import format_summary

    summary = format_summary(parse_plan(MONTHLY_PLAN))
    assert "Mốc định kỳ (mỗi kỳ một mốc):" in summary
    assert "  - hằng tháng · báo cáo định kỳ · các trường · kỳ đầu hạn 25/09/2026" in summary
    assert "Ngày không lấy làm mốc (2):" in summary
    assert "  - 15/09/2026 (ngày bắt đầu): " in summary and "  - 31/12/2026 (thời gian thực hiện): " in summary
