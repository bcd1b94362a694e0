"""Wording: a file the bot cannot read (schedules.documents). Every name starts with DOCUMENT_ or document_."""

# What a file is, as the user knows it (by extension or by what its content turned out to be)
DOCUMENT_KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "doc": "Word 97-2003 (.doc)",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "jpeg": "ảnh JPEG",
    "png": "ảnh PNG",
    "gif": "ảnh GIF",
    "text": "văn bản thuần (.txt)",
    "csv": "CSV",
    "zip": "tệp nén ZIP",
    "rtf": "RTF",
    "html": "trang web (HTML)",
}

DOCUMENT_EMPTY = "Tệp «{name}» trống, không có nội dung để đọc. Hãy kiểm tra lại tệp rồi gửi lại."
DOCUMENT_CORRUPT = (
    "Tệp «{name}» bị hỏng hoặc chưa được tải lên trọn vẹn nên không mở được. "
    "Hãy mở thử tệp trên máy, lưu lại rồi gửi lại."
)
DOCUMENT_ENCRYPTED = (
    "Tệp «{name}» đang được đặt mật khẩu nên không đọc được. "
    "Hãy gỡ mật khẩu (hoặc lưu một bản không có mật khẩu) rồi gửi lại."
)
DOCUMENT_MISLABELLED = (
    "Tệp «{name}» mang đuôi {expected} nhưng nội dung lại là {actual}. "
    "Hãy lưu lại đúng định dạng {expected} rồi gửi lại."
)
DOCUMENT_MISLABELLED_UNKNOWN = (
    "Tệp «{name}» mang đuôi {expected} nhưng nội dung không phải tệp {expected}. "
    "Hãy lưu lại đúng định dạng {expected} rồi gửi lại."
)
DOCUMENT_UNSUPPORTED = "Tệp «{name}» có định dạng chưa được hỗ trợ. Các định dạng nhận được: {accepted}."
DOCUMENT_UNSUPPORTED_OLD_WORD = (
    "Tệp «{name}» ở định dạng Word 97-2003 (.doc), chưa đọc được. "
    "Hãy mở tệp trong Word, chọn Lưu thành… → Word (.docx) hoặc PDF, rồi gửi lại."
)
DOCUMENT_UNSUPPORTED_OLD_EXCEL = (
    "Tệp «{name}» ở định dạng Excel 97-2003 (.xls), chưa đọc được. "
    "Hãy mở tệp trong Excel, chọn Lưu thành… → Excel (.xlsx), rồi gửi lại."
)
DOCUMENT_NO_TEXT = (
    "Tệp «{name}» không có lớp chữ (có thể là bản quét hoặc ảnh chụp) nên không đọc được nội dung. "
    "Hãy gửi tệp .docx, hoặc bản PDF xuất trực tiếp từ Word."
)
DOCUMENT_NO_NAME = "(không tên)"


def document_kind_label(kind: str | None) -> str:
    return DOCUMENT_KIND_LABELS.get(kind or "", kind or "")


def document_problem(reason: str, name: str, *, expected: str | None = None, actual: str | None = None,
                     accepted=()) -> str:
    """The one sentence the user gets for an unreadable file (reasons: schedules.documents.REASONS)."""
    name = name or DOCUMENT_NO_NAME
    if reason == "unsupported":
        if expected == "doc":
            return DOCUMENT_UNSUPPORTED_OLD_WORD.format(name=name)
        if expected == "xls":
            return DOCUMENT_UNSUPPORTED_OLD_EXCEL.format(name=name)
        labels = sorted({document_kind_label(k) for k in accepted})
        return DOCUMENT_UNSUPPORTED.format(name=name, accepted=", ".join(labels))
    if reason == "mislabelled":
        template = DOCUMENT_MISLABELLED if actual else DOCUMENT_MISLABELLED_UNKNOWN
        return template.format(name=name, expected=document_kind_label(expected), actual=document_kind_label(actual))
    return {"empty": DOCUMENT_EMPTY, "corrupt": DOCUMENT_CORRUPT, "encrypted": DOCUMENT_ENCRYPTED,
            "no_text": DOCUMENT_NO_TEXT}[reason].format(name=name)
