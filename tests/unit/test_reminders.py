"""Automatic deadline reminders with simulated time: the tick is driven directly and the outbox rows read back."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import event, update
from sqlmodel import select

from bot import texts
from db import campaigns as campaign_ops
from db import reminders as store
from db.engine import get_engine, session_scope
from db.models import Campaign, CampaignUnit, Contact, Milestone, Nomination, OutboxMessage, Submission
from handlers.io import OutMessage
from schedules.reminders import find_work, run_reminders
from tests.support import seed

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = (2026, 10, 15)   # a Thursday; default plan: 8/10 (-7), 12/10 (-3), 14/10 (-1), 15/10 (0), 16/10 (+1), 18/10 (+3)


def local(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def utc(y, m, d, hh=0, mm=0) -> datetime:
    """A Vietnamese wall-clock time as naive UTC (the DB's form)."""
    return local(y, m, d, hh, mm).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def tick_at(y, m, d, hh=0, mm=0, deliver: bool = True) -> int:
    """One tick at a local time; `deliver` plays the outbox dispatcher: what is due is sent right after."""
    with time_machine.travel(local(y, m, d, hh, mm), tick=False):
        queued = run_reminders(VN)
        if deliver:
            with session_scope() as s:
                s.execute(update(OutboxMessage).where(OutboxMessage.status == "pending",
                                                      OutboxMessage.not_before <= utc(y, m, d, hh, mm))
                          .values(status="sent"))
        return queued


def reminder_rows() -> list[OutboxMessage]:
    with session_scope() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id)))


def sent_log() -> list[tuple[str, str, int, str]]:
    """(local 'dd/mm HH:MM' queued, chat id, offset, status) of every reminder row."""
    out = []
    for row in reminder_rows():
        when = row.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(VN)
        out.append((f"{when:%d/%m %H:%M}", row.chat_id, store.parse_reminder_key(row.idempotency_key)[3], row.status))
    return out


def submit(unit_id: int, milestone_id: int, status: str = "submitted", reviewed_at: datetime | None = None) -> None:
    with session_scope() as s:
        version = len(s.exec(select(Submission).where(Submission.unit_id == unit_id,
                                                      Submission.milestone_id == milestone_id)).all()) + 1
        s.add(Submission(reference=f"BC-{unit_id}-{milestone_id}-{version}", unit_id=unit_id,
                         milestone_id=milestone_id, version=version, status=status, reviewed_at=reviewed_at))


def return_latest(unit_id: int, milestone_id: int, at: datetime) -> None:
    with session_scope() as s:
        sub = s.exec(select(Submission).where(Submission.unit_id == unit_id, Submission.milestone_id == milestone_id)
                     .order_by(Submission.version.desc())).first()
        sub.status, sub.reviewed_at = "returned", at
        s.add(sub)


def update_milestone(milestone_id: int, **fields) -> None:
    with session_scope() as s:
        m = s.get(Milestone, milestone_id)
        for k, v in fields.items():
            setattr(m, k, v)
        s.add(m)


@pytest.fixture
def world(settings):
    """Three schools: A has two contacts, B one, C's only contact is unreachable; one launched campaign."""
    a = seed.unit("TH-A", "Trường Tiểu học A")
    b = seed.unit("TH-B", "Trường Tiểu học B")
    c = seed.unit("TH-C", "Trường Tiểu học C")
    a1, a2, b1 = seed.contact(a.id, 101), seed.contact(a.id, 102), seed.contact(b.id, 201)
    c1 = seed.contact(c.id, 301)
    with session_scope() as s:
        row = s.get(Contact, c1.id)
        row.reachable = False
        s.add(row)
    campaign, (milestone,) = seed.campaign(
        "Phong trào thi đua 2026", unit_ids=[a.id, b.id, c.id], launched_at=utc(2026, 10, 1, 9),
        milestones=[{"title": "Báo cáo sơ kết học kỳ I", "due_at": utc(*DUE, 17)}])
    return dict(a=a, b=b, c=c, a1=a1, a2=a2, b1=b1, campaign=campaign, milestone=milestone)


