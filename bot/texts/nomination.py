"""Wording: exemplary nominations (/decu), award dossiers, staff review (/dscu), award forms (/hinhthuc)."""

# ----------------------------------------------------------------------------------------- shared: files

NOMINATION_FILE_BAD_TYPE = "Tệp «{name}» không đúng định dạng. Chỉ nhận PDF, DOC/DOCX, XLS/XLSX, JPG/PNG."
NOMINATION_FILE_TOO_BIG = "Tệp «{name}» nặng {size} MB, vượt quá giới hạn 20 MB mỗi tệp."
NOMINATION_FILE_FETCH_FAILED = "Không tải được tệp «{name}». Bạn hãy gửi lại tệp này."
NOMINATION_FILE_TOO_MANY = "Mỗi lần chỉ nhận tối đa {max} tệp; các tệp sau đã bị bỏ qua."

# ----------------------------------------------------------------------------------------- nominate (/decu)

NOMINATION_TITLE = "đề cử gương điển hình tiên tiến"
NOMINATION_NONE_OPEN = "Hiện không có đợt đề cử gương điển hình nào đang mở cho đơn vị của bạn."
NOMINATION_NOT_ALLOWED = "Không tìm thấy đợt đề cử này trong các phong trào thi đua mà đơn vị của bạn tham gia."
NOMINATION_ROUND_CLOSED = (
    "Đợt đề cử {period} (hạn {due}) đã khoá: Phòng/Sở không nhận thêm đề cử cho đợt này. "
    "Nếu cần, hãy liên hệ Phòng/Sở."
)
NOMINATION_LATE_NOTE = "Lưu ý: đợt {period} đã quá hạn ({due}). Phòng/Sở vẫn nhận, đề cử sẽ được ghi là nộp muộn."
NOMINATION_RECEIPT_LATE = "\nĐề cử đến sau hạn {due} nên được ghi là nộp muộn."
NOMINATION_EXISTING = "Các đề cử đang có hiệu lực của đơn vị:\n{lines}\n\nBạn muốn làm gì?"
NOMINATION_BTN_NEW = "Đề cử mới"
NOMINATION_BTN_WITHDRAW = "Rút một đề cử"
NOMINATION_PICK_CAMPAIGN = "Chọn phong trào thi đua để đề cử:"
NOMINATION_PICK_PERIOD = "Phong trào: {campaign}\nChọn đợt đề cử:"
NOMINATION_PERIOD_BUTTON = "{label} (hạn {due})"
NOMINATION_QUOTA_FULL = (
    "Đơn vị đã đề cử đủ {quota} gương điển hình cho {period}:\n{lines}\n\n"
    "Bạn có thể thay một đề cử đã gửi bằng đề cử mới (hạn: {due})."
)
NOMINATION_BTN_REPLACE = "Thay {name}"
NOMINATION_BTN_STOP = "Thôi"
NOMINATION_STOPPED = "Đã dừng. Không có gì thay đổi."
NOMINATION_ASK_TYPE = "{period}\nĐề cử tập thể hay cá nhân?"
NOMINATION_TYPE_COLLECTIVE = "Tập thể"
NOMINATION_TYPE_INDIVIDUAL = "Cá nhân"
NOMINATION_ASK_NAME_INDIVIDUAL = "Họ và tên người được đề cử:"
NOMINATION_ASK_NAME_COLLECTIVE = "Tên tập thể được đề cử (ví dụ: Tổ Toán – Tin):"
NOMINATION_NAME_BAD = "Tên cần từ 2 đến {max} ký tự. Hãy gõ lại."
NOMINATION_ASK_POSITION = "Chức vụ của người được đề cử (ví dụ: Giáo viên, Tổ trưởng chuyên môn):"
NOMINATION_ASK_POSITION_COLLECTIVE = "Đặc điểm của tập thể (ví dụ: Tổ chuyên môn gồm 12 giáo viên; có thể bỏ qua):"
NOMINATION_POSITION_LABELS = {"individual": "Chức vụ", "collective": "Đặc điểm"}
NOMINATION_POSITION_BAD = "Chức vụ tối đa {max} ký tự. Hãy gõ lại."
NOMINATION_ASK_UNIT = "Đơn vị công tác của {name}? Gõ tên đơn vị, hoặc bấm «Dùng tên đơn vị» để dùng: {unit}"
NOMINATION_BTN_OWN_UNIT = "Dùng tên đơn vị"
NOMINATION_UNIT_BAD = "Tên đơn vị tối đa {max} ký tự. Hãy gõ lại."
NOMINATION_ASK_ACHIEVEMENTS = "Tóm tắt thành tích (tối đa 2.000 ký tự, gõ thành một tin nhắn):"
NOMINATION_ACHIEVEMENTS_OK = "Đã ghi nhận tóm tắt thành tích ({count}/2.000 ký tự)."
NOMINATION_ACHIEVEMENTS_TOO_LONG = "Tóm tắt vượt quá 2.000 ký tự ({count}/2.000 ký tự). Hãy rút gọn rồi gửi lại."
NOMINATION_ACHIEVEMENTS_EMPTY = "Hãy gõ tóm tắt thành tích thành một tin nhắn."
NOMINATION_ASK_INNOVATION = "Mô hình mới, giải pháp, cách làm hay mà gương điển hình này tiêu biểu (có thể bỏ qua):"
NOMINATION_INNOVATION_BAD = "Phần này tối đa {max} ký tự. Hãy rút gọn rồi gửi lại."
NOMINATION_ASK_AWARD = "Hình thức khen thưởng đề nghị (có thể bỏ qua):"
NOMINATION_ASK_FILES = (
    "Gửi tệp minh chứng (PDF, DOC/DOCX, XLS/XLSX, JPG/PNG; tối đa 20 MB mỗi tệp), có thể gửi nhiều tệp.\n"
    "Bấm «Xong» khi đã gửi đủ, hoặc nếu không có minh chứng."
)
NOMINATION_FILES_RECEIVED = "Đã nhận {count} tệp minh chứng (tổng cộng {total}). Gửi thêm hoặc bấm «Xong»."
NOMINATION_FILES_EXPECTED = "Hãy gửi tệp minh chứng, hoặc bấm «Xong»."
NOMINATION_BTN_DONE = "Xong"
NOMINATION_BTN_SKIP = "Bỏ qua"
NOMINATION_BTN_CLEAR_FILES = "Xoá tệp đã gửi"
NOMINATION_SUMMARY = (
    "Kiểm tra lại đề cử:\n"
    "• Phong trào: {campaign}\n"
    "• Đợt: {period}\n"
    "• Loại: {type}\n"
    "• {name_label}: {name}\n"
    "• {position_label}: {position}\n"
    "• Đơn vị: {unit}\n"
    "• Tóm tắt thành tích ({count}/2.000 ký tự): {achievements}\n"
    "• Mô hình, giải pháp: {innovation}\n"
    "• Hình thức đề nghị: {award}\n"
    "• Minh chứng: {files}"
)
NOMINATION_SUMMARY_AMENDS = "\n\nĐây là bản sửa của đề cử {reference} đã bị trả lại."
NOMINATION_RECEIPT_AMENDS = "\nBản sửa của đề cử {reference} (bản cũ vẫn được lưu)."
NOMINATION_AMEND_TITLE = "sửa đề cử bị trả lại"
NOMINATION_AMEND_BTN = "Sửa đề cử"
NOMINATION_AMEND_START = (
    "Sửa đề cử {reference} ({name}). Phòng/Sở trả lại với lý do: {comment}\n"
    "Thông tin và minh chứng cũ đã được điền sẵn: bấm «Sửa» để đổi đúng phần cần sửa, rồi «Xác nhận» để gửi lại."
)
NOMINATION_AMEND_NOT_RETURNED = "Đề cử {reference} hiện không ở trạng thái bị trả lại nên không cần sửa."
NOMINATION_AMEND_ALREADY = "Đề cử {reference} đã được sửa và gửi lại thành {new}. Gõ /decu để xem các đề cử của đơn vị."
NOMINATION_AMEND_UNKNOWN = "Không tìm thấy đề cử này của đơn vị bạn."
NOMINATION_SUMMARY_REPLACES = "\n\nĐề cử này sẽ THAY THẾ đề cử {reference} ({name})."
NOMINATION_NAME_LABEL_INDIVIDUAL = "Họ và tên"
NOMINATION_NAME_LABEL_COLLECTIVE = "Tên tập thể"
NOMINATION_NONE = "(không có)"
NOMINATION_BTN_CONFIRM = "Xác nhận"
NOMINATION_BTN_EDIT = "Sửa"
NOMINATION_BTN_CANCEL = "Huỷ"
NOMINATION_ASK_EDIT = "Bạn muốn sửa mục nào?"
NOMINATION_EDIT_FIELDS = {
    "type": "Loại", "name": "Tên", "position": "Chức vụ/Đặc điểm", "unit": "Đơn vị", "achievements": "Tóm tắt",
    "innovation": "Mô hình", "award": "Hình thức", "files": "Minh chứng",
}
NOMINATION_CANCELLED = "Đã huỷ đề cử. Không có gì được lưu."
NOMINATION_QUOTA_CHANGED = "Trong lúc bạn soạn, đơn vị đã có đủ đề cử cho {period}. Hãy gõ /decu để thay thế một đề cử."
NOMINATION_RECEIPT = (
    "Đã nhận đề cử. Số tiếp nhận: {reference}\n"
    "• {period} — {campaign}\n"
    "• {name} ({type})\n"
    "• Minh chứng: {files} tệp\n"
    "Thời điểm: {at}"
)
NOMINATION_RECEIPT_REPLACED = "\nĐề cử {reference} trước đó đã được thay thế (chuyển sang trạng thái đã rút)."
NOMINATION_LINE = "{reference} · {period} · {name} ({status})"
NOMINATION_PICK_WITHDRAW = "Chọn đề cử muốn rút:"
NOMINATION_CONFIRM_WITHDRAW = "Rút đề cử {reference} ({name}, {period})? Sau khi rút, đề cử không còn được xét."
NOMINATION_BTN_CONFIRM_WITHDRAW = "Xác nhận rút"
NOMINATION_WITHDRAWN = "Đã rút đề cử {reference}."
NOMINATION_WITHDRAW_TOO_LATE = (
    "Không thể rút đề cử {reference}: hạn đề cử {period} đã qua ({due}). "
    "Sau hạn, danh sách đề cử đã chuyển sang Phòng/Sở; nếu cần điều chỉnh, hãy liên hệ cán bộ phụ trách."
)
NOMINATION_NOTHING_TO_WITHDRAW = "Đơn vị không có đề cử nào đang có hiệu lực để rút."
NOMINATION_TYPE_LABELS = {"individual": "cá nhân", "collective": "tập thể"}

