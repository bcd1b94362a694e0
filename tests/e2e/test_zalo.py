"""The same flows over Zalo: typed invite codes, numbered choices, file links, the webhook's secret."""
import httpx

from bot import texts
from bot.links import upload_url
from tests.support import seed
from bot.samples import sample_jpeg, sample_pdf


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
        first = await http.post(url, files={"file": ("bao_cao.pdf", sample_pdf("demo"), "application/pdf")})
        assert first.status_code == 200 and "bao_cao.pdf" in first.text
        again = await http.post(url, files={"file": ("bao_cao.pdf", sample_pdf("demo"), "application/pdf")})
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
    assert "bấm" not in reminder.text.lower() and f"Gõ số 1 («{texts.REMINDER_SUBMIT_NOW}»)" in reminder.text
    await e2e_zalo.outbox_idle()
    await mai.send("1")
    assert "Báo cáo sơ kết" in (await mai.expect_reply(contains="Hãy gửi")).text


def _one_campaign(code: str, name: str, zalo_id: str):
    from datetime import timedelta

    unit = seed.unit(code, name)
    seed.contact(unit.id, zalo_id, channel="zalo", name="Đầu mối")
    _, (milestone,) = seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id],
                                    milestones=[{"title": "Báo cáo sơ kết", "due_in_days": 5}])
    return unit, milestone, timedelta


async def _submission_files(settings, unit_id: int) -> list[tuple[str, bytes]]:
    from sqlmodel import select

    from db import files as file_store
    from db.engine import session_scope
    from db.models import Submission
    from db.submissions import files_of
    with session_scope() as s:
        sub = s.exec(select(Submission).where(Submission.unit_id == unit_id)).one()
        out = []
        for _link, stored in files_of(s, sub.id):
            out.append((stored.original_name, file_store.read(s, settings.thidua_data_dir, stored.id)[1]))
        return out


def milestone_day(milestone) -> str:
    from zoneinfo import ZoneInfo
    local = texts.local(milestone.due_at, ZoneInfo("Asia/Ho_Chi_Minh"))
    return f"{local.day:02d}/{local.month:02d}"


async def test_a_zalo_contact_submits_scanned_pages_as_photos(e2e_zalo):
    unit, milestone, _ = _one_campaign("TH08", "Trường Tiểu học Võ Thị Sáu", "zl-7005")
    nga = await e2e_zalo.zalo_user("zl-7005", "Cô Nga")
    await nga.send("/nop")
    await nga.expect_reply(contains="Chọn hạng mục")
    await nga.send("1")
    ask = await nga.expect_reply(contains="Hãy gửi tệp")
    assert "/tai-len/" in ask.text and "xong" in ask.text          # photos, or the upload page for PDF/Word
    page1, page2 = sample_jpeg("trang 1"), sample_jpeg("trang 2")
    await nga.send_photo(page1)                                     # photo_url: current traffic
    await nga.expect_reply(contains="1 tệp")
    await nga.send_photo(page2, shape="photo_list")                 # photo as an array of objects
    await nga.expect_reply(contains="2 tệp")
    await nga.send("xong")
    await nga.expect_reply(contains="ghi chú")
    await nga.send("1")                                             # the note step's first choice: Bỏ qua
    summary = await nga.expect_reply(contains="Kiểm tra lại")
    confirm_number = next(line.split(".")[0] for line in summary.text.splitlines() if line.endswith("Xác nhận"))
    await nga.send(confirm_number)
    receipt = await nga.expect_reply(contains="BC-")
    assert "2 tệp" in receipt.text or "anh_" in receipt.text
    stored = await _submission_files(e2e_zalo.settings, unit.id)
    assert sorted(data for _name, data in stored) == sorted([page1, page2])


async def test_a_zalo_contact_sends_a_pdf_through_the_upload_link(e2e_zalo):
    import re
    unit, milestone, _ = _one_campaign("TH09", "Trường Tiểu học Bế Văn Đàn", "zl-7006")
    oanh = await e2e_zalo.zalo_user("zl-7006", "Cô Oanh")
    await oanh.send("/nop")
    await oanh.expect_reply(contains="Chọn hạng mục")
    await oanh.send("Báo cáo sơ kết · " + milestone_day(milestone))
    ask = await oanh.expect_reply(contains="Hãy gửi tệp")
    url = re.search(r"(http://\S+/tai-len/\S+)", ask.text).group(1)
    pdf = sample_pdf("bao cao so ket", pad=1000)
    async with httpx.AsyncClient() as http:
        page = await http.post(url, files={"file": ("bao_cao_so_ket.pdf", pdf, "application/pdf")})
    assert page.status_code == 200
    await oanh.expect_reply(contains="bao_cao_so_ket.pdf")          # the chat moves on as if sent in chat
    await oanh.send("xong")
    await oanh.expect_reply(contains="ghi chú")
    await oanh.send("Bỏ qua")                                       # the label works as well as its number
    summary = await oanh.expect_reply(contains="Kiểm tra lại")
    await oanh.send("Xác nhận")
    await oanh.expect_reply(contains="BC-")
    assert await _submission_files(e2e_zalo.settings, unit.id) == [("bao_cao_so_ket.pdf", pdf)]


