"""Wording shared by every flow: greetings, help, cancelling, errors of the conversation engine."""

BOT_NAME = "Trợ lý thi đua"

WELCOME_UNBOUND = (
    "Xin chào! Tôi là Trợ lý thi đua của Phòng/Sở Giáo dục và Đào tạo.\n"
    "Tôi giúp các đơn vị nhận kế hoạch, nộp báo cáo, đề cử điển hình và theo dõi hạn nộp.\n\n"
    "Để bắt đầu, hãy mở đường liên kết mời (hoặc gõ mã mời) mà Phòng/Sở đã gửi cho đơn vị của bạn."
)
WELCOME_BACK_CONTACT = "Chào {unit}! Bạn cần làm gì hôm nay?"
WELCOME_BACK_STAFF = "Chào {name}! Bạn đang dùng quyền cán bộ của {office}."

HELP_UNBOUND = (
    "Trợ giúp\n"
    "• Mở đường liên kết mời mà Phòng/Sở gửi (hoặc gõ /start <mã mời>) để gắn cuộc trò chuyện này với đơn vị.\n"
    "• /help — xem trợ giúp\n"
    "• /huy — huỷ thao tác đang làm\n\n"
    "Chưa có mã mời? Hãy liên hệ cán bộ phụ trách thi đua của Phòng/Sở."
)
HELP_CONTACT = (
    "Trợ giúp cho đơn vị {unit}\n"
    "• /nop — nộp báo cáo, hồ sơ\n"
    "• /decu — đề cử gương điển hình tiên tiến\n"
    "• /viec — xem việc cần làm và hạn nộp\n"
    "• /huy — huỷ thao tác đang làm\n"
    "• /help — xem trợ giúp này"
)
HELP_STAFF = (
    "Lệnh dành cho cán bộ\n"
    "• /taochiendich — lập kế hoạch thi đua từ tệp kế hoạch (.docx, .pdf, .txt)\n"
    "• /taomoi — lập kế hoạch bằng cách nhập tay\n"
    "• /suakh — sửa kế hoạch đã lưu hoặc đã phát động (tên, thời gian, các mốc, hạn nộp)\n"
    "• /phatdong — phát động kế hoạch tới các đơn vị\n"
    "• /danhan — xem đơn vị nào đã xác nhận nhận kế hoạch\n"
    "• /tiendo — xem tiến độ nộp (kèm biểu đồ), đơn vị chưa nộp và chưa có người nhận tin\n"
    "• /duyet — xem và duyệt hoặc trả lại bài nộp\n"
    "• /nhacnho — nhắc các đơn vị chưa nộp\n"
    "• /nhachan — xem, sửa lịch nhắc hạn tự động\n"
    "• /dscu — đề cử gương điển hình: duyệt, bình xét theo cụm, khoá đợt, xuất danh sách\n"
    "• /thongbao — nhận tin khi đơn vị nộp bài, đề cử hoặc gắn tài khoản\n"
    "• /hinhthuc — danh mục hình thức khen thưởng\n"
    "• /xuat — xuất bảng tổng hợp (.xlsx) và tệp nén bài nộp (.zip)\n"
    "• /baocao — báo cáo tiến độ (.docx) theo thể thức Nghị định 30/2020\n"
    "• /coquan — thông tin cơ quan in trên văn bản (cơ quan chủ quản, người ký, ký hiệu)\n"
    "• /web — nhận liên kết đăng nhập trang quản lý trên máy tính (bảng tiến độ, duyệt bài)\n"
    "• /huy — huỷ thao tác đang làm"
)

MENU_SUBMIT = "Nộp báo cáo"
MENU_NOMINATE = "Đề cử điển hình"
MENU_TODO = "Việc cần làm"
MENU_HELP = "Trợ giúp"