# ----------------------------------------------------------------------------------------- award dossier

DOSSIER_TITLE = "nộp hồ sơ khen thưởng"
DOSSIER_DEFAULT_DOCUMENTS = [
    "Tờ trình đề nghị khen thưởng",
    "Biên bản họp bình xét",
    "Báo cáo thành tích (kèm minh chứng)",
    "Tóm tắt thành tích",
]
DOSSIER_NOT_ALLOWED = "Hồ sơ này không dành cho đơn vị của bạn, hoặc không còn nhận."
DOSSIER_ASK_NOMINEE = "Hồ sơ khen thưởng này đề nghị cho ai? Chọn đề cử của đơn vị mà hồ sơ đi kèm:"
DOSSIER_NOMINEE_BUTTON = "{reference} · {name}"
DOSSIER_NO_NOMINEE = "Hồ sơ của đơn vị (không kèm đề cử nào)"
DOSSIER_NOMINEE_CHOSEN = "Hồ sơ này đi kèm đề cử: {name}."
DOSSIER_CHECKLIST = (
    "Hồ sơ khen thưởng: {title}\nHạn nộp: {due}\n\n{lines}\n\n"
    "Chọn một mục để gửi tệp. Khi đủ tất cả các mục, bấm «Nộp hồ sơ»."
)
DOSSIER_LINE = "{mark} {index}. {label}{count}"
DOSSIER_LINE_COUNT = " ({count} tệp)"
DOSSIER_BTN_SUBMIT = "Nộp hồ sơ"
DOSSIER_BTN_CANCEL = "Huỷ"
DOSSIER_ASK_FILES = "Gửi tệp cho mục: {label}\n(PDF, DOC/DOCX, XLS/XLSX, JPG/PNG; tối đa 20 MB mỗi tệp; có thể gửi nhiều tệp). Bấm «Xong» khi đủ."
DOSSIER_FILES_RECEIVED = "Đã nhận {count} tệp cho «{label}» (tổng cộng {total}). Gửi thêm hoặc bấm «Xong»."
DOSSIER_FILES_EXPECTED = "Hãy gửi tệp cho mục «{label}», hoặc bấm «Xong»."
DOSSIER_BTN_DONE = "Xong"
DOSSIER_BTN_CLEAR = "Xoá tệp của mục này"
DOSSIER_CLEARED = "Đã xoá các tệp của mục «{label}»."
DOSSIER_PICK_LINE = "Hãy chọn một mục trong danh sách trước khi gửi tệp."
DOSSIER_INCOMPLETE = "Chưa thể nộp: hồ sơ còn thiếu\n{missing}\nHãy gửi đủ các mục này rồi bấm «Nộp hồ sơ»."
DOSSIER_CANCELLED = "Đã huỷ. Hồ sơ chưa được nộp và không có gì được lưu."
DOSSIER_RECEIPT = (
    "Đã nộp hồ sơ khen thưởng. Số tiếp nhận: {reference} (lần nộp thứ {version})\n"
    "{title}\n{lines}\nThời điểm: {at}{late}"
)
DOSSIER_RECEIPT_LINE = "✅ {label}: {files}"
DOSSIER_LATE = "\nLưu ý: hồ sơ nộp sau hạn ({due})."

