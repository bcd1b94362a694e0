"""schedules.plans.kinds and obligations: the kind from the obligation's verb and object, one class of
phrasing per test (own fixtures)."""
from __future__ import annotations

from schedules.plans import classify_kinds, parse_plan
from schedules.plans.obligations import heading_obligation

HEADER = ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH\nSố: 77/PGDĐT\nAn Bình, ngày 12 tháng 10 năm 2026\n"
          "V/v các nội dung\nKính gửi: Hiệu trưởng các trường.\n")


def pairs(body: str) -> list[tuple[str, str]]:
    return [(m["date"], m["kind"]) for m in parse_plan(HEADER + body)["milestones"]]


def test_a_meeting_is_an_event_but_aggregating_or_fitting_is_not_a_meeting():
    assert classify_kinds("các trường họp chuyên môn") == ["event"]
    assert classify_kinds("dự họp trực tuyến") == ["event"]
    assert classify_kinds("tổng hợp số liệu") == ["other"]
    assert classify_kinds("lựa chọn nội dung phù hợp") == []


def test_a_dated_hand_in_with_an_unlisted_verb_is_kept_as_other():
    assert pairs("Ban biên tập nhận bài đến hết ngày 15/11/2026.") == [("2026-11-15", "other")]
    assert pairs("Kỷ yếu phát hành trước ngày 20/12/2026.") == [("2026-12-20", "other")]


def test_the_name_of_a_body_does_not_give_the_kind():
    assert classify_kinds("Ban Tổ chức nhận bài dự thi") == ["other"]          # not "tổ chức" → event
    assert classify_kinds("gửi danh sách về Vụ Tổ chức cán bộ") == ["other"]
    assert classify_kinds("tổ chức hội nghị") == ["event"]


def test_a_heading_that_hands_something_in_gives_its_items_their_kind():
    assert heading_obligation("5. Thời gian nộp báo cáo:") == ["other"]
    assert heading_obligation("3. Thời hạn gửi hồ sơ đề nghị khen thưởng") == ["award_dossier"]
    assert heading_obligation("II. NỘI DUNG") == []
    body = ("5. Thời gian nộp báo cáo:\n- Cuộc thi A: đến 10h, ngày 16 tháng 11 năm 2026\n"
            "- Cuộc thi B: đến 9h, ngày 28 tháng 11 năm 2026")
    assert pairs(body) == [("2026-11-16", "other"), ("2026-11-28", "other")]    # not the contests' "event"


def test_a_clause_opening_with_a_meeting_verb_is_an_event():
    assert classify_kinds("Họp bậc Mầm non tại trường Mầm non thị trấn") == ["event"]
    assert pairs("3. Thời gian, địa điểm:\n- Từ 7h30, ngày 9/11/2026: Họp bậc Mầm non tại trường Mầm non A.") == [
        ("2026-11-09", "event")]


def test_an_item_naming_its_report_then_its_deadline_in_the_next_sentence_keeps_the_reports_kind():
    from schedules.plans.obligations import object_before

    text = "- Báo cáo tổng kết công tác tự đánh giá năm học. Nộp Phòng GD&ĐT chậm nhất vào ngày 30/5/2027."
    assert object_before(text, text.index("Nộp")) == ["final_report"]
    assert pairs("I. BÁO CÁO\n" + text) == [("2027-05-30", "final_report")]
    dated = "- Báo cáo sơ kết trước ngày 10/01/2027. Nộp bản mềm trước ngày 15/01/2027."
    assert object_before(dated, dated.index("Nộp")) == []          # the first sentence has its own date


def test_an_announcement_or_an_exam_the_office_holds_is_an_event():
    assert classify_kinds("Công bố kết quả khảo sát") == ["event"]
    assert classify_kinds("Lịch khảo sát 3 môn Toán, Ngữ văn") == ["event"]
    body = ("II. TỔ CHỨC\n- Công bố danh sách học sinh được tuyển thẳng vào ngày 28/10/2026.\n"
            "- Lịch khảo sát 3 môn Toán, Ngữ văn, tiếng Anh: Ngày 30/10/2026\n"
            "- Công bố kết quả khảo sát: Chậm nhất ngày 04/11/2026.")
    assert pairs(body) == [("2026-10-28", "event"), ("2026-10-30", "event"), ("2026-11-04", "event")]


def test_when_the_office_receives_something_the_deadline_is_the_senders():
    from schedules.plans.obligations import office_receives

    assert office_receives("Lịch nhận hồ sơ: Từ ngày 20/10/2026 đến hết ngày 25/10/2026")
    assert not office_receives("Thời gian tổ chức hội nghị")
    draft = parse_plan(HEADER + "5. Thời gian nhận hồ sơ, công bố kết quả\n"
                                "Lịch nhận hồ sơ: Từ ngày 20/10/2026 đến hết ngày 25/10/2026 tại trường THCS A.")
    [m] = draft["milestones"]
    from schedules.plans import who_category
    assert (m["date"], m["kind"], who_category(m["who"])) == ("2026-10-25", "award_dossier", "units")   # not an event


def test_a_report_word_in_a_named_documents_title_is_its_topic_not_the_obligation():
    assert classify_kinds("Biên soạn Hướng dẫn tổng kết năm học") == ["other"]
    assert classify_kinds("Gửi Báo cáo tổng kết năm học") == ["final_report"]         # the report itself
    # the guide is only the topic of the first part; the report sent later is a report
    assert classify_kinds("Các trường thực hiện Hướng dẫn sơ kết và gửi báo cáo sơ kết") == ["preliminary_report"]


def test_a_second_deadline_joined_by_va_shares_the_first_ones_obligation():
    body = "1. Các trường gửi báo cáo sơ kết trước ngày 30/11/2026 (cấp THCS) và trước ngày 05/12/2026 (cấp Tiểu học)."
    assert pairs(body) == [("2026-11-30", "preliminary_report"), ("2026-12-05", "preliminary_report")]
