"""Zalo's 429 is "Quota exceeded": rows wait without losing an attempt, staff hear it once a day, and the
month's use is shown against ZALO_MONTHLY_QUOTA with a warning from 80 %."""
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from bot.channels.zalo import QUOTA_PAUSE_S, ZaloSender
from bot.channels.zalo_api import ZaloBotClient
from bot.zalo_sandbox import ZaloSandbox
from db import outbox
from db.engine import session_scope
from db.models import OutboxMessage
from handlers.io import OutMessage, SendResult
from schedules.quota import QuotaWatch, usage_line
from tests.support import seed

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 3, 3, 0)


def test_a_quota_refusal_keeps_the_row_pending_and_its_attempts():
    values = outbox.outcome(SendResult(False, retry_after=3600, quota_exhausted=True, error="429"), 2, NOW)
    assert (values["status"], values["attempts"]) == ("pending", 2)
    assert values["not_before"] == NOW + timedelta(hours=1)
    ordinary = outbox.outcome(SendResult(False, error="500"), 2, NOW)
    assert ordinary["attempts"] == 3


async def test_the_zalo_sender_reports_429_as_quota_exhausted_after_one_call():
    async with ZaloSandbox(token="123:abc") as sandbox:
        sandbox.add_user("u1", "Cô Lan")
        sandbox.inject_fault("sendMessage", status=429, times=5, retry_after=1)
        client = ZaloBotClient("123:abc", sandbox.api_base_url, rate_per_s=1000)
        try:
            result = await ZaloSender(client, "https://thidua.example.vn", b"k").send("u1", OutMessage("chào"), [], None)
        finally:
            await client.aclose()
    assert result.quota_exhausted and not result.ok and result.retry_after >= QUOTA_PAUSE_S
    assert sandbox.stats.http_429 == 1                               # no retries inside the client


def test_staff_hear_of_an_exhausted_quota_once_a_day(settings):
    seed.staff(7001, "Cô Hoa", channel="telegram")
    seed.staff(7002, "Anh Minh", channel="telegram", started=False)   # never opened the bot: not written to
    with session_scope() as s:
        outbox.enqueue_many(s, [outbox.Outgoing(f"rem:{i}", "zalo", str(i), OutMessage("x")) for i in range(3)])
    woken = []
    watch = QuotaWatch(VN, on_enqueued=lambda: woken.append(1))
    row = SimpleNamespace(channel="zalo")
    refused = SendResult(False, retry_after=3600, quota_exhausted=True)
    with time_machine.travel(NOW, tick=False):
        watch(row, refused)
        watch(row, refused)                                          # the same episode: told once
        watch(row, SendResult(True))
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        QuotaWatch(VN)(row, refused)                                 # a new day (even after a restart): once more
    with session_scope() as s:
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("quota:%"))
                         .order_by(OutboxMessage.id)).all()
    assert [n.chat_id for n in notices] == ["7001", "7001"] and woken == [1]
    assert texts.QUOTA_EXHAUSTED.split("{")[0].strip() in notices[0].payload["text"]
    assert "3 tin đang chờ" in notices[0].payload["text"]


@pytest.mark.parametrize("sent, warned", [(2399, False), (2400, True)])
def test_the_months_use_is_shown_with_a_warning_from_80_percent(settings, sent, warned):
    with session_scope() as s:
        outbox.enqueue_many(s, [outbox.Outgoing(f"m:{i}", "zalo", "1", OutMessage("x")) for i in range(sent)])
        s.execute(OutboxMessage.__table__.update().values(status="sent", sent_at=NOW - timedelta(hours=1)))
        s.add(OutboxMessage(idempotency_key="last-month", channel="zalo", chat_id="1", kind="reply",
                            payload={"text": "x"}, status="sent", sent_at=datetime(2026, 11, 30, 10),
                            created_at=NOW, not_before=NOW))
    configured = SimpleNamespace(zalo_monthly_quota=3000, tz=VN)
    with session_scope() as s:
        line = usage_line(s, configured, NOW)
        assert usage_line(s, SimpleNamespace(zalo_monthly_quota=None, tz=VN), NOW) is None
    assert line.startswith(texts.QUOTA_USAGE.format(used=f"{sent:,}".replace(",", "."), quota="3.000",
                                                    percent=round(sent / 30)))
    assert (texts.QUOTA_WARNING in line) is warned


async def test_tiendo_shows_the_zalo_quota_when_one_is_set(settings):
    from tests.support.flowchat import FlowChat
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.staff(7003, "Cô Hoa", channel="test")
    seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    settings.zalo_monthly_quota = 3000
    chat = FlowChat(settings, 7003)
    await chat.send("/tiendo")
    assert texts.QUOTA_USAGE.format(used="0", quota="3.000", percent=0) in chat.text


def test_zalo_uses_a_webhook_when_the_public_address_is_https(caplog):
    from bot.cli import zalo_webhook_for
    https = SimpleNamespace(zalo_bot_token="1:x", thidua_public_url="https://thidua.sgd.example.vn")
    local = SimpleNamespace(zalo_bot_token="1:x", thidua_public_url="http://127.0.0.1:8080")
    assert zalo_webhook_for(None, False, https) == "https://thidua.sgd.example.vn"
    assert zalo_webhook_for(None, True, https) is None                         # --zalo-polling
    assert zalo_webhook_for("https://other.example.vn", False, local) == "https://other.example.vn"
    with caplog.at_level("WARNING", logger="thidua"):
        assert zalo_webhook_for(None, False, local) is None
    assert texts.CLI_ZALO_POLLING in caplog.text
    assert zalo_webhook_for(None, False, SimpleNamespace(zalo_bot_token=None, thidua_public_url="https://x")) is None
