"""The demo is part of the product: it must play through and show each capability."""
from bot.demo import play


async def test_demo_plays_the_whole_story():
    transcript = "\n".join(await play())
    assert "Đã gắn cuộc trò chuyện này với đơn vị: Trường Tiểu học Kim Đồng" in transcript
    assert "Trợ giúp cho đơn vị" in transcript