def run_days(first: date, last: date, times=((7, 59), (8, 0), (8, 1), (12, 0), (21, 30), (23, 0))) -> None:
    day = first
    while day <= last:
        for hh, mm in times:
            tick_at(day.year, day.month, day.day, hh, mm)
        day += timedelta(days=1)


# ------------------------------------------------------------------------------------ the whole campaign

def test_whole_campaign_from_launch_to_past_the_last_deadline(world):
    run_days(date(2026, 10, 1), date(2026, 10, 25))
    expected = [(f"{day:02d}/10 08:00", chat, offset, "sent")
                for day, offset in ((8, -7), (12, -3), (14, -1), (15, 0), (16, 1), (18, 3))
                for chat in ("101", "102", "201")]
    assert sent_log() == expected   # C (unreachable) never; nothing at 07:59, 12:00 or at night


def test_wording_before_on_and_after_the_deadline_with_the_submit_button(world):
    m = world["milestone"]
    for day in (8, 15, 18):
        tick_at(2026, 10, day, 8, 0)
    texts_by_offset = {store.parse_reminder_key(r.idempotency_key)[3]: OutMessage.from_json(r.payload)
                       for r in reminder_rows() if r.chat_id == "201"}
    before, on_day, after = texts_by_offset[-7], texts_by_offset[0], texts_by_offset[3]
    assert "còn 7 ngày" in before.text and "Hạn nộp: 15/10/2026" in before.text
    assert "Hôm nay là hạn chót" in on_day.text
    assert "Đã quá hạn 3 ngày" in after.text
    for msg in (before, on_day, after):
        assert "Phong trào thi đua 2026" in msg.text and "Báo cáo sơ kết học kỳ I" in msg.text
        assert [(c.label, c.data) for c in msg.flat_choices()] == [("Nộp ngay", f"g|submit|{m.id}")]
    assert len({before.text, on_day.text, after.text}) == 3


def test_the_tick_is_idempotent_and_skips_milestones_with_nothing_new(world):
    assert tick_at(2026, 10, 8, 8, 0) == 3
    assert tick_at(2026, 10, 8, 8, 0) == 0            # a second process at the same moment
    with time_machine.travel(local(2026, 10, 8, 8, 1), tick=False), session_scope() as s:
        assert find_work(s, utc(2026, 10, 8, 8, 1), VN) == []   # nothing newly due: no planning at all
    assert len(reminder_rows()) == 3


# ----------------------------------------------------------------------------------- restarts, catch-up

def test_restart_after_downtime_sends_only_the_latest_missed_one_once(world):
    tick_at(2026, 10, 8, 8, 0)                        # -7 goes out, then the bot is down until 14/10 10:00
    assert tick_at(2026, 10, 14, 10, 0) == 3          # -3 and -1 were missed: only -1, once per contact
    assert tick_at(2026, 10, 14, 10, 1) == 0
    assert [(when, off) for when, chat, off, _ in sent_log() if chat == "201"] == [
        ("08/10 08:00", -7), ("14/10 10:00", -1)]
    caught_up = [OutMessage.from_json(r.payload) for r in reminder_rows() if r.chat_id == "201"][-1]
    assert "còn 1 ngày" in caught_up.text
    tick_at(2026, 10, 15, 8, 0)
    assert [off for _, chat, off, _ in sent_log() if chat == "201"] == [-7, -1, 0]


def test_a_campaign_launched_late_does_not_send_reminders_planned_before_the_launch(world):
    with session_scope() as s:
        c = s.get(Campaign, world["campaign"].id)
        c.launched_at = utc(2026, 10, 13, 10)          # after -7 and -3
        s.add(c)
    assert tick_at(2026, 10, 13, 10, 1) == 0
    tick_at(2026, 10, 14, 8, 0)
    assert {off for *_, off, _ in sent_log()} == {-1}


