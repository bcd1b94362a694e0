"""Words of the staff console (the browser pages under /console) and of /web, which sends its sign-in link."""

# ---- /web and `thidua staff web-link`
WEB_LINK_SENT = ("Liên kết đăng nhập trang quản lý trên máy tính (dùng một lần, hết hạn sau {minutes} phút):\n{url}\n"
                 "Đừng chuyển liên kết này cho người khác.")
CONSOLE_HELP_WEB_LINK = "tạo liên kết đăng nhập một lần vào trang quản lý cho một cán bộ"
CONSOLE_HELP_STAFF_ID = "mã cán bộ (cột đầu của `thidua staff list`)"
CONSOLE_HELP_MINUTES = "số phút liên kết còn dùng được (mặc định 15)"
CONSOLE_CLI_UNKNOWN_STAFF = "Không có cán bộ đang hoạt động với mã {staff_id}."
CONSOLE_CLI_LINK = "Liên kết đăng nhập trang quản lý cho {name} (dùng một lần, hết hạn sau {minutes} phút):\n{url}"

# ---- pages
CONSOLE_TITLE = "Trang quản lý thi đua"
CONSOLE_SIGN_IN_TITLE = "Đăng nhập trang quản lý"
CONSOLE_SIGN_IN_HINT = "Bấm nút dưới đây để đăng nhập trên trình duyệt này."
CONSOLE_SIGN_IN_BUTTON = "Đăng nhập"
CONSOLE_LINK_INVALID = ("Liên kết đăng nhập không còn dùng được (đã dùng, đã hết hạn hoặc không đúng). "
                        "Hãy gửi /web cho bot trong Telegram để nhận liên kết mới.")
CONSOLE_SIGNED_OUT = "Anh/chị chưa đăng nhập hoặc phiên đã hết hạn. Hãy gửi /web cho bot trong Telegram để nhận liên kết đăng nhập."
CONSOLE_SIGN_OUT = "Đăng xuất"
CONSOLE_SIGNED_OUT_DONE = "Đã đăng xuất."
CONSOLE_BAD_FORM = "Biểu mẫu đã cũ hoặc không hợp lệ. Hãy tải lại trang rồi làm lại."
CONSOLE_NOT_FOUND = "Không tìm thấy trang này, hoặc anh/chị không có quyền xem."
CONSOLE_SIGNED_IN_AS = "Đăng nhập: {name}"
CONSOLE_CAMPAIGNS = "Các phong trào"
CONSOLE_NO_CAMPAIGNS = "Chưa có phong trào nào."
CONSOLE_CAMPAIGN_STATUS = {"draft": "Bản nháp", "launched": "Đang triển khai", "closed": "Đã kết thúc"}
CONSOLE_UNITS_COUNT = "{n} đơn vị"
CONSOLE_OPEN_MATRIX = "Xem tiến độ"
CONSOLE_MILESTONE_OWN_STEP = "việc của cơ quan"
CONSOLE_DUE = "hạn {due}"
CONSOLE_COL_MILESTONE = "Mốc"
CONSOLE_COL_DUE = "Hạn"

# ---- the matrix
CONSOLE_MATRIX_TITLE = "Tiến độ: {title}"
CONSOLE_STATUS = {"missing": "Chưa nộp", "submitted": "Đã nộp", "late": "Nộp muộn", "returned": "Trả lại",
                  "accepted": "Đã duyệt"}
CONSOLE_STATUS_SHORT = {"missing": "–", "submitted": "Nộp", "late": "Muộn", "returned": "Trả", "accepted": "Duyệt"}
CONSOLE_LATE_MARK = "muộn"
CONSOLE_FILTER_CLUSTER = "Cụm"
CONSOLE_FILTER_LEVEL = "Cấp học"
CONSOLE_FILTER_STATUS = "Tình trạng"
CONSOLE_FILTER_MILESTONE = "Ở mốc"
CONSOLE_FILTER_SEARCH = "Tìm tên hoặc mã"
CONSOLE_FILTER_ALL = "Tất cả"
CONSOLE_FILTER_ANY_MILESTONE = "Bất kỳ mốc nào"
CONSOLE_FILTER_APPLY = "Lọc"
CONSOLE_FILTER_CLEAR = "Bỏ lọc"
CONSOLE_COL_UNIT = "Đơn vị"
CONSOLE_COL_CONTACT = "Đầu mối"
CONSOLE_NO_PHONE = "chưa có số"
CONSOLE_NOT_REACHABLE = "chưa có ai nhận tin"
CONSOLE_MATRIX_SHOWING = "{first}–{last} trên {total} đơn vị"
CONSOLE_MATRIX_EMPTY = "Không có đơn vị nào khớp bộ lọc."
CONSOLE_TOTALS = "Tổng"
CONSOLE_BY_CLUSTER = "Theo cụm (số đơn vị đã nộp / tổng)"
CONSOLE_NO_CLUSTER = "(chưa xếp cụm)"
CONSOLE_PREV = "‹ Trang trước"
CONSOLE_NEXT = "Trang sau ›"
CONSOLE_PAGE = "Trang {page}/{pages}"
CONSOLE_BACK_TO_CAMPAIGNS = "‹ Các phong trào"

