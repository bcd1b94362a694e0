"""Wording: the office staff's follow-up (progress, review, nudges, export)."""

# ---------------------------------------------------------------------------------------- shared pickers
PROGRESS_NO_CAMPAIGN = "Chưa có kế hoạch nào đã phát động để theo dõi."
PROGRESS_PICK_CAMPAIGN = "Chọn kế hoạch:"
PROGRESS_NO_MILESTONE = "Kế hoạch «{title}» chưa có mốc nào mà các đơn vị phải nộp."
PROGRESS_PICK_MILESTONE = "Chọn mốc:"
PROGRESS_GONE = "Không tìm thấy kế hoạch hoặc mốc này trong các kế hoạch của cơ quan bạn (có thể vừa bị xoá). Hãy bắt đầu lại."
PROGRESS_BTN_NEXT = "Trang sau"
PROGRESS_BTN_PREV = "Trang trước"
PROGRESS_BTN_BACK = "Quay lại"
PROGRESS_BTN_DONE = "Xong"
PROGRESS_PAGE = "trang {page}/{pages}"
PROGRESS_DUE_DAY = "{date}"
PROGRESS_DUE_MONTH = "tháng {month:02d}/{year}"
PROGRESS_DUE_YEAR = "năm {year}"

# ---------------------------------------------------------------------------------------- /tiendo
PROGRESS_FLOW_TITLE = "xem tiến độ"
PROGRESS_HEAD = "Tiến độ: {title}\nSố đơn vị tham gia: {units}"
PROGRESS_MILESTONE_LINE = (
    "{n}. {title} — hạn {due}\n"
    "   Chờ duyệt {submitted} · Đã duyệt {accepted} · Bị trả lại {returned} · Chưa nộp {missing}"
    " · Nộp muộn {late}"
)
PROGRESS_PICK_LIST = "Chọn một mốc để xem danh sách đơn vị chưa nộp và nộp muộn."
PROGRESS_CHART_CAPTION = "Biểu đồ tiến độ nộp: {title}"
PROGRESS_CHART_TITLE = "Tiến độ nộp theo mốc"
PROGRESS_CHART_YLABEL = "Số đơn vị"
PROGRESS_LIST_MISSING = "«{milestone}» — chưa nộp: {total} đơn vị ({page})"
PROGRESS_LIST_LATE = "«{milestone}» — nộp muộn: {total} đơn vị ({page})"
PROGRESS_EMPTY_MISSING = "Tất cả các đơn vị đã nộp mốc này."
PROGRESS_EMPTY_LATE = "Không có đơn vị nào nộp muộn mốc này."
PROGRESS_LIST_UNREACHED = "«{title}» — đơn vị chưa có người nhận tin: {total} ({page})\nCác đơn vị này không nhận được tin phát động và nhắc hạn; hãy gọi điện và gửi mã mời."
PROGRESS_EMPTY = {
    "missing": PROGRESS_EMPTY_MISSING,
    "late": PROGRESS_EMPTY_LATE,
    "unreached": "Đơn vị nào cũng đã có người nhận tin.",
}
PROGRESS_REACH = " — {who}"
PROGRESS_NOBODY_BOUND = "chưa có người nhận tin"
PROGRESS_ROSTER = "đầu mối {roster}"
PROGRESS_UNIT_LINE = "{n}. {code} — {name}{cluster}"
PROGRESS_LATE_LINE = "{n}. {code} — {name}{cluster} (nộp lúc {at})"
PROGRESS_CLUSTER = " [{cluster}]"
PROGRESS_BTN_SHOW_LATE = "Xem nộp muộn"
PROGRESS_BTN_SHOW_MISSING = "Xem chưa nộp"
PROGRESS_BTN_SHOW = {"missing": PROGRESS_BTN_SHOW_MISSING, "late": PROGRESS_BTN_SHOW_LATE,
                     "unreached": "Chưa có người nhận tin"}
PROGRESS_CLOSED = "Đã đóng bảng tiến độ. Gõ /tiendo để xem lại."

