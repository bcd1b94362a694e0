"""The same flows over a Zalo Official Account: real buttons, real files, signed webhooks, the 48-hour window,
tokens renewed under the bot's feet. The bot runs for real; the OA sandbox (bot/zalo_oa_sandbox.py) calls its
webhook through an https address and answers its API calls as strictly as Zalo."""
import hashlib
import json
from datetime import timedelta

import httpx
from sqlmodel import select

from bot import texts
from bot.samples import sample_jpeg, sample_pdf
from db.engine import session_scope
from db.models import Contact, Nomination, Submission, ZaloOAToken
from tests.support import seed


def _label_starting(msg, prefix: str) -> str:
    return next(label for label in msg.labels if label.startswith(prefix))


async def _bound(e2e_oa, user_id: str, name: str, code: str, unit_name: str):
    unit = seed.unit(code, unit_name)
    person = await e2e_oa.oa_user(user_id, name)
    await e2e_oa.oa_sandbox.follow(user_id)
    await person.expect_reply(contains=texts.WELCOME_UNBOUND[:30])
    await person.send(seed.invite(unit.id))
    await person.expect_reply(contains="Đã gắn")
    return unit, person


async def test_binding_with_a_typed_invite_code_then_real_buttons(e2e_oa):
    unit = seed.unit("OA01", "Trường Tiểu học Hòa Bình")
    code = seed.invite(unit.id)
    dung = await e2e_oa.oa_user("oa-9001", "Cô Dung")
    await e2e_oa.oa_sandbox.follow("oa-9001")                     # following the OA: greeted as after /start
    assert (await dung.expect_reply()).text == texts.WELCOME_UNBOUND
    await dung.send(code)
    menu = await dung.expect_reply(contains="Đã gắn")
    assert "Hòa Bình" in menu.text and "gõ số" not in menu.text    # buttons, so no numbered lines
    assert menu.labels == [texts.MENU_SUBMIT, texts.MENU_NOMINATE, texts.MENU_TODO, texts.MENU_HELP]
    assert all(b["type"] == "oa.query.hide" for b in menu.buttons)
    await dung.press(texts.MENU_HELP)
    assert "Trợ giúp cho đơn vị" in (await dung.expect_reply()).text
    with session_scope() as s:
        contact = s.exec(select(Contact).where(Contact.chat_id == "oa-9001")).one()
    assert (contact.channel, contact.unit_id) == ("zalo_oa", unit.id)


async def test_a_payload_not_signed_for_this_chat_is_refused(e2e_oa):
    _unit, hoa = await _bound(e2e_oa, "oa-9002", "Cô Hoa", "OA02", "Trường Tiểu học Quang Trung")
    menu = hoa.sandbox.sent("oa-9002")[-1]
    stolen = menu.buttons[0]["payload"]
    other = await e2e_oa.oa_user("oa-9003", "Người lạ")
    await other.send(stolen)                                       # another chat replays a button's payload
    assert (await other.expect_reply()).text == texts.FORGED_BUTTON
    await hoa.send(stolen[:-3] + "AAA")                            # a tampered signature
    assert (await hoa.expect_reply()).text == texts.FORGED_BUTTON


async def test_the_webhook_refuses_events_without_zalos_signature(e2e_oa):
    sb, url = e2e_oa.oa_sandbox, e2e_oa.oa_sandbox._proxied(e2e_oa.oa_sandbox.webhook_url)
    body = json.dumps({"app_id": sb.app_id, "event_name": "user_send_text", "timestamp": "1",
                       "sender": {"id": "oa-x"}, "message": {"msg_id": "m1", "text": "/help"}}).encode()
    good = hashlib.sha256(sb.app_id.encode() + body + b"1" + sb.oa_secret_key.encode()).hexdigest()
    other_app = body.replace(sb.app_id.encode(), b"999")
    await sb.follow("oa-x")
    await sb.wait_for_message("oa-x", contains=texts.WELCOME_UNBOUND)
    async with httpx.AsyncClient() as http:
        assert (await http.post(url, content=body)).status_code == 401
        assert (await http.post(url, content=body, headers={"X-ZEvent-Signature": "mac=" + "0" * 64})).status_code == 401
        assert (await http.post(url, content=body + b" ", headers={"X-ZEvent-Signature": f"mac={good}"})).status_code == 401
        assert (await http.post(url, content=other_app, headers={"X-ZEvent-Signature": f"mac={good}"})).status_code == 401
        assert (await http.post(url, content=body, headers={"X-ZEvent-Signature": f"mac={good}"})).status_code == 200
    assert "Trợ giúp" in (await sb.wait_for_message("oa-x", after=1)).text