# ---- a submission
CONSOLE_SUBMISSION_TITLE = "{unit} · {milestone}"
CONSOLE_BACK_TO_MATRIX = "‹ Bảng tiến độ"
CONSOLE_REFERENCE = "Số tiếp nhận"
CONSOLE_VERSION = "Lần nộp"
CONSOLE_SUBMITTED_AT = "Nộp lúc"
CONSOLE_STATUS_LABEL = "Tình trạng"
CONSOLE_NOTE = "Ghi chú của đơn vị"
CONSOLE_NO_NOTE = "(không có)"
CONSOLE_FILES = "Tệp"
CONSOLE_NO_FILES = "Không có tệp."
CONSOLE_DOWNLOAD = "Tải về"
CONSOLE_PREVIEW = "Xem"
CONSOLE_HISTORY = "Các lần nộp"
CONSOLE_REVIEWED = "{status} bởi {reviewer} lúc {at}"
CONSOLE_REVIEW_COMMENT = "Lý do: {comment}"
CONSOLE_SOMEONE = "một cán bộ"
CONSOLE_OLDER_VERSION = "Đây là lần nộp cũ; đơn vị đã nộp bản mới hơn."
CONSOLE_OPEN_LATEST = "Mở lần nộp mới nhất"
CONSOLE_ACCEPT = "Duyệt"
CONSOLE_RETURN = "Trả lại"
CONSOLE_RETURN_REASON = "Lý do trả lại (đơn vị sẽ nhận được trong tin nhắn)"
CONSOLE_REASON_REQUIRED = "Cần ghi lý do trả lại."
CONSOLE_CHANGE_WARNING = "Bài này đã được xét; quyết định mới sẽ thay quyết định cũ và đơn vị được báo lại."
CONSOLE_DONE_ACCEPTED = "Đã duyệt bài của {unit}; đã báo {contacts} người nhận tin của đơn vị."
CONSOLE_DONE_RETURNED = "Đã trả lại bài của {unit}; đã báo {contacts} người nhận tin của đơn vị."
CONSOLE_NO_CONTACT = "Đơn vị chưa có ai nhận tin trên Telegram/Zalo: hãy gọi điện cho đầu mối."
CONSOLE_CHANGED_MEANWHILE = "Bài này vừa được {reviewer} chuyển sang “{status}” hoặc đơn vị vừa nộp bản mới; hãy xem lại trước khi quyết định."
CONSOLE_CONTACTS = "Người nhận tin của đơn vị"
CONSOLE_OF_WHICH_LATE = "Trong đó nộp muộn"
CONSOLE_CONTACT_UNREACHABLE = "không nhận được tin (có thể đã chặn bot)"

# ---- the demo's visit (bot/console/tour.py)
CONSOLE_DEMO_ADDRESS = "🌐 Trang quản lý trên trình duyệt: {url}"
CONSOLE_DEMO_SIGNED_IN = "🌐 Trình duyệt mở liên kết, bấm «Đăng nhập» → {who}"
CONSOLE_DEMO_MATRIX = "🌐 {title}: {showing}"

# ---- a nomination round
CONSOLE_ROUND_TITLE = "Đề cử {period} — {campaign}"
CONSOLE_ROUND_OPEN = "Xem đề cử"
CONSOLE_ROUND_CHANGED = "Đề cử này vừa được thay đổi (duyệt, trả lại hoặc đề nghị cấp trên); hãy xem lại trước khi quyết định."
CONSOLE_ROUND_COUNTS = "{submitted} chờ duyệt · {accepted} đã duyệt · {returned} trả lại · {forwarded} đề nghị cấp trên"
CONSOLE_ROUND_GROUP = "{name}: {units} đơn vị, {entries} đề cử"
CONSOLE_ROUND_NONE = "Chưa có đề cử."
CONSOLE_ROUND_NOMINEE = "Người/tập thể được đề cử"
CONSOLE_ROUND_ACHIEVEMENTS = "Thành tích"
CONSOLE_ROUND_AWARD = "Hình thức"
CONSOLE_ROUND_FORWARDED = "Đã đề nghị cấp trên"
CONSOLE_ROUND_FORWARD = "Đề nghị cấp trên"
CONSOLE_ROUND_UNFORWARD = "Bỏ đề nghị cấp trên"
CONSOLE_ROUND_EXPORT = "Tải danh sách"
CONSOLE_ROUND_EXPORTS = {"xlsx": "Danh sách (Excel)", "docx": "Danh sách (Word)", "proposal": "Tờ trình (Word)"}
CONSOLE_NOMINATION_STATUS = {"submitted": "Chờ duyệt", "accepted": "Đã duyệt", "returned": "Trả lại",
                             "withdrawn": "Đã rút"}
