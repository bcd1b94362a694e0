"""Wording: creating a campaign from the plan document (/taochiendich)."""

PLAN_ASK_FILE = (
    "Hãy gửi tệp kế hoạch (.docx, .pdf hoặc .txt). Tôi sẽ đọc số ký hiệu, ngày ban hành, thời gian và các mốc "
    "thời hạn để lập bản nháp kế hoạch thi đua."
)
PLAN_BAD_FILE = "Tôi chỉ đọc được kế hoạch dạng .docx, .pdf (có chữ, không phải ảnh quét) hoặc .txt. Hãy gửi lại tệp."
PLAN_TOO_BIG = "Tệp quá lớn (tối đa 20 MB). Hãy gửi bản nhẹ hơn."
PLAN_TEXT_NOT_FILE = "Tôi đang chờ tệp kế hoạch. Hãy gửi tệp (.docx, .pdf, .txt) hoặc gõ /huy để huỷ."
PLAN_UNREADABLE = "Không đọc được nội dung tệp này ({reason}). Hãy gửi bản .docx hoặc .pdf có chữ."
PLAN_DOWNLOAD_FAILED = "Không tải được tệp từ máy chủ tin nhắn. Hãy gửi lại tệp."
PLAN_DRAFT_HEADER = "Bản nháp kế hoạch thi đua từ tệp «{name}»"
PLAN_DRAFT_FIELDS = (
    "• Tiêu đề: {title}\n• Số ký hiệu: {number}\n• Ngày ban hành: {issued}\n• Thời gian: {period}"
)
PLAN_NO_VALUE = "(không rõ)"
PLAN_MILESTONES_HEADER = "Các mốc thời hạn:"
PLAN_MILESTONE_LINE = "{n}. {date}{precision} · {kind} · {who}\n   «{text}»"
PLAN_PRECISION = {"day": "", "month": " (trong tháng)", "year": " (trong năm)"}
PLAN_NO_MILESTONES = "Không tìm thấy mốc thời hạn nào. Bạn có thể thêm mốc bằng nút «Thêm mốc»."
PLAN_RECURRING_HEADER = "Việc định kỳ:"
PLAN_DOSSIER_LINE = "Hồ sơ khen thưởng gồm (danh mục các trường nộp): {items}"
PLAN_RECURRING_MILESTONES_HEADER = "Mốc định kỳ (khi lưu, mỗi kỳ trong thời gian kế hoạch thành một mốc):"
PLAN_RECURRING_MILESTONE_LINE = "• {every}: {kind} · {who} · kỳ đầu hạn {date}"
PLAN_SKIPPED_HEADER = "Ngày không lấy làm mốc ({count}):"
PLAN_SKIPPED_ITEM = "{date} ({reason})"
PLAN_SKIP_REASONS = {
    "cited": "văn bản được trích dẫn", "commemorative": "ngày kỷ niệm", "phase": "giai đoạn, đợt",
    "start": "ngày bắt đầu", "period": "thời gian thực hiện", "coarse": "chỉ có tháng hoặc năm",
    "past": "trước ngày ban hành", "section": "phần không giao việc", "summary": "câu tổng kết",
    "no_obligation": "không thấy việc phải nộp", "dateline": "ngày đưa tin", "timestamp": "giờ đăng trang",
}
PLAN_BTN_TAKE = "Lấy một ngày làm mốc"
PLAN_TAKE_ASK = "Chọn ngày cần lấy làm mốc:"
PLAN_TAKEN = "Đã thêm mốc ngày {date}."
PLAN_NOMINATION_RULE = "Đề cử gương điển hình: mỗi đơn vị {quota} đề cử, {every} (mỗi đợt được theo dõi, nhắc và xuất riêng)."
PLAN_ONCE = "một đợt"
PLAN_ROUND_TITLE = "Đề cử gương điển hình tiên tiến"
PLAN_ROUNDS_ADDED = "\nĐã tạo {count} đợt đề cử gương điển hình theo kế hoạch (xem bằng /dscu)."
PLAN_RECURRING_ADDED = "\nĐã tạo {count} mốc định kỳ theo kế hoạch, mỗi kỳ một mốc."
PLAN_EVERY = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng một lần", "year": "hằng năm"}
PLAN_OFFICE_STEP = " (việc của Phòng/Sở, không nhắc đơn vị)"
PLAN_BTN_CONTINUE = "Chọn đơn vị tham gia"
PLAN_BTN_EDIT = "Sửa một mốc"
PLAN_BTN_ADD = "Thêm mốc"
PLAN_BTN_CANCEL = "Huỷ"
PLAN_PICK_MILESTONE = "Chọn mốc cần sửa:"
PLAN_EDIT_WHAT = "Mốc {n}: {date} · {kind}. Bạn muốn làm gì?"
PLAN_BTN_DATE = "Đổi ngày"
PLAN_BTN_KIND = "Đổi loại"
PLAN_BTN_DROP = "Bỏ mốc này"
PLAN_BTN_BACK = "Quay lại"
PLAN_ASK_DATE = "Gõ ngày mới (ví dụ 15/7, 15/07/2024 hoặc ngày 15 tháng 7):"
PLAN_BAD_DATE = "Ngày «{text}» không hợp lệ ({reason}). Hãy gõ lại, ví dụ 15/7/2024."
PLAN_DATE_REASONS = {"empty": "chưa nhập ngày", "unreadable": "không đọc được", "impossible": "ngày không có thật",
                     "year_out_of_range": "năm không hợp lý"}
PLAN_ASK_KIND = "Chọn loại mốc:"
PLAN_ASK_TITLE = "Gõ tên mốc (ví dụ: Nộp báo cáo sơ kết học kỳ I):"
PLAN_DROPPED = "Đã bỏ mốc {n}."
PLAN_ASK_UNITS = "Đơn vị nào tham gia kế hoạch này?"
PLAN_BTN_ALL_UNITS = "Tất cả đơn vị ({count})"
PLAN_BTN_CLUSTER = "Cụm: {name}"
PLAN_BTN_CODES = "Nhập mã đơn vị"
PLAN_ASK_CODES = "Gõ mã các đơn vị, cách nhau bởi dấu phẩy (ví dụ: TH01, TH02, THCS03):"
PLAN_UNKNOWN_CODES = "Không có đơn vị mang mã: {codes}. Hãy gõ lại."
PLAN_NO_UNITS = "Chưa có đơn vị nào trong danh sách. Hãy nhập danh sách đơn vị trước (thidua units import)."
PLAN_SAVED = (
    "Đã lưu kế hoạch #{id} (bản nháp) với {milestones} mốc, {units} đơn vị tham gia, kèm tệp văn bản.\n"
    "Dùng /phatdong để phát động tới các đơn vị."
)
PLAN_FLOW_TITLE = "lập kế hoạch từ tệp văn bản"
PLAN_WHO_UNITS = "các đơn vị"