CANCELLED = "Đã huỷ thao tác đang làm. Những gì chưa xác nhận thì không được lưu; những gì đã xác nhận trước đó vẫn giữ nguyên."
NOTHING_TO_CANCEL = "Hiện không có thao tác nào đang làm."
TIMED_OUT = "Đã quá {minutes} phút không có phản hồi nên thao tác đã kết thúc. Không có gì được lưu; bạn có thể bắt đầu lại bất cứ lúc nào."
BUSY_IN_FLOW = "Bạn đang làm dở: {flow}. Hãy hoàn tất bước hiện tại, hoặc gõ /huy để huỷ rồi bắt đầu việc khác."
STALE_BUTTON = "Nút này thuộc một tin nhắn cũ nên không còn dùng được. Hãy dùng tin nhắn mới nhất."
FORGED_BUTTON = "Nút bấm không hợp lệ. Vì an toàn, yêu cầu này đã bị bỏ qua."
UNKNOWN_COMMAND = "Tôi không hiểu lệnh /{command}. Gõ /help để xem các lệnh."
NOT_BOUND = (
    "Cuộc trò chuyện này chưa được gắn với đơn vị nào nên tôi chưa thể nhận yêu cầu.\n"
    "Hãy mở đường liên kết mời (hoặc gõ /start <mã mời>) mà Phòng/Sở gửi cho đơn vị của bạn."
)
STAFF_ONLY = "Lệnh này chỉ dành cho cán bộ Phòng/Sở. Nếu bạn là cán bộ, hãy nhờ quản trị viên cấp quyền."
CONTACT_ONLY = "Chức năng này dành cho đầu mối của các đơn vị."
NOT_UNDERSTOOD = "Tôi chưa hiểu tin nhắn này. Hãy chọn một mục bên dưới hoặc gõ /help."
FREE_TEXT_REPLY = (
    "Bot nhận bài nộp và đề cử theo các mục bên dưới, nhưng chưa chuyển được câu hỏi tới cán bộ. "
    "Nếu cần hỏi, xin liên hệ: {contact}."
)
FREE_TEXT_OFFICE_FALLBACK = "bộ phận thi đua của Phòng/Sở Giáo dục và Đào tạo"
EXPECT_CHOICE = "Hãy chọn một trong các mục bên dưới (hoặc gõ /huy để huỷ)."
TYPE_NUMBER_HINT = "Gõ số thứ tự để chọn:"
INTERNAL_ERROR = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Không có gì bị lưu dở dang; bạn hãy thử lại sau ít phút."

# Binding a chat to a unit with an invite link
BOUND = "Đã gắn cuộc trò chuyện này với đơn vị: {unit} (mã {code}).\nTừ nay bạn sẽ nhận kế hoạch, nhắc hạn và có thể nộp báo cáo ngay tại đây."
ALREADY_BOUND = "Cuộc trò chuyện này đã được gắn với {unit} từ trước. Bạn cần làm gì?"
INVITE_PROBLEMS = {
    "unknown": "Mã mời không đúng. Hãy kiểm tra lại đường liên kết, hoặc xin cán bộ Phòng/Sở gửi lại.",
    "expired": "Mã mời này đã hết hạn. Hãy xin cán bộ Phòng/Sở cấp mã mời mới.",
    "revoked": "Mã mời này đã bị thu hồi. Hãy xin cán bộ Phòng/Sở cấp mã mời mới.",
    "used_up": "Mã mời này đã được dùng đủ số lần cho phép. Hãy xin cán bộ Phòng/Sở cấp thêm mã mời.",
    "other_unit": "Cuộc trò chuyện này đã gắn với {unit}. Mỗi người chỉ đại diện cho một đơn vị; nếu cần đổi, hãy liên hệ cán bộ Phòng/Sở.",
    "busy": "Hệ thống đang bận xử lý một yêu cầu khác của cuộc trò chuyện này. Chưa có gì thay đổi; bạn hãy gửi lại mã mời sau ít giây.",
}
INVITE_COOLING_OFF = (
    "Bạn đã nhập sai mã mời quá nhiều lần trong {minutes} phút. Vì an toàn, tôi tạm ngừng nhận mã mời từ cuộc "
    "trò chuyện này. Hãy thử lại từ {at}, và kiểm tra kỹ mã (hoặc xin cán bộ Phòng/Sở gửi lại đường liên kết)."
)
STAFF_BOUND = "Đã cấp quyền cán bộ cho {name}. Gõ /help để xem các lệnh."