CONSOLE_BACK = "‹ Quay lại"

# ---- launches
CONSOLE_LAUNCHES_TITLE = "Phát động: {title}"
CONSOLE_LAUNCHES_OPEN = "Tình hình phát động"
CONSOLE_LAUNCHES_NONE = "Phong trào này chưa được phát động."
CONSOLE_LAUNCH_HEAD = "Lần phát động lúc {at}"
CONSOLE_LAUNCH_RUNNING = "Đang gửi… (trang tự cập nhật sau mỗi {seconds} giây)"
CONSOLE_LAUNCH_FINISHED = "Đã gửi xong lúc {at}."
CONSOLE_LAUNCH_COUNTS = {"total": "Tổng số tin", "sent": "Đã gửi", "waiting": "Đang chờ gửi", "blocked": "Bị chặn",
                         "failed": "Gửi lỗi", "cancelled": "Đã huỷ", "acknowledged": "Đã bấm «Đã nhận»"}
CONSOLE_LAUNCH_PROBLEMS = "Không gửi được tới (hãy gọi điện):"
CONSOLE_LAUNCH_PROBLEM_STATUS = {"blocked": "đã chặn bot", "failed": "gửi lỗi"}

# ---- roster
CONSOLE_ROSTER_TITLE = "Danh sách đơn vị"
CONSOLE_ROSTER_NAV = "Đơn vị"
CONSOLE_ROSTER_COUNT = "{total} đơn vị"
CONSOLE_ROSTER_CONTACTS = "Người nhận tin"
CONSOLE_ROSTER_CONTACTS_LINE = "{contacts} đã gắn, {reachable} nhận được tin"
CONSOLE_ROSTER_NOBODY = "chưa ai gắn tài khoản"
CONSOLE_ROSTER_INVITES = "Lời mời còn dùng được"
CONSOLE_ROSTER_REVOKE = "Thu hồi lời mời"
CONSOLE_ROSTER_IMPORT = "Nhập danh sách đơn vị (.xlsx, .csv)"
CONSOLE_ROSTER_IMPORT_HINT = ("Các cột: mã đơn vị, tên đơn vị, cấp học, cụm thi đua, người đầu mối, số điện thoại. "
                              "Đơn vị đã có (cùng mã) được cập nhật; không đơn vị nào bị xoá.")
CONSOLE_ROSTER_IMPORT_BUTTON = "Tải lên và nhập"
CONSOLE_ROSTER_REPORT = "Kết quả nhập"
CONSOLE_ROSTER_INVITE_TITLE = "Tạo lời mời để in"
CONSOLE_ROSTER_INVITE_HINT = ("Mã các đơn vị, cách nhau bởi dấu cách hoặc dấu phẩy (để trống: mọi đơn vị). Tải về tệp "
                              ".zip gồm mã QR, danh sách .xlsx và trang hướng dẫn .docx cho từng trường "
                              "(liên kết dùng 30 ngày, tối đa 3 lần).")
CONSOLE_ROSTER_INVITE_CODES = "Mã đơn vị"
CONSOLE_ROSTER_INVITE_REPLACE = "Thu hồi lời mời cũ của các đơn vị này"
CONSOLE_ROSTER_INVITE_BUTTON = "Tạo và tải lời mời"
CONSOLE_ROSTER_ADMIN_ONLY = "Chỉ cán bộ quản trị mới nhập danh sách, tạo hoặc thu hồi lời mời."
CONSOLE_ROSTER_FOREIGN_CODE = "mã {code} đã là của một đơn vị không thuộc cơ quan của anh/chị, nên không nhập"
CONSOLE_ROSTER_NO_UNITS = "Không có đơn vị nào khớp các mã đã nhập."

# ---- exports
CONSOLE_EXPORT_TITLE = "Xuất tổng hợp: {title}"
CONSOLE_EXPORT_OPEN = "Xuất tổng hợp"
CONSOLE_EXPORT_HINT = ("Bảng tổng hợp (.xlsx) và tệp nén mọi bài nộp (.zip), như lệnh /xuat. Việc này chạy nền: "
                       "có thể rời trang và quay lại sau.")
CONSOLE_EXPORT_START = "Bắt đầu xuất"
CONSOLE_EXPORT_AGAIN = "Xuất lại"
CONSOLE_EXPORT_RUNNING = "Đang xuất… {percent}% (trang tự cập nhật)"
CONSOLE_EXPORT_DONE = "Đã xuất xong: {files} tệp bài nộp trong tệp nén."
CONSOLE_EXPORT_FAILED = "Không xuất được. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
CONSOLE_EXPORT_BUSY = "Phong trào này đang được xuất (từ trang này hoặc lệnh /xuat). Hãy đợi xong rồi thử lại."
CONSOLE_EXPORT_SIZE = "{kb} KB"