async def test_a_reminder_reaches_an_oa_contact_and_its_button_starts_the_submission(e2e_oa):
    from db.clock import utcnow
    from schedules.reminders import reminder_tick

    unit, mai = await _bound(e2e_oa, "oa-9004", "Cô Mai", "OA04", "Trường Tiểu học Trần Phú")
    now = utcnow()
    policy = {"offsets_days": [-1], "send_at": "00:00", "quiet_start": "00:00", "quiet_end": "00:00"}
    seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id], launched_at=now - timedelta(days=2),
                  reminder_policy=policy, milestones=[{"title": "Báo cáo sơ kết", "due_at": now + timedelta(days=1)}])
    await reminder_tick(e2e_oa.settings.tz, e2e_oa.runtime.dispatcher.wake)
    reminder = await mai.expect_reply(contains="Nhắc hạn nộp")
    assert texts.REMINDER_SUBMIT_NOW in reminder.labels and "gõ số" not in reminder.text.lower()
    await e2e_oa.outbox_idle()
    await mai.press(texts.REMINDER_SUBMIT_NOW, reminder)
    assert "Báo cáo sơ kết" in (await mai.expect_reply(contains="Hãy gửi")).text


async def test_a_report_submitted_as_a_pdf_file_in_the_chat(e2e_oa):
    unit, oanh = await _bound(e2e_oa, "oa-9005", "Cô Oanh", "OA05", "Trường Tiểu học Bế Văn Đàn")
    seed.campaign(unit_ids=[unit.id], milestones=[{"title": "Báo cáo sơ kết", "due_in_days": 5}])
    await oanh.press(texts.MENU_SUBMIT)
    menu = await oanh.expect_reply(contains="Chọn hạng mục")
    await oanh.press(_label_starting(menu, "Báo cáo sơ kết"), menu)
    ask = await oanh.expect_reply(contains="Hãy gửi tệp")
    assert "/tai-len/" not in ask.text                              # files come straight in the chat
    pdf = sample_pdf("bao cao so ket", pad=2000)
    await oanh.upload("bao_cao_so_ket.pdf", pdf)                   # user_send_file: downloaded from Zalo's URL
    await oanh.press("Xong", await oanh.expect_reply(contains="Đã nhận 1 tệp"))
    await oanh.press("Bỏ qua", await oanh.expect_reply(contains="ghi chú"))
    await oanh.press("Xác nhận", await oanh.expect_reply(contains="Kiểm tra lại"))
    await oanh.expect_reply(contains="BC-")
    from db import files as file_store
    from db.submissions import files_of
    with session_scope() as s:
        sub = s.exec(select(Submission).where(Submission.unit_id == unit.id)).one()
        stored = [(f.original_name, file_store.read(s, e2e_oa.settings.thidua_data_dir, f.id)[1])
                  for _link, f in files_of(s, sub.id)]
    assert stored == [("bao_cao_so_ket.pdf", pdf)]