async def test_a_zalo_contact_nominates_step_by_step(e2e_zalo):
    from sqlmodel import select

    from db.engine import session_scope
    from db.models import Nomination
    unit = seed.unit("TH10", "Trường Tiểu học Nguyễn Du")
    seed.contact(unit.id, "zl-7007", channel="zalo", name="Thầy Phúc")
    seed.campaign(unit_ids=[unit.id], milestones=[
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý I/2027", due_in_days=10)])
    phuc = await e2e_zalo.zalo_user("zl-7007", "Thầy Phúc")
    await phuc.send("/decu")
    await phuc.expect_reply(contains="tập thể hay cá nhân")
    await phuc.send("Cá nhân")                                   # labels work as well as numbers
    await phuc.expect_reply(contains="Họ và tên")
    await phuc.send("Lê Văn Phúc")
    await phuc.expect_reply(contains="Chức vụ")
    await phuc.send("Tổ trưởng chuyên môn")
    await phuc.expect_reply(contains="Dùng tên đơn vị")
    await phuc.send("1")
    await phuc.expect_reply(contains="Tóm tắt thành tích")
    await phuc.send("Ba năm liền giáo viên dạy giỏi cấp huyện.")
    await phuc.expect_reply(contains="Mô hình mới")
    await phuc.send("Bỏ qua")
    await phuc.expect_reply(contains="Hình thức khen thưởng")
    await phuc.send("Bỏ qua")
    await phuc.expect_reply(contains="Gửi tệp minh chứng")
    await phuc.send_photo(sample_jpeg("giay khen"))
    await phuc.expect_reply(contains="Đã nhận 1 tệp minh chứng")
    await phuc.send("xong")
    await phuc.expect_reply(contains="Kiểm tra lại đề cử")
    await phuc.send("Xác nhận")
    await phuc.expect_reply(contains="Số tiếp nhận: DC-")
    with session_scope() as s:
        n = s.exec(select(Nomination).where(Nomination.unit_id == unit.id)).one()
    assert (n.nominee_name, n.position, n.status) == ("Lê Văn Phúc", "Tổ trưởng chuyên môn", "submitted")


async def test_a_launch_reaches_telegram_and_zalo_contacts_with_the_plan_as_a_link(e2e_zalo):
    import re

    from db import files as file_store
    from db.engine import session_scope
    plan = sample_pdf("ke hoach phat dong", pad=500)
    with session_scope() as s:
        stored = file_store.store(s, e2e_zalo.settings.thidua_data_dir, plan, "KH-12.pdf", "application/pdf")
    unit = seed.unit("TH11", "Trường Tiểu học Hùng Vương")
    seed.contact(unit.id, 1011, name="Cô Lan")                       # on Telegram
    seed.contact(unit.id, "zl-7011", channel="zalo", name="Thầy Quý")  # and on Zalo, same unit
    seed.staff(4011, name="Chuyên viên")
    seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id], status="draft", plan_file_id=stored.id,
                  milestones=[{"title": "Báo cáo sơ kết", "due_in_days": 20}])
    staff = await e2e_zalo.user(4011, "Chuyên viên")
    lan = await e2e_zalo.user(1011, "Cô Lan")
    quy = await e2e_zalo.zalo_user("zl-7011", "Thầy Quý")
    await staff.send("/phatdong")
    await staff.press_nth(0, await staff.expect_reply(contains="Chọn kế hoạch"))
    await staff.press("Gửi", await staff.expect_reply(contains="Gửi ngay?"))
    on_telegram = await lan.expect_reply(contains="PHÁT ĐỘNG")
    assert on_telegram.document.data == plan
    on_zalo = await quy.expect_reply(contains="PHÁT ĐỘNG")
    link = re.search(r"📎 KH-12\.pdf: (\S+)", on_zalo.text).group(1)
    async with httpx.AsyncClient() as http:
        download = await http.get(link)
        forged = await http.get(link[:-4] + "AAAA")
    assert download.status_code == 200 and download.content == plan
    assert forged.status_code == 404
    assert "1. Đã nhận" in on_zalo.text
    await quy.send("1")                                              # acknowledges by typing the number
    assert "Đã ghi nhận" in (await quy.expect_reply(contains="ghi nhận")).text


