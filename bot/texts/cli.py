"""Wording: cli. Every name starts with CLI_ because bot.texts re-exports them all."""

# Unit fields, as shown in reports and spreadsheets
CLI_FIELD_LABELS = {
    "code": "mã đơn vị",
    "name": "tên đơn vị",
    "level": "cấp học",
    "cluster": "cụm thi đua",
    "liaison_name": "người đầu mối",
    "liaison_phone": "số điện thoại",
    "office_id": "cơ quan quản lý",
}

# Reading a roster file
CLI_ROSTER_NOT_FOUND = "Không tìm thấy tệp: {path}"
CLI_ROSTER_BAD_TYPE = "Chỉ đọc được tệp .xlsx hoặc .csv (tệp đã cho: {name})."
CLI_ROSTER_OLD_XLS = "Tệp .xls (Excel 97-2003) không được hỗ trợ. Hãy mở tệp trong Excel và lưu lại dạng .xlsx."
CLI_ROSTER_NOT_UTF8 = (
    "Tệp CSV không ở bảng mã UTF-8 (có thể là Windows-1258 hoặc Latin-1) nên tiếng Việt sẽ bị lỗi. "
    "Trong Excel, chọn Lưu thành… → \"CSV UTF-8 (Comma delimited)\", hoặc lưu dạng .xlsx, rồi nhập lại."
)
CLI_ROSTER_UNREADABLE = "Không đọc được tệp {name}: {error}"
CLI_ROSTER_NO_HEADER = (
    "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu của tệp. Tệp cần có ít nhất hai cột "
    "\"mã đơn vị\" và \"tên đơn vị\" (các cột khác: cấp học, cụm thi đua, người đầu mối, số điện thoại)."
)

# Why a row is rejected, or imported with a warning
CLI_REJECT_NO_CODE = "thiếu mã đơn vị"
CLI_REJECT_NO_NAME = "thiếu tên đơn vị"
CLI_REJECT_DUPLICATE = "mã trùng trong tệp (đã có ở dòng {first_row})"
CLI_WARN_BAD_PHONE = "số điện thoại \"{phone}\" không hợp lệ nên không được lưu"

# `thidua units import`
CLI_IMPORT_HEADER = "Đọc tệp {name}: dòng tiêu đề là dòng {header_row}, {rows} dòng dữ liệu."
CLI_IMPORT_IGNORED_COLUMNS = "Bỏ qua các cột không dùng: {columns}."
CLI_IMPORT_OFFICE = "Cơ quan quản lý: {office}{created}."
CLI_IMPORT_OFFICE_CREATED = " (mới tạo)"
CLI_IMPORT_ADDED_TITLE = "Thêm mới ({count}):"
CLI_IMPORT_UPDATED_TITLE = "Cập nhật ({count}):"
CLI_IMPORT_REJECTED_TITLE = "Bị từ chối ({count}):"
CLI_IMPORT_WARNINGS_TITLE = "Lưu ý ({count}):"
CLI_IMPORT_UNIT_LINE = "  • {code} — {name}"
CLI_IMPORT_UPDATED_LINE = "  • {code} — {name}: đổi {fields}"
CLI_IMPORT_ROW_LINE = "  • Dòng {row}: {reasons}"
CLI_IMPORT_SUMMARY = "Tổng kết: thêm mới {added}, cập nhật {updated}, không đổi {unchanged}, bị từ chối {rejected}."

# `thidua units invite`
CLI_UNIT_NOT_FOUND = "Không có đơn vị mã {code}. Gõ `thidua units list` để xem danh sách."
CLI_NO_UNITS = "Chưa có đơn vị nào. Hãy nhập danh sách bằng `thidua units import TỆP` trước."
CLI_BAD_POSITIVE_INT = "phải là số nguyên dương (đã cho: {value})"
CLI_INVITE_REPLACED = "Đã thu hồi {count} lời mời cũ trước khi tạo lời mời mới."
CLI_INVITE_DONE = (
    "Đã tạo {count} lời mời (hạn dùng đến {expires}, mỗi mã dùng tối đa {max_uses} lần).\n"
    "  Danh sách: {sheet}\n"
    "  Mã QR: {qr_dir} (mỗi đơn vị một tệp <mã đơn vị>.png)"
)
CLI_INVITE_ONE_LINK = "  Liên kết cho {code} — {name}: {link}\n  Mã mời (gõ trong Zalo): {token}"
CLI_INVITE_SECRET_NOTE = (
    "Mã mời chỉ hiển thị lần này (hệ thống chỉ lưu bản băm). Hãy giữ tệp danh sách cẩn thận; "
    "nếu lộ, thu hồi bằng `thidua units revoke --unit MÃ`."
)

