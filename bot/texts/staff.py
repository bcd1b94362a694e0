"""Wording: staff (accounts, campaigns made by hand, launching a campaign, acknowledgements)."""

# ------------------------------------------------------------------------------------ staff accounts (CLI)
STAFF_ROLE_LABELS = {"admin": "quản trị", "specialist": "chuyên viên"}
STAFF_ADDED = "Đã thêm cán bộ {name} (Telegram {user_id}, {role}{office})."
STAFF_UPDATED = "Đã cập nhật cán bộ {name} (Telegram {user_id}, {role}{office})."
STAFF_INVITE_CREATED = (
    "Đường liên kết mời cán bộ {name} ({role}), dùng được một lần, hết hạn sau {days} ngày:\n{link}\n"
    "Gửi riêng cho đúng người; ai mở trước sẽ nhận quyền cán bộ."
)
STAFF_LIST_EMPTY = "Chưa có cán bộ nào. Dùng: thidua staff add --telegram-id N --name \"Họ tên\""
STAFF_LIST_LINE = "#{id} {name} · {role} · {channel} {user_id}{office}{inactive}"
STAFF_INACTIVE = " · đã khoá"

# ------------------------------------------------------------------------------------ campaigns: the chat flow
CAMPAIGN_FLOW_TITLE = "tạo chiến dịch mới"
CAMPAIGN_ASK_TITLE = (
    "Tạo chiến dịch mới (gõ /huy để dừng bất cứ lúc nào).\n\n"
    "Bước 1: Tên chiến dịch / phong trào thi đua là gì?"
)
CAMPAIGN_TITLE_TOO_SHORT = "Tên chiến dịch quá ngắn. Hãy gõ tên đầy đủ (ví dụ: Phong trào thi đua năm học 2026-2027)."
CAMPAIGN_ASK_DOC_NUMBER = "Số hiệu văn bản kế hoạch (ví dụ: 87/KH-GDĐT)? Nếu chưa có, bấm Bỏ qua."
CAMPAIGN_ASK_ISSUED = "Ngày ban hành văn bản (ví dụ: 15/09/2026)? Nếu chưa có, bấm Bỏ qua."
CAMPAIGN_ASK_PERIOD = (
    "Thời gian thực hiện: gõ ngày bắt đầu và ngày kết thúc, ví dụ: 05/09/2026 - 31/05/2027.\n"
    "Nếu không rõ, bấm Bỏ qua."
)
CAMPAIGN_PERIOD_UNREADABLE = "Chưa đọc được thời gian thực hiện. Hãy gõ hai ngày, ví dụ: 05/09/2026 - 31/05/2027."
CAMPAIGN_PERIOD_REVERSED = "Ngày kết thúc ({end}) phải sau ngày bắt đầu ({start}). Hãy gõ lại."
CAMPAIGN_ASK_UNITS = "Đơn vị nào tham gia?"
CAMPAIGN_UNITS_ALL = "Tất cả đơn vị ({n})"
CAMPAIGN_UNITS_BY_CLUSTER = "Theo cụm thi đua"
CAMPAIGN_UNITS_BY_CODE = "Theo mã đơn vị"
CAMPAIGN_NO_UNITS = (
    "Chưa có đơn vị nào trong danh sách nên chưa tạo được chiến dịch. "
    "Hãy nhập danh sách đơn vị trước (thidua units import ...)."
)
CAMPAIGN_NO_CLUSTERS = "Các đơn vị chưa được xếp cụm. Hãy chọn Tất cả đơn vị hoặc Theo mã đơn vị."
CAMPAIGN_ASK_CLUSTERS = "Chọn các cụm tham gia (bấm để chọn/bỏ chọn), rồi bấm Xong.{chosen}"
CAMPAIGN_CLUSTERS_CHOSEN = "\nĐã chọn: {names}."
CAMPAIGN_CLUSTERS_NONE = "Hãy chọn ít nhất một cụm."
CAMPAIGN_ASK_CODES = "Gõ mã các đơn vị tham gia, cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng (ví dụ: TH01, TH02)."
CAMPAIGN_UNKNOWN_CODES = "Không có đơn vị nào mang mã: {codes}. Hãy kiểm tra rồi gõ lại toàn bộ danh sách mã."
CAMPAIGN_ASK_MS_KIND = "Thêm mốc thời gian (hạn nộp, sự kiện) — mốc {n} là loại gì?"
CAMPAIGN_ASK_MS_KIND_FIRST = "Thêm các mốc thời gian (hạn nộp, sự kiện). Mốc 1 là loại gì?"
CAMPAIGN_ASK_MS_TITLE = "Tên mốc (ví dụ: Nộp báo cáo tổng kết năm học)? Bấm nút để dùng tên «{default}»."
CAMPAIGN_USE_DEFAULT_TITLE = "Dùng tên «{default}»"
CAMPAIGN_ASK_MS_DUE = "Hạn chót của «{title}»? Gõ ngày, ví dụ: 15/7, 15/07/2027 hoặc ngày 15 tháng 7."
CAMPAIGN_DATE_PROBLEMS = {
    "empty": "Bạn chưa gõ ngày. Ví dụ: 15/7 hoặc 15/07/2027.",
    "unreadable": "Chưa đọc được ngày «{text}». Hãy gõ theo dạng ngày/tháng (15/7), ngày/tháng/năm (15/07/2027) "
                  "hoặc «ngày 15 tháng 7».",
    "impossible": "Ngày «{text}» không có trên lịch (ví dụ tháng 2 không có ngày 30, 31). Hãy gõ lại.",
    "year_out_of_range": "Năm của ngày «{text}» quá xa hiện tại. Hãy kiểm tra lại năm.",
}
CAMPAIGN_PAST_DUE = "Ngày {date} đã qua (hôm nay là {today}). Bạn có chắc muốn đặt hạn chót này?"
CAMPAIGN_PAST_KEEP = "Đúng, vẫn giữ ngày này"
CAMPAIGN_PAST_RETYPE = "Gõ lại ngày khác"
CAMPAIGN_ASK_RETYPE_DUE = "Hãy gõ lại hạn chót."
CAMPAIGN_ASK_MS_DOCS = "Hồ sơ, tài liệu cần nộp cho mốc này: gõ mỗi loại một dòng. Nếu không có, bấm Không có."
CAMPAIGN_NO_DOCS = "Không có"
CAMPAIGN_MS_ADDED = "Đã thêm mốc: {line}"
CAMPAIGN_ASK_MORE = "Thêm mốc khác hay chuyển sang bước tiếp?"
CAMPAIGN_ADD_MORE = "Thêm mốc"
CAMPAIGN_NO_MORE = "Xong các mốc"
CAMPAIGN_ASK_PLAN = "Gửi tệp văn bản kế hoạch (PDF hoặc Word) để đính kèm khi phát động. Nếu chưa có, bấm Bỏ qua."
CAMPAIGN_PLAN_ONE_FILE = "Hãy gửi đúng một tệp kế hoạch."
CAMPAIGN_PLAN_TOO_BIG = "Tệp quá lớn ({size} MB); tối đa {limit} MB. Hãy gửi tệp nhỏ hơn."
CAMPAIGN_PLAN_RECEIVED = "Đã nhận tệp kế hoạch: {name}."
CAMPAIGN_SUMMARY = (
    "Kiểm tra lại trước khi lưu:\n"
    "• Tên: {title}\n"
    "• Số văn bản: {doc_number}\n"
    "• Ngày ban hành: {issued}\n"
    "• Thời gian thực hiện: {period}\n"
    "• Đơn vị tham gia: {units}\n"
    "• Tệp kế hoạch: {plan}\n"
    "• Các mốc:\n{milestones}"
)
CAMPAIGN_NOT_GIVEN = "(chưa có)"
CAMPAIGN_ASK_QUOTA = "Mỗi đơn vị được đề cử tối đa bao nhiêu gương trong một đợt? Bấm một số hoặc gõ số (1–50)."
CAMPAIGN_BAD_QUOTA = "Hãy gõ một số từ 1 đến {max}."
CAMPAIGN_QUOTA_SET = "Mỗi đơn vị đề cử tối đa {quota} gương mỗi đợt."
CAMPAIGN_SUMMARY_QUOTA = "\n• Đề cử: mỗi đơn vị tối đa {quota} gương mỗi đợt"
CAMPAIGN_NO_MILESTONES = "  (chưa có mốc nào)"
CAMPAIGN_MS_LINE = "{kind}: {title} — hạn {due}"
CAMPAIGN_MS_DOCS = " (nộp: {docs})"
CAMPAIGN_UNITS_DESC_ALL = "tất cả đơn vị ({n})"
CAMPAIGN_UNITS_DESC_CLUSTERS = "{names} ({n} đơn vị)"
CAMPAIGN_UNITS_DESC_CODES = "{n} đơn vị: {codes}"
CAMPAIGN_SAVE = "Lưu chiến dịch"
CAMPAIGN_DISCARD = "Huỷ"
CAMPAIGN_SAVED = (
    "Đã lưu chiến dịch #{id} «{title}» (bản nháp, {units} đơn vị, {milestones} mốc).\n"
    "Gõ /phatdong để gửi kế hoạch tới các đơn vị."
)
CAMPAIGN_DISCARDED = "Đã huỷ, chiến dịch không được lưu."
CAMPAIGN_SKIP = "Bỏ qua"
CAMPAIGN_DONE = "Xong"
CAMPAIGN_CHOOSE_BUTTON = "Hãy bấm một trong các nút bên dưới (hoặc gõ /huy để dừng)."