async def test_zalo_webhook_mode_delivers_updates(settings):
    from bot.runtime import BotRuntime
    from bot.sandbox import TelegramSandbox
    from bot.sandbox_driver import _free_port
    from bot.zalo_sandbox import ZaloSandbox

    # Zalo only calls https webhooks; TLS for a local server is out of scope here, so this one test lets
    # http through (the https rule itself is tested in tests/unit/test_zalo_sandbox.py).
    tg = await TelegramSandbox(token=settings.telegram_bot_token).start()
    zl = ZaloSandbox(token="9:Z", require_https_webhook=False)
    await zl.start()
    port = _free_port()
    settings.telegram_api_base_url, settings.telegram_file_base_url = tg.api_base_url, tg.file_base_url
    settings.zalo_bot_token, settings.zalo_api_base_url = "9:Z", zl.api_base_url
    settings.zalo_webhook_secret = "zalo-webhook-secret"
    settings.thidua_public_url = f"http://127.0.0.1:{port}"
    runtime = BotRuntime(settings)
    await runtime.start(web_port=port, web_host="127.0.0.1", zalo_webhook_url=f"http://127.0.0.1:{port}")
    try:
        zl.add_user("zl-8001", "Cô Vân")
        await zl.send_text("zl-8001", "/help")
        reply = await zl.wait_for_message("zl-8001", timeout=8)
        assert "Trợ giúp" in reply.text
        assert [d.status for d in zl.webhook_deliveries] == [200]     # answered at once, handled in the background
        await zl.send_text("zl-8001", "/huy")                            # the sandbox alternates envelope shapes
        await zl.wait_for_message("zl-8001", contains="Hiện không có thao tác", timeout=8)
        assert {d.shape for d in zl.webhook_deliveries} == {"wrapped", "bare"}
    finally:
        await runtime.stop()
        await tg.stop()
        await zl.stop()


async def test_the_upload_page_shows_the_conversations_refusal_with_the_name_escaped(e2e_zalo):
    import html
    import re
    _one_campaign("TH11", "Trường Tiểu học Lê Lợi", "zl-7011")
    mai = await e2e_zalo.zalo_user("zl-7011", "Cô Mai")
    await mai.send("/nop")
    await mai.expect_reply(contains="Chọn hạng mục")
    await mai.send("1")
    ask = await mai.expect_reply(contains="Hãy gửi tệp")
    url = re.search(r"(http://\S+/tai-len/\S+)", ask.text).group(1)
    name = "<img src=x onerror=alert(1)>.exe"
    async with httpx.AsyncClient() as http:
        page = await http.post(url, files={"file": (name, b"MZ\x90\x00", "application/octet-stream")})
    refusal = texts.REPORT_BAD_TYPE.format(name=name)
    assert page.status_code == 200
    assert html.escape(refusal) in page.text
    assert "<img" not in page.text and "Đã nhận tệp" not in page.text   # escaped, and no false receipt
    assert refusal in (await mai.expect_reply(contains="Không nhận tệp")).text   # the chat says the same


async def test_zalo_updates_that_cannot_be_read_are_skipped_and_the_chat_goes_on(e2e_zalo, caplog):
    sandbox = e2e_zalo.zalo_sandbox
    hoa = await e2e_zalo.zalo_user("zl-7012", "Cô Hoa")
    await sandbox.push_raw_update({"event_name": "message.text.received",   # no sender: nobody to answer
                                   "message": {"message_id": "bad-7", "text": "/help", "date": 0}})
    await sandbox.push_raw_update({"event_name": "message.richtext.received", "message": {   # a newer shape
        "from": {"id": "zl-7012", "display_name": "Cô Hoa"}, "chat": {"id": "zl-7012"}, "message_id": "rich-1",
        "text": {"spans": [{"bold": "xin chào"}]}, "date": 0}})
    assert (await hoa.expect_reply()).text == texts.UNSUPPORTED_CONTENT
    await hoa.send("xin chào")
    assert (await hoa.expect_reply()).text == texts.NOT_BOUND
    assert len([r for r in caplog.records if "cannot be read" in r.getMessage()]) == 1
