"""Binding a chat with an invite: race-free across processes, and invite attempts rate-limited per chat."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event
from sqlmodel import select

from bot import texts
from db import invites
from db.engine import get_engine, session_scope
from db.models import AuditEvent, Contact, Invite, OutboxMessage, Staff, Unit
from tests.support import seed
from tests.support.flowchat import FlowChat

pytestmark = pytest.mark.reliability   # issue 18: office scoping, races, invite floods

T0 = datetime(2026, 12, 2, 3, 0, 7)   # naive UTC: 10:00:07 in Việt Nam


# ------------------------------------------------------------------------------------------------ races

class Race:
    """Runs redeem() in a second thread ("process B") while the main thread's transaction ("process A") has bound
    but not committed: B passes its "is this chat bound?" look before A commits, and A commits only once B is
    about to write. Both wait on conditions (events with timeouts), never on time."""

    def __init__(self):
        self.b_writing = threading.Event()
        self.result: dict = {}

    def _hook(self, conn, cursor, statement, params, context, executemany):
        if threading.current_thread().name == "process-b" and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self.b_writing.set()

    def run(self, a, b):
        """a(session) and b(session) each redeem in their own transaction; returns (a's result, b's result)."""
        engine = get_engine()
        event.listen(engine, "before_cursor_execute", self._hook)
        try:
            def process_b():
                try:
                    with session_scope() as s:
                        self.result["b"] = _plain(b(s))
                except Exception as exc:  # noqa: BLE001  the test reports it
                    self.result["b"] = exc
            thread = threading.Thread(target=process_b, name="process-b")
            with session_scope() as s:
                result_a = _plain(a(s))
                thread.start()
                assert self.b_writing.wait(10), "process B never reached its write"
            thread.join(30)
            assert not thread.is_alive()
        finally:
            event.remove(engine, "before_cursor_execute", self._hook)
        return result_a, self.result["b"]


def _plain(r: invites.Redemption):
    return (r.ok, r.reason, r.unit.code if r.unit else None)


def redeem(token: str, chat: str):
    return lambda s: invites.redeem(s, token, channel="telegram", user_id=chat, chat_id=chat, display_name="Cô Lan")


def test_two_processes_binding_the_same_chat_end_with_one_contact(settings, db):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id, max_uses=3)
    a, b = Race().run(redeem(token, "501"), redeem(token, "501"))
    assert a == (True, None, "TH01")
    assert b == (True, "already", "TH01")           # not an IntegrityError: told it is bound
    with db() as s:
        assert [c.chat_id for c in s.exec(select(Contact)).all()] == ["501"]
        assert s.exec(select(Invite)).one().uses == 1   # the loser consumed no use


def test_two_chats_racing_for_the_last_use_bind_one(settings, db):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id, max_uses=1)
    a, b = Race().run(redeem(token, "501"), redeem(token, "502"))
    assert a == (True, None, "TH01") and b == (False, "used_up", None)
    with db() as s:
        assert [c.chat_id for c in s.exec(select(Contact)).all()] == ["501"]   # B's row undone, nothing half-way
        assert s.exec(select(Invite)).one().uses == 1


def test_the_same_chat_racing_for_two_units_gets_the_other_unit_answer(settings, db):
    kd, ll = seed.unit("TH01", "Trường Tiểu học Kim Đồng"), seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    a, b = Race().run(redeem(seed.invite(kd.id), "501"), redeem(seed.invite(ll.id), "501"))
    assert a == (True, None, "TH01") and b == (False, "other_unit", "TH01")
    with db() as s:
        assert [(c.chat_id, c.unit_id) for c in s.exec(select(Contact)).all()] == [("501", kd.id)]
        assert sorted(i.uses for i in s.exec(select(Invite)).all()) == [0, 1]


def test_two_people_racing_for_one_staff_invite_make_one_staff_member(settings, db):
    with db() as s:
        _, token = invites.create_staff_invite(s, "Chị Hạnh", "specialist", None)
    a, b = Race().run(redeem(token, "601"), redeem(token, "602"))
    assert a[0] is True and b == (False, "used_up", None)
    with db() as s:
        assert [st.platform_user_id for st in s.exec(select(Staff)).all()] == ["601"]


def test_a_staff_invite_brings_back_a_deactivated_account(settings, db):
    st = seed.staff(601, "Chị Hạnh")
    with db() as s:
        s.get(Staff, st.id).active = False
        _, token = invites.create_staff_invite(s, "Chị Hạnh", "admin", None)
    with db() as s:
        assert invites.redeem(s, token, channel="telegram", user_id="601", chat_id="601", display_name=None).ok
    with db() as s:
        (again,) = s.exec(select(Staff)).all()
        assert (again.id, again.active, again.role) == (st.id, True, "specialist")   # same account, same role


# ------------------------------------------------------------------------------------------------ attempt limits

def wrong_code() -> str:
    return invites.new_token()


def audit_rows(db, action: str, chat: str, channel: str = "test") -> list[AuditEvent]:
    with db() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action,
                                                    AuditEvent.subject == f"chat:{channel}:{chat}")).all())


def replies_to(db, chat: str) -> list[OutboxMessage]:
    with db() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat)).all())


def test_new_codes_are_short_and_have_the_typeable_shape():
    codes = [invites.new_token() for _ in range(500)]
    assert all(len(c) == invites.CODE_LENGTH and invites.looks_like_code(c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert all(any(ch.isdigit() for ch in c) and any(ch.isalpha() for ch in c) for c in codes)
    for text in ("xin chào thầy cô", "alo", "TrườngTiểuHọcKimĐồngQ1", "Trường Tiểu học Kim Đồng", "0912345678",
                 "23456789", "BCGHKMNP", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstuvw", "abcdefghij.klmnopqrstu",
                 "BCGH-K2M", "BCGH-K2M9X", ""):
        assert not invites.looks_like_code(text), text


def test_the_alphabet_survives_vietnamese_keyboards_and_look_alikes():
    """Telex rewrites aa/aw/ee/oo/ow/uw/dd and w, and s f r x j z add or drop tones after a vowel; VNI puts
    tones with digits after a vowel. Without vowels, d, w and the tone keys nothing can be rewritten."""
    alphabet = set(invites.CODE_ALPHABET)
    assert not alphabet & set("AEIOUY")                      # no vowel for a mark to attach to
    assert not alphabet & set("DWSFRXJZ")                    # Telex's đ, ư and tone keys
    assert not alphabet & set("01OIL")                       # look-alikes when read aloud or copied by hand
    assert all(ch.isupper() or ch.isdigit() for ch in alphabet)


@pytest.mark.parametrize("typed", ["bcgh-k2m9", "BCGH K2M9", " bcghk2m9 ", "Bcgh–k2m9", "BCGH_K2M9"])
def test_a_code_is_accepted_in_any_case_with_or_without_separators(typed):
    assert invites.canonical_code(typed) == "BCGHK2M9"
    assert invites.hash_token(typed) == invites.hash_token("BCGHK2M9")


def test_codes_issued_before_keep_working_case_sensitively():
    legacy = "AbCdEfGhIjKlMnOpQrStUv"
    assert invites.looks_like_code(f"  {legacy} ") and invites.canonical_code(legacy) == legacy
    assert invites.hash_token(legacy) != invites.hash_token(legacy.lower())


async def test_a_zalo_user_types_the_code_as_printed_in_lower_case(settings, db):
    unit = seed.unit("TH09", "Trường Tiểu học Hoà Bình")
    with db() as s:
        _, code = invites.create_unit_invite(s, s.get(Unit, unit.id))
    chat = FlowChat(settings, 909, "Cô Hằng", channel="zalo", has_buttons=False)
    await chat.send(invites.display_code(code).lower().replace("-", " "))
    assert "Trường Tiểu học Hoà Bình" in chat.text
    with db() as s:
        assert s.exec(select(Contact).where(Contact.chat_id == "909")).one().unit_id == unit.id


async def test_a_flood_of_wrong_codes_is_bounded(settings, db):
    chat = FlowChat(settings, 801, "Khách lạ")
    with time_machine.travel(T0, tick=False):
        answers = [await chat.send(f"/start {wrong_code()}") for _ in range(1000)]
    assert [a[0].text for a in answers[:5]] == [texts.INVITE_PROBLEMS["unknown"]] * 5
    cooling = texts.INVITE_COOLING_OFF.format(at="10:11 02/12/2026", minutes=10)
    assert answers[5][0].text == cooling                       # once, saying when
    assert all(a == [] for a in answers[6:])                   # then silence
    assert len(audit_rows(db, "invite_refused", "801")) == 5
    assert len(audit_rows(db, "invite_cooling_off", "801")) == 1
    assert len(replies_to(db, "801")) == 6
    with db() as s:
        assert s.exec(select(Contact)).all() == []


async def test_a_valid_code_works_after_cooling_off_and_not_during_it(settings, db):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id)
    chat = FlowChat(settings, 802, "Cô Lan", channel="test")
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            await chat.send(f"/start {wrong_code()}")
        await chat.send(f"/start {token}")                       # too late: the chat is cooling off
        assert chat.text == texts.INVITE_COOLING_OFF.format(at="10:11 02/12/2026", minutes=10)
        assert await chat.send(f"/start {token}") == []
    with time_machine.travel(T0 + timedelta(minutes=9, seconds=59), tick=False):
        assert await chat.send(token) == []                      # typed, Zalo style: still cooling off
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):   # the time we gave
        await chat.send(f"/start {token}")
        assert chat.text == texts.BOUND.format(unit=unit.name, code=unit.code)
    with db() as s:
        assert [c.chat_id for c in s.exec(select(Contact)).all()] == ["802"]
    assert len(audit_rows(db, "invite_refused", "802")) == 5


async def test_the_window_slides_and_tells_again_once_per_window(settings, db):
    chat = FlowChat(settings, 803)
    for minute in range(5):                                      # one wrong code a minute: 10:00 ... 10:04
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            await chat.send(f"/start {wrong_code()}")
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        await chat.send(f"/start {wrong_code()}")
        assert chat.text == texts.INVITE_COOLING_OFF.format(at="10:11 02/12/2026", minutes=10)
    with time_machine.travel(T0 + timedelta(minutes=10, seconds=1), tick=False):   # 10:00's refusal left the window
        await chat.send(f"/start {wrong_code()}")                # heard again, refused, the gate closes again
        assert chat.text == texts.INVITE_PROBLEMS["unknown"]
        await chat.send(f"/start {wrong_code()}")
        assert chat.text == texts.INVITE_COOLING_OFF.format(at="10:12 02/12/2026", minutes=10)
        assert await chat.send(f"/start {wrong_code()}") == []
    assert len(audit_rows(db, "invite_refused", "803")) == 6
    assert len(audit_rows(db, "invite_cooling_off", "803")) == 2


async def test_ordinary_text_from_an_unbound_chat_is_not_an_attempt(settings, db):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id)
    chat = FlowChat(settings, 804, "Cô Mai", channel="zalo", has_buttons=False)
    with time_machine.travel(T0, tick=False):
        for text in ["xin chào", "Em là giáo viên Trường Tiểu học Kim Đồng", "TrườngTiểuHọcKimĐồngQ1",
                     "alo alo", "0912345678"] * 4:
            assert (await chat.send(text))[0].text == texts.NOT_BOUND
        with db() as s:
            assert s.exec(select(AuditEvent).where(AuditEvent.action.like("invite_%"))).all() == []
        await chat.send("AAAAAAAAAAAAAAAAAAAAAA")            # typed code-shaped text is an attempt
        assert chat.text == texts.INVITE_PROBLEMS["unknown"]
        assert len(audit_rows(db, "invite_refused", "804", channel="zalo")) == 1
        await chat.send(f"  {token} ")                         # and the real code, typed, binds
        assert chat.text.startswith(texts.BOUND.format(unit=unit.name, code=unit.code).split("\n")[0])


async def test_attempts_are_counted_per_chat(settings, db):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id)
    with time_machine.travel(T0, tick=False):
        noisy = FlowChat(settings, 805)
        for _ in range(7):
            await noisy.send(f"/start {wrong_code()}")
        other = FlowChat(settings, 806, "Thầy Nam")
        await other.send(f"/start {token}")
        assert other.text == texts.BOUND.format(unit=unit.name, code=unit.code)


@pytest.mark.parametrize("reason", ["expired", "revoked"])
async def test_refusals_of_real_codes_count_too(settings, db, reason):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    token = seed.invite(unit.id, days=-1 if reason == "expired" else 30)
    if reason == "revoked":
        with db() as s:
            invites.revoke_for_unit(s, unit.id)
    chat = FlowChat(settings, 807)
    await chat.send(f"/start {token}")
    assert chat.text == texts.INVITE_PROBLEMS[reason]
    assert [r.details for r in audit_rows(db, "invite_refused", "807")] == [{"reason": reason}]
