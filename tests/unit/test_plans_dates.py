"""schedules.plans.dates: a clock time between a cue and its day keeps the cue and the range (own fixtures)."""
from __future__ import annotations

from datetime import date

from schedules.plans import find_dates, parse_plan

HEADER = ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH\nSố: 77/PGDĐT\nAn Bình, ngày 12 tháng 10 năm 2026\n"
          "V/v các nội dung\nKính gửi: Hiệu trưởng các trường.\n")


def cues(text: str) -> list[tuple[str | None, str | None]]:
    return [(m.cue, m.range_role) for m in find_dates(text, 2026)]


def test_a_clock_time_after_until_keeps_the_until_cue():
    assert cues("đến 10h, ngày 16 tháng 11 năm 2026") == [("until", None)]
    assert cues("đến hết 17 giờ 00 ngày 16/11/2026") == [("until", None)]


def test_a_range_with_clock_times_on_both_ends_is_a_range():
    for text in ("Từ 7h30' ngày 20/10/2026 đến 16h00 ngày 22/10/2026",
                 "từ 7 giờ 30 phút ngày 20/10/2026 đến 17 giờ ngày 25/10/2026",
                 "từ 08:00 ngày 20/10/2026 - 11:30 ngày 22/10/2026"):
        ms = find_dates(text, 2026)
        assert [(m.cue, m.range_role) for m in ms][0] == ("from", "start"), text
        assert ms[1].range_role == "end" and ms[1].range_start == date(2026, 10, 20), text


def test_the_end_of_a_clock_time_range_is_the_deadline_and_its_start_is_listed():
    draft = parse_plan(HEADER + "Các trường nộp hồ sơ từ 7 giờ 30 phút ngày 20/10/2026 đến 17 giờ ngày 25/10/2026.")
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-10-25", "award_dossier")]
    assert [(s["date"], s["reason"]) for s in draft["skipped"]] == [("2026-10-20", "start")]


def test_from_a_clock_time_on_one_day_is_that_day():
    draft = parse_plan(HEADER + "Kết nối thử nghiệm từ 16h00, ngày 13/10/2026.")
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-10-13", "event")]


def test_a_schedule_line_headed_by_its_year_is_read():
    [m] = find_dates("- Năm 2027: tổ chức tổng kết phong trào", 2026)
    assert (m.date, m.precision) == (date(2027, 12, 31), "year")
    assert find_dates("Kế hoạch năm 2027: nội dung", 2026) == []          # a year inside a phrase: not a head
    draft = parse_plan(HEADER + "Năm 2027: tổ chức tổng kết phong trào.\nNăm 2028: các trường hoàn thành kiểm định.")
    assert [(m["date"], m["precision"], m["kind"]) for m in draft["milestones"]] == [("2027-12-31", "year", "final_report")]
    assert [(s["date"], s["reason"]) for s in draft["skipped"]] == [("2028-12-31", "coarse")]   # listed, not lost


def test_a_day_month_written_with_a_dash_after_ngay_is_a_date():
    ms = find_dates("Các sở báo cáo về Bộ trước ngày 10-6, gửi danh sách về Bộ trước ngày 5-7.", 2026)
    assert [(m.date, m.cue) for m in ms] == [(date(2026, 6, 10), "before"), (date(2026, 7, 5), "before")]
    assert find_dates("giai đoạn 2021-2025, từ 10-15 học sinh mỗi lớp", 2026) == []    # numbers, not dates


def test_a_weekday_between_ngay_and_the_day_keeps_the_cue_and_is_no_commemoration():
    [m] = find_dates("gửi báo cáo trước 16 giờ 00 ngày thứ Sáu, 20/11/2026", 2026)
    assert m.cue == "before"
    draft = parse_plan(HEADER + "I. NỘI DUNG\n1. Các đơn vị gửi báo cáo về Phòng trước 16 giờ 00 ngày thứ Sáu, 20/11/2026.")
    assert [(x["date"], x["kind"]) for x in draft["milestones"]] == [("2026-11-20", "other")]


def test_deadline_labels_of_a_few_words_and_clock_marks_keep_the_cue():
    assert [m.cue for m in find_dates("Thời hạn hoàn thành: ngày 05/12/2026", 2026)] == ["before"]
    assert [m.cue for m in find_dates("Hạn nộp hồ sơ thi đua: 17h00 ngày 20/11/2026", 2026)] == ["before"]
    assert [m.cue for m in find_dates("Thời gian nộp: Trước 17h00' ngày 30/10/2026", 2026)] == ["before"]