# ---------------------------------------------------------------------------------------- /duyet
REVIEW_FLOW_TITLE = "duyệt bài nộp"
REVIEW_MILESTONE_LABEL = "{title} ({n} chờ duyệt)"
REVIEW_QUEUE_HEAD = "«{milestone}» — {total} bài chờ duyệt ({page}). Chọn đơn vị để xem bài:"
REVIEW_QUEUE_ALL_HEAD = "«{milestone}» — tất cả {total} bài đã nộp ({page}). Chọn đơn vị để xem hoặc duyệt lại:"
REVIEW_QUEUE_EMPTY = "«{milestone}»: không còn bài nào chờ duyệt."
REVIEW_QUEUE_ALL_EMPTY = "«{milestone}»: chưa có đơn vị nào nộp."
REVIEW_BTN_SHOW_ALL = "Xem cả bài đã xử lý"
REVIEW_BTN_SHOW_WAITING = "Chỉ bài chờ duyệt"
REVIEW_UNIT_LABEL = "{code} · {name}"
REVIEW_UNIT_LABEL_STATUS = "{code} · {name} ({status})"
REVIEW_FILE_CAPTION = "{unit} — tệp {n}/{count}: {name}"
REVIEW_FILE_ITEM = "{caption}\nMục hồ sơ: {item}"
REVIEW_DOSSIER_FOR = "Hồ sơ đi kèm đề cử {reference} ({name})."
REVIEW_DETAIL = (
    "{unit} (mã {code})\n"
    "Mốc: {milestone}\n"
    "Mã bài nộp: {reference} · lần nộp {version}\n"
    "Nộp lúc: {at}{late}\n"
    "Số tệp: {files}\n"
    "Ghi chú của đơn vị: {note}\n"
    "Trạng thái: {status}"
)
REVIEW_LATE_MARK = " (nộp muộn)"
REVIEW_NO_NOTE = "(không có)"
REVIEW_ALREADY = "Bài này đã được {reviewer} đánh dấu «{status}» lúc {at}."
REVIEW_ALREADY_COMMENT = "Lý do đã ghi: {comment}"
REVIEW_BTN_ACCEPT = "Duyệt"
REVIEW_BTN_RETURN = "Trả lại"
REVIEW_BTN_SKIP = "Bỏ qua"
REVIEW_BTN_CONFIRM = "Xác nhận đổi"
REVIEW_BTN_KEEP = "Giữ nguyên"
REVIEW_CONFIRM_CHANGE = "Bài này đã «{old}». Bạn có chắc muốn đổi thành «{new}»? Đơn vị sẽ được báo lại."
REVIEW_ASK_COMMENT = "Nhập lý do trả lại (bắt buộc) — đơn vị sẽ đọc lý do này để sửa và nộp lại:"
REVIEW_COMMENT_REQUIRED = "Cần nhập lý do trả lại bằng chữ. Hãy gõ lý do (hoặc /huy để huỷ)."
REVIEW_DONE_ACCEPTED = "Đã duyệt bài của {unit}. Đã báo cho {contacts} người của đơn vị."
REVIEW_DONE_RETURNED = "Đã trả lại bài của {unit}. Đã báo cho {contacts} người của đơn vị để nộp lại."
REVIEW_NO_CONTACT = "Lưu ý: đơn vị chưa có ai gắn với bot nên chưa báo được; hãy báo qua kênh khác."
REVIEW_UNKNOWN = "Không tìm thấy bài nộp này trong mốc đã chọn. Yêu cầu đã bị bỏ qua."
REVIEW_SUPERSEDED = "Đơn vị vừa nộp bản mới hơn nên bản này không còn để duyệt. Hãy chọn lại từ danh sách."
REVIEW_CHANGED_MEANWHILE = "Bài này vừa được {reviewer} xử lý («{status}») nên không thay đổi gì. Danh sách đã được cập nhật."
REVIEW_CLOSED = "Đã kết thúc duyệt bài. Gõ /duyet để tiếp tục khi cần."
REVIEW_SOMEONE = "một cán bộ khác"
# to the unit's contacts
REVIEW_NOTICE_ACCEPTED = (
    "Bài nộp «{milestone}» của {unit} (mã {reference}, lần nộp {version}) đã được duyệt. Cảm ơn đơn vị!"
)
REVIEW_NOTICE_RETURNED = (
    "Bài nộp «{milestone}» của {unit} (mã {reference}, lần nộp {version}) đã bị trả lại.\n"
    "Lý do: {comment}\n"
    "Đơn vị cần sửa và nộp lại mốc này. Hạn nộp: {due} ({days})."
)
REVIEW_BTN_RESUBMIT = "Nộp lại"

# ---------------------------------------------------------------------------------------- /nhacnho
NUDGE_FLOW_TITLE = "nhắc nhở đơn vị"
NUDGE_NO_LAUNCHED = "Chưa có kế hoạch nào đang phát động để nhắc."
NUDGE_PREVIEW = (
    "Nhắc mốc «{milestone}»\n"
    "Số đơn vị chưa nộp (hoặc bị trả lại): {units}\n"
    "Số người sẽ nhận tin: {contacts}{unreachable}\n\n"
    "Nội dung tin nhắc (mẫu):\n"
    "——\n{sample}\n——\n"
    "Gửi ngay?"
)
NUDGE_UNREACHABLE = "\n({n} đơn vị chưa có ai nhận được tin qua bot — hãy liên hệ qua kênh khác)"
NUDGE_NOBODY = "Mốc «{milestone}»: không có đơn vị nào còn thiếu. Không cần nhắc."
NUDGE_NO_RECIPIENT = "Mốc «{milestone}»: {units} đơn vị còn thiếu nhưng chưa có ai gắn với bot để nhận tin nhắc."
NUDGE_BTN_SEND = "Gửi"
NUDGE_BTN_CANCEL = "Huỷ"
NUDGE_CANCELLED = "Đã huỷ, không gửi tin nhắc nào."
NUDGE_QUEUED = "Đã xếp {queued} tin nhắc để gửi tới {units} đơn vị. Tin sẽ được gửi dần trong ít phút."
NUDGE_MESSAGE = (
    "Kính gửi {unit}: nhắc nộp «{milestone}» — {campaign}.\n"
    "Hạn nộp: {due} ({days}).\n"
    "{reason}"
)
NUDGE_REASON_MISSING = "Phòng/Sở chưa nhận được bài nộp của đơn vị."
NUDGE_REASON_RETURNED = "Bài nộp của đơn vị đã bị trả lại, cần sửa và nộp lại."
NUDGE_REASON_NO_NOMINEE = "Phòng/Sở chưa nhận được đề cử nào của đơn vị."
NUDGE_REASON_NOMINEE_RETURNED = "Đề cử của đơn vị đã bị trả lại, cần gửi đề cử khác."
NUDGE_BTN_NOMINATE = "Đề cử ngay"
NUDGE_SAMPLE_UNIT = "<tên đơn vị>"
NUDGE_BTN_SUBMIT = "Nộp ngay"

