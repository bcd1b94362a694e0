"""Office scoping: staff of office B can neither see nor act on office A's campaigns, launches, acknowledgements,
submissions, nominations, units or exports — whether they pick from menus, type ids, forge button data or the
ids kept in their flow's data change under them.

Every staff command, action and flow is listed in SCOPING (derived from the engine's registry, so a new staff
command without a scoping test fails test_every_staff_entry_has_a_scoping_test). The rule itself is in db/scope.py.

Office A's side carries the marker "Quận Một" in every name and title: bob (office B) must never receive it.
"""
from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from bot import texts
from db import broadcasts as bc
from db import campaign_admin as admin
from db import nominations
from db import scope
from db.campaign_admin import CampaignSpec
from db.clock import utcnow
from db.models import (AuditEvent, Broadcast, Campaign, CampaignUnit, ConversationState, Nomination, OutboxMessage,
                       Staff, StoredFile, Submission)
from handlers import engine
from handlers.launch import _pick_label, launch_campaign
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_plan_import import PLAN
from tests.unit.test_progress import add_submission

pytestmark = pytest.mark.reliability   # issue 18: office scoping, races, invite floods

MARK = "Quận Một"          # in every name and title of office A
ALICE, BOB = 9101, 9102    # staff of office A, of office B

# Every staff command, action and flow -> the tests below that prove it is scoped (or why it owns no office data).
SCOPING = {
    ("command", "danhan"): ["test_danhan_lists_and_shows_only_the_own_offices_launches"],
    ("action", "acks"): ["test_danhan_lists_and_shows_only_the_own_offices_launches"],
    ("command", "phatdong"): ["test_phatdong_offers_and_sends_only_the_own_offices_campaigns"],
    ("flow", "launch_campaign"): ["test_phatdong_offers_and_sends_only_the_own_offices_campaigns"],
    ("command", "tiendo"): ["test_tiendo_shows_only_the_own_offices_campaigns_and_milestones"],
    ("flow", "staff_progress"): ["test_tiendo_shows_only_the_own_offices_campaigns_and_milestones"],
    ("command", "duyet"): ["test_duyet_cannot_open_or_decide_another_offices_submission"],
    ("flow", "staff_review"): ["test_duyet_cannot_open_or_decide_another_offices_submission"],
    ("command", "nhacnho"): ["test_nhacnho_cannot_nudge_another_offices_units"],
    ("flow", "staff_nudge"): ["test_nhacnho_cannot_nudge_another_offices_units"],
    ("command", "xuat"): ["test_xuat_refuses_another_offices_campaign"],
    ("flow", "staff_export"): ["test_xuat_refuses_another_offices_campaign"],
    ("command", "nhachan"): ["test_nhachan_cannot_change_another_offices_reminders"],
    ("flow", "reminder_policy"): ["test_nhachan_cannot_change_another_offices_reminders"],
    ("command", "dscu"): ["test_dscu_cannot_see_decide_or_export_another_offices_nominations"],
    ("flow", "nomination_review"): ["test_dscu_cannot_see_decide_or_export_another_offices_nominations"],
    ("command", "taomoi"): ["test_taomoi_offers_and_includes_only_the_own_offices_units"],
    ("flow", "create_campaign"): ["test_taomoi_offers_and_includes_only_the_own_offices_units"],
    ("command", "taochiendich"): ["test_taochiendich_saves_no_unit_of_another_office"],
    ("flow", "plan_import"): ["test_taochiendich_saves_no_unit_of_another_office"],
    ("command", "suakh"): ["test_suakh_cannot_see_or_change_another_offices_plan"],
    ("flow", "edit_campaign"): ["test_suakh_cannot_see_or_change_another_offices_plan"],
    ("command", "thongbao"): ["test_thongbao_news_never_tells_another_offices_events"],
    ("action", "news"): ["test_thongbao_news_never_tells_another_offices_events"],
    ("action", "answer"): ["test_questions_reach_and_are_answered_only_within_the_office"],
    ("flow", "answer_question"): ["test_questions_reach_and_are_answered_only_within_the_office"],
    # Award forms are the law's titles (Luật Thi đua, khen thưởng), one list for the whole installation: no office.
    ("command", "hinhthuc"): ["test_hinhthuc_touches_no_office_data"],
    ("command", "web"): ["test_web_console_link_shows_and_reviews_only_the_own_office"],
    ("command", "baocao"): ["test_baocao_reports_only_the_own_offices_campaigns_under_its_letterhead"],
    ("flow", "progress_report"): ["test_baocao_reports_only_the_own_offices_campaigns_under_its_letterhead"],
    ("command", "coquan"): ["test_coquan_shows_and_changes_only_the_own_offices_letterhead"],
}


