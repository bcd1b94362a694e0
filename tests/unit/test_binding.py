"""Binding a chat with an invite: race-free across processes."""
from __future__ import annotations

import threading

from sqlalchemy import event
from sqlmodel import select

from db import invites
from db.engine import get_engine, session_scope
from db.models import Contact, Invite, Staff
from tests.support import seed


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