# ------------------------------------------------------------------------------------ campaigns: CLI
CAMPAIGN_CLI_CREATED = "Đã tạo chiến dịch #{id} «{title}» (bản nháp) với {units} đơn vị."
CAMPAIGN_CLI_MS_ADDED = "Đã thêm mốc #{id} vào chiến dịch #{campaign_id}: {line}"
CAMPAIGN_CLI_ATTACHED = "Đã đính kèm {name} ({size} byte) vào chiến dịch #{id}."
CAMPAIGN_CLI_NOT_FOUND = "Không có chiến dịch #{id}."
CAMPAIGN_CLI_BAD_DATE = "{what}: {problem}"
CAMPAIGN_CLI_PAST = "Hạn chót {date} đã qua. Nếu đúng là vậy, chạy lại với --allow-past."
CAMPAIGN_CLI_BAD_UNITS = "Không chọn được đơn vị: {problem}"
CAMPAIGN_CLI_UNKNOWN_CODES = "không có đơn vị mang mã {codes}"
CAMPAIGN_CLI_UNKNOWN_CLUSTER = "không có cụm {names} (các cụm hiện có: {known})"
CAMPAIGN_CLI_NO_UNITS = "không có đơn vị nào phù hợp"
CAMPAIGN_CLI_BAD_KIND = "Loại mốc không hợp lệ: {kind}. Chọn một trong: {kinds}"
CAMPAIGN_CLI_NO_FILE = "Không đọc được tệp {path}."
CAMPAIGN_LIST_EMPTY = "Chưa có chiến dịch nào."
CAMPAIGN_LIST_LINE = "#{id} [{status}] {title} · {doc_number} · {units} đơn vị · {milestones} mốc{plan}"
CAMPAIGN_LIST_HAS_PLAN = " · có tệp kế hoạch"
CAMPAIGN_STATUS_LABELS = {"draft": "nháp", "launched": "đã phát động", "closed": "đã đóng"}