def staff_entries() -> set[tuple[str, str]]:
    import handlers.registry  # noqa: F401
    return ({("command", n) for n, e in engine.COMMANDS.items() if e.audience == engine.STAFF}
            | {("action", n) for n, e in engine.ACTIONS.items() if e.audience == engine.STAFF}
            | {("flow", n) for n, f in engine.FLOWS.items() if f.audience == engine.STAFF})


def test_every_staff_entry_has_a_scoping_test():
    assert staff_entries() == set(SCOPING), "a staff command/action/flow needs a test here that it is office-scoped"
    names = {name for tests in SCOPING.values() for name in tests}
    missing = [n for n in names if not callable(globals().get(n))]
    assert not missing


# ------------------------------------------------------------------------------------------------ the world

class Watched(FlowChat):
    """A staff chat that remembers everything it was told (texts, button labels, file names)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.seen: list[str] = []

    async def _push(self, **fields):
        replies = await super()._push(**fields)
        for m in replies:
            self.seen += [m.text] + [c.label for c in m.flat_choices()] + [f.name or "" for f in m.files]
        return replies

    def assert_no_leak(self):
        leaked = [t for t in self.seen if MARK in (t or "")]
        assert not leaked, leaked


def forge(chat: FlowChat, value: str):
    """Press a button of the current step carrying another value (what a forged or hand-edited client sends)."""
    turn = next(c.data.split("|", 1)[0] for m in chat.last for c in m.flat_choices() if c.data.startswith("f"))
    return chat.press_data(f"{turn}|{value}")


def tamper(db, user_id: int, **changes):
    """Change ids kept in the chat's flow data, as a bug or a stale state could: every step must re-check them."""
    with db() as s:
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(user_id))).one()
        conv.data = {**(conv.data or {}), **changes}
        flag_modified(conv, "data")
        s.add(conv)


@pytest.fixture
def w(settings, db):
    oa, ob = seed.office(f"Phòng GD&ĐT {MARK}"), seed.office("Phòng GD&ĐT Quận Ba")
    ua = seed.unit("TA01", f"Trường Tiểu học {MARK}", cluster=f"Cụm {MARK}", office_id=oa.id)
    ub1 = seed.unit("TB01", "Trường Tiểu học Lê Văn Tám", cluster="Cụm Quận Ba", office_id=ob.id)
    ub2 = seed.unit("TB02", "Trường Tiểu học Võ Thị Sáu", cluster="Cụm Quận Ba", office_id=ob.id)
    ca = seed.contact(ua.id, 701, "test", f"Cô Lan {MARK}")
    seed.contact(ub1.id, 702, "test", "Thầy Bình")
    seed.contact(ub2.id, 703, "test", "Cô Sáu")

    def campaign(title, office, units):
        return seed.campaign(title, unit_ids=[u.id for u in units], office_id=office.id, milestones=[
            dict(title=f"Báo cáo {title}", due_in_days=10),
            dict(title=f"Đề cử {title}", kind="nomination", period_label=f"Đợt {title}", due_in_days=20)])

    a, (a_report, a_nom_ms) = campaign(f"Phong trào {MARK}", oa, [ua])
    b1, (b1_report, b1_nom_ms) = campaign("Phong trào Quận Ba", ob, [ub1, ub2])
    b2, _ = campaign("Phong trào Quận Ba mở rộng", ob, [ub2])
    alice = seed.staff(ALICE, "Chị Hạnh", office_id=oa.id, channel="test")
    bob = seed.staff(BOB, "Anh Tùng", office_id=ob.id, channel="test")
    a_sub = add_submission(settings, ua.id, a_report.id)
    b_sub = add_submission(settings, ub1.id, b1_report.id)
    with db() as s:
        a_nom = _nomination(s, ua, a_nom_ms, f"Nguyễn Văn {MARK}", "DC-2026-000001")
        b_nom = _nomination(s, ub1, b1_nom_ms, "Trần Thị Ba", "DC-2026-000002")
        launches = {}
        for camp, st in ((a, alice), (b1, bob)):
            launches[camp.id] = launch_campaign(s, s.get(Campaign, camp.id), staff=s.get(Staff, st.id), channel="test",
                                                chat_id=str(st.platform_user_id), tz=settings.tz, now=utcnow()).id
        bc.record_ack(s, launches[a.id], ca.id, utcnow())
    return dict(oa=oa, ob=ob, ua=ua, ub1=ub1, ub2=ub2, a=a, b1=b1, b2=b2, a_report=a_report, a_nom_ms=a_nom_ms,
                b1_report=b1_report, a_sub=a_sub, b_sub=b_sub, a_nom=a_nom, b_nom=b_nom,
                a_launch=launches[a.id], b_launch=launches[b1.id])


