"""Wording: contact (a school's contact person): submitting reports (REPORT_) and the to-do list (TODO_)."""


def report_fmt_size(size: int | None) -> str:
    """1234567 -> '1,2 MB' (Vietnamese decimal comma)."""
    if not size:
        return "chưa rõ dung lượng"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


# ----------------------------------------------------------------------------------------- submitting

REPORT_FLOW_TITLE = "nộp báo cáo"
REPORT_NOTHING_OPEN = "Hiện đơn vị bạn không có hạng mục nào cần nộp. Gõ /viec để xem việc cần làm."
REPORT_NOTHING_OPEN_FOR_FILE = "Đã nhận tệp, nhưng hiện đơn vị bạn không có hạng mục nào cần nộp nên tệp chưa được lưu. Gõ /viec để xem việc cần làm."
REPORT_FILE_WHICH_MILESTONE = "Đã nhận {count} tệp. Tệp này nộp cho hạng mục nào?"
REPORT_PENDING_RESEND = "Hạng mục này có các bước riêng: khi được hỏi minh chứng hoặc hồ sơ, xin gửi lại tệp."
REPORT_CHOOSE_CAMPAIGN = "Bạn muốn nộp cho phong trào/kế hoạch nào?"
REPORT_CHOOSE_MILESTONE = "{campaign}\nChọn hạng mục cần nộp:"
REPORT_MILESTONE_LINE = "• {title} — hạn {due}{late}{status}"
REPORT_LATE_MARK = " (quá hạn)"
REPORT_ALREADY_SENT = " — đã nộp lần {version}"
REPORT_RETURNED = " — bị trả lại, cần nộp lại"
REPORT_BUTTON_LATE = " · quá hạn"
REPORT_NOT_ALLOWED = ("Hạng mục này không thuộc kế hoạch mà đơn vị bạn tham gia, hoặc không còn nhận bài. "
                      "Gõ /viec để xem các hạng mục của đơn vị.")
REPORT_ALREADY_ACCEPTED = "Hạng mục này đã được duyệt nên không cần nộp thêm. Gõ /viec để xem việc còn lại."
REPORT_NOTHING_TO_SEND = "Hạng mục này là một sự kiện, không cần nộp tệp."
REPORT_NOT_AVAILABLE = "Chức năng nộp cho hạng mục «{title}» chưa sẵn sàng. Bạn vui lòng thử lại sau."

REPORT_ASK_FILES = (
    "{campaign}\nHạng mục: {milestone} — hạn {due}{late}\n\n"
    "Hãy gửi tệp báo cáo (PDF, Word, Excel hoặc ảnh chụp JPG/PNG, mỗi tệp tối đa 20 MB). "
    "Có thể gửi nhiều tệp; gửi xong bấm «Xong»."
)
REPORT_ASK_FILES_DOCUMENTS = "\n\nHồ sơ cần có:\n{docs}"
REPORT_FILES_SO_FAR = "Đã nhận {count} tệp:\n{lines}\n\nGửi thêm tệp nếu cần, hoặc bấm «Xong»."
REPORT_FILES_NONE = "Chưa có tệp nào. Hãy gửi tệp báo cáo (PDF, Word, Excel, JPG/PNG)."
REPORT_FILE_LINE = "{n}. {name} ({size})"
REPORT_BAD_TYPE = ("Không nhận tệp «{name}»: chỉ nhận PDF, Word (DOC/DOCX), Excel (XLS/XLSX) và ảnh JPG/PNG. "
                   "Bạn hãy lưu lại thành PDF rồi gửi lại.")
REPORT_TOO_BIG = ("Không nhận tệp «{name}» ({size}): mỗi tệp tối đa 20 MB. "
                  "Bạn hãy nén tệp (ví dụ xuất PDF với chất lượng thấp hơn) hoặc tách thành nhiều tệp nhỏ rồi gửi lại.")
REPORT_TOO_MANY = "Mỗi lần nộp tối đa {max} tệp; các tệp sau không được nhận: {names}."
REPORT_EXPECT_FILE = ("Tôi đang chờ tệp báo cáo. Hãy gửi tệp (dùng nút đính kèm 📎), "
                      "bấm «Xong» nếu đã gửi đủ, hoặc «Huỷ» để dừng.")
REPORT_NEED_ONE_FILE = "Bạn chưa gửi tệp nào. Hãy gửi ít nhất một tệp trước khi bấm «Xong»."
REPORT_ASK_NOTE = "Bạn có muốn ghi chú gì cho Phòng/Sở không? Gõ ghi chú, hoặc bấm «Bỏ qua»."
REPORT_CURRENT_NOTE = "Ghi chú hiện tại: {note}"
REPORT_NOTE_TOO_LONG = "Ghi chú dài quá ({length} ký tự). Hãy viết gọn dưới {max} ký tự."
REPORT_NOTE_FILES_ADDED = "Đã thêm tệp vào danh sách."