# -------------------------------------------------------------------------------------- moved deadlines

def test_deadline_moved_later_keeps_sent_offsets_and_follows_the_new_date(world):
    m = world["milestone"]
    tick_at(2026, 10, 8, 8, 0)                                  # -7 of the old date
    update_milestone(m.id, due_at=utc(2026, 10, 22, 17))       # new plan: 15 (-7), 19 (-3), 21 (-1), 22, 23, 25
    run_days(date(2026, 10, 9), date(2026, 10, 26), times=((8, 0), (12, 0)))
    assert [(when, off) for when, chat, off, _ in sent_log() if chat == "201"] == [
        ("08/10 08:00", -7), ("19/10 08:00", -3), ("21/10 08:00", -1), ("22/10 08:00", 0),
        ("23/10 08:00", 1), ("25/10 08:00", 3)]
    last = OutMessage.from_json(reminder_rows()[-1].payload)
    assert "22/10/2026" in last.text


def test_deadline_moved_earlier_sends_the_now_overdue_reminder_at_once(world):
    m = world["milestone"]
    tick_at(2026, 10, 8, 8, 0)
    update_milestone(m.id, due_at=utc(2026, 10, 11, 17))       # new plan: 4/10 (-7), 8/10 (-3), 10/10 (-1) ...
    assert tick_at(2026, 10, 9, 10, 0) == 3                     # -3 of the new date, already past: now
    tick_at(2026, 10, 10, 8, 0)
    assert [(when, off) for when, chat, off, _ in sent_log() if chat == "201"] == [
        ("08/10 08:00", -7), ("09/10 10:00", -3), ("10/10 08:00", -1)]
    assert "còn 2 ngày" in OutMessage.from_json(reminder_rows()[3].payload).text


def test_a_deleted_milestone_stops_and_its_queued_reminders_are_cancelled(world):
    m = world["milestone"]
    tick_at(2026, 10, 8, 8, 0, deliver=False)
    update_milestone(m.id, deleted_at=utc(2026, 10, 8, 8, 2))
    tick_at(2026, 10, 8, 8, 3)
    run_days(date(2026, 10, 9), date(2026, 10, 20), times=((8, 0),))
    assert {status for *_, status in sent_log()} == {"cancelled"}
    assert len(reminder_rows()) == 3


# ------------------------------------------------------------------------------------- quiet hours, weekends

def test_quiet_hours_hold_a_missed_reminder_until_the_sending_hour(world):
    # the bot was down over 8/10 08:00 and comes back at 22:00: not at night, nor at 07:00 when quiet
    # hours end, but at the policy's hour (08:00)
    assert tick_at(2026, 10, 8, 22, 0) == 0
    assert tick_at(2026, 10, 9, 7, 0) == 0
    assert tick_at(2026, 10, 9, 7, 59) == 0
    assert tick_at(2026, 10, 9, 8, 0) == 3
    assert [when for when, chat, *_ in sent_log() if chat == "201"] == ["09/10 08:00"]


def test_queued_reminders_that_would_go_out_in_quiet_hours_are_postponed(world):
    tick_at(2026, 10, 8, 8, 0, deliver=False)      # queued; pretend the outbox was stuck all day
    tick_at(2026, 10, 8, 21, 5, deliver=False)
    with session_scope() as s:
        not_before = {r.not_before for r in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))}
    assert not_before == {utc(2026, 10, 9, 8, 0)}   # the next sending hour, not the end of quiet hours