# ------------------------------------------------------------------------------------ launching (/phatdong)
LAUNCH_FLOW_TITLE = "phát động chiến dịch"
LAUNCH_NONE = "Chưa có chiến dịch nào để phát động. Gõ /taomoi để tạo chiến dịch."
LAUNCH_PICK = "Chọn chiến dịch cần phát động:"
LAUNCH_PICK_LABEL = "#{id} {title}{launched}"
LAUNCH_PICK_LAUNCHED = " (đã phát động)"
LAUNCH_UNKNOWN = "Không tìm thấy chiến dịch này (có thể đã bị đóng). Gõ /phatdong để chọn lại."
LAUNCH_MESSAGE = "📢 PHÁT ĐỘNG: {title}{doc}\n{period}{milestones}\n\nBấm «Đã nhận» để xác nhận đơn vị đã nhận kế hoạch."
LAUNCH_DOC = "\nKế hoạch số {doc_number}{issued}{issuer}"
LAUNCH_DOC_ISSUED = " ngày {issued}"
LAUNCH_DOC_ISSUER = " của {issuer}"
LAUNCH_PERIOD = "Thời gian thực hiện: {start} – {end}\n"
LAUNCH_MILESTONES_HEAD = "Các mốc cần nhớ:"
LAUNCH_MILESTONE_LINE = "• {due}: {title}"
LAUNCH_MORE_MILESTONES = "• … và {n} mốc khác (gõ /viec để xem đủ)"
LAUNCH_ACK_BUTTON = "Đã nhận"
LAUNCH_PREVIEW_HEAD = "Xem trước tin phát động (các đơn vị sẽ nhận đúng như dưới đây):"
LAUNCH_CONFIRM = (
    "Sẽ gửi tới {contacts} người liên hệ của {units} đơn vị.{missing}{again}\n"
    "Gửi ngay?"
)
LAUNCH_CONFIRM_MISSING = "\n⚠️ {n} đơn vị tham gia chưa có ai kết nối với bot nên sẽ không nhận được: {names}."
LAUNCH_CONFIRM_AGAIN = "\nChiến dịch đã phát động trước đó: lần này chỉ gửi cho người chưa nhận."
LAUNCH_NOBODY = "Không có ai để gửi: {reason}"
LAUNCH_NOBODY_NO_CONTACTS = "các đơn vị tham gia chưa có người liên hệ nào kết nối với bot."
LAUNCH_NOBODY_ALL_SENT = "mọi người liên hệ đã nhận tin phát động của chiến dịch này."
LAUNCH_SEND = "Gửi"
LAUNCH_CANCEL = "Huỷ"
LAUNCH_CANCELLED = "Đã huỷ, chưa gửi gì."
# the progress line and the report show the same three numbers, with the same words
LAUNCH_PROGRESS = "📤 Phát động «{title}»: đã gửi {sent}/{total} · đã chặn bot {blocked} · gửi lỗi {failed}"
LAUNCH_PROGRESS_DONE = "✅ Phát động «{title}»: đã gửi {sent}/{total} · đã chặn bot {blocked} · gửi lỗi {failed} — hoàn tất."
LAUNCH_REPORT = (
    "Báo cáo phát động «{title}»:\n"
    "• Đã gửi tới: {sent}/{total} người liên hệ\n"
    "• Gửi lỗi: {failed}\n"
    "• Đã chặn bot: {blocked}"
)
LAUNCH_REPORT_BLOCKED_HEAD = "\nNhững người đã chặn bot (không nhận được tin, hãy gọi điện cho họ):"
LAUNCH_REPORT_FAILED_HEAD = "\nGửi lỗi (bot sẽ không thử lại):"
LAUNCH_REPORT_LINE = "• {unit} — {name}{phone}"
LAUNCH_REPORT_PHONE = " (ĐT đầu mối: {phone})"
LAUNCH_SEE_ACKS = "Xem ai đã nhận"