# ---------------------------------------------------------------------------------------- /xuat
EXPORT_FLOW_TITLE = "xuất tổng hợp"
EXPORT_XLSX_READY = "Bảng tổng hợp «{title}» ({milestones} mốc, {units} đơn vị)."
EXPORT_ZIP_READY = "Tệp nén các bài đã nộp: {files} tệp (bản mới nhất của mỗi đơn vị, mỗi mốc)."
EXPORT_ZIP_EMPTY = "Tệp nén các bài đã nộp: chưa có tệp nào."
EXPORT_ZIP_MISSING = "Lưu ý: {n} tệp không còn trên máy chủ nên không có trong tệp nén."
EXPORT_ZIP_LINK = (
    "Tệp nén các bài đã nộp: {files} tệp, {size} MB — quá lớn để gửi qua tin nhắn (tối đa 50 MB). "
    "Hãy tải về qua đường dẫn dưới đây."
)
EXPORT_ZIP_LINK_LABEL = "Tải tệp nén"
EXPORT_PROGRESS_START = "Đang tạo tệp… «{title}»"
EXPORT_PROGRESS = "Đang tạo tệp… «{title}»: {percent}%"
EXPORT_PROGRESS_DONE = "Đã tạo xong tệp xuất «{title}»."
EXPORT_PROGRESS_BUSY = "Tệp xuất của «{title}» đang được tạo theo yêu cầu trước; kết quả sẽ được gửi khi xong."
EXPORT_PROGRESS_FAILED = "Không tạo được tệp xuất «{title}»."
EXPORT_FAILED = (
    "Rất tiếc, máy chủ gặp lỗi khi tạo tệp xuất cho «{title}». Vui lòng thử lại /xuat sau ít phút; "
    "nếu vẫn lỗi, hãy báo quản trị viên."
)
EXPORT_SUMMARY_SHEET = "Tổng hợp"
EXPORT_SUMMARY_DOC = "Số hiệu: {number}"
EXPORT_SUMMARY_AT = "Xuất lúc: {at}"
EXPORT_SUMMARY_UNITS = "Số đơn vị tham gia: {units}"
EXPORT_SUMMARY_HEADERS = ["STT", "Mốc", "Hạn nộp", "Số đơn vị", "Chờ duyệt", "Đã duyệt", "Bị trả lại",
                          "Chưa nộp", "Nộp muộn", "Tỷ lệ đã nộp"]
EXPORT_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm", "Trạng thái", "Thời điểm nộp", "Muộn", "Số tệp",
                  "Ghi chú", "Người duyệt"]
EXPORT_YES = "Có"
EXPORT_RETURN_REASON = "Lý do trả lại: {comment}"
EXPORT_STATUS = {
    "missing": "Chưa nộp",
    "submitted": "Chờ duyệt",
    "accepted": "Đã duyệt",
    "returned": "Bị trả lại",
}
EXPORT_UNREACHED_SHEET = "Chưa có người nhận tin"
EXPORT_UNREACHED_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm", "Người đầu mối", "Điện thoại"]
EXPORT_ROUND_SHEET = "Danh sách đề cử {period}"
EXPORT_ROUND_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Cụm", "Họ và tên / Tên tập thể", "Chức vụ / Đặc điểm",
                        "Tóm tắt thành tích", "Hình thức đề nghị", "Trạng thái", "Ngày nộp", "Muộn", "Số hiệu",
                        "Đề nghị cấp trên"]
EXPORT_CLI_HELP = "xuất tổng hợp một kế hoạch ra .xlsx và .zip"
EXPORT_CLI_OUT_HELP = "thư mục ghi tệp (mặc định: thư mục hiện tại)"
EXPORT_CLI_NOT_FOUND = "Không có kế hoạch số {campaign_id}."
EXPORT_CLI_WROTE = "Đã ghi: {path}"
EXPORT_SHEET_FALLBACK = "Mốc"
