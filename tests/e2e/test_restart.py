"""Nothing is lost across a restart: a conversation resumes where it was, and the outbox neither loses nor
repeats a message (rows left 'sending' by a dead process are sent again once their lease runs out)."""
import hashlib
from datetime import timedelta

from sqlmodel import select

from bot.runtime import BotRuntime
from db.clock import utcnow
from db.engine import session_scope
from db.models import OutboxMessage, StoredFile, Submission
from db.outbox import Outgoing, enqueue_many
from handlers.io import OutMessage
from tests.support import seed
from bot.samples import sample_pdf

PDF = sample_pdf("bao cao truoc khi khoi dong lai", pad=200)


async def restart(e2e) -> None:
    await e2e.runtime.stop()
    e2e.runtime = BotRuntime(e2e.settings)
    await e2e.runtime.start()


async def test_a_submission_in_progress_survives_a_restart(e2e):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, 1001, name="Cô Lan")
    seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    lan = await e2e.user(1001, "Cô Lan")
    await lan.send("/nop")
    await lan.press_nth(0, await lan.expect_reply(contains="Chọn hạng mục"))
    await lan.expect_reply(contains="Hãy gửi tệp")
    await lan.upload("bao_cao.pdf", PDF, "application/pdf")
    files_step = await lan.expect_reply(contains="Đã nhận 1 tệp")

    await restart(e2e)                                  # the process goes away mid-conversation

    await lan.press("Xong", files_step)                 # the old message's button still belongs to this step
    await lan.press("Bỏ qua", await lan.expect_reply(contains="ghi chú"))
    await lan.press("Xác nhận", await lan.expect_reply(contains="Kiểm tra lại"))
    assert "Số tiếp nhận" in (await lan.expect_reply(contains="Số tiếp nhận")).text
    with session_scope() as s:
        sub = s.exec(select(Submission)).one()
        stored = s.exec(select(StoredFile)).one()
    assert sub.version == 1 and stored.sha256 == hashlib.sha256(PDF).hexdigest()


async def test_queued_messages_are_sent_once_across_restarts(e2e):
    unit = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    contacts = [seed.contact(unit.id, 1100 + i, name=f"Đầu mối {i}") for i in range(3)]
    for c in contacts:
        e2e.sandbox.add_user(int(c.chat_id), c.display_name)
    await e2e.runtime.stop()                            # messages queued while the bot is down
    with session_scope() as s:
        enqueue_many(s, [Outgoing(f"restart-test:{c.id}", "telegram", c.chat_id, OutMessage(f"Tin số {c.id}"),
                                  kind="nudge", contact_id=c.id) for c in contacts])
        stale = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == f"restart-test:{contacts[0].id}")).one()
        stale.status, stale.claimed_by, stale.lease_until = "sending", "dead-process", utcnow() - timedelta(seconds=1)
    e2e.runtime = BotRuntime(e2e.settings)
    await e2e.runtime.start()
    for c in contacts:
        await e2e.sandbox.wait_for_message(int(c.chat_id), contains=f"Tin số {c.id}", timeout=8)
    await e2e.outbox_idle()
    await restart(e2e)                                  # a second restart sends nothing again
    await e2e.outbox_idle()
    for c in contacts:
        assert len([m for m in e2e.sandbox.sent(int(c.chat_id)) if m.text == f"Tin số {c.id}"]) == 1
    with session_scope() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("restart-test:%"))).all()
    assert {r.status for r in rows} == {"sent"}
