"""Wording of the Zalo Official Account channel (bot/channels/zalo_oa*.py) and its checks."""

# more than five choices: the rest follow as buttons of their own message
OA_MORE_CHOICES = "Các lựa chọn khác:"

# staff: contacts the OA may not write to (48 hours since they last wrote to it)
OA_UNREACHABLE_HEAD = (
    "📵 Zalo OA không cho gửi tin tới {n} người liên hệ dưới đây: họ chưa nhắn cho OA trong 48 giờ qua, hoặc OA "
    "đã gửi họ 8 tin kể từ lần cuối họ nhắn. OA chỉ được trả lời chứ không được nhắn trước. Các tin đó sẽ không "
    "được gửi lại. Hãy gọi điện nhờ họ nhắn một tin bất kỳ, ví dụ «chào», cho OA để nhận các tin sau:"
)
OA_UNREACHABLE_LINE = "• {unit} — {name}{phone}"
OA_UNREACHABLE_PHONE = " (ĐT đầu mối: {phone})"
OA_UNREACHABLE_MORE = "… và {more} người khác."

# `thidua doctor`
DOCTOR_OA_TOKEN = "Token Zalo OA"
DOCTOR_OA_OK = "OA «{name}» nhận token"
DOCTOR_OA_NO_TOKEN = "chưa có token nào (ZALO_OA_REFRESH_TOKEN trống và cơ sở dữ liệu chưa lưu token)"
DOCTOR_OA_REFUSED = "Zalo từ chối token của OA ({detail})"
DOCTOR_OA_FIX = ("lấy refresh token mới (developers.zalo.me → ứng dụng → Official Account → cấp quyền) rồi đặt "
                 "ZALO_OA_REFRESH_TOKEN và chạy lại")
DOCTOR_OA_UNREACHABLE = "không gọi được Zalo OA ({detail})"
DOCTOR_OA_WEBHOOK = "Webhook Zalo OA"
DOCTOR_OA_WEBHOOK_URL = ("Zalo phải gọi {url}: đặt địa chỉ này ở developers.zalo.me → Webhook và bật các sự kiện "
                         "user_send_text, user_send_image, user_send_file, follow, unfollow")
DOCTOR_OA_WEBHOOK_NOT_HTTPS = "{url} không phải địa chỉ https công khai: Zalo không gọi được"
DOCTOR_OA_WEBHOOK_FIX = "đặt THIDUA_PUBLIC_URL là địa chỉ https công khai của máy chủ bot"
DOCTOR_OA_SECRET_MISSING = "thiếu ZALO_OA_SECRET_KEY: bot sẽ từ chối mọi sự kiện Zalo gửi tới"
DOCTOR_OA_SECRET_FIX = "chép «OA Secret Key» ở developers.zalo.me → Webhook vào ZALO_OA_SECRET_KEY"