def test_weekend_rule_moves_reminders_to_working_days_and_holds_catch_ups(world):
    with session_scope() as s:
        c = s.get(Campaign, world["campaign"].id)
        c.reminder_policy = {"offsets_days": [-7, -3, -1, 0, 1, 3], "send_at": "08:00", "skip_weekends": True}
        s.add(c)
    # due Monday 19/10: -7 Mon 12, -3 Fri 16, -1 Sun 18 -> Fri 16 (merged, -1 kept), 0 Mon 19, +1 Tue 20, +3 Thu 22
    update_milestone(world["milestone"].id, due_at=utc(2026, 10, 19, 17))
    run_days(date(2026, 10, 9), date(2026, 10, 15), times=((8, 0),))
    # the bot is down from Friday 16/10 07:00 to Saturday 10:00: nothing at the weekend, Monday sends only "0",
    # at 08:00 (at 07:00 the missed Friday reminder waits: it would collapse into the one planned at 08:00)
    for args in ((17, 10, 0), (17, 12, 0), (18, 8, 0), (19, 7, 0), (19, 7, 30), (19, 8, 0)):
        tick_at(2026, 10, *args)
    run_days(date(2026, 10, 20), date(2026, 10, 25), times=((8, 0),))
    assert [(when, off) for when, chat, off, _ in sent_log() if chat == "201"] == [
        ("12/10 08:00", -7), ("19/10 08:00", 0), ("20/10 08:00", 1), ("22/10 08:00", 3)]


def test_a_stuck_outbox_delivers_only_the_newest_reminder_when_it_recovers(world):
    for day in (8, 12, 14):
        tick_at(2026, 10, day, 8, 0, deliver=False)
    assert [(off, st) for _, chat, off, st in sent_log() if chat == "201"] == [
        (-7, "cancelled"), (-3, "cancelled"), (-1, "pending")]


# ------------------------------------------------------------------------------------------ submissions

def test_a_unit_that_submits_between_two_reminders_stops_getting_them(world):
    a, m = world["a"], world["milestone"]
    tick_at(2026, 10, 8, 8, 0)
    submit(a.id, m.id)
    run_days(date(2026, 10, 9), date(2026, 10, 20), times=((8, 0),))
    chats_by_offset = {}
    for _, chat, off, _ in sent_log():
        chats_by_offset.setdefault(off, set()).add(chat)
    assert chats_by_offset == {-7: {"101", "102", "201"}, -3: {"201"}, -1: {"201"}, 0: {"201"}, 1: {"201"}, 3: {"201"}}


def test_a_queued_reminder_is_cancelled_when_the_unit_submits_before_it_is_sent(world):
    b, m = world["b"], world["milestone"]
    tick_at(2026, 10, 14, 8, 0, deliver=False)     # -1 queued for everyone (the outbox has not sent it yet)
    submit(b.id, m.id)
    tick_at(2026, 10, 14, 8, 1, deliver=False)
    status = {(chat, off): st for _, chat, off, st in sent_log()}
    assert status == {("101", -1): "pending", ("102", -1): "pending", ("201", -1): "cancelled"}


def test_cancel_for_unit_is_immediate(world):
    b, m = world["b"], world["milestone"]
    tick_at(2026, 10, 14, 8, 0, deliver=False)
    with session_scope() as s:
        assert store.cancel_for_unit(s, m.id, b.id) == 1
    assert [st for _, chat, _, st in sent_log() if chat == "201"] == ["cancelled"]


def test_a_returned_submission_becomes_due_again_from_the_next_reminder(world):
    b, m = world["b"], world["milestone"]
    submit(b.id, m.id)                               # B submitted early: no reminders
    run_days(date(2026, 10, 7), date(2026, 10, 12), times=((8, 0),))
    return_latest(b.id, m.id, at=utc(2026, 10, 13, 10))
    assert tick_at(2026, 10, 13, 10, 1) == 0         # the review message told them: no catch-up of 12/10
    tick_at(2026, 10, 14, 8, 0)
    b_rows = [r for r in reminder_rows() if r.chat_id == "201"]
    assert [store.parse_reminder_key(r.idempotency_key)[3] for r in b_rows] == [-1]
    assert texts.REMINDER_STATE_RETURNED in OutMessage.from_json(b_rows[0].payload).text
    submit(b.id, m.id)                               # resubmitted: stops again
    tick_at(2026, 10, 15, 8, 0)
    assert len([r for r in reminder_rows() if r.chat_id == "201"]) == 1


