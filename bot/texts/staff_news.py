"""Wording: /thongbao and the news it sends staff (submissions, nominations, schools that joined)."""

NEWS_SETTINGS = (
    "Nhận tin khi đơn vị nộp bài, nộp lại bài bị trả, gửi đề cử hoặc gắn tài khoản nhận tin.\n"
    "Hiện tại: {mode}.\nChọn cách nhận:"
)
NEWS_MODES = {"off": "không nhận", "each": "từng tin, ngay khi có", "hourly": "gộp lại mỗi giờ một tin"}
NEWS_BTN = {"each": "Từng tin", "hourly": "Gộp mỗi giờ", "off": "Tắt"}
NEWS_SET = "Đã đặt: {mode}. Bản tổng hợp 16:30 hằng ngày vẫn gửi như cũ."
NEWS_SUBMITTED = "📥 {unit} đã nộp «{what}»{late}."
NEWS_RESUBMITTED = "📥 {unit} đã nộp lại «{what}» (lần {version}): chờ duyệt lại."
NEWS_NOMINATED = "🏅 {unit} gửi đề cử: {what}{late}."
NEWS_BOUND = "🔗 {unit} đã có người nhận tin: {what}."
NEWS_LATE = " (muộn)"
NEWS_HEAD_HOURLY = "Tin mới trong giờ qua ({count}):"
NEWS_MORE = "… và {more} tin khác. Gõ /tiendo hoặc /duyet để xem."

# the channel's message quota (Zalo: HTTP 429 "Quota exceeded")
QUOTA_EXHAUSTED = (
    "⚠️ {channel} báo đã hết hạn mức tin nhắn của bot (lỗi 429 «Quota exceeded»). {waiting} tin đang chờ "
    "vẫn được giữ và sẽ được thử gửi lại lúc {at}. Nếu cần gửi ngay, hãy nâng gói của bot hoặc nhắc các trường "
    "dùng Telegram."
)
QUOTA_USAGE = "Zalo tháng này: đã gửi {used}/{quota} tin ({percent} %)."
QUOTA_WARNING = " ⚠️ Sắp hết hạn mức: tin phát động và nhắc hạn có thể không gửi được đến hết tháng."

# a school's question forwarded to staff (THIDUA_FORWARD_QUESTIONS) and the answer
QUESTION_FORWARDED = "❓ {unit} ({who}) hỏi: «{text}»"
QUESTION_BTN_ANSWER = "Trả lời"
QUESTION_FLOW_TITLE = "trả lời câu hỏi của đơn vị"
QUESTION_ASK_ANSWER = "Gõ câu trả lời gửi {unit} (gõ /huy để thôi):"
QUESTION_ANSWER_BAD = "Hãy gõ câu trả lời (tối đa {max} ký tự)."
QUESTION_ANSWER_SENT = "Đã gửi câu trả lời tới {unit}."
QUESTION_ANSWER_TO_SCHOOL = "💬 Phòng/Sở trả lời: {text}"
QUESTION_GONE = "Không tìm thấy người hỏi này trong các đơn vị của cơ quan bạn."
QUESTION_SENT = "Đã chuyển câu hỏi tới {count} cán bộ; câu trả lời sẽ gửi tới đây. Cần gấp, xin liên hệ: {contact}."