# ------------------------------------------------------------------------------------ acknowledgements
LAUNCH_ACK_THANKS = "Cảm ơn! Đã ghi nhận {unit} đã nhận kế hoạch «{title}»."
LAUNCH_ACK_ALREADY = "Bạn đã xác nhận trước đó rồi — đã ghi nhận, không cần bấm lại."
LAUNCH_ACK_NOT_YOURS = "Tin phát động này không dành cho đơn vị của bạn nên không ghi nhận được."
LAUNCH_ACKS_NONE = "Chưa có đợt phát động nào."
LAUNCH_ACKS_PICK = "Xem xác nhận của đợt phát động nào?"
LAUNCH_ACKS_PICK_LABEL = "#{id} {title} ({date})"
LAUNCH_ACKS_HEAD = "Xác nhận đã nhận «{title}»: {acked}/{total} người liên hệ ({units_acked}/{units} đơn vị)."
LAUNCH_ACKS_PENDING_HEAD = "\nChưa xác nhận ({n}):"
LAUNCH_ACKS_DONE_HEAD = "\nĐã xác nhận ({n}):"
LAUNCH_ACKS_LINE = "• {unit} — {name}{extra}"
LAUNCH_ACKS_AT = " ({at})"
LAUNCH_ACKS_NOT_DELIVERED = " (chưa nhận được tin)"
LAUNCH_ACKS_UNKNOWN = "Không tìm thấy đợt phát động này trong các chiến dịch của cơ quan bạn. Gõ /danhan để xem danh sách."

