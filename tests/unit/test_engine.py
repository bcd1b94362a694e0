"""The engine on its own, through the fake channel: commands, cancel, stale and forged buttons, NFD, dedup."""
from datetime import timedelta

import time_machine

from bot import texts
from db import invites
from db.clock import utcnow
from db.models import ConversationState, Contact, OutboxMessage, Unit
from handlers import engine
from handlers.engine import Flow, done, flow, goto
from handlers.io import Choice, Inbound, OutMessage
from sqlmodel import select
from tests.support.flowchat import FlowChat


@flow
class EchoFlow(Flow):
    """A two-step flow used only by these tests."""
    name, title, audience = "test_echo", "thử nghiệm", "anyone"

    async def begin(self, ctx, data, **kw):
        return goto("ask", OutMessage("Chọn màu", choices=[[Choice("Đỏ", "red"), Choice("Xanh", "blue")]]))

    async def on_ask(self, ctx, data, inp):
        if inp.choice not in ("red", "blue"):
            return goto("ask", OutMessage(texts.EXPECT_CHOICE, choices=[[Choice("Đỏ", "red"), Choice("Xanh", "blue")]]))
        data["colour"] = inp.choice
        return goto("name", "Tên bạn là gì?")

    async def on_name(self, ctx, data, inp):
        return done(f"{inp.text} thích màu {data['colour']}")


@engine.command("echo")
async def echo_command(ctx):
    return await ctx.start_flow("test_echo")


async def test_start_and_help_for_unknown_user(settings):
    chat = FlowChat(settings, 1)
    assert texts.WELCOME_UNBOUND in (await chat.send("/start"))[0].text
    assert (await chat.send("/help"))[0].text == texts.HELP_UNBOUND
    assert (await chat.send("xin chào"))[0].text == texts.NOT_BOUND


async def test_flow_state_survives_between_messages_and_cancel(settings, db):
    chat = FlowChat(settings, 2)
    await chat.send("/echo")
    assert chat.labels() == ["Đỏ", "Xanh"]
    await chat.press("Đỏ")
    assert "Tên" in chat.text
    with db() as s:
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == "2")).one()
        assert (conv.flow, conv.state, conv.data) == ("test_echo", "name", {"colour": "red"})
    assert (await chat.send("/huy"))[0].text == texts.CANCELLED
    assert (await chat.send("/huy"))[0].text == texts.NOTHING_TO_CANCEL


async def test_flow_completes(settings):
    chat = FlowChat(settings, 3)
    await chat.send("/echo")
    await chat.press("Xanh")
    assert (await chat.send("An"))[0].text == "An thích màu blue"


async def test_old_button_is_stale(settings):
    chat = FlowChat(settings, 4)
    await chat.send("/echo")
    old = chat.last[0].choices[0][0].data
    await chat.press("Đỏ")
    assert (await chat.press_data(old))[0].text == texts.STALE_BUTTON


async def test_forged_button_is_refused_and_audited(settings):
    chat = FlowChat(settings, 5)
    assert (await chat.press_data("g|ack|1", forged=True))[0].text == texts.FORGED_BUTTON


async def test_second_flow_refused_while_one_runs(settings):
    chat = FlowChat(settings, 6)
    await chat.send("/echo")
    engine.COMMANDS["echo"].starts_flow = True
    try:
        reply = (await chat.send("/echo"))[0].text
    finally:
        engine.COMMANDS["echo"].starts_flow = False
    assert "đang làm dở" in reply


async def test_typed_number_picks_a_choice_without_buttons(settings):
    chat = FlowChat(settings, 7, has_buttons=False)
    await chat.send("/echo")
    await chat.send("2.")
    assert "Tên" in chat.text
    assert (await chat.send("Bình"))[0].text == "Bình thích màu blue"


async def test_label_typed_in_nfd_matches(settings):
    import unicodedata
    chat = FlowChat(settings, 8)
    await chat.send("/echo")
    await chat.send(unicodedata.normalize("NFD", "đỏ"))
    assert "Tên" in chat.text


async def test_timeout_is_a_stored_deadline(settings, db):
    chat = FlowChat(settings, 9)
    await chat.send("/echo")
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert engine.expire_conversations(timeout_minutes=30) == 1
        with db() as s:
            msgs = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "9", OutboxMessage.kind == "timeout")).all()
            assert len(msgs) == 1 and "30 phút" in msgs[0].payload["text"]
        assert engine.expire_conversations(timeout_minutes=30) == 0


async def test_same_update_is_processed_once(settings, db):
    inbound = dict(channel="test", chat_id="10", user_id="10", update_key="dup-1", command="help")
    first = await engine.handle(Inbound(**inbound), tz=settings.tz, settings=settings)
    second = await engine.handle(Inbound(**inbound), tz=settings.tz, settings=settings)
    assert first and second == []
    with db() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "10")).all()) == 1


