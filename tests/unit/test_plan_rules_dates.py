"""Plan-reading rules, each for a class of phrasing, on short fixtures of our own."""
from datetime import date

from schedules.plans import find_dates, parse_plan
from schedules.plans.dates import from_a_time_on_a_day, weekday_after, weekday_corrected
from schedules.plans.kinds import sent_topic_is_not_the_event, submission_without_actor

HEADER = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 77/PGDĐT
An Bình, ngày 12 tháng 10 năm 2026
V/v tổ chức hội nghị và viết bài
Kính gửi: Hiệu trưởng các trường mầm non, tiểu học, THCS.
"""


def test_a_weekday_that_contradicts_the_year_corrects_a_year_typo():
    text = "Chậm nhất trước 10 giờ 30 phút, ngày 26 tháng 10 năm 2025 (thứ Hai)."
    [m] = find_dates(text, 2026)
    assert weekday_after(text, m.end) == 0
    assert weekday_corrected(text, m, date(2026, 10, 12)).date == date(2026, 10, 26)     # a Monday in 2026
    right = "ngày 26 tháng 10 năm 2026 (thứ Hai)"
    [ok] = find_dates(right, 2026)
    assert weekday_corrected(right, ok, date(2026, 10, 12)) is ok                      # nothing to correct


def test_a_hand_in_with_nobody_named_is_the_addressees_not_the_offices():
    assert submission_without_actor("Thời gian nộp bài viết: chậm nhất trước ngày 26/10")
    assert not submission_without_actor("Phòng GD&ĐT gửi báo cáo về Sở trước ngày 26/10")
    draft = parse_plan(HEADER + "1. Thời gian nộp bài viết: Chậm nhất trước 10 giờ 30 phút, ngày 26 tháng 10 năm 2026.\n")
    [m] = draft["milestones"]
    assert (m["date"], m["kind"]) == ("2026-10-26", "other") and m["who"] != "Phòng Giáo dục và Đào tạo"


def test_a_label_saying_when_something_happens_is_an_event():
    draft = parse_plan(HEADER + "2. Thời gian tổ chức: 7 giờ 30 phút, ngày 14 tháng 10 năm 2026 (thứ Tư).\n"
                       "3. Thời gian kết nối thử nghiệm từ 16h00, ngày 13/10/2026.\n")
    assert {(m["date"], m["kind"]) for m in draft["milestones"]} == {("2026-10-14", "event"), ("2026-10-13", "event")}


def test_what_is_sent_about_a_meeting_is_a_hand_in_not_the_meeting():
    assert sent_topic_is_not_the_event("Các đơn vị gửi câu hỏi về nội dung hội nghị trước 9h00,", ["event"]) == ["other"]
    assert sent_topic_is_not_the_event("Tổ chức hội nghị, gửi giấy mời", ["event"]) == ["event"]


def test_a_commemorative_day_in_a_cited_letters_subject_does_not_hide_real_deadlines():
    text = (HEADER.replace("ngày 12 tháng 10 năm 2026", "ngày    tháng 10 năm 2026")   # the day stamped later
            + "Thực hiện Công văn số 1181/SGDĐT-VP ngày 07 tháng 10 năm 2026 về viết bài chào mừng ngày Nhà giáo "
              "Việt Nam 20/11/2026.\n1. Các đơn vị gửi bài viết về Phòng trước ngày 26/10/2026.\n")
    assert ("2026-10-26", "other") in {(m["date"], m["kind"]) for m in parse_plan(text)["milestones"]}


def test_from_a_clock_time_on_one_day_is_that_day_not_a_range_start():
    text = "từ 16h00, ngày 13/10/2026"
    for m in find_dates(text, 2026):
        assert from_a_time_on_a_day(text, m).cue != "from"


def test_the_issue_date_is_read_when_the_day_is_glued_to_ngay():
    from schedules.plans.header import parse_issued_date
    assert parse_issued_date(["Hiệp Hoà, ngày12 tháng 10 năm 2020"])[0] == date(2020, 10, 12)
    assert parse_issued_date(["An Bình, ngày    tháng 10 năm 2020"])[0] is None     # stamped later: blank
