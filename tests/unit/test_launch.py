"""/phatdong, the launch enqueue, "Đã nhận", /danhan and the broadcast monitor, driven through FlowChat."""

import pytest
from sqlmodel import select

from bot import texts
from db import broadcasts as bc
from db import files as file_store
from db import outbox
from db.models import Acknowledgement, AuditEvent, Broadcast, Campaign, Contact, OutboxMessage
from handlers.io import OutMessage, SendResult
from handlers.launch import launch_message, split_messages
from schedules.broadcasts import BroadcastMonitor
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_pdf

STAFF_ID = 9001
PDF = sample_pdf("ke hoach", pad=100)


@pytest.fixture
def world(settings, db):
    """Campaign over units A (2 contacts), B (1 contact), C (no contact); unit D is not in it."""
    a = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    b = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    c = seed.unit("TH03", "Trường Tiểu học Hoà Bình")
    d = seed.unit("TH04", "Trường Tiểu học Ngoài Cuộc")
    contacts = [seed.contact(a.id, 701, "test", "Cô Lan"), seed.contact(a.id, 702, "test", "Thầy Nam"),
                seed.contact(b.id, 703, "test", "Cô Mai")]
    outsider = seed.contact(d.id, 704, "test", "Cô Hoa")
    with db() as s:
        plan = file_store.store(s, settings.thidua_data_dir, PDF, "KH-87.pdf", "application/pdf")
    camp, ms = seed.campaign("Phong trào thi đua năm học 2026-2027", unit_ids=[a.id, b.id, c.id], status="draft",
                             plan_file_id=plan.id, milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=30)])
    staff = seed.staff(STAFF_ID, "Chị Hạnh", channel="test")
    return dict(units=[a, b, c, d], contacts=contacts, outsider=outsider, campaign=camp, plan=plan, staff=staff)


async def launch(settings, world, again: bool = False) -> FlowChat:
    chat = FlowChat(settings, STAFF_ID, "Chị Hạnh")
    await chat.send("/phatdong")
    suffix = texts.LAUNCH_PICK_LAUNCHED if again else ""
    await chat.press(f"#{world['campaign'].id} Phong trào thi đua năm học 2026-2027{suffix}")
    return chat


async def test_preview_shows_the_message_and_counts(settings, db, world):
    chat = await launch(settings, world)
    preview, confirm = chat.last[1], chat.last[2]
    assert "PHÁT ĐỘNG: Phong trào thi đua năm học 2026-2027" in preview.text
    assert "Kế hoạch số 87/KH-GDĐT ngày 05/09/2026" in preview.text
    assert "Báo cáo sơ kết học kỳ I" in preview.text
    assert [f.stored_file_id for f in preview.files] == [world["plan"].id]
    assert "Sẽ gửi tới 3 người liên hệ của 2 đơn vị." in confirm.text
    assert "1 đơn vị tham gia chưa có ai kết nối với bot nên sẽ không nhận được: Trường Tiểu học Hoà Bình" in confirm.text
    assert chat.labels() == [texts.LAUNCH_SEND, texts.LAUNCH_CANCEL]
    await chat.press(texts.LAUNCH_CANCEL)
    assert chat.text == texts.LAUNCH_CANCELLED
    with db() as s:
        assert s.exec(select(Broadcast)).all() == []
        assert s.get(Campaign, world["campaign"].id).status == "draft"