# --------------------------------------------------------------------------------------- who is nudged

def test_nobody_is_nudged_for_office_steps_events_drafts(settings):
    u = seed.unit("TH-X", "Trường X")
    seed.contact(u.id, 901)
    due = {"due_at": utc(*DUE, 17)}
    seed.campaign("Nháp", unit_ids=[u.id], status="draft", milestones=[dict(due, title="Nháp")])
    seed.campaign("Đã phát động", unit_ids=[u.id], launched_at=utc(2026, 10, 1), milestones=[
        dict(due, title="Phòng tổng hợp", units_act=False), dict(due, title="Hội nghị", kind="event")])
    assert tick_at(2026, 10, 8, 8, 0) == 0


# -------------------------------------------------------------------------------------------- recurring

def test_recurring_milestone_instances_with_labels_are_created_once(settings):
    u = seed.unit("TH-R", "Trường R")
    seed.contact(u.id, 701)
    campaign, (template,) = seed.campaign(
        "Báo cáo định kỳ 2024", unit_ids=[u.id], launched_at=utc(2024, 1, 2),
        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31),
        milestones=[{"title": "Báo cáo quý", "kind": "periodic_report", "recurrence": "quarter",
                     "due_at": utc(2024, 4, 10, 17)}])   # 10 days after the first quarter ends
    with session_scope() as s:
        created = store.expand_recurring(s, s.get(Milestone, template.id), VN)
        assert [(m.period_label, m.due_at) for m in created] == [
            ("Quý I/2024", utc(2024, 4, 10, 17)), ("Quý II/2024", utc(2024, 7, 10, 17)),
            ("Quý III/2024", utc(2024, 10, 10, 17)), ("Quý IV/2024", utc(2025, 1, 10, 17))]
        assert {(m.series_id, m.recurrence) for m in created} == {(template.id, "none")}
        assert store.expand_recurring(s, s.get(Milestone, template.id), VN) == []     # idempotent
        created[1].deleted_at = utc(2024, 1, 3)                                        # staff deleted Quý II
        s.add(created[1])
    assert tick_at(2024, 1, 3, 9, 0) == 0          # the tick's safety net adds nothing either
    with session_scope() as s:
        assert len(s.exec(select(Milestone).where(Milestone.series_id == template.id)).all()) == 4
    # the instances are reminded, the template is not (it shares Quý I's date)
    tick_at(2024, 4, 3, 8, 0)
    rows = reminder_rows()
    assert len(rows) == 1 and "Báo cáo quý (Quý I/2024)" in OutMessage.from_json(rows[0].payload).text


def test_the_tick_expands_a_recurring_milestone_nobody_expanded(settings):
    campaign, (template,) = seed.campaign(
        "Báo cáo tháng", launched_at=utc(2024, 1, 2), period_start=date(2024, 9, 15), period_end=date(2024, 11, 30),
        milestones=[{"title": "Báo cáo tháng", "recurrence": "month", "due_at": utc(2024, 9, 30, 17)}])
    tick_at(2024, 9, 16, 9, 0)
    with session_scope() as s:
        labels = [m.period_label for m in s.exec(select(Milestone).where(Milestone.series_id == template.id)
                                                 .order_by(Milestone.due_at))]
    assert labels == ["Tháng 9/2024", "Tháng 10/2024", "Tháng 11/2024"]


# ------------------------------------------------------------------------------- the rows, set-based SQL

def test_queued_rows_are_bulk_reminders_keyed_like_reminder_key(world):
    m, a, b = world["milestone"], world["a"], world["b"]
    assert tick_at(2026, 10, 12, 8, 0, deliver=False) == 3
    rows = {r.idempotency_key: r for r in reminder_rows()}
    contacts = {(a.id, world["a1"].id, "101"), (a.id, world["a2"].id, "102"), (b.id, world["b1"].id, "201")}
    assert set(rows) == {store.reminder_key(m.id, unit, contact, -3) for unit, contact, _ in contacts}
    for unit, contact, chat in contacts:
        row = rows[store.reminder_key(m.id, unit, contact, -3)]
        assert (row.channel, row.chat_id, row.contact_id, row.kind, row.priority, row.status, row.attempts) == (
            "telegram", chat, contact, "reminder", 1, "pending", 0)
        assert row.not_before == row.created_at == utc(2026, 10, 12, 8, 0)
        assert row.lease_until is None and row.claimed_by is None and row.sent_at is None


