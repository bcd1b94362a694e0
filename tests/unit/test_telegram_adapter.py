"""Pure parts of the Telegram adapter: signed button data, long texts, commands in captions."""
from bot.channels.telegram import MAX_CALLBACK_BYTES, TEXT_LIMIT, sign, split_text, verify

SECRET = b"test-secret"


def test_signed_data_verifies_only_in_its_own_chat_and_fits_64_bytes():
    signed = sign(SECRET, "1001", "g|submit|12345")
    assert len(signed.encode()) <= MAX_CALLBACK_BYTES
    assert verify(SECRET, "1001", signed) == "g|submit|12345"
    assert verify(SECRET, "1002", signed) is None            # copied into another chat
    assert verify(SECRET, "1001", signed.replace("12345", "12346")) is None
    assert verify(SECRET, "1001", "g|submit|12345") is None  # unsigned


def test_long_texts_are_split_on_line_boundaries():
    lines = [f"{i:04d}. Trường Tiểu học số {i} — chưa nộp" for i in range(400)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) > 1 and all(len(p) <= TEXT_LIMIT for p in pieces)
    assert "\n".join(pieces).split("\n") == lines             # nothing lost, nothing cut mid-line
    assert split_text("x" * (TEXT_LIMIT + 10)) == ["x" * TEXT_LIMIT, "x" * 10]
    assert split_text("ngắn") == ["ngắn"]