# ----------------------------------------------------------------------------------------- staff review (/dscu)

NOMINATION_REVIEW_TITLE = "xem danh sách đề cử"
NOMINATION_REVIEW_NO_CAMPAIGNS = "Chưa có phong trào nào có đợt đề cử gương điển hình."
NOMINATION_REVIEW_GONE = "Không tìm thấy đợt đề cử này trong các phong trào của cơ quan bạn (có thể đã bị xoá). Gõ /dscu để chọn lại."
NOMINATION_REVIEW_PICK_CAMPAIGN = "Chọn phong trào:"
NOMINATION_REVIEW_PICK_PERIOD = "Phong trào: {campaign}\nChọn đợt đề cử:"
NOMINATION_REVIEW_PERIOD_BUTTON = "{label} ({count} đề cử)"
NOMINATION_REVIEW_LIST = "Đề cử {period} — {campaign}\nTrang {page}/{pages} · {total} đề cử\n\n{lines}"
NOMINATION_REVIEW_EMPTY = "Đề cử {period} — {campaign}\nChưa có đơn vị nào đề cử."
NOMINATION_REVIEW_LINE = "{n}. {unit}: {name} ({type}) — {status} · {reference}"
NOMINATION_REVIEW_ROUND_STATE = {
    "open": "Đợt đang nhận đề cử (hạn {due}).",
    "late": "Đã quá hạn {due}; đợt vẫn nhận đề cử muộn cho đến khi khoá.",
    "closed": "Đợt đã khoá: không nhận thêm đề cử (hạn {due}).",
}
NOMINATION_REVIEW_BTN_LOCK = "Khoá đợt"
NOMINATION_REVIEW_BTN_UNLOCK = "Mở lại đợt"
NOMINATION_REVIEW_LOCKED = (
    "Đã khoá đợt {period}: các đơn vị không gửi thêm đề cử được và không còn được nhắc "
    "({cancelled} tin nhắc đang chờ đã huỷ)."
)
NOMINATION_REVIEW_LOCKED_ALREADY = "Đợt này đã được khoá trước đó."
NOMINATION_REVIEW_UNLOCKED = "Đợt {period} đang mở: các đơn vị gửi được đề cử (sau hạn thì ghi là nộp muộn)."
NOMINATION_REVIEW_BTN_BOARD = "Bình xét theo cụm"
NOMINATION_REVIEW_BTN_FORWARD = "Đề nghị cấp trên"
NOMINATION_REVIEW_BTN_UNFORWARD = "Bỏ đề nghị cấp trên"
NOMINATION_REVIEW_FORWARDED = "Đã đánh dấu {reference} ({name}) để đề nghị cấp trên khen thưởng."
NOMINATION_REVIEW_UNFORWARDED = "Đã bỏ đánh dấu đề nghị cấp trên của {reference} ({name})."
NOMINATION_REVIEW_FORWARD_ONLY_ACCEPTED = "Chỉ đề cử đã duyệt mới được đề nghị cấp trên."
NOMINATION_REVIEW_DETAIL_FORWARDED = "\nĐề nghị cấp trên: có (đánh dấu lúc {at})"
NOMINATION_BOARD_HEAD = {
    "cluster": "Bình xét đề cử {period} — theo cụm thi đua\n{campaign}",
    "level": "Bình xét đề cử {period} — theo cấp học\n{campaign}",
}
NOMINATION_BOARD_GROUP = "▪ {name}: {accepted}/{quota} đề cử đã duyệt ({units} đơn vị)"
NOMINATION_BOARD_UNNAMED = {"cluster": "Chưa xếp cụm", "level": "Chưa rõ cấp học"}
NOMINATION_BOARD_LINE = "   {n}. {unit}: {name} ({type}){mark}"
NOMINATION_BOARD_MARK = " ★ đề nghị cấp trên"
NOMINATION_BOARD_NONE = "   (chưa có đề cử được duyệt)"
NOMINATION_BOARD_FOOT = (
    "★ Đề nghị cấp trên: {count} đề cử. Mở một đề cử đã duyệt trong danh sách để đánh dấu hoặc bỏ đánh dấu."
)
NOMINATION_BOARD_BTN_BY_LEVEL = "Theo cấp học"
NOMINATION_BOARD_BTN_BY_CLUSTER = "Theo cụm"
NOMINATION_REVIEW_BTN_PREV = "◀ Trước"
NOMINATION_REVIEW_BTN_NEXT = "Sau ▶"
NOMINATION_REVIEW_BTN_XLSX = "Xuất Excel"
NOMINATION_REVIEW_BTN_DOCX = "Xuất Word"
NOMINATION_REVIEW_BTN_CLOSE = "Đóng"
NOMINATION_REVIEW_CLOSED = "Đã đóng danh sách đề cử."
NOMINATION_REVIEW_DETAIL = (
    "{reference} — {status}\n"
    "Đơn vị đề cử: {unit}\n"
    "Đợt: {period}\n"
    "Loại: {type}\n"
    "{name_label}: {name}\n"
    "{position_label}: {position}\n"
    "Đơn vị công tác: {nominee_unit}\n"
    "Tóm tắt thành tích: {achievements}\n"
    "Mô hình, giải pháp: {innovation}\n"
    "Hình thức đề nghị: {award}\n"
    "Minh chứng: {files} tệp\n"
    "Gửi lúc: {at}{review}"
)
NOMINATION_REVIEW_DETAIL_REVIEWED = "\nĐã xét lúc {at}{comment}"
NOMINATION_REVIEW_EVIDENCE = "Minh chứng của {reference} ({count} tệp)."
NOMINATION_REVIEW_BTN_ACCEPT = "Duyệt"
NOMINATION_REVIEW_BTN_RETURN = "Trả lại"
NOMINATION_REVIEW_BTN_BACK = "Quay lại danh sách"
NOMINATION_REVIEW_ASK_COMMENT = "Nhập lý do trả lại {reference} (đơn vị sẽ nhận được nội dung này):"
NOMINATION_REVIEW_COMMENT_EMPTY = "Hãy gõ lý do trả lại (tối đa 1.000 ký tự)."
NOMINATION_REVIEW_DONE = "Đã {verb} đề cử {reference}; đã báo cho {count} đầu mối của đơn vị."
NOMINATION_REVIEW_VERBS = {"accepted": "duyệt", "returned": "trả lại"}
NOMINATION_REVIEW_WITHDRAWN = "Đề cử {reference} đã được đơn vị rút nên không thể xét."
NOMINATION_REVIEW_NOTICE_ACCEPTED = "Đề cử {reference} ({name}, {period}) đã được Phòng/Sở DUYỆT."
NOMINATION_REVIEW_NOTICE_RETURNED = (
    "Đề cử {reference} ({name}, {period}) đã bị Phòng/Sở TRẢ LẠI.\nLý do: {comment}\n"
    "Bấm «Sửa đề cử» để sửa và gửi lại (hạn {due}), hoặc gõ /decu để đề cử người khác."
)
NOMINATION_REVIEW_DETAIL_AMENDS = "\nBản sửa của {reference} (bị trả lại: {comment})"
NOMINATION_EXPORT_EMPTY = "Chưa có đề cử nào (đã nộp hoặc đã duyệt) để xuất."
NOMINATION_EXPORT_SENT = "Danh sách đề cử {period} — {count} đề cử ({fmt})."
NOMINATION_EXPORT_BUILDING = "Đang soạn văn bản đề cử {period}… Tệp sẽ được gửi ngay khi xong."
NOMINATION_EXPORT_FAILED = "Rất tiếc, máy chủ gặp lỗi khi soạn văn bản đề cử {period}. Vui lòng thử lại sau ít phút."
NOMINATION_EXPORT_TITLE = "DANH SÁCH ĐỀ NGHỊ TUYÊN DƯƠNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN {period}"
NOMINATION_EXPORT_SUBTITLE = "(Kèm theo Tờ trình số ……/TTr-…… ngày …… tháng …… năm ……)"
NOMINATION_EXPORT_CAMPAIGN = "Phong trào: {campaign}"
NOMINATION_EXPORT_HEADERS = ["STT", "Họ và tên / Tên tập thể", "Chức vụ / Đặc điểm", "Đơn vị", "Tóm tắt thành tích",
                             "Hình thức đề nghị"]
