"""Wording: automatic deadline reminders, the staff's daily digest and the /nhachan policy editor."""

# ------------------------------------------------------------------------------ reminders to a unit's chat
# {milestone}: title (and period), {campaign}: campaign title, {due}: dd/mm/yyyy, {days}: a number.
# {verb} and {button}: what the unit does (nộp / gửi đề cử) and the button that starts it.
REMINDER_SUBMIT_NOW = "Nộp ngay"
REMINDER_NOMINATE_NOW = "Đề cử ngay"
REMINDER_VERB_SUBMIT = "nộp"
REMINDER_VERB_NOMINATE = "gửi đề cử"
REMINDER_GREETING = "Kính gửi quý đơn vị,\n"
REMINDER_BEFORE = (
    REMINDER_GREETING +
    "⏰ Nhắc hạn nộp: {milestone}\n"
    "Phong trào: {campaign}\n"
    "Hạn nộp: {due} — còn {days} ngày.\n"
    "{state} Bấm «{button}» để {verb}."
)
REMINDER_ON_DAY = (
    REMINDER_GREETING +
    "⏰ Hôm nay là hạn chót: {milestone}\n"
    "Phong trào: {campaign}\n"
    "Hạn nộp: {due} (hôm nay).\n"
    "{state} Hãy {verb} trong hôm nay — bấm «{button}»."
)
REMINDER_AFTER = (
    REMINDER_GREETING +
    "❗ Đã quá hạn {days} ngày: {milestone}\n"
    "Phong trào: {campaign}\n"
    "Hạn nộp đã qua: {due}.\n"
    "{state} Hãy {verb} sớm nhất có thể — bấm «{button}»."
)
REMINDER_STATE_MISSING = "Đơn vị chưa nộp."
REMINDER_STATE_RETURNED = "Bài nộp trước đã bị trả lại, đơn vị cần nộp lại."
REMINDER_STATE_NO_NOMINEE = "Đơn vị chưa gửi đề cử nào."
REMINDER_STATE_NOMINEE_RETURNED = "Đề cử trước của đơn vị đã bị trả lại, cần gửi đề cử khác."
REMINDER_STATE_LATE_TAKEN = "Phòng/Sở vẫn nhận đề cử gửi muộn cho đến khi khoá đợt."
REMINDER_MILESTONE_WITH_PERIOD = "{title} ({period})"

# ------------------------------------------------------------------------------------ staff daily digest
REMINDER_DIGEST_HEADER = "📋 Tổng hợp thi đua ngày {date}"
REMINDER_DIGEST_CAMPAIGN = "▪ {campaign}"
REMINDER_DIGEST_TODAY = "• Hôm nay nhận {count} bài nộp: {names}"
REMINDER_DIGEST_TODAY_NONE = "• Hôm nay chưa nhận bài nộp nào."
REMINDER_DIGEST_DUE_SOON = "• Đến hạn trong {days} ngày tới:"
REMINDER_DIGEST_DUE_LINE = "   – {milestone}: hạn {due}, còn {owing}/{total} đơn vị chưa nộp"
REMINDER_DIGEST_OVERDUE = "• Quá hạn:"
REMINDER_DIGEST_OVERDUE_LINE = "   – {milestone} (hạn {due}): {owing} đơn vị chưa nộp — {names}"
REMINDER_DIGEST_NOTHING_DUE = "• Không có hạn nào sắp tới hay quá hạn còn đơn vị nợ."
REMINDER_DIGEST_MORE_NAMES = "{names} và {more} đơn vị khác"
REMINDER_DIGEST_MORE_MILESTONES = "   – … và {more} mốc khác"

