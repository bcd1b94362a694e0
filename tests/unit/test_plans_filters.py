"""schedules.plans.filters: why a found date is not a deadline, one class of phrasing per test (own fixtures)."""
from __future__ import annotations

from datetime import date

from schedules.plans import SKIP_REASONS, find_dates, fold
from schedules.plans.filters import DATE_FILTERS, Seen, why_not_a_deadline
from schedules.plans.text import sentence_start


def seen(text: str, *, section: str = "", floor: date | None = None, phase: bool = False, which: int = -1) -> Seen:
    m = find_dates(text, 2026)[which]
    folded = fold(text)
    return Seen(text, folded, m, sentence_start(folded, m.start), section, False, phase, floor)


def test_every_filter_reason_is_a_listed_reason_and_they_are_tried_in_order():
    reasons = [r for r, _ in DATE_FILTERS]
    assert set(reasons) <= set(SKIP_REASONS) and len(reasons) == len(set(reasons))
    assert reasons.index("cited") < reasons.index("past")     # a cited letter's date says "cited", not "past"


def test_a_cited_documents_date_is_cited():
    assert why_not_a_deadline(seen("Căn cứ Công văn số 12/SGDĐT-VP ngày 05/10/2026 của Sở")) == "cited"


def test_a_commemorative_day_is_commemorative():
    assert why_not_a_deadline(seen("Thi đua chào mừng ngày Nhà giáo Việt Nam 20/11")) == "commemorative"


def test_the_start_of_a_range_is_a_start_and_its_end_may_be_a_deadline():
    text = "Các trường nhận bài từ ngày 01/11/2026 đến ngày 15/11/2026."
    assert why_not_a_deadline(seen(text, which=0)) == "start"
    assert why_not_a_deadline(seen(text, which=1)) is None


def test_a_phase_a_past_date_and_the_purpose_section_are_not_deadlines():
    assert why_not_a_deadline(seen("Đợt 1: đến ngày 30/11/2026", phase=True)) == "phase"
    assert why_not_a_deadline(seen("Gửi báo cáo trước ngày 30/9/2026", floor=date(2026, 10, 1))) == "past"
    assert why_not_a_deadline(seen("Hoàn thành vào ngày 30/11/2026", section="i. muc dich, yeu cau")) == "section"
    # "trước" makes it a deadline even in that section
    assert why_not_a_deadline(seen("Gửi báo cáo trước ngày 30/11/2026", section="i. muc dich, yeu cau")) is None


def test_a_month_named_without_a_cue_is_coarse_and_the_closing_summary_is_a_summary():
    assert why_not_a_deadline(seen("Kết quả tháng 10/2026 được công bố trên cổng thông tin")) == "coarse"
    assert why_not_a_deadline(seen("Các trường gửi báo cáo trong tháng 10/2026")) is None      # "trong": a cue
    assert why_not_a_deadline(seen("Trên đây là kế hoạch thi đua, thực hiện đến ngày 31/12/2026.")) == "summary"


def test_a_news_dateline_is_not_a_deadline_but_a_dated_hand_in_at_the_line_start_is():
    assert why_not_a_deadline(seen("Ngày 20/10, Phòng GD&ĐT đã tổ chức hội thi giáo viên giỏi.")) == "dateline"
    assert why_not_a_deadline(seen("Ngày 20/9, Sở GD&ĐT cho biết kết quả thi.")) == "dateline"
    assert why_not_a_deadline(seen("Ngày 30/10/2026: các trường gửi báo cáo về Phòng.")) is None


def test_a_web_page_time_stamp_is_not_a_deadline_but_a_clock_range_is_read():
    assert why_not_a_deadline(seen("16:46 - 10/11/2026 Tin tức sự kiện")) == "timestamp"
    assert why_not_a_deadline(seen("Cập nhật: 10/11/2026 16:46")) == "timestamp"
    assert why_not_a_deadline(seen("Tập huấn từ 08:00 ngày 20/11/2026 - 11:30 ngày 22/11/2026", which=1)) is None


def test_every_reason_has_its_vietnamese_label():
    from bot import texts

    assert set(SKIP_REASONS) == set(texts.PLAN_SKIP_REASONS)


def test_a_deadline_after_a_citation_in_the_same_paragraph_is_the_paragraphs_own():
    text = "Căn cứ hướng dẫn của Phòng GD&ĐT, các trường xây dựng kế hoạch xong trước 01/10/2026."
    folded = fold(text)
    m = find_dates(text, 2026)[0]
    own = Seen(text, folded, m, 0, "", True, False, None)      # docref: the paragraph opens with "Căn cứ"
    assert why_not_a_deadline(own) is None
    cited = "Căn cứ Hướng dẫn số 7/HD-SGDĐT ngày 22/9/2026 của Sở"
    assert why_not_a_deadline(Seen(cited, fold(cited), find_dates(cited, 2026)[0], 0, "", True, False, None)) == "cited"


def test_a_programmes_horizon_year_is_a_period_name():
    assert why_not_a_deadline(seen("Tổ chức tổng kết Đề án giai đoạn 2017-2020, định hướng đến năm 2025")) == "period"
    assert why_not_a_deadline(seen("Chiến lược phát triển giáo dục, tầm nhìn đến năm 2030")) == "period"


def test_a_ceremony_held_on_a_stated_day_is_not_the_commemorated_day():
    from schedules.plans.filters import held_on_the_day

    text = "Phòng GD&ĐT tổ chức Lễ kỷ niệm ngày Nhà giáo Việt Nam vào ngày 18/11/2026."
    assert held_on_the_day(fold(text[: text.index("18/11")]))
    assert why_not_a_deadline(seen(text)) is None
    assert why_not_a_deadline(seen("Thi đua chào mừng ngày Nhà giáo Việt Nam 20/11")) == "commemorative"