def test_a_contact_bound_after_a_reminder_waits_for_the_next_one(world):
    m, b = world["milestone"], world["b"]
    tick_at(2026, 10, 8, 8, 0)
    late = seed.contact(b.id, 202)
    assert tick_at(2026, 10, 8, 8, 30) == 0          # unit B had -7 already: no catch-up for its new contact
    tick_at(2026, 10, 12, 8, 0)
    assert [(chat, off) for _, chat, off, _ in sent_log() if chat in ("201", "202")] == [
        ("201", -7), ("201", -3), ("202", -3)]
    assert store.reminder_key(m.id, b.id, late.id, -3) in {r.idempotency_key for r in reminder_rows()}


def test_a_planned_milestone_costs_the_same_queries_for_3_or_43_units(world):
    def statements_of_a_tick(*when) -> int:
        seen = []
        listener = lambda *args: seen.append(1)   # noqa: E731
        event.listen(get_engine(), "before_cursor_execute", listener)
        try:
            assert tick_at(2026, 10, *when) > 0
        finally:
            event.remove(get_engine(), "before_cursor_execute", listener)
        return len(seen)

    small = statements_of_a_tick(8, 8, 0)
    more = [seed.unit(f"TH-{i}", f"Trường {i}") for i in range(40)]
    for i, u in enumerate(more):
        seed.contact(u.id, 5000 + i)
    with session_scope() as s:
        ids = [link.unit_id for link in s.exec(select(CampaignUnit).where(
            CampaignUnit.campaign_id == world["campaign"].id))]
        campaign_ops.set_units(s, world["campaign"].id, ids + [u.id for u in more])
    assert statements_of_a_tick(12, 8, 0) == small
    assert len([r for r in reminder_rows() if store.parse_reminder_key(r.idempotency_key)[3] == -3]) == 43


def test_a_nomination_milestone_follows_the_units_live_nomination_before_a_returned_one(settings):
    """db.standing's rule for rounds: a live entry (submitted/accepted) stands before a returned one, withdrawn
    ones do not count; so a school whose first nominee was approved is not chased for its second (quota 2)."""
    a, b, d, e = (seed.unit(f"TH-{x}", f"Trường {x}") for x in "ABDE")
    for u, chat in ((a, 101), (b, 201), (d, 401), (e, 501)):
        seed.contact(u.id, chat)
    campaign, (m,) = seed.campaign("Thi đua 2026", unit_ids=[a.id, b.id, d.id, e.id],
                                   launched_at=utc(2026, 10, 1, 9),
                                   milestones=[{"title": "Đăng ký danh hiệu", "kind": "nomination",
                                                "due_at": utc(*DUE, 17)}])

    def nominate(unit_id, n, status, at, reviewed_at=None):
        with session_scope() as s:
            s.add(Nomination(reference=f"DC-{unit_id}-{n}", campaign_id=campaign.id, milestone_id=m.id,
                             unit_id=unit_id, nominee_name="Nguyễn Văn A", achievements="...", status=status,
                             submitted_at=at, reviewed_at=reviewed_at))

    nominate(a.id, 1, "submitted", utc(2026, 10, 2))
    nominate(a.id, 2, "withdrawn", utc(2026, 10, 3))             # A's latest real one is still submitted
    nominate(b.id, 1, "accepted", utc(2026, 10, 2))
    nominate(b.id, 2, "returned", utc(2026, 10, 4), reviewed_at=utc(2026, 10, 10))   # the approved one stands
    nominate(d.id, 1, "withdrawn", utc(2026, 10, 2))             # D only withdrew: it still owes one
    nominate(e.id, 1, "returned", utc(2026, 10, 2), reviewed_at=utc(2026, 10, 10))   # E must send another
    assert tick_at(2026, 10, 12, 8, 0) == 2
    by_chat = {r.chat_id: OutMessage.from_json(r.payload).text for r in reminder_rows()}
    assert set(by_chat) == {"401", "501"}
    assert texts.REMINDER_STATE_NOMINEE_RETURNED in by_chat["501"]
    assert texts.REMINDER_STATE_NO_NOMINEE in by_chat["401"] and f"«{texts.REMINDER_NOMINATE_NOW}»" in by_chat["401"]
    with session_scope() as s:
        states = store.unit_states(s, s.get(Milestone, m.id))
    assert {u: st.status for u, st in states.items()} == {a.id: "submitted", b.id: "accepted", e.id: "returned"}