REPORT_SUMMARY = (
    "Kiểm tra lại trước khi nộp:\n"
    "• Phong trào: {campaign}\n"
    "• Hạng mục: {milestone}\n"
    "• Hạn nộp: {due}{late}\n"
    "• Tệp ({count}):\n{files}\n"
    "• Ghi chú: {note}\n\n"
    "Bấm «Xác nhận» để nộp."
)
REPORT_SUMMARY_LATE = " — đã quá hạn, bài sẽ được ghi nhận là nộp muộn"
REPORT_NO_NOTE = "(không có)"
REPORT_EDIT_WHAT = "Bạn muốn sửa phần nào?"
REPORT_DOWNLOAD_FAILED = ("Không tải được tệp «{name}» từ máy chủ tin nhắn nên chưa có gì được lưu. "
                          "Bạn hãy bấm «Xác nhận» để thử lại, hoặc «Sửa» để gửi lại tệp.")
REPORT_RECEIPT = (
    "✅ Đã nhận bài nộp của {unit}.\n"
    "Số tiếp nhận: {reference}\n"
    "Thời gian: {at}\n"
    "Hạng mục: {milestone} ({campaign})\n"
    "Lần nộp: {version}{older}\n"
    "Tệp ({count}):\n{files}"
)
REPORT_RECEIPT_OLDER = " (các lần nộp trước vẫn được lưu)"
REPORT_RECEIPT_LATE = "\n⚠️ Bài được ghi nhận là nộp muộn."
REPORT_RECEIPT_NOTE = "\nGhi chú: {note}"
REPORT_CANCELLED = "Đã huỷ việc nộp báo cáo. Không có gì được lưu."

REPORT_BTN_DONE = "Xong"
REPORT_BTN_CANCEL = "Huỷ"
REPORT_BTN_SKIP = "Bỏ qua"
REPORT_BTN_CONFIRM = "Xác nhận"
REPORT_BTN_EDIT = "Sửa"
REPORT_BTN_EDIT_FILES = "Sửa tệp"
REPORT_BTN_EDIT_NOTE = "Sửa ghi chú"
REPORT_BTN_BACK = "Quay lại"
REPORT_BTN_CLEAR_FILES = "Xoá hết tệp"

# ----------------------------------------------------------------------------------------- to-do list

TODO_HEADER = "Việc cần làm của {unit} (tính đến {at}):"
TODO_NOTHING = "Đơn vị {unit} hiện không có hạng mục nào trong các phong trào đang triển khai."
TODO_CAMPAIGN = "\n📌 {title}"
TODO_LINE = "• {title} — hạn {due}: {status}"
TODO_DOCUMENTS = "\n   Hồ sơ gồm: {docs}"
TODO_INFO_HEAD = "Việc của Phòng/Sở (để biết, đơn vị không phải nộp):"
TODO_EVENT_LINE = "• {title} — ngày {due} (sự kiện, {days})"
TODO_STATUS_MISSING = "chưa nộp, {days}"
TODO_STATUS_RETURNED = "bị trả lại (lần {version}), {days}"
TODO_RETURN_COMMENT = "\n   Nhận xét: «{comment}»"
TODO_STATUS_SUBMITTED = "đã nộp (lần {version})"
TODO_STATUS_ACCEPTED = "đã duyệt (lần {version})"
TODO_STATUS_NOMINATED = "đã đề cử {count} người/tập thể"
TODO_STATUS_NOMINATION_ACCEPTED = "đề cử đã được duyệt"
TODO_STATUS_NOMINATION_RETURNED = "đề cử bị trả lại, {days}"
TODO_MORE = "… và {count} hạng mục khác (gõ /nop để nộp)."
TODO_ACCEPTED_FOLDED = "• Đã duyệt: {count} hạng mục."
TODO_MORE_CAMPAIGNS = "\n… và {count} phong trào khác."
TODO_OWED_COUNT = "\nCòn {count} hạng mục cần nộp. Bấm nút bên dưới để nộp."
TODO_ALL_DONE = "\nĐơn vị đã nộp đủ các hạng mục hiện có. 👍"
TODO_IN_FLOW = "\n(Bạn đang làm dở: {flow}. Hoàn tất hoặc gõ /huy trước khi nộp hạng mục khác.)"
TODO_BTN_SUBMIT = "Nộp: {title} ({due})"
REPORT_ZALO_HINT = ("Trên Zalo: gửi ảnh chụp từng trang (có thể gửi nhiều ảnh liên tiếp), gửi xong gõ «xong». "
                    "Tệp PDF hoặc Word: mở đường liên kết bên dưới để tải lên.")
