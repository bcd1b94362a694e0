"""Wording: /suakh, changing a saved or launched plan (kế hoạch), and what schools are told about it."""

EDIT_FLOW_TITLE = "sửa kế hoạch"
EDIT_NO_CAMPAIGN = "Chưa có kế hoạch nào để sửa. Gõ /taomoi hoặc /taochiendich để tạo."
EDIT_PICK_CAMPAIGN = "Chọn kế hoạch cần sửa:"
EDIT_MENU = (
    "Sửa kế hoạch «{title}» ({status})\n"
    "• Số văn bản: {doc_number}\n"
    "• Thời gian thực hiện: {period}\n"
    "• Số đề cử tối đa mỗi đơn vị mỗi đợt: {quota}; {late}\n"
    "Các mốc:\n{milestones}\n\n"
    "Chọn phần cần sửa:"
)
EDIT_MS_LINE = "  {n}. {title} — hạn {due}"
EDIT_NO_MILESTONES = "  (chưa có mốc nào)"
EDIT_BTN_TITLE = "Tên"
EDIT_BTN_DOC = "Số văn bản"
EDIT_BTN_PERIOD = "Thời gian"
EDIT_BTN_ISSUED = "Ngày ban hành"
EDIT_BTN_UNITS = "Đơn vị tham gia"
EDIT_UNITS = "Đơn vị tham gia: {count} ({codes}).\nThêm hay bớt đơn vị?"
EDIT_BTN_UNITS_ADD = "Thêm đơn vị"
EDIT_BTN_UNITS_DROP = "Bớt đơn vị"
EDIT_ASK_UNITS_ADD = "Gõ mã các đơn vị cần thêm, cách nhau bằng dấu phẩy (ví dụ TH05, THCS02):"
EDIT_ASK_UNITS_DROP = "Gõ mã các đơn vị không còn tham gia, cách nhau bằng dấu phẩy (bài đã nộp vẫn được giữ):"
EDIT_UNITS_ADDED_LAUNCHED = " Kế hoạch đã phát động: gõ /phatdong để gửi tới các đơn vị mới (ai đã nhận sẽ không nhận lại)."
EDIT_ASK_ISSUED = "Gõ ngày ban hành của văn bản (ví dụ 05/09/2026):"
EDIT_BTN_MS_KIND = "Đổi loại"
EDIT_ASK_MS_KIND = "Chọn loại mới của mốc (hiện tại: {current}):"
EDIT_KIND_HAS_WORK = "Mốc này đã có bài nộp nên không đổi loại được; hãy bỏ mốc và thêm mốc mới nếu cần."
EDIT_BTN_QUOTA = "Số đề cử"
EDIT_BTN_LATE = "Đề cử muộn: đổi"
EDIT_BTN_MILESTONE = "Sửa một mốc"
EDIT_BTN_ADD = "Thêm mốc"
EDIT_BTN_DONE = "Xong"
EDIT_ASK_TITLE = "Gõ tên mới của kế hoạch (hiện tại: «{current}»):"
EDIT_ASK_DOC = "Gõ số văn bản mới (ví dụ 87/KH-GDĐT; hiện tại: {current}):"
EDIT_ASK_PERIOD = "Gõ thời gian thực hiện mới (ví dụ «từ 05/09/2026 đến 31/05/2027» hoặc «đến hết tháng 5/2027»):"
EDIT_BAD_PERIOD = "Chưa đọc được khoảng thời gian «{text}». Hãy gõ như «từ 05/09/2026 đến 31/05/2027»."
EDIT_ASK_QUOTA = "Gõ số đề cử tối đa mỗi đơn vị được gửi trong một đợt (1–{max}):"
EDIT_SAVED = "Đã lưu: {what}."
EDIT_WHAT = {"title": "tên kế hoạch", "doc_number": "số văn bản", "period": "thời gian thực hiện",
             "quota": "số đề cử mỗi đơn vị", "issued": "ngày ban hành", "late": "quy định nhận đề cử muộn", "units": "đơn vị tham gia", "ms_kind": "loại mốc", "ms_title": "tên mốc", "ms_docs": "hồ sơ cần nộp",
             "ms_due": "hạn mới", "ms_drop": "đã bỏ mốc", "ms_add": "mốc mới"}
