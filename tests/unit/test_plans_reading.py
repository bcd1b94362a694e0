"""schedules.plans.reading through the guarded reader: a plan with no text to read gets a clear Vietnamese
answer saying what to send instead (the answers themselves live in schedules.documents / bot.texts)."""
from __future__ import annotations

import pytest

from schedules.documents import UnreadableDocument
from schedules.plans.reading import read_plan_text
from tests.support.documents import jpeg, pdf_with, png, write


def _refusal(path) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read_plan_text(path)
    return caught.value


def test_a_scanned_plan_is_answered_that_it_has_no_text_and_what_to_send(tmp_path):
    problem = _refusal(write(tmp_path, "ke_hoach.pdf", pdf_with(blank=True)))
    assert problem.reason == "no_text"
    assert "không có lớp chữ (có thể là bản quét hoặc ảnh chụp)" in problem.message
    assert ".docx" in problem.message and "PDF" in problem.message


@pytest.mark.parametrize("name, make", [("ke_hoach.jpg", jpeg), ("ke_hoach.png", png)])
def test_a_photo_of_a_plan_is_answered_with_the_formats_that_are_read(tmp_path, name, make):
    problem = _refusal(write(tmp_path, name, make()))
    assert problem.reason == "unsupported"
    assert problem.message.startswith(f"Tệp «{name}» có định dạng chưa được hỗ trợ.")
    assert "PDF" in problem.message and "Word (.docx)" in problem.message


def test_legacy_font_letters_and_detached_tone_marks_are_read_as_the_intended_text():
    from schedules.plans import find_dates
    from schedules.plans.text import normalize_text

    # PDFs made from legacy-font documents: ư as the look-alike "ƣ", a dot below left after a space
    assert normalize_text("xây dựng kế hoa ̣ch xong trƣớc 01/10/2021. TRƢỞNG PHÒNG") == \
        "xây dựng kế hoạch xong trước 01/10/2021. TRƯỞNG PHÒNG"
    [m] = find_dates(normalize_text("xong trƣớc 01/10/2021"), 2021)
    assert m.cue == "before"


def test_a_syllable_split_before_its_final_consonants_is_glued_back():
    from schedules.plans.text import normalize_text

    assert normalize_text("gửi về hòm thư trướ c 15h ngày 15, theo hướ ng dẫn, chứ c vụ") == \
        "gửi về hòm thư trước 15h ngày 15, theo hướng dẫn, chức vụ"
    assert normalize_text("có chỗ ngồi; các trường") == "có chỗ ngồi; các trường"      # whole words stay apart


def test_fold_keeps_every_position():
    from schedules.plans.text import fold

    text = "Đăng ký THI ĐUA trước ngày 30/9 — Hồ sơ khen thưởng"
    assert fold(text) == "dang ky thi dua truoc ngay 30/9 — ho so khen thuong"
    assert len(fold("İ ẞ ǅ ﬁ")) == len("İ ẞ ǅ ﬁ")      # letters whose lower case is longer: still one for one


def test_words_typed_in_a_tcvn3_font_are_read_as_unicode_and_unicode_words_are_left_alone():
    from schedules.plans.text import normalize_text

    assert normalize_text("C¨n cø Quyết định số 161; tr\xadêng häc; n¨m häc 2020; §¬n vÞ; tr\xad¬ng") == \
        "Căn cứ Quyết định số 161; trêng học; năm học 2020; Đơn vị; trương"
    # signs Unicode text uses are no trigger: quotes «», a middle dot, §, ×
    assert normalize_text("Hà Nội, ngày 5 tháng 10; café; phong trào «Hai tốt» · § 3; 2×3") == \
        "Hà Nội, ngày 5 tháng 10; café; phong trào «Hai tốt» · § 3; 2×3"