async def test_send_queues_one_launch_per_contact_and_is_idempotent(settings, db, world):
    chat = await launch(settings, world)
    await chat.press(texts.LAUNCH_SEND)
    # the only answer is the progress message, queued under a known key so later counts can edit it
    assert [m.text for m in chat.last] == ["📤 Phát động «Phong trào thi đua năm học 2026-2027»: đã gửi 0/3 · đã chặn bot 0 · gửi lỗi 0"]
    with db() as s:
        b = s.exec(select(Broadcast)).one()
        assert (b.campaign_id, b.total, b.staff_chat_id, b.staff_channel) == (world["campaign"].id, 3, str(STAFF_ID), "test")
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.broadcast_id == b.id).order_by(OutboxMessage.id)).all()
        assert [r.idempotency_key for r in rows] == [f"launch:{b.id}:{c.id}" for c in world["contacts"]]
        assert {r.kind for r in rows} == {"launch"} and [r.chat_id for r in rows] == ["701", "702", "703"]
        msg = OutMessage.from_json(rows[0].payload)
        assert [f.stored_file_id for f in msg.files] == [world["plan"].id]
        assert [(c.label, c.data) for c in msg.flat_choices()] == [(texts.LAUNCH_ACK_BUTTON, f"g|ack|{b.id}")]
        progress = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == f"bprogress:{b.id}")).one()
        assert progress.id < rows[0].id and progress.chat_id == str(STAFF_ID)
        assert "đã gửi 0/3 · đã chặn bot 0 · gửi lỗi 0" in progress.payload["text"]
        camp = s.get(Campaign, world["campaign"].id)
        assert camp.status == "launched" and camp.launched_at is not None
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "campaign_launched")).one().actor.startswith("staff:")

        # the same enqueue again (e.g. a retried transaction) adds nothing
        contacts = s.exec(select(Contact).where(Contact.id.in_([c.id for c in world["contacts"]]))).all()
        again = bc.enqueue_launch(s, b.id, contacts, launch_message(s, camp, settings.tz, b.id))
        assert again == 0
    with db() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "launch")).all()) == 3

    # launching again reaches nobody new
    await chat.send("/phatdong")
    await chat.press(f"#{world['campaign'].id} Phong trào thi đua năm học 2026-2027 (đã phát động)")
    assert chat.text == texts.LAUNCH_NOBODY.format(reason=texts.LAUNCH_NOBODY_ALL_SENT)


async def test_relaunch_reaches_only_new_or_unreached_contacts(settings, db, world):
    chat = await launch(settings, world)
    await chat.press(texts.LAUNCH_SEND)
    with db() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "launch").order_by(OutboxMessage.id)).all()
        outbox.record_result(s, rows[0].id, SendResult(True, message_id="1"))
        outbox.record_result(s, rows[1].id, SendResult(False, blocked=True, error="403"))
        outbox.record_result(s, rows[2].id, SendResult(True, message_id="2"))
    new = seed.contact(world["units"][2].id, 705, "test", "Thầy Bình")
    chat = await launch(settings, world, again=True)
    assert "Sẽ gửi tới 2 người liên hệ của 2 đơn vị." in chat.last[2].text
    assert texts.LAUNCH_CONFIRM_AGAIN.strip() in chat.last[2].text
    await chat.press(texts.LAUNCH_SEND)
    with db() as s:
        second = s.exec(select(Broadcast).order_by(Broadcast.id.desc())).first()
        keys = s.exec(select(OutboxMessage.idempotency_key).where(OutboxMessage.broadcast_id == second.id)).all()
    assert sorted(keys) == sorted([f"launch:{second.id}:{world['contacts'][1].id}", f"launch:{second.id}:{new.id}"])


async def test_acknowledgement_and_staff_view(settings, db, world):
    chat = await launch(settings, world)
    await chat.press(texts.LAUNCH_SEND)
    with db() as s:
        bid = s.exec(select(Broadcast.id)).one()
    lan = FlowChat(settings, 701, "Cô Lan")
    await lan.press_data(f"g|ack|{bid}")
    assert lan.text == texts.LAUNCH_ACK_THANKS.format(unit="Trường Tiểu học Kim Đồng",
                                                      title="Phong trào thi đua năm học 2026-2027")
    await lan.press_data(f"g|ack|{bid}")
    assert lan.text == texts.LAUNCH_ACK_ALREADY
    hoa = FlowChat(settings, 704, "Cô Hoa")        # unit not in the campaign
    assert (await hoa.press_data(f"g|ack|{bid}"))[0].text == texts.LAUNCH_ACK_NOT_YOURS
    assert (await hoa.press_data("g|ack|999"))[0].text == texts.LAUNCH_ACK_NOT_YOURS
    assert (await FlowChat(settings, 799).press_data(f"g|ack|{bid}"))[0].text == texts.NOT_BOUND
    with db() as s:
        acks = s.exec(select(Acknowledgement)).all()
        assert [(a.broadcast_id, a.contact_id) for a in acks] == [(bid, world["contacts"][0].id)]
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "launch").order_by(OutboxMessage.id)).all()
        outbox.record_result(s, rows[0].id, SendResult(True, message_id="1"))
        outbox.record_result(s, rows[1].id, SendResult(True, message_id="1"))

    await chat.send("/danhan")
    text = chat.text
    assert "Xác nhận đã nhận «Phong trào thi đua năm học 2026-2027»: 1/3 người liên hệ (1/2 đơn vị)." in text
    pending, acked = text.split("Đã xác nhận (1):")
    assert "Chưa xác nhận (2):" in pending
    assert "• Trường Tiểu học Kim Đồng — Thầy Nam\n" in pending
    assert "• Trường Tiểu học Lê Lợi — Cô Mai (chưa nhận được tin)" in pending
    assert "• Trường Tiểu học Kim Đồng — Cô Lan (" in acked
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "acks_viewed")).one()
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "launch_acknowledged")).one().actor.startswith("contact:")