NOMINATION_EXPORT_SHEET = "Danh sách đề cử"

# ----------------------------------------------------------------------------------------- award forms

AWARD_LIST_HEADER = "Hình thức khen thưởng ({count}):"
AWARD_LINE = "{mark} #{id} {name} — {who}{authority}"
AWARD_WHO = {(True, True): "tập thể, cá nhân", (True, False): "tập thể", (False, True): "cá nhân", (False, False): "—"}
AWARD_LIST_HELP = (
    "\n\nThêm: /hinhthuc them <tên> | <tập thể|cá nhân|cả hai> | <thẩm quyền>\n"
    "Ngừng dùng: /hinhthuc tat <số>  ·  Dùng lại: /hinhthuc bat <số>"
)
AWARD_ADD_USAGE = "Cú pháp: /hinhthuc them <tên> | <tập thể|cá nhân|cả hai> | <thẩm quyền (không bắt buộc)>"
AWARD_ADDED = "Đã thêm hình thức khen thưởng #{id}: {name} ({who})."
AWARD_EXISTS = "Đã có hình thức khen thưởng tên «{name}»."
AWARD_NOT_FOUND = "Không tìm thấy hình thức khen thưởng «{key}». Gõ /hinhthuc để xem danh sách."
AWARD_DISABLED = "Đã ngừng dùng: {name}. Hình thức này không còn hiện khi đơn vị đề cử."
AWARD_ENABLED = "Đã dùng lại: {name}."
AWARD_BAD_WHO = "Đối tượng phải là «tập thể», «cá nhân» hoặc «cả hai»."
AWARD_CLI_ADDED = "Đã thêm #{id}: {name}"
AWARD_CLI_EXISTS = "Đã có hình thức khen thưởng tên «{name}»."
AWARD_CLI_NOT_FOUND = "Không tìm thấy hình thức khen thưởng «{key}»."
AWARD_CLI_DISABLED = "Đã ngừng dùng #{id}: {name}"
AWARD_CLI_ENABLED = "Đã dùng lại #{id}: {name}"
AWARD_CLI_HELP = "hình thức khen thưởng (danh hiệu, giấy khen, bằng khen...)"
