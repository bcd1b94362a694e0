"""Launching a campaign end to end: real PTB against the sandbox Bot API, one contact has blocked the bot."""
from sqlmodel import select

from bot import texts
from db import files as file_store
from db.models import Acknowledgement, Contact
from tests.support import seed
from bot.samples import sample_pdf

PDF = sample_pdf("ke hoach phat dong", pad=256)
STAFF = 9001
CONTACTS = [(1001, "Cô Lan"), (1002, "Thầy Nam"), (1003, "Cô Mai"), (1004, "Thầy Bình")]
BLOCKED = 1003


async def test_launch_reaches_every_contact_and_reports_the_blocked_one(e2e, settings, db):
    units = [seed.unit(f"TH0{i}", f"Trường Tiểu học số {i}") for i in range(1, 5)]
    contacts = {uid: seed.contact(u.id, uid, name=name) for u, (uid, name) in zip(units, CONTACTS)}
    with db() as s:
        plan = file_store.store(s, settings.thidua_data_dir, PDF, "KH-87.pdf", "application/pdf")
    camp, _ = seed.campaign("Phong trào thi đua năm học 2026-2027", unit_ids=[u.id for u in units], status="draft",
                            plan_file_id=plan.id, milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=30)])
    seed.staff(STAFF, "Chị Hạnh")
    staff = await e2e.user(STAFF, "Chị Hạnh")
    people = {uid: await e2e.user(uid, name) for uid, name in CONTACTS}
    e2e.sandbox.block(BLOCKED)

    await staff.send("/phatdong")
    await staff.expect_reply(contains=texts.LAUNCH_PICK)
    await staff.press(f"#{camp.id} Phong trào thi đua năm học 2026-2027")
    preview = await staff.expect_reply(contains="PHÁT ĐỘNG")
    assert preview.document is not None and preview.document.data == PDF
    await staff.expect_reply(contains="Sẽ gửi tới 4 người liên hệ của 4 đơn vị.")
    await staff.press(texts.LAUNCH_SEND)

    for uid, user in people.items():
        if uid == BLOCKED:
            continue
        msg = await user.expect_reply(contains="PHÁT ĐỘNG: Phong trào thi đua năm học 2026-2027")
        assert (msg.document.file_name, msg.document.data) == ("KH-87.pdf", PDF)
        assert [b.text for b in msg.buttons] == [texts.LAUNCH_ACK_BUTTON]
    assert e2e.sandbox.sent(BLOCKED) == []
    uploads = [c for c in e2e.sandbox.calls if c.method == "sendDocument" and not isinstance(c.params.get("document"), str)]
    assert len(uploads) == 1          # the plan is uploaded once (the preview); every launch reuses its file_id

    report = await staff.expect_reply(contains="Báo cáo phát động", timeout=15)
    assert "• Đã gửi tới: 3/4 người liên hệ" in report.text and "• Đã chặn bot: 1" in report.text
    assert "• Trường Tiểu học số 3 — Cô Mai" in report.text
    progress = next(m for m in staff.messages() if "Phát động «" in (m.text or ""))
    assert progress.edits and progress.text.endswith("đã gửi 3/4 · đã chặn bot 1 · gửi lỗi 0 — hoàn tất.")
    assert "• Gửi lỗi: 0\n• Đã chặn bot: 1" in report.text      # the same numbers as the progress line
    with db() as s:
        assert s.get(Contact, contacts[BLOCKED].id).reachable is False
        assert s.get(Contact, contacts[1001].id).reachable is True

    lan = people[1001]
    await lan.press(texts.LAUNCH_ACK_BUTTON)
    assert "Cảm ơn! Đã ghi nhận Trường Tiểu học số 1" in (await lan.expect_reply()).text
    await lan.press(texts.LAUNCH_ACK_BUTTON)
    assert (await lan.expect_reply()).text == texts.LAUNCH_ACK_ALREADY

    await staff.press(texts.LAUNCH_SEE_ACKS, message=report)
    acks = await staff.expect_reply(contains="Xác nhận đã nhận")
    assert "1/4 người liên hệ (1/4 đơn vị)" in acks.text
    assert "• Trường Tiểu học số 3 — Cô Mai (chưa nhận được tin)" in acks.text
    assert "Đã xác nhận (1):\n• Trường Tiểu học số 1 — Cô Lan (" in acks.text
    with db() as s:
        assert len(s.exec(select(Acknowledgement)).all()) == 1


async def test_contacts_cannot_launch(e2e):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, 1001, name="Cô Lan")
    lan = await e2e.user(1001, "Cô Lan")
    for command in ("/phatdong", "/taomoi", "/danhan"):
        await lan.send(command)
        assert (await lan.expect_reply()).text == texts.STAFF_ONLY