async def test_danhan_with_several_launches_offers_a_choice(settings, db, world):
    other, _ = seed.campaign("Hội khoẻ Phù Đổng", unit_ids=[world["units"][0].id], status="draft")
    for label in ("#%d Phong trào thi đua năm học 2026-2027" % world["campaign"].id, "#%d Hội khoẻ Phù Đổng" % other.id):
        chat = FlowChat(settings, STAFF_ID)
        await chat.send("/phatdong")
        await chat.press(label)
        await chat.press(texts.LAUNCH_SEND)
    await chat.send("/danhan")
    assert chat.text == texts.LAUNCH_ACKS_PICK and len(chat.labels()) == 2
    await chat.press(chat.labels()[0])
    assert "«Hội khoẻ Phù Đổng»: 0/2" in chat.text


async def test_nothing_to_launch(settings, db):
    seed.staff(STAFF_ID, channel="test")
    chat = FlowChat(settings, STAFF_ID)
    await chat.send("/phatdong")
    assert chat.text == texts.LAUNCH_NONE
    u = seed.unit("TH09", "Trường không có ai")
    seed.campaign("Chiến dịch vắng", unit_ids=[u.id], status="draft")
    await chat.send("/phatdong")
    await chat.press(chat.labels()[0])
    assert chat.text == texts.LAUNCH_NOBODY.format(reason=texts.LAUNCH_NOBODY_NO_CONTACTS)


async def test_monitor_edits_progress_then_reports_once(settings, db, world):
    chat = await launch(settings, world)
    await chat.press(texts.LAUNCH_SEND)
    monitor = BroadcastMonitor()
    with db() as s:
        bid = s.exec(select(Broadcast.id)).one()
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.broadcast_id == bid).order_by(OutboxMessage.id)).all()
        outbox.record_result(s, rows[0].id, SendResult(True, message_id="5"))
    monitor.on_result(rows[0], SendResult(True))
    assert monitor.step() == 1
    assert monitor.step() == 0                     # nothing new: no second edit
    with db() as s:
        edit = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == f"bprogress:{bid}:1")).one()
        assert edit.payload["edit_key"] == f"bprogress:{bid}" and "đã gửi 1/3 · đã chặn bot 0 · gửi lỗi 0" in edit.payload["text"]
        outbox.record_result(s, rows[1].id, SendResult(False, blocked=True, error="Forbidden"))
    monitor.on_result(rows[1], SendResult(False))
    assert monitor.step() == 0                     # the previous edit has not gone out yet
    with db() as s:
        outbox.record_result(s, edit.id, SendResult(True, message_id="1"))
        outbox.record_result(s, rows[2].id, SendResult(False, permanent=True, error="400"))
    monitor.on_result(rows[2], SendResult(False))
    assert monitor.step() == 2                     # final edit + report
    with db() as s:
        final = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == f"bprogress:{bid}:done")).one()
        assert "đã gửi 1/3 · đã chặn bot 1 · gửi lỗi 1 — hoàn tất" in final.payload["text"]
        report = OutMessage.from_json(s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"breport:{bid}:0")).one().payload)
        assert s.get(Broadcast, bid).finished_at is not None
    assert "• Đã gửi tới: 1/3 người liên hệ\n• Gửi lỗi: 1\n• Đã chặn bot: 1" in report.text
    blocked_part = report.text.split(texts.LAUNCH_REPORT_BLOCKED_HEAD)[1].split(texts.LAUNCH_REPORT_FAILED_HEAD)
    assert blocked_part[0].strip() == "• Trường Tiểu học Kim Đồng — Thầy Nam"
    assert blocked_part[1].strip() == "• Trường Tiểu học Lê Lợi — Cô Mai"
    assert [(c.label, c.data) for c in report.flat_choices()] == [(texts.LAUNCH_SEE_ACKS, f"g|acks|{bid}")]
    monitor.on_result(rows[2], SendResult(False))
    assert monitor.step() == 0 and BroadcastMonitor().step() == 0   # once, also after a restart


