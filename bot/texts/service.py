"""Wording: the service itself: starting it (`thidua run`, CLI_RUN_*) and the web pages it serves (WEB_*)."""

# `thidua run`: why it could not start (one line on stderr; the token itself is never printed)
CLI_RUN_NO_TOKEN = "Thiếu TELEGRAM_BOT_TOKEN: đặt biến môi trường này (token lấy từ @BotFather) rồi chạy lại."
CLI_RUN_TOKEN_REJECTED = {
    "telegram": "Telegram từ chối TELEGRAM_BOT_TOKEN (token sai hoặc đã bị thu hồi). Hãy lấy lại token từ "
                "@BotFather, đặt lại biến môi trường rồi chạy lại.",
    "zalo": "Zalo từ chối ZALO_BOT_TOKEN (token sai hoặc đã bị thu hồi). Hãy lấy lại token trong trang quản lý "
            "Zalo Bot, đặt lại biến môi trường rồi chạy lại.",
    "zalo_oa": "Zalo từ chối token của Official Account (refresh token đã dùng, đã hết hạn, hoặc sai ZALO_OA_APP_ID/"
               "ZALO_OA_APP_SECRET). Hãy cấp quyền lại cho ứng dụng ở developers.zalo.me, đặt ZALO_OA_REFRESH_TOKEN "
               "mới rồi chạy lại.",
}
CLI_RUN_PLATFORM = {"telegram": "Telegram", "zalo": "Zalo", "zalo_oa": "Zalo OA"}
CLI_RUN_UNREACHABLE = ("Không kết nối được tới máy chủ {platform} ({detail}). Hãy kiểm tra kết nối mạng, proxy "
                       "hoặc tường lửa (và địa chỉ API nếu đã đổi) rồi chạy lại.")
CLI_RUN_API_ERROR = "Máy chủ {platform} báo lỗi khi bot khởi động ({detail}). Hãy thử lại sau ít phút."

# The web pages
WEB_PAGE_TITLE = "Trợ lý thi đua"
WEB_UPLOAD_SENT = "Tệp «{name}» đã được gửi vào cuộc trò chuyện. Trợ lý thi đua trả lời:"
WEB_UPLOAD_SENT_NO_REPLY = ("Tệp «{name}» đã được gửi vào cuộc trò chuyện. Hãy quay lại cuộc trò chuyện với "
                            "Trợ lý thi đua để xem trả lời.")
WEB_UPLOAD_UNREADABLE = "Không đọc được tệp gửi lên. Hãy chọn lại tệp rồi bấm Gửi."
WEB_UPLOAD_BACK = "Hãy quay lại cuộc trò chuyện với Trợ lý thi đua để tiếp tục."