def _nomination(s, unit, ms, name, reference) -> Nomination:
    return nominations.create(s, Nomination(
        reference=reference, campaign_id=ms.campaign_id, milestone_id=ms.id, unit_id=unit.id,
        period_label=ms.period_label, nominee_name=name, achievements=f"Thành tích của {name}"), [])


@pytest.fixture
def bob(settings):
    return Watched(settings, BOB, "Anh Tùng")


def audits(db, action: str) -> list[AuditEvent]:
    with db() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def outbox_to(db, chat_id: str, kind: str) -> list[OutboxMessage]:
    with db() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                                       OutboxMessage.kind == kind)).all())


# ------------------------------------------------------------------------------------------------ the rule

def test_the_rule_office_less_staff_see_all_shared_campaigns_are_shared_nobody_else(settings, db, w):
    shared, _ = seed.campaign("Phong trào chung (CLI)", unit_ids=[])            # no office: shared by all
    root = seed.staff(9199, "Quản trị", channel="test")                          # no office: the installation
    with db() as s:
        def titles(st):
            return {c.title for c in scope.campaigns_for_staff(s, s.get(Staff, st))}
        assert titles(root.id) == {w["a"].title, w["b1"].title, w["b2"].title, shared.title}
        assert titles(staff_id(s, BOB)) == {w["b1"].title, w["b2"].title, shared.title}
        assert scope.campaign_for_staff(s, None, w["b1"].id) is None           # no staff, nothing
        assert scope.campaign_for_staff(s, s.get(Staff, staff_id(s, BOB)), w["a"].id) is None
        assert scope.campaign_for_staff(s, s.get(Staff, staff_id(s, BOB)), "1; drop") is None


def staff_id(s, user_id: int) -> int:
    return s.exec(select(Staff.id).where(Staff.platform_user_id == str(user_id))).one()


# ------------------------------------------------------------------------------------------------ launches

async def test_danhan_lists_and_shows_only_the_own_offices_launches(settings, db, w, bob):
    await bob.send("/danhan")                    # one launch of office B: shown straight away, A's is not listed
    assert texts.LAUNCH_ACKS_HEAD.split("«")[0] in bob.text and "Phong trào Quận Ba" in bob.text
    for forged in (f"/danhan {w['a_launch']}", "/danhan 99999", "/danhan -1"):
        assert (await bob.send(forged))[0].text == texts.LAUNCH_ACKS_UNKNOWN
    assert (await bob.press_data(f"g|acks|{w['a_launch']}"))[0].text == texts.LAUNCH_ACKS_UNKNOWN
    assert len(audits(db, "acks_refused")) == 4
    bob.assert_no_leak()

    alice = FlowChat(settings, ALICE)            # the owner still sees hers: names and the acknowledgement
    await alice.send(f"/danhan {w['a_launch']}")
    assert f"Cô Lan {MARK}" in alice.text and "Đã xác nhận (1)" in alice.text