# The invite spreadsheet
CLI_SHEET_TITLE = "Lời mời"
CLI_SHEET_HEADERS = [
    "Mã đơn vị", "Tên đơn vị", "Cấp học", "Cụm thi đua", "Người đầu mối", "Số điện thoại",
    "Liên kết Telegram", "Mã mời (gõ trong Zalo)", "Hạn dùng", "Số lần dùng tối đa", "Tệp mã QR", "Mã QR",
]

# `thidua units revoke`
CLI_REVOKED = "Đã thu hồi {count} lời mời của {code} — {name}."

# `thidua units list`
CLI_LIST_HEADERS = ["Mã", "Tên đơn vị", "Cấp học", "Cụm", "Đầu mối", "SĐT", "Đã gắn"]
CLI_LIST_SUMMARY = "{units} đơn vị; {bound} đơn vị đã có người gắn tài khoản, {contacts} tài khoản đã gắn."

# argparse help
CLI_HELP_UNITS = "đơn vị: nhập danh sách, tạo/thu hồi lời mời, xem danh sách"
CLI_HELP_IMPORT = "nhập danh sách đơn vị và đầu mối từ tệp .xlsx hoặc .csv"
CLI_HELP_IMPORT_FILE = "tệp .xlsx hoặc .csv có các cột: mã đơn vị, tên đơn vị, cấp học, cụm thi đua, người đầu mối, số điện thoại"
CLI_HELP_OFFICE = "tên cơ quan quản lý các đơn vị (tạo mới nếu chưa có)"
CLI_HELP_INVITE = "tạo lời mời (liên kết, mã QR, tệp .xlsx) cho các đơn vị"
CLI_HELP_UNIT = "mã đơn vị (mặc định: mọi đơn vị)"
CLI_HELP_OUT = "thư mục ghi tệp (mặc định: loi-moi-<ngày giờ>)"
CLI_HELP_DAYS = "số ngày hiệu lực (mặc định 30)"
CLI_HELP_MAX_USES = "số người tối đa dùng một mã (mặc định 3)"
CLI_HELP_BOT_USERNAME = "tên bot Telegram (mặc định: biến TELEGRAM_BOT_USERNAME, hoặc thidua_bot)"
CLI_HELP_REPLACE = "thu hồi các lời mời cũ của đơn vị trước khi tạo mới"
CLI_HELP_REVOKE = "thu hồi các lời mời còn mở của một đơn vị"
CLI_HELP_LIST = "liệt kê các đơn vị và số tài khoản đã gắn"
CLI_ZALO_WEBHOOK = "Zalo: nhận tin qua webhook {url}"
CLI_ZALO_POLLING = (
    "Zalo: đang nhận tin bằng getUpdates (long polling). Zalo chỉ khuyên dùng cách này khi chạy thử tại máy; "
    "khi chạy thật, hãy đặt THIDUA_PUBLIC_URL là địa chỉ https công khai để bot dùng webhook."
)

