"""The one rule that turns "bấm" into "gõ số" for a chat without buttons (bot/texts/choices.py)."""
import pytest

from bot import texts
from bot.channels.zalo import render_text
from handlers.io import Choice, OutMessage


@pytest.mark.parametrize("text, labels, typed", [
    ("Gửi xong bấm «Xong».", ["Thêm", "Xong"], "Gửi xong gõ số 2 («Xong»)."),
    ("Nếu chưa có, bấm Bỏ qua.", ["Bỏ qua"], "Nếu chưa có, gõ số 1 («Bỏ qua»)."),
    ("Bấm «Nộp ngay» để nộp.", ["Nộp ngay"], "Gõ số 1 («Nộp ngay») để nộp."),
    ("Còn 2 hạng mục. Bấm nút bên dưới để nộp.", ["A", "B"], "Còn 2 hạng mục. Gõ số của lựa chọn bên dưới để nộp."),
    ("Chọn cụm (bấm để chọn/bỏ chọn), rồi bấm Xong.", ["Cụm 1", "Xong"],
     "Chọn cụm (gõ số để chọn/bỏ chọn), rồi gõ số 2 («Xong»)."),
    ("Đã ghi nhận, không cần bấm lại.", [], "Đã ghi nhận, không cần gõ lại."),
    ("Bấm «Đã nhận» để xác nhận.", [], "Gõ «Đã nhận» để xác nhận."),      # a label not offered here
])
def test_for_typing(text, labels, typed):
    assert texts.for_typing(text, labels) == typed


def test_no_text_offered_on_zalo_says_bam():
    """Every text of the package, rendered as Zalo renders it, asks to type, never to press."""
    for name in dir(texts):
        value = getattr(texts, name)
        if isinstance(value, str) and "bấm" in value.lower() and name not in BUTTON_ONLY:
            rendered = render_text(OutMessage(value, choices=[[Choice("Xong", "x")]]), [], "https://x", b"k")
            assert "bấm" not in rendered.lower(), (name, rendered)


# Shown only where real buttons exist: the browser upload page, and a forged Telegram callback.
BUTTON_ONLY = {"UPLOAD_PAGE_HINT", "WEB_UPLOAD_UNREADABLE", "FORGED_BUTTON"}