# ------------------------------------------------------------------------------------ CLI help
STAFF_HELP = "cán bộ Phòng/Sở: thêm, mời, xem danh sách"
STAFF_HELP_ADD = "thêm (hoặc cập nhật) cán bộ theo Telegram ID"
STAFF_HELP_INVITE = "tạo đường liên kết mời cán bộ (dùng một lần)"
STAFF_HELP_LIST = "danh sách cán bộ"
STAFF_HELP_TELEGRAM_ID = "Telegram ID (số) của cán bộ"
STAFF_HELP_NAME = "họ tên cán bộ"
STAFF_HELP_ROLE = "vai trò: admin (quản trị) hoặc specialist (chuyên viên, mặc định)"
STAFF_HELP_OFFICE = "tên cơ quan (tạo mới nếu chưa có)"
STAFF_HELP_DAYS = "số ngày trước khi lời mời hết hạn (mặc định 7)"
STAFF_HELP_BOT = "tên bot Telegram (mặc định: biến TELEGRAM_BOT_USERNAME)"
STAFF_BAD_TELEGRAM_ID = "Telegram ID phải là một số, ví dụ 123456789."
CAMPAIGN_HELP = "chiến dịch: tạo, thêm mốc, đính kèm kế hoạch, xem danh sách"
CAMPAIGN_HELP_CREATE = "tạo chiến dịch (bản nháp)"
CAMPAIGN_HELP_TITLE = "tên chiến dịch"
CAMPAIGN_HELP_DOC_NUMBER = "số hiệu văn bản kế hoạch, ví dụ 87/KH-GDĐT"
CAMPAIGN_HELP_ISSUED = "ngày ban hành, ví dụ 15/09/2026"
CAMPAIGN_HELP_PERIOD = "thời gian thực hiện, ví dụ 05/09/2026-31/05/2027"
CAMPAIGN_HELP_UNITS = 'đơn vị tham gia: all, mã cách nhau bởi dấu phẩy (TH01,TH02), hoặc cluster:"Cụm 1" (nhiều cụm: cluster:"Cụm 1;Cụm 2")'
CAMPAIGN_HELP_MILESTONE = "mốc thời gian của chiến dịch"
CAMPAIGN_HELP_MS_ADD = "thêm một mốc (hạn nộp, sự kiện)"
CAMPAIGN_HELP_ID = "số của chiến dịch (xem: thidua campaign list)"
CAMPAIGN_HELP_KIND = "loại mốc (mặc định other): {kinds}"
CAMPAIGN_HELP_MS_TITLE = "tên mốc (mặc định: tên loại mốc)"
CAMPAIGN_HELP_DUE = "hạn chót (17:00 ngày đó), ví dụ 15/7, 15/07/2027, «ngày 15 tháng 7»"
CAMPAIGN_HELP_DOCS = 'hồ sơ cần nộp, cách nhau bởi dấu chấm phẩy: "Báo cáo tổng kết;Biểu mẫu"'
CAMPAIGN_HELP_ALLOW_PAST = "chấp nhận hạn chót đã qua"
CAMPAIGN_HELP_ATTACH = "đính kèm tệp văn bản kế hoạch"
CAMPAIGN_HELP_NOMINATIONS = "xem hoặc đặt quy định đề cử: số đề cử tối đa mỗi đơn vị mỗi đợt, có nhận đề cử muộn không"
CAMPAIGN_HELP_QUOTA = "số đề cử tối đa của mỗi đơn vị trong một đợt"
CAMPAIGN_HELP_LATE = "yes: nhận đề cử sau hạn (ghi là muộn) cho đến khi khoá đợt; no: hết hạn là thôi nhận"
CAMPAIGN_CLI_BAD_QUOTA = "Số đề cử tối đa phải từ 1 đến {max}."
CAMPAIGN_CLI_NOMINATION_RULES = "Kế hoạch #{id}: mỗi đơn vị đề cử tối đa {quota} gương mỗi đợt; {late}."
CAMPAIGN_LATE_NOMINATIONS = {
    True: "sau hạn vẫn nhận đề cử (ghi là muộn) cho đến khi Phòng/Sở khoá đợt",
    False: "hết hạn thì không nhận thêm đề cử",
}
CAMPAIGN_HELP_FILE = "đường dẫn tệp kế hoạch (PDF, Word...)"
CAMPAIGN_HELP_LIST = "danh sách chiến dịch"