async def test_phatdong_offers_and_sends_only_the_own_offices_campaigns(settings, db, w, bob):
    await bob.send("/phatdong")
    with db() as s:
        own = [_pick_label(s.get(Campaign, c)) for c in (w["b2"].id, w["b1"].id)]
    assert bob.labels() == own
    await forge(bob, str(w["a"].id))
    assert bob.text == texts.LAUNCH_UNKNOWN

    await bob.send("/phatdong")
    await bob.press(own[0])                      # B2: its school has not had it yet -> the confirmation step
    assert texts.LAUNCH_SEND in bob.labels()
    tamper(db, BOB, campaign_id=w["a"].id)
    await bob.press(texts.LAUNCH_SEND)
    assert bob.text == texts.LAUNCH_UNKNOWN
    with db() as s:
        assert len(s.exec(select(Broadcast).where(Broadcast.campaign_id == w["a"].id)).all()) == 1
        assert s.exec(select(Broadcast).where(Broadcast.campaign_id == w["b2"].id)).all() == []
    bob.assert_no_leak()


# ------------------------------------------------------------------------------------------------ progress, review

def campaign_labels(chat: FlowChat) -> set[str]:
    return {c.label for m in chat.last for c in m.flat_choices() if c.data.split("|", 1)[-1].startswith("c:")}


async def test_tiendo_shows_only_the_own_offices_campaigns_and_milestones(settings, db, w, bob):
    await bob.send("/tiendo")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert texts.EXPECT_CHOICE in bob.text and campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await bob.press(w["b1"].title)
    await forge(bob, f"m:{w['a_report'].id}")
    assert texts.EXPECT_CHOICE in bob.text
    tamper(db, BOB, campaign_id=w["a"].id)
    await bob.press(bob.labels()[0])
    assert bob.text == texts.PROGRESS_GONE
    assert {e.subject for e in audits(db, "progress_viewed")} == {f"campaign:{w['b1'].id}"}
    bob.assert_no_leak()


async def test_duyet_cannot_open_or_decide_another_offices_submission(settings, db, w, bob):
    await bob.send("/duyet")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await bob.press(w["b1"].title)
    await forge(bob, f"m:{w['a_report'].id}")
    assert texts.EXPECT_CHOICE in bob.text
    await bob.press(next(label for label in bob.labels() if "Báo cáo" in label))
    await forge(bob, f"s:{w['a_sub'].id}")       # A's submission id from B's queue
    assert texts.REVIEW_UNKNOWN in bob.text

    await bob.press(next(label for label in bob.labels() if "TB01" in label))   # B's own, then the ids change
    tamper(db, BOB, campaign_id=w["a"].id, milestone_id=w["a_report"].id, submission_id=w["a_sub"].id)
    await bob.press(texts.REVIEW_BTN_ACCEPT)
    assert texts.PROGRESS_GONE in bob.text
    with db() as s:
        assert s.get(Submission, w["a_sub"].id).status == "submitted"
        assert s.get(Submission, w["a_sub"].id).reviewed_by_staff_id is None
    assert outbox_to(db, "701", "review") == []
    assert {e.subject for e in audits(db, "review_opened")} == {f"submission:{w['b_sub'].id}"}
    bob.assert_no_leak()


async def test_nhacnho_cannot_nudge_another_offices_units(settings, db, w, bob):
    await bob.send("/nhacnho")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await bob.press(w["b1"].title)
    await forge(bob, f"m:{w['a_report'].id}")
    assert texts.EXPECT_CHOICE in bob.text
    await bob.press(next(label for label in bob.labels() if "Báo cáo" in label))
    assert texts.NUDGE_BTN_SEND in bob.labels()   # B2's school still owes B1's report
    tamper(db, BOB, campaign_id=w["a"].id, milestone_id=w["a_report"].id)
    await bob.press(texts.NUDGE_BTN_SEND)
    assert bob.text == texts.PROGRESS_GONE
    assert outbox_to(db, "701", "nudge") == [] and outbox_to(db, "703", "nudge") == []
    with db() as s:
        assert s.exec(select(Broadcast).where(Broadcast.kind == "nudge")).all() == []
    bob.assert_no_leak()