EDIT_PICK_MILESTONE = "Chọn mốc cần sửa:"
EDIT_MS_MENU = "Mốc «{title}» — hạn {due}{docs}\nSửa gì?"
EDIT_MS_DOCS = "\nHồ sơ cần nộp: {docs}"
EDIT_BTN_MS_TITLE = "Đổi tên"
EDIT_BTN_MS_DUE = "Đổi hạn"
EDIT_BTN_MS_DOCS = "Hồ sơ cần nộp"
EDIT_BTN_MS_DROP = "Bỏ mốc"
EDIT_BTN_BACK = "Quay lại"
EDIT_ASK_MS_TITLE = "Gõ tên mới của mốc (hiện tại: «{current}»):"
EDIT_ASK_MS_DUE = "Gõ hạn mới của «{title}» (ví dụ 15/7, 15/07/2027 hoặc ngày 15 tháng 7):"
EDIT_ASK_MS_DOCS = "Gõ các loại hồ sơ cần nộp, mỗi dòng một loại (gõ «không» nếu không yêu cầu):"
EDIT_DROP_CONFIRM = (
    "Mốc «{title}» đã có {count} bài nộp/đề cử. Bỏ mốc thì các đơn vị không nộp và không được nhắc nữa; "
    "bài đã nộp và tệp vẫn được giữ, vẫn xuất được. Bỏ mốc?"
)
EDIT_DROP_CONFIRM_EMPTY = "Bỏ mốc «{title}»? Các đơn vị sẽ không còn thấy và không được nhắc mốc này."
EDIT_BTN_DROP_YES = "Bỏ mốc"
EDIT_BTN_DROP_NO = "Giữ lại"
EDIT_NOTIFY_PREVIEW = (
    "Sẽ báo cho {contacts} người liên hệ của {units} đơn vị chưa được duyệt mốc này, đúng như sau:\n\n{message}"
)
EDIT_NOTIFY_NOBODY = "Kế hoạch chưa phát động (hoặc không còn ai phải nộp mốc này) nên không cần báo ai."
EDIT_BTN_SAVE_TELL = "Lưu và báo các đơn vị"
EDIT_BTN_SAVE_QUIET = "Lưu, không báo"
EDIT_BTN_CANCEL = "Huỷ thay đổi"
EDIT_CHANGE_CANCELLED = "Đã huỷ thay đổi này; mốc giữ nguyên."
EDIT_TOLD = "Đã lưu hạn mới và đang báo cho {contacts} người liên hệ."
EDIT_DONE = "Đã xong việc sửa kế hoạch «{title}»."
EDIT_GONE = "Kế hoạch hoặc mốc này không còn nữa."
EDIT_ADD_ASK_KIND = "Chọn loại mốc cần thêm:"
EDIT_ADD_ASK_TITLE = "Gõ tên mốc (ví dụ: Nộp báo cáo sơ kết học kỳ I):"
EDIT_ADD_ASK_DUE = "Gõ hạn của «{title}» (ví dụ 15/7, 15/07/2027 hoặc ngày 15 tháng 7):"

# what schools are told
EDIT_NOTICE_MOVED = (
    "📣 Phòng/Sở điều chỉnh hạn «{milestone}» — {campaign}: từ {old} sang {new}.\n"
    "Các nhắc hạn sẽ theo hạn mới."
)
EDIT_NOTICE_ADDED = (
    "📣 Phòng/Sở bổ sung mốc «{milestone}» — {campaign}, hạn {new}.\n"
    "Gõ /viec để xem việc cần làm."
)

# titles that look like something else
TITLE_LOOKS_LIKE_DATE = (
    "«{text}» trông giống một ngày, không phải tên mốc. Hãy gõ tên mốc (ví dụ: Nộp báo cáo sơ kết học kỳ I); "
    "hạn nộp sẽ được hỏi ở bước sau."
)
TITLE_TOO_SHORT = "Tên mốc «{text}» quá ngắn. Hãy gõ tên rõ ràng (ví dụ: Nộp báo cáo sơ kết học kỳ I)."

# CLI
EDIT_CLI_HELP = "sửa tên, số văn bản, thời gian, số đề cử của một kế hoạch"
EDIT_CLI_MS_HELP = "sửa một mốc: tên, hạn (báo các đơn vị với --notify), hồ sơ, hoặc bỏ mốc"
EDIT_CLI_NOTHING = "Không có gì để sửa: hãy cho ít nhất một tuỳ chọn."
EDIT_CLI_SAVED = "Đã sửa kế hoạch #{id}: {what}."
EDIT_CLI_MS_SAVED = "Đã sửa mốc #{id}: {what}."
EDIT_CLI_MS_NOT_FOUND = "Không có mốc số {id}."
EDIT_CLI_TOLD = "Đã xếp {count} tin báo các đơn vị (gửi khi bot đang chạy)."
EDIT_CLI_DROP_HAS_WORK = "Mốc #{id} đã có {count} bài nộp/đề cử; thêm --force để vẫn bỏ (tệp vẫn được giữ)."