async def test_a_nomination_with_buttons_and_a_photo_as_evidence(e2e_oa):
    unit, phuc = await _bound(e2e_oa, "oa-9006", "Thầy Phúc", "OA06", "Trường Tiểu học Nguyễn Du")
    seed.campaign(unit_ids=[unit.id], milestones=[
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý I/2027", due_in_days=10)])
    await phuc.press(texts.MENU_NOMINATE)
    await phuc.press("Cá nhân", await phuc.expect_reply(contains="tập thể hay cá nhân"))
    await phuc.expect_reply(contains="Họ và tên")
    await phuc.send("Lê Văn Phúc")
    await phuc.expect_reply(contains="Chức vụ")
    await phuc.send("Tổ trưởng chuyên môn")
    unit_name = await phuc.expect_reply(contains="Dùng tên đơn vị")
    await phuc.press(unit_name.labels[0], unit_name)
    await phuc.expect_reply(contains="Tóm tắt thành tích")
    await phuc.send("Ba năm liền giáo viên dạy giỏi cấp huyện.")
    await phuc.press("Bỏ qua", await phuc.expect_reply(contains="Mô hình mới"))
    awards = await phuc.expect_reply(contains="Hình thức khen thưởng")
    more = await phuc.expect_reply(contains=texts.OA_MORE_CHOICES)   # Zalo takes 5 buttons a message
    assert len(awards.buttons) == 5 and "Bỏ qua" in more.labels
    await phuc.press("Bỏ qua", more)
    await phuc.expect_reply(contains="Gửi tệp minh chứng")
    await phuc.sandbox.send_image("oa-9006", sample_jpeg("giay khen"))
    await phuc.press("Xong", await phuc.expect_reply(contains="Đã nhận 1 tệp minh chứng"))
    await phuc.press("Xác nhận", await phuc.expect_reply(contains="Kiểm tra lại đề cử"))
    await phuc.expect_reply(contains="Số tiếp nhận: DC-")
    with session_scope() as s:
        n = s.exec(select(Nomination).where(Nomination.unit_id == unit.id)).one()
    assert (n.nominee_name, n.position, n.status) == ("Lê Văn Phúc", "Tổ trưởng chuyên môn", "submitted")


async def test_a_launch_sends_the_plan_as_a_file_and_the_ack_is_a_button(e2e_oa):
    from db import files as file_store
    plan = sample_pdf("ke hoach phat dong", pad=500)
    with session_scope() as s:
        stored = file_store.store(s, e2e_oa.settings.thidua_data_dir, plan, "KH-12.pdf", "application/pdf")
    units, people = [], []
    for i in (7, 8):
        unit, person = await _bound(e2e_oa, f"oa-900{i}", f"Thầy Quý {i}", f"OA0{i}", f"Trường Tiểu học số {i}")
        units.append(unit)
        people.append(person)
    seed.staff(4901, name="Chuyên viên")
    seed.campaign("Phong trào thi đua 2026", unit_ids=[u.id for u in units], status="draft", plan_file_id=stored.id,
                  milestones=[{"title": "Báo cáo sơ kết", "due_in_days": 20}])
    staff = await e2e_oa.user(4901, "Chuyên viên")
    await staff.send("/phatdong")
    await staff.press_nth(0, await staff.expect_reply(contains="Chọn kế hoạch"))
    await staff.press("Gửi", await staff.expect_reply(contains="Gửi ngay?"))
    for person in people:
        document = await person.expect_reply(contains="KH-12.pdf")
        assert document.kind == "file" and document.data == plan      # the plan itself, not a link
        launch = await person.expect_reply(contains="PHÁT ĐỘNG")
        assert texts.LAUNCH_ACK_BUTTON in launch.labels
    assert e2e_oa.oa_sandbox.stats["upload_file"] == 1                  # uploaded once for every school
    await people[0].press(texts.LAUNCH_ACK_BUTTON)
    assert "Đã ghi nhận" in (await people[0].expect_reply(contains="ghi nhận")).text


async def test_the_access_token_is_renewed_during_a_run_and_shared_after_a_restart(e2e_oa):
    from bot.runtime import BotRuntime
    sb = e2e_oa.oa_sandbox
    _unit, lan = await _bound(e2e_oa, "oa-9010", "Cô Lan", "OA10", "Trường Tiểu học Kim Đồng")
    with session_scope() as s:
        before = s.get(ZaloOAToken, sb.app_id).access_token
    sb.expire_access_tokens()                                      # Zalo stops taking the token mid-run
    await lan.press(texts.MENU_HELP)
    assert "Trợ giúp cho đơn vị" in (await lan.expect_reply()).text
    assert sb.stats["token_refused"] >= 1 and sb.stats["refreshes"] == 2   # the seed's first, then this one
    with session_scope() as s:
        after = s.get(ZaloOAToken, sb.app_id)
    assert after.access_token != before and after.refreshing_until is None

    await e2e_oa.runtime.stop()                                    # a restart: the configured refresh token is spent
    e2e_oa.runtime = BotRuntime(e2e_oa.settings)
    await e2e_oa.runtime.start(web_port=int(sb._routes["https://oa.thidua.test"].rsplit(":", 1)[1]),
                               web_host="127.0.0.1")
    await lan.send("/help")
    assert "Trợ giúp cho đơn vị" in (await lan.expect_reply()).text
    assert sb.stats["refreshes"] == 2 and sb.stats["refresh_refused"] == 0   # the stored token was used


async def test_a_contact_outside_the_48_hour_window_is_not_written_to_and_staff_are_told(e2e_oa):
    from db.clock import utcnow
    from schedules.reminders import reminder_tick
    unit, mai = await _bound(e2e_oa, "oa-9011", "Cô Mai", "OA11", "Trường Tiểu học Lý Tự Trọng")
    seed.staff(4911, name="Chuyên viên")
    staff = await e2e_oa.user(4911, "Chuyên viên")
    e2e_oa.oa_sandbox.advance(49 * 3600)                           # two days later, she has not written
    now = utcnow()
    policy = {"offsets_days": [-1], "send_at": "00:00", "quiet_start": "00:00", "quiet_end": "00:00"}
    seed.campaign("Phong trào thi đua 2026", unit_ids=[unit.id], launched_at=now - timedelta(days=2),
                  reminder_policy=policy, milestones=[{"title": "Báo cáo sơ kết", "due_at": now + timedelta(days=1)}])
    await reminder_tick(e2e_oa.settings.tz, e2e_oa.runtime.dispatcher.wake)
    notice = await staff.expect_reply(contains="48 giờ")
    assert "Trường Tiểu học Lý Tự Trọng — Cô Mai" in notice.text
    assert not any("Nhắc hạn" in (m.text or "") for m in mai.sandbox.sent("oa-9011"))
    with session_scope() as s:
        assert s.exec(select(Contact).where(Contact.chat_id == "oa-9011")).one().reachable is False
    await mai.send("chào")                                         # she writes again: reachable again
    await mai.expect_reply()
    await e2e_oa.outbox_idle()
    with session_scope() as s:
        assert s.exec(select(Contact).where(Contact.chat_id == "oa-9011")).one().reachable is True


async def test_unfollowing_the_oa_marks_the_contact_unreachable(e2e_oa):
    _unit, nga = await _bound(e2e_oa, "oa-9012", "Cô Nga", "OA12", "Trường Tiểu học Võ Thị Sáu")
    await e2e_oa.outbox_idle()                                     # the welcome's result is recorded
    await e2e_oa.oa_sandbox.unfollow("oa-9012")
    with session_scope() as s:
        assert s.exec(select(Contact).where(Contact.chat_id == "oa-9012")).one().reachable is False