async def test_xuat_refuses_another_offices_campaign(settings, db, w, bob):
    await bob.send("/xuat")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert texts.EXPECT_CHOICE in bob.text and campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    assert audits(db, "export_created") == []
    with db() as s:
        assert not [f for f in s.exec(select(StoredFile)).all() if f"chien_dich_{w['a'].id}_" in f.original_name]
    bob.assert_no_leak()


async def test_nhachan_cannot_change_another_offices_reminders(settings, db, w, bob):
    await bob.send("/nhachan")
    assert set(bob.labels()) == {w["b1"].title, w["b2"].title}
    await forge(bob, str(w["a"].id))
    assert bob.text == texts.REMINDER_POLICY_GONE
    await bob.send("/nhachan")
    await bob.press(w["b1"].title)
    tamper(db, BOB, campaign_id=w["a"].id)
    await bob.press(texts.REMINDER_POLICY_TOGGLE_WEEKENDS)
    assert bob.text == texts.REMINDER_POLICY_GONE
    with db() as s:
        assert s.get(Campaign, w["a"].id).reminder_policy is None
    assert audits(db, "reminder_policy_changed") == []
    bob.assert_no_leak()


async def test_suakh_cannot_see_or_change_another_offices_plan(settings, db, w, bob):
    await bob.send("/suakh")
    assert set(bob.labels()) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert MARK not in bob.text
    await bob.press(w["b1"].title)
    tamper(db, BOB, campaign_id=w["a"].id)
    await bob.press(texts.EDIT_BTN_TITLE)
    assert bob.text == texts.EDIT_GONE
    await bob.send("/suakh")
    await bob.press(w["b1"].title)
    await bob.press(texts.EDIT_BTN_MILESTONE)
    tamper(db, BOB, campaign_id=w["b1"].id)
    await forge(bob, str(w["a_report"].id))                 # another office's milestone id
    assert texts.EDIT_PICK_MILESTONE in bob.text
    with db() as s:
        assert s.get(Campaign, w["a"].id).title == f"Phong trào {MARK}"
    assert audits(db, "campaign_edited") == []
    bob.assert_no_leak()


async def test_thongbao_news_never_tells_another_offices_events(settings, db, w, bob):
    from datetime import timedelta

    import time_machine

    from db import people
    from schedules.staff_news import run_staff_news

    start = utcnow()
    with time_machine.travel(start, tick=False):
        await bob.send("/thongbao")
        await bob.press(texts.NEWS_BTN["each"])
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        with db() as s:
            people.audit(s, "contact:1", "report_submitted", f"submission:{w['a_sub'].id}")   # office A's school
            people.audit(s, "contact:2", "report_submitted", f"submission:{w['b_sub'].id}")   # bob's own
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert run_staff_news(settings.tz) == 1
    with db() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "news")).all()
    assert [r.chat_id for r in rows] == [str(BOB)] and MARK not in rows[0].payload["text"]
    bob.assert_no_leak()


async def test_questions_reach_and_are_answered_only_within_the_office(settings, db, w, bob):
    from handlers.io import OutMessage
    settings.thidua_forward_questions = True
    school_a = FlowChat(settings, 701)                         # office A's school asks
    await school_a.send("Cho em hỏi hạn nộp ạ")
    with db() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("question:%"))).all()
    assert [r.chat_id for r in rows] == [str(ALICE)]           # bob (office B) is not told
    forwarded = OutMessage.from_json(rows[0].payload).choices[0][0].data
    await bob.press_data(forwarded)                             # bob forges alice's button
    assert bob.text == texts.QUESTION_GONE
    with db() as s:
        assert not s.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("answer:%"))).all()
    bob.assert_no_leak()


# ------------------------------------------------------------------------------------------------ nominations