# ------------------------------------------------------------------------------------ catch-up after downtime

def test_weeks_of_downtime_send_one_message_per_milestone_and_contact_at_the_sending_hour(world):
    """Down from 7/10 until 17/10 07:29 (after -7, -3, -1, 0 and +1 were due): at 07:29 nothing goes out
    (quiet hours are over but the hour is 08:00); at 08:00 each contact gets one message, the +1 one."""
    with session_scope() as s:   # a second milestone, long past: months late helps nobody
        s.add(Milestone(campaign_id=world["campaign"].id, title="Báo cáo tổng kết năm trước",
                        kind="final_report", due_at=utc(2026, 5, 20, 17)))
    assert tick_at(2026, 10, 17, 7, 29) == 0
    assert tick_at(2026, 10, 17, 8, 0) == 3
    assert sent_log() == [("17/10 08:00", chat, 1, "sent") for chat in ("101", "102", "201")]
    run_days(date(2026, 10, 17), date(2026, 11, 30))   # and then only the +3 one, on its day
    assert [row for row in sent_log() if row[2] == 3] == [("18/10 08:00", c, 3, "sent") for c in ("101", "102", "201")]
    assert len(sent_log()) == 6


def test_a_reminder_queued_before_a_long_outage_is_cancelled_not_sent_weeks_late(world):
    tick_at(2026, 10, 16, 8, 0, deliver=False)         # +1 queued, then the outbox died with it
    tick_at(2026, 11, 20, 9, 0, deliver=False)         # back five weeks later
    assert {status for *_, status in sent_log()} == {"cancelled"}
    with session_scope() as s:
        reasons = {r.last_error for r in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))}
    assert reasons == {"too late"}


def test_no_reminder_falls_on_tet(settings):
    unit = seed.unit("TH-T", "Trường Tiểu học Tết")
    seed.contact(unit.id, 401)
    seed.campaign("Phong trào mùa xuân", unit_ids=[unit.id], launched_at=utc(2027, 1, 10, 9),
                  milestones=[{"title": "Báo cáo đầu xuân", "due_at": utc(2027, 2, 12, 17)}])
    run_days(date(2027, 1, 30), date(2027, 2, 20), times=((8, 0), (12, 0)))
    days = [when[:5] for when, *_ in sent_log()]
    assert days == ["03/02", "11/02", "12/02", "13/02", "15/02"]   # -7 and -3 merged before Tết; +1, +3


def test_a_reminder_addresses_the_unit_and_names_the_button_it_carries():
    from datetime import datetime as dt
    from zoneinfo import ZoneInfo

    from db.models import Campaign, Milestone
    from schedules.reminders import reminder_message

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    m = Milestone(id=1, campaign_id=1, title="Báo cáo sơ kết", due_at=dt(2026, 10, 20, 10))
    msg = reminder_message(m, Campaign(id=1, title="Thi đua 2026"), dt(2026, 10, 17, 1), vn, returned=False)
    assert msg.text.startswith(texts.REMINDER_GREETING.strip())
    assert f"«{msg.choices[0][0].label}»" in msg.text