# thidua doctor
DOCTOR_HELP = "kiểm tra cấu hình: cơ sở dữ liệu, thư mục tệp, token, địa chỉ công khai, webhook, hạn mức Zalo"
DOCTOR_FIX = "cách sửa"
DOCTOR_ALL_OK = "Mọi mục đều ổn."
DOCTOR_SOME_FAILED = "Có {count} mục cần sửa (đánh dấu ❌)."
DOCTOR_DATABASE = "Cơ sở dữ liệu"
DOCTOR_DB_OK = "kết nối được, đã cập nhật (phiên bản {head})"
DOCTOR_DB_UNREACHABLE = "không kết nối được ({error})"
DOCTOR_DB_UNREACHABLE_FIX = "kiểm tra DATABASE_URL và máy chủ cơ sở dữ liệu"
DOCTOR_DB_BEHIND = "chưa cập nhật (đang ở {current}, cần {head})"
DOCTOR_DB_BEHIND_FIX = "chạy «thidua db upgrade» (hoặc «thidua run», lệnh này tự cập nhật)"
DOCTOR_DATA_DIR = "Thư mục tệp"
DOCTOR_DIR_OK = "{path} ghi được"
DOCTOR_DIR_NOT_WRITABLE = "không ghi được vào {path} ({error})"
DOCTOR_DIR_FIX = "đặt THIDUA_DATA_DIR là thư mục mà tài khoản chạy bot có quyền ghi"
DOCTOR_PUBLIC_URL = "Địa chỉ công khai"
DOCTOR_URL_OK = "{url} trả lời /healthz"
DOCTOR_URL_NOT_PUBLIC = "{url} không phải địa chỉ https công khai (Zalo và trang tải tệp lên cần địa chỉ này)"
DOCTOR_URL_FIX = "đặt THIDUA_PUBLIC_URL là địa chỉ https mà người ngoài mạng nội bộ mở được (qua Caddy hoặc nginx)"
DOCTOR_URL_UNREACHABLE = "{url}/healthz không trả lời"
DOCTOR_URL_UNREACHABLE_FIX = "chạy bot (thidua run) và kiểm tra tên miền, chứng chỉ TLS, reverse proxy"
DOCTOR_TOKEN = "Token {platform}"
DOCTOR_TOKEN_UNSET = "chưa đặt (kênh này không chạy)"
DOCTOR_TOKEN_OK = "hợp lệ (bot {who})"
DOCTOR_TOKEN_REFUSED = "bị từ chối"
DOCTOR_TOKEN_FIX = "lấy lại token của bot {platform} và đặt vào tệp .env"
DOCTOR_PLATFORM_UNREACHABLE = "không hỏi được máy chủ ({detail})"
DOCTOR_PLATFORM_FIX = "kiểm tra kết nối Internet, tường lửa, proxy của máy chủ"
DOCTOR_WEBHOOK = "Webhook {platform}"
DOCTOR_WEBHOOK_OK = "đã đăng ký đúng {url}"
DOCTOR_WEBHOOK_POLLING = "không có webhook (bot nhận tin bằng long polling)"
DOCTOR_WEBHOOK_UNEXPECTED = "đang đăng ký {url} trong khi bot dùng long polling"
DOCTOR_WEBHOOK_UNEXPECTED_FIX = "chạy bot với --webhook/--zalo-webhook đúng địa chỉ, hoặc để «thidua run» gỡ webhook cũ"
DOCTOR_WEBHOOK_WRONG = "đang là {url}, cần {expected}"
DOCTOR_WEBHOOK_WRONG_FIX = "chạy lại «thidua run» với đúng địa chỉ webhook để đăng ký lại"
DOCTOR_QUOTA = "Hạn mức Zalo tháng này"
DOCTOR_QUOTA_LEFT = "đã gửi {used}/{quota} tin, còn {left}"
DOCTOR_QUOTA_FIX = "nâng gói Zalo Bot Platform hoặc nhắc các trường dùng Telegram"

# the printable invitation (one A4 page per school)
LETTER_TITLE = "HƯỚNG DẪN NHẬN TIN THI ĐUA QUA BOT"
LETTER_CODE = "Mã mời: {code}"
LETTER_EXPIRES = "Mã dùng được đến {at}, cho tối đa {uses} người (chỉ dùng trong đơn vị)."
LETTER_TELEGRAM_HEAD = "Trên Telegram"
LETTER_TELEGRAM_STEPS = [
    "Mở camera hoặc Telegram, quét mã QR ở trên (hoặc mở đường dẫn {link}).",
    "Bấm «Bắt đầu» (Start) trong cuộc trò chuyện với bot.",
    "Bot trả lời «Đã gắn cuộc trò chuyện này với đơn vị …»: từ nay đơn vị nhận kế hoạch và nhắc hạn tại đây.",
]
LETTER_ZALO_HEAD = "Trên Zalo"
LETTER_ZALO_STEPS = [
    "Tìm bot {bot} trên Zalo và bấm «Quan tâm» hoặc nhắn tin cho bot.",
    "Gõ mã mời {code} (viết hoa hay thường, có hay không có dấu gạch đều được).",
    "Bot trả lời «Đã gắn cuộc trò chuyện này với đơn vị …»: từ nay đơn vị nhận tin tại đây.",
]
LETTER_ZALO_BOT_UNKNOWN = "của Phòng/Sở (tên bot do Phòng/Sở thông báo)"
LETTER_FOOT = "Mã mời là riêng của đơn vị: xin không chia sẻ ra ngoài. Cần hỗ trợ, xin liên hệ bộ phận thi đua."
CLI_HELP_ZALO_BOT = "tên (hoặc đường dẫn) của bot Zalo, in trong trang hướng dẫn của mỗi trường"

# thidua plan eval
PLAN_EVAL_NO_DIR = "Không có thư mục: {dirs}"
PLAN_EVAL_FILE = "{file}: P {p:.2f} · R {r:.2f} · F1 {f1:.2f} (chỉ ngày: F1 {dates:.2f})"
PLAN_EVAL_MISSED = "   thiếu: {date} {kind}"
PLAN_EVAL_EXTRA = "   thừa:  {date} {kind}"
PLAN_EVAL_FORMAT = "Định dạng {fmt}: F1 {f1:.2f} (chỉ ngày: {dates:.2f})"
PLAN_EVAL_TOTAL = "Tổng {files} tệp: P {p:.2f} · R {r:.2f} · F1 {f1:.2f} (chỉ ngày: F1 {dates:.2f})"