async def test_dscu_cannot_see_decide_or_export_another_offices_nominations(settings, db, w, bob):
    await bob.send("/dscu")
    assert set(bob.labels()) == {w["b1"].title, w["b2"].title}
    await forge(bob, str(w["a"].id))
    assert bob.text == texts.EXPECT_CHOICE
    await bob.send("/huy")
    await bob.send("/dscu")
    await bob.press(w["b1"].title)               # one period: straight to its list
    assert "Trần Thị Ba" in bob.text
    await forge(bob, f"o:{w['a_nom'].id}")       # A's nomination id from B's list: just the list again
    assert "Trần Thị Ba" in bob.text

    await bob.press("1")                         # B's own nomination, then the ids under it change
    tamper(db, BOB, nomination_id=w["a_nom"].id)
    await bob.press(texts.NOMINATION_REVIEW_BTN_ACCEPT)
    assert "Trần Thị Ba" in bob.text              # back to B's list, nothing decided
    tamper(db, BOB, campaign_id=w["a"].id, milestone_id=w["a_nom_ms"].id)
    await bob.press(texts.NOMINATION_REVIEW_BTN_XLSX)
    assert bob.text == texts.NOMINATION_REVIEW_GONE
    with db() as s:
        assert s.get(Nomination, w["a_nom"].id).status == "submitted"
    assert audits(db, "nomination_reviewed") == [] and audits(db, "nominations_exported") == []
    assert {e.subject for e in audits(db, "nomination_opened")} == {f"nomination:{w['b_nom'].id}"}
    bob.assert_no_leak()


# ------------------------------------------------------------------------------------------------ new campaigns

async def test_taomoi_offers_and_includes_only_the_own_offices_units(settings, db, w, bob):
    await bob.send("/taomoi")
    await bob.send("Phong trào mới của Quận Ba")
    for _ in range(3):                           # doc number, issued date, period
        await bob.press(texts.CAMPAIGN_SKIP)
    assert texts.CAMPAIGN_UNITS_ALL.format(n=2) in bob.labels()
    await bob.press(texts.CAMPAIGN_UNITS_BY_CLUSTER)
    assert [label for label in bob.labels() if label != texts.CAMPAIGN_DONE] == ["Cụm Quận Ba"]
    await bob.send("/huy")

    await bob.send("/taomoi")
    await bob.send("Phong trào mới của Quận Ba")
    for _ in range(3):
        await bob.press(texts.CAMPAIGN_SKIP)
    await bob.press(texts.CAMPAIGN_UNITS_BY_CODE)
    await bob.send("TB01, TA01")                 # another office's school is unknown here
    assert bob.text == texts.CAMPAIGN_UNKNOWN_CODES.format(codes="TA01")
    await bob.send("TB01 TB02")
    await bob.press(texts.CAMPAIGN_SKIP)         # no milestone
    await bob.press(texts.CAMPAIGN_SKIP)         # no plan file
    await bob.press(texts.CAMPAIGN_SAVE)
    with db() as s:
        made = s.exec(select(Campaign).where(Campaign.title == "Phong trào mới của Quận Ba")).one()
        units = set(s.exec(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == made.id)).all())
    assert made.office_id == w["ob"].id and units == {w["ub1"].id, w["ub2"].id}
    bob.assert_no_leak()


def test_a_campaign_never_takes_part_another_offices_units(settings, db, w):
    """The last guard, whatever flow or command built the spec."""
    with db() as s:
        made = admin.create_campaign(s, CampaignSpec(title="Ghép nhầm", office_id=w["ob"].id,
                                                     unit_ids=[w["ua"].id, w["ub1"].id]), settings.tz)
        assert set(s.exec(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == made.id)).all()) \
            == {w["ub1"].id}


def test_the_cli_creating_an_offices_campaign_leaves_other_offices_schools_out(settings, db, w, thidua):
    code, out, _ = thidua("campaign", "create", "--title", "Phong trào của Quận Ba (CLI)", "--units", "all",
                          "--office", "Phòng GD&ĐT Quận Ba")
    assert code == 0 and "với 2 đơn vị" in out
    with db() as s:
        made = s.exec(select(Campaign).where(Campaign.title == "Phong trào của Quận Ba (CLI)")).one()
        assert set(s.exec(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == made.id)).all()) \
            == {w["ub1"].id, w["ub2"].id}