def test_split_messages_keeps_each_part_within_the_budget():
    lines = [f"• Trường số {i} — Người liên hệ {i}" for i in range(400)]
    parts = split_messages("Đầu", lines, budget=1000)
    assert all(len(p) <= 1000 for p in parts) and len(parts) > 5
    assert "\n".join(parts) == "\n".join(["Đầu"] + lines)


async def test_long_milestone_lists_fit_in_a_caption(settings, db, world):
    many = [dict(title=f"Mốc số {i} có tên khá dài để thử giới hạn chú thích", due_in_days=10 + i) for i in range(40)]
    camp, _ = seed.campaign("Chiến dịch nhiều mốc", unit_ids=[world["units"][0].id], milestones=many)
    with db() as s:
        text = launch_message(s, s.get(Campaign, camp.id), settings.tz, 1).text
    assert len(text) <= 1024 and "mốc khác" in text and "Đã nhận" in text


async def test_monitor_leaves_other_broadcasts_alone(settings, db, world):
    with db() as s:
        nudge = bc.create(s, campaign_id=world["campaign"].id, staff_id=None, channel="test", chat_id=str(STAFF_ID),
                          total=1, kind="nudge")
        outbox.enqueue(s, outbox.Outgoing("nudge:x", "test", "701", OutMessage("Nhắc"), kind="nudge",
                                          broadcast_id=nudge.id))
        row = s.exec(select(OutboxMessage)).one()
        outbox.record_result(s, row.id, SendResult(True, message_id="1"))
    monitor = BroadcastMonitor()
    monitor.on_result(row, SendResult(True))
    assert monitor.step() == 0
    with db() as s:
        assert s.get(Broadcast, nudge.id).finished_at is None
        assert len(s.exec(select(OutboxMessage)).all()) == 1


async def test_gate_spaces_sends_and_does_not_burst_after_a_stall():
    """After the event loop stalls, waiting senders must not all go at once (Telegram would answer 429)."""
    import asyncio
    import time

    from schedules.outbox import Gate
    gate, released = Gate(per_s=25), []        # one every 40 ms: coarse enough for a loaded 2-core machine

    async def sender():
        await gate.wait()
        released.append(time.monotonic())

    tasks = [asyncio.create_task(sender()) for _ in range(8)]
    await asyncio.sleep(0.1)
    time.sleep(0.25)                           # the loop is blocked (a GC pass, a big commit)
    await asyncio.gather(*tasks)
    gaps = [b - a for a, b in zip(released, released[1:])]
    assert min(gaps) >= 0.04 - 0.01, gaps      # a burst after the stall would show gaps near 0
    gate.paused_until = time.monotonic() + 0.05
    start = time.monotonic()
    await gate.wait()
    assert time.monotonic() - start >= 0.045


async def test_staff_see_only_their_own_offices_campaigns(settings):
    from bot import texts
    from tests.support import seed
    from tests.support.flowchat import FlowChat
    ours, theirs = seed.office("Phòng GD&ĐT Quận 1"), seed.office("Phòng GD&ĐT Quận 3")
    seed.staff(9101, office_id=ours.id, channel="test")
    unit = seed.unit("Q1-TH01", "Trường Tiểu học Quận 1")
    seed.contact(unit.id, 9201, channel="test")
    seed.campaign("Thi đua của Quận 1", unit_ids=[unit.id], status="draft", office_id=ours.id)
    other, _ = seed.campaign("Thi đua của Quận 3", unit_ids=[unit.id], status="draft", office_id=theirs.id)
    chat = FlowChat(settings, 9101)
    await chat.send("/phatdong")
    assert [label.split(" ", 1)[1] for label in chat.labels()] == ["Thi đua của Quận 1"]
    turn = chat.last[0].flat_choices()[0].data.split("|")[0]
    await chat.press_data(f"{turn}|{other.id}")     # another office's campaign id in this step's button
    assert chat.text == texts.LAUNCH_UNKNOWN