# ------------------------------------------------------------------------- /nhachan: the reminder policy
REMINDER_POLICY_TITLE = "chỉnh lịch nhắc hạn"
REMINDER_POLICY_NO_CAMPAIGNS = "Chưa có kế hoạch nào để chỉnh lịch nhắc hạn."
REMINDER_POLICY_PICK = "Chọn kế hoạch cần xem/chỉnh lịch nhắc hạn:"
REMINDER_POLICY_SHOW = (
    "Lịch nhắc hạn tự động — {campaign}\n"
    "• Nhắc vào: {offsets}\n"
    "• Giờ gửi: {send_at} (không bao giờ gửi trong giờ nghỉ {quiet_start}–{quiet_end})\n"
    "• Cuối tuần: {weekends}\n"
    "• Ngày lễ, Tết: {holidays}\n"
    "• Ngày nghỉ riêng của Phòng/Sở: {days_off}\n"
    "Nhắc hạn rơi vào ngày nghỉ được dời sang ngày làm việc liền trước. Chỉ những đơn vị chưa nộp hoặc "
    "bị trả lại mới được nhắc."
)
REMINDER_POLICY_HOLIDAYS_SKIP = "không gửi; sắp tới: {upcoming}"
REMINDER_POLICY_HOLIDAYS_SKIP_NONE = "không gửi"
REMINDER_POLICY_HOLIDAYS_SEND = "vẫn gửi"
REMINDER_POLICY_HOLIDAY_ITEM = "{day} {name}"
REMINDER_POLICY_NO_DAYS_OFF = "chưa có"
REMINDER_POLICY_TOGGLE_HOLIDAYS = "Đổi quy tắc ngày lễ"
REMINDER_POLICY_EDIT_DAYS_OFF = "Ngày nghỉ riêng"
REMINDER_POLICY_ASK_DAYS_OFF = (
    "Gõ các ngày nghỉ riêng không gửi nhắc hạn, cách nhau bằng dấu phẩy, ví dụ: 26/3, 27/3/2027. "
    "Gõ «không» để xoá hết. Hiện tại: {current}"
)
REMINDER_POLICY_BAD_DAYS_OFF = "Chưa đọc được ngày «{text}». Hãy gõ dạng 26/3 hoặc 26/03/2027, cách nhau bằng dấu phẩy."
REMINDER_POLICY_BROKEN = "(Lịch đã lưu không hợp lệ nên đang dùng lịch mặc định.)"
REMINDER_POLICY_OFF = "không nhắc tự động"
REMINDER_POLICY_DAYS_BEFORE = "{days} ngày trước hạn"
REMINDER_POLICY_ON_DAY = "đúng ngày hạn"
REMINDER_POLICY_DAYS_AFTER = "{days} ngày sau hạn"
REMINDER_POLICY_WEEKENDS_SKIP = "không gửi thứ Bảy, Chủ nhật (dời sang ngày làm việc gần nhất)"
REMINDER_POLICY_WEEKENDS_SEND = "vẫn gửi vào thứ Bảy, Chủ nhật"
REMINDER_POLICY_EDIT_OFFSETS = "Sửa ngày nhắc"
REMINDER_POLICY_EDIT_HOUR = "Sửa giờ gửi"
REMINDER_POLICY_TOGGLE_WEEKENDS = "Đổi quy tắc cuối tuần"
REMINDER_POLICY_DONE = "Xong"
REMINDER_POLICY_ASK_OFFSETS = (
    "Gõ các ngày nhắc, cách nhau bằng dấu phẩy. Số dương = số ngày TRƯỚC hạn, 0 = đúng ngày hạn, "
    "số âm = số ngày SAU hạn.\n"
    "Ví dụ: 7,3,1,0,-1,-3 (mặc định). Tối đa {max} mốc. Gõ «tắt» để không nhắc tự động.\n"
    "Hiện tại: {current}"
)
REMINDER_POLICY_BAD_OFFSETS = (
    "Chưa đọc được «{text}». Hãy gõ các số nguyên cách nhau bằng dấu phẩy, ví dụ 7,3,1,0,-1,-3 "
    "(tối đa {max} mốc, mỗi mốc không quá {limit} ngày), hoặc gõ «tắt»."
)
REMINDER_POLICY_ASK_HOUR = "Gõ giờ gửi nhắc hạn, ví dụ 8:00 hoặc 14h30. Hiện tại: {current}"
REMINDER_POLICY_BAD_HOUR = "Chưa đọc được giờ «{text}». Hãy gõ dạng 8:00 hoặc 14h30."
REMINDER_POLICY_QUIET_HOUR = "{time} nằm trong giờ nghỉ ({quiet_start}–{quiet_end}). Hãy chọn giờ khác."
REMINDER_POLICY_SAVED = "Đã lưu."
REMINDER_POLICY_CLOSED = "Đã xong. Lịch nhắc hạn mới được áp dụng từ lần nhắc tiếp theo."
REMINDER_POLICY_GONE = "Kế hoạch này không còn hoặc bạn không có quyền chỉnh. Gõ /nhachan để chọn lại."
REMINDER_POLICY_OFF_WORD = "tắt"
