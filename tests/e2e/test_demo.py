"""The demo is part of the product: it must play through and show each capability."""
from bot.demo import play


async def test_demo_plays_the_whole_story():
    transcript = "\n".join(await play())
    assert "Đã gắn cuộc trò chuyện này với đơn vị: Trường Tiểu học Kim Đồng" in transcript
    assert "Đã gắn cuộc trò chuyện này với đơn vị: Trường THCS Lý Tự Trọng" in transcript      # over Zalo
    assert "Bản nháp kế hoạch thi đua từ tệp" in transcript and "Đã lưu kế hoạch #1" in transcript
    assert "📢 PHÁT ĐỘNG" in transcript and "Báo cáo phát động" in transcript
    assert "Số tiếp nhận: BC-2023-000001" in transcript and "Số tiếp nhận: BC-2024-000001" in transcript
    assert "Tiến độ:" in transcript
    after_submitting = transcript.split("(còn 3 ngày): Lê Lợi đã nộp")[1].split("===")[0]
    assert "Cô Hoa: Kính gửi quý đơn vị,\n   ⏰ Nhắc hạn nộp" in after_submitting and "Thầy Bình" not in after_submitting
    assert "Số tiếp nhận: DC-2024-000001" in transcript
    assert "Việc cần làm của Trường THCS Lý Tự Trọng" in transcript
    assert "theo cụm thi đua" in transcript and "Đã duyệt 1" in transcript          # the round, staff side
    assert "Cô Lan: 📣 Phòng/Sở điều chỉnh hạn «Báo cáo tổng kết»" in transcript   # an edit after launch
    assert "🌐 Trình duyệt mở liên kết, bấm «Đăng nhập» → Đăng nhập: Chuyên viên Thi đua" in transcript   # console
    assert "🌐 Tiến độ: Phát động phong trào" in transcript and "1–5 trên 5 đơn vị" in transcript
    assert "👤 Cô Thảo (Zalo OA): [bấm «Đã nhận»]" in transcript                   # a real button on the OA
    assert "👤 Cô Thảo (Zalo OA): [tệp bao_cao_so_ket_nguyen_hue.pdf," in transcript
    assert "✅ Đã nhận bài nộp của Trường Tiểu học Nguyễn Huệ" in transcript
    import re
    assert not re.findall(r"\([^()\n]*\(", transcript), "nested parentheses"
    assert not re.findall(r"\b(\w+ \w+): \1\b", transcript), "a label repeated: «Báo cáo sơ kết: Báo cáo sơ kết»"