async def test_taochiendich_saves_no_unit_of_another_office(settings, db, w, bob):
    await bob.send("/taochiendich")
    await bob.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain")
    await bob.press(texts.PLAN_BTN_CONTINUE)
    await bob.press(next(label for label in bob.labels() if label.startswith("Tất cả đơn vị")))
    with db() as s:
        made = s.exec(select(Campaign).where(Campaign.created_by_staff_id == staff_id(s, BOB))).one()
        units = set(s.exec(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == made.id)).all())
    assert made.office_id == w["ob"].id and units == {w["ub1"].id, w["ub2"].id}


async def test_taochiendich_offers_only_the_own_offices_units(settings, db, w, bob):
    await bob.send("/taochiendich")
    await bob.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain")
    await bob.press(texts.PLAN_BTN_CONTINUE)
    assert texts.PLAN_BTN_ALL_UNITS.format(count=2) in bob.labels()
    bob.assert_no_leak()


async def test_hinhthuc_touches_no_office_data(settings, db, w, bob):
    await bob.send("/hinhthuc")
    assert texts.AWARD_LIST_HEADER.split("{")[0] in bob.text
    bob.assert_no_leak()


async def test_baocao_reports_only_the_own_offices_campaigns_under_its_letterhead(settings, db, w, bob):
    import io
    from docx import Document
    await bob.send("/baocao")
    assert campaign_labels(bob) == {w["b1"].title, w["b2"].title}
    await forge(bob, f"c:{w['a'].id}")
    assert texts.EXPECT_CHOICE in bob.text and audits(db, "progress_report_created") == []
    await bob.press(w["b1"].title)
    sent = bob.last[-1]
    with db() as s:
        stored = s.get(StoredFile, sent.files[0].stored_file_id)
        from db import files as file_store
        _, data = file_store.read(s, settings.thidua_data_dir, stored.id)
    text = "\n".join(c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
    assert "PHÒNG GD&ĐT QUẬN BA" in text and MARK.upper() not in text and MARK not in text
    bob.assert_no_leak()


async def test_coquan_shows_and_changes_only_the_own_offices_letterhead(settings, db, w, bob):
    from db.models import Office
    await bob.send("/coquan")
    assert "Phòng GD&ĐT Quận Ba" in bob.text
    await bob.send("/coquan chuquan UBND QUẬN BA")          # bob is a specialist: only admins change it
    assert bob.text == texts.LETTERHEAD_ADMIN_ONLY
    with db() as s:
        s.exec(select(Staff).where(Staff.platform_user_id == str(BOB))).one().role = "admin"
    await bob.send("/coquan chuquan UBND QUẬN BA")
    with db() as s:
        offices = {o.name: o.parent_body for o in s.exec(select(Office)).all()}
    assert offices == {f"Phòng GD&ĐT {MARK}": None, "Phòng GD&ĐT Quận Ba": "UBND QUẬN BA"}
    bob.assert_no_leak()


async def test_web_console_link_shows_and_reviews_only_the_own_office(settings, db, w, bob):
    import re
    from starlette.testclient import TestClient
    from bot.console import ConsoleConfig, console_routes
    from bot.web import build_app
    await bob.send("/web")
    token = re.search(r"/console/login/(\S+)", bob.text).group(1)
    browser = TestClient(build_app(console_routes(ConsoleConfig.from_settings(settings))), follow_redirects=False)
    assert browser.post(f"/console/login/{token}").status_code == 303
    home = browser.get("/console").text
    assert "Phong trào Quận Ba" in home and MARK not in home
    assert MARK not in browser.get(f"/console/campaigns/{w['b1'].id}").text
    assert browser.get(f"/console/campaigns/{w['a'].id}").status_code == 404
    own = browser.get(f"/console/submissions/{w['b_sub'].id}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', own).group(1)
    assert browser.get(f"/console/submissions/{w['a_sub'].id}").status_code == 404
    r = browser.post(f"/console/submissions/{w['a_sub'].id}/review",
                     data={"csrf": csrf, "decision": "accepted", "seen": "submitted|"})
    assert r.status_code == 404
    with db() as s:
        assert s.get(Submission, w["a_sub"].id).status == "submitted"
    bob.assert_no_leak()