async def test_binding_with_invite(settings, db):
    with db() as s:
        unit = Unit(code="TH01", name="Trường Tiểu học Kim Đồng")
        s.add(unit)
        s.flush()
        _, token = invites.create_unit_invite(s, unit)
    chat = FlowChat(settings, 11)
    reply = (await chat.send(f"/start {token}"))[0]
    assert "Trường Tiểu học Kim Đồng" in reply.text
    assert [c.label for c in reply.flat_choices()] == [texts.MENU_SUBMIT, texts.MENU_NOMINATE, texts.MENU_TODO, texts.MENU_HELP]
    with db() as s:
        assert s.exec(select(Contact).where(Contact.chat_id == "11")).one().unit_id == unit.id


async def test_a_sticker_or_unsupported_message_gets_a_clear_reply(settings):
    chat = FlowChat(settings, 12)
    assert (await chat.send(""))[0].text == texts.UNSUPPORTED_CONTENT


@flow
class NestedFlow(Flow):
    name, title, audience = "test_nested", "thử lồng", "anyone"

    async def begin(self, ctx, data, **kw):
        data["items"] = {"list": []}
        return goto("add", "Gõ mục")

    async def on_add(self, ctx, data, inp):
        if inp.text == "xong":
            return done(", ".join(data["items"]["list"]))
        data["items"]["list"].append(inp.text)   # nested mutation must be persisted
        return goto("add", "Thêm nữa?")


@engine.command("nested")
async def nested_command(ctx):
    return await ctx.start_flow("test_nested")


async def test_nested_changes_to_flow_data_are_saved(settings):
    chat = FlowChat(settings, 13)
    await chat.send("/nested")
    await chat.send("a")
    await chat.send("b")
    assert (await chat.send("xong"))[0].text == "a, b"


@flow
class HandOverAtOnce(Flow):
    name, title, audience = "test_handover", "thử chuyển", "anyone"

    async def begin(self, ctx, data, **kw):
        from handlers.engine import Step
        return Step([OutMessage("Chuyển sang luồng khác")], None, then=("test_echo", {}))


@engine.command("handover")
async def handover_command(ctx):
    return await ctx.start_flow("test_handover")


async def test_begin_may_hand_over_to_another_flow(settings):
    chat = FlowChat(settings, 14)
    replies = await chat.send("/handover")
    assert [r.text for r in replies] == ["Chuyển sang luồng khác", "Chọn màu"]
    await chat.press("Đỏ")
    assert "Tên" in chat.text


async def test_an_aside_mid_flow_keeps_the_typed_choices(settings):
    chat = FlowChat(settings, 15, has_buttons=False)
    await chat.send("/echo")
    await chat.send("/help")          # replies with global menu buttons, or none: the step's choices stay
    await chat.send("1")
    assert "Tên" in chat.text


@flow
class SlowFlow(Flow):
    name, title, audience, timeout_minutes = "test_slow", "thử chậm", "anyone", 240

    async def begin(self, ctx, data, **kw):
        return goto("wait", "Chờ")


@engine.command("slow")
async def slow_command(ctx):
    return await ctx.start_flow("test_slow")


async def test_a_flow_with_its_own_timeout_says_so(settings, db):
    chat = FlowChat(settings, 16)
    await chat.send("/slow")
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert engine.expire_conversations(timeout_minutes=30) == 0
    with time_machine.travel(utcnow() + timedelta(minutes=241), tick=False):
        assert engine.expire_conversations(timeout_minutes=30) == 1
        with db() as s:
            msg = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "16", OutboxMessage.kind == "timeout")).one()
    assert "240 phút" in msg.payload["text"]


async def test_handled_update_ids_are_forgotten_after_three_days(settings, db):
    from db.models import InboundUpdate
    from schedules.runner import SchedulerRunner
    await engine.handle(Inbound("test", "17", "17", "old-update", command="help"), tz=settings.tz, settings=settings)
    runner = SchedulerRunner(settings, on_enqueued=lambda: None)
    await runner.prune_updates()
    with db() as s:
        assert s.exec(select(InboundUpdate).where(InboundUpdate.update_key == "old-update")).one()
    with time_machine.travel(utcnow() + timedelta(days=4), tick=False):
        await runner.prune_updates()
    with db() as s:
        assert s.exec(select(InboundUpdate).where(InboundUpdate.update_key == "old-update")).first() is None


@flow
class BrowseFlow(Flow):
    name, title, audience, interruptible = "test_browse", "thử xem", "anyone", True

    async def begin(self, ctx, data, **kw):
        return goto("page", "Trang 1")


@engine.command("browse", starts_flow=True)
async def browse_command(ctx):
    return await ctx.start_flow("test_browse")


async def test_a_browse_only_flow_gives_way_to_another_command(settings):
    chat = FlowChat(settings, 18)
    await chat.send("/browse")
    engine.COMMANDS["echo"].starts_flow = True
    try:
        assert (await chat.send("/echo"))[0].text == "Chọn màu"      # no "bạn đang làm dở"
        assert "đang làm dở" in (await chat.send("/browse"))[0].text   # but a flow with input in progress stays
    finally:
        engine.COMMANDS["echo"].starts_flow = False