# The bot's web pages (file links for Zalo, the one-time upload page)
UPLOAD_PAGE_TITLE = "Tải tệp lên Trợ lý thi đua"
UPLOAD_PAGE_HINT = "Chọn tệp (PDF, DOC/DOCX, XLS/XLSX, JPG/PNG; tối đa 50 MB) rồi bấm Gửi. Sau đó quay lại cuộc trò chuyện để tiếp tục."
UPLOAD_PAGE_BUTTON = "Gửi"
UPLOAD_PAGE_DONE = "Đã nhận tệp «{name}». Hãy quay lại cuộc trò chuyện với Trợ lý thi đua để tiếp tục."
UPLOAD_PAGE_INVALID = "Đường liên kết tải tệp không hợp lệ hoặc đã hết hạn. Hãy xin đường liên kết mới trong cuộc trò chuyện."
UPLOAD_PAGE_USED = "Đường liên kết này đã được dùng. Mỗi đường liên kết chỉ tải được một lần; hãy xin đường liên kết mới."
UPLOAD_PAGE_TOO_BIG = "Tệp quá lớn (tối đa 50 MB). Hãy nén hoặc chia nhỏ tệp rồi thử lại."
UPLOAD_PAGE_EMPTY = "Chưa chọn tệp nào."
FILE_LINK_INVALID = "Đường liên kết tệp không hợp lệ."
UNSUPPORTED_CONTENT = "Tôi chưa đọc được loại tin nhắn này. Hãy gửi chữ, ảnh chụp, hoặc dùng đường liên kết tải tệp mà tôi gửi."
UPLOAD_LINK_LABEL = "Tải tệp PDF/DOCX lên tại đây (dùng một lần, trong 24 giờ)"
OFFICE_FALLBACK = "Phòng/Sở"

# The command menu Telegram shows beside the text box: (command, description)
COMMAND_MENU_CONTACT = [
    ("start", "Bắt đầu / gắn đơn vị"), ("nop", "Nộp báo cáo"), ("decu", "Đề cử điển hình"),
    ("viec", "Việc cần làm"), ("help", "Trợ giúp"), ("huy", "Huỷ thao tác đang làm"),
]
COMMAND_MENU_STAFF = [
    ("taochiendich", "Lập kế hoạch từ tệp văn bản"), ("taomoi", "Lập kế hoạch bằng tay"),
    ("phatdong", "Phát động kế hoạch"), ("tiendo", "Xem tiến độ"), ("duyet", "Duyệt bài nộp"),
    ("nhacnho", "Nhắc đơn vị chưa nộp"), ("nhachan", "Lịch nhắc hạn tự động"), ("danhan", "Ai đã nhận kế hoạch"),
    ("dscu", "Danh sách đề cử"), ("hinhthuc", "Hình thức khen thưởng"), ("xuat", "Xuất danh sách tổng hợp"),
    ("baocao", "Báo cáo tiến độ (Word)"), ("coquan", "Thông tin cơ quan trên văn bản"),
    ("web", "Trang quản lý trên máy tính"), ("help", "Trợ giúp"), ("huy", "Huỷ thao tác đang làm"),
]

# Files a step asked for are being downloaded (handlers/fetching.py)
FETCH_IN_PROGRESS = "⏳ Đang nhận tệp của bạn, xin chờ giây lát. Gõ /huy nếu muốn huỷ."
FETCH_RESTARTED = "⏳ Việc nhận tệp bị gián đoạn; tôi đang nhận lại, xin chờ giây lát."
