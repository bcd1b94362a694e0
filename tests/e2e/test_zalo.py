"""The same flows over Zalo: typed invite codes, numbered choices, file links, the webhook's secret."""
import httpx

from bot import texts
from bot.links import upload_url
from tests.support import seed


async def test_binding_by_typing_the_code_and_choosing_by_number(e2e_zalo):
    unit = seed.unit("TH05", "Trường Tiểu học Hòa Bình")
    token = seed.invite(unit.id)
    dung = await e2e_zalo.zalo_user("zl-7001", "Cô Dung")
    await dung.send(token)                       # no deep links on Zalo: the code is typed
    menu = await dung.expect_reply(contains="Đã gắn")
    assert "Hòa Bình" in menu.text
    assert "1. Nộp báo cáo" in menu.text and "4. Trợ giúp" in menu.text
    await dung.send("4")                          # "4" picks Trợ giúp
    assert "Trợ giúp cho đơn vị" in (await dung.expect_reply()).text
    await dung.send("một")                         # a number word works too: Nộp báo cáo (whatever it answers)
    await dung.expect_reply()


async def test_unknown_zalo_user_is_told_how_to_bind(e2e_zalo):
    stranger = await e2e_zalo.zalo_user("zl-7002", "Khách")
    await stranger.send("xin chào")
    assert (await stranger.expect_reply()).text == texts.NOT_BOUND
    await stranger.send("AAAAAAAAAAAAAAAAAAAAAA")  # a wrong code
    assert (await stranger.expect_reply()).text == texts.INVITE_PROBLEMS["unknown"]


async def test_zalo_webhook_refuses_a_wrong_secret(e2e_zalo):
    base = e2e_zalo.settings.thidua_public_url
    body = {"event_name": "message.text.received", "message": {"from": {"id": "x"}, "chat": {"id": "x"},
                                                                "text": "/help", "message_id": "m1", "date": 0}}
    async with httpx.AsyncClient() as http:
        assert (await http.post(f"{base}/zalo/webhook", json=body)).status_code == 403
        assert (await http.post(f"{base}/zalo/webhook", json=body,
                                headers={"X-Bot-Api-Secret-Token": "wrong"})).status_code == 403


async def test_upload_page_is_one_time_and_signed(e2e_zalo):
    s = e2e_zalo.settings
    unit = seed.unit("TH06", "Trường Tiểu học Quang Trung")
    seed.contact(unit.id, "zl-7003", channel="zalo")
    url = upload_url(s.thidua_public_url, s.signing_secret, "zalo", "zl-7003")
    async with httpx.AsyncClient() as http:
        assert (await http.get(url)).status_code == 200
        assert (await http.get(url[:-3] + "xyz")).status_code == 403
        first = await http.post(url, files={"file": ("bao_cao.pdf", b"%PDF-1.4 demo", "application/pdf")})
        assert first.status_code == 200 and "bao_cao.pdf" in first.text
        again = await http.post(url, files={"file": ("bao_cao.pdf", b"%PDF-1.4 demo", "application/pdf")})
        assert again.status_code == 409


async def test_a_reminder_reaches_a_zalo_contact_and_typing_1_starts_the_submission(e2e_zalo):
    from datetime import timedelta

    from db.clock import utcnow
    from schedules.reminders import reminder_tick

    unit = seed.unit("TH07", "Trường Tiểu học Trần Phú")
    seed.contact(unit.id, "zl-7004", channel="zalo", name="Cô Mai")
    now = utcnow()
    policy = {"offsets_days": [-1], "send_at": "00:00", "quiet_start": "00:00", "quiet_end": "00:00"}
    seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id], launched_at=now - timedelta(days=2),
                  reminder_policy=policy, milestones=[{"title": "Báo cáo sơ kết", "due_at": now + timedelta(days=1)}])
    mai = await e2e_zalo.zalo_user("zl-7004", "Cô Mai")
    await reminder_tick(e2e_zalo.settings.tz, e2e_zalo.runtime.dispatcher.wake)
    reminder = await mai.expect_reply(contains="Nhắc hạn nộp")
    assert "1. " + texts.REMINDER_SUBMIT_NOW in reminder.text       # the button became a numbered line
    await e2e_zalo.outbox_idle()
    await mai.send("1")
    assert "Báo cáo sơ kết" in (await mai.expect_reply(contains="Hãy gửi")).text
