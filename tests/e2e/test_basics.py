"""The walking skeleton end to end: real PTB over HTTP against the sandbox Bot API."""
from bot import texts
from tests.support import seed


async def test_start_help_and_cancel_for_a_stranger(e2e):
    alice = await e2e.user(1001, "Cô Lan")
    await alice.send("/start")
    assert "Xin chào" in (await alice.expect_reply()).text
    await alice.send("/help")
    assert (await alice.expect_reply()).text == texts.HELP_UNBOUND
    await alice.send("/huy")
    assert (await alice.expect_reply()).text == texts.NOTHING_TO_CANCEL


async def test_binding_shows_the_main_menu_with_signed_buttons(e2e):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id)
    bob = await e2e.user(1002, "Thầy Bình")
    await bob.send(f"/start {token}")
    menu = await bob.expect_reply(contains="Kim Đồng")
    labels = [b.text for b in menu.buttons]
    assert labels == [texts.MENU_SUBMIT, texts.MENU_NOMINATE, texts.MENU_TODO, texts.MENU_HELP]
    assert all(len(b.data.encode()) <= 64 and "#" in b.data for b in menu.buttons)
    await bob.press(texts.MENU_HELP)
    assert "Trợ giúp cho đơn vị Trường Tiểu học Kim Đồng" in (await bob.expect_reply()).text


async def test_forged_button_data_is_refused(e2e):
    unit = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    seed.contact(unit.id, 1003)
    carol = await e2e.user(1003, "Cô Cúc")
    await carol.send("/help")
    menu = await carol.expect_reply()
    await carol.press_raw(menu.message_id, "g|help|#AAAAAAAA")
    assert (await carol.expect_reply()).text == texts.FORGED_BUTTON


async def test_bot_commands_are_registered(e2e):
    await e2e.sandbox.wait_for(lambda: e2e.sandbox.commands())
    names = [c["command"] for c in e2e.sandbox.commands()]
    assert names == [c for c, _ in texts.COMMAND_MENU_CONTACT]


async def test_staff_chats_get_the_staff_menu(settings):
    from tests.support.e2e import E2EEnv
    seed.staff(4001, name="Chuyên viên")
    env = await E2EEnv(settings).start()
    try:
        scope = {"type": "chat", "chat_id": 4001}
        await env.sandbox.wait_for(lambda: env.sandbox.commands(scope))
        assert [c["command"] for c in env.sandbox.commands(scope)] == [c for c, _ in texts.COMMAND_MENU_STAFF]
    finally:
        await env.stop()


async def test_a_reply_longer_than_telegram_allows_arrives_in_pieces(e2e):
    from db.engine import session_scope
    from db.outbox import Outgoing, enqueue
    from handlers.io import Choice, OutMessage
    lan = await e2e.user(1004, "Cô Lan")
    lines = [f"{i}. Trường Tiểu học số {i}: chưa nộp" for i in range(300)]
    with session_scope() as s:
        enqueue(s, Outgoing("long-1", "telegram", "1004", OutMessage("\n".join(lines),
                                                                   choices=[[Choice("Xong", "g|help|")]])))
    e2e.runtime.dispatcher.wake()
    last = await lan.expect_reply(contains="299. Trường Tiểu học số 299")
    pieces = lan.messages()
    assert len(pieces) >= 2 and "\n".join(m.text for m in pieces).split("\n") == lines
    assert [b.text for b in last.buttons] == ["Xong"] and not pieces[0].buttons
