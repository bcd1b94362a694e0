from datetime import timezone, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules.planning import (
    PlannedReminder, ReminderPolicy, days_between, due_reminders, is_quiet, next_sending_time, plan_reminders,
    reminder_for_now,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")   # UTC+7, no DST


def local_to_utc(y, m, d, hh=0, mm=0) -> datetime:
    """A Vietnamese wall-clock time as naive UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=VN).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def days_and_offsets(planned):
    return [(r.send_at_utc.date(), r.offset_days, r.phase) for r in planned]


# --- the policy -------------------------------------------------------------------------------------------

def test_default_policy_values():
    p = ReminderPolicy()
    assert p.offsets_days == (-7, -3, -1, 0, 1, 3)
    assert (p.send_at, p.quiet_start, p.quiet_end, p.skip_weekends) == (time(8), time(21), time(7), False)


def test_from_json_none_and_empty_give_defaults():
    assert ReminderPolicy.from_json(None) == ReminderPolicy()
    assert ReminderPolicy.from_json({}) == ReminderPolicy()


def test_json_round_trip_in_the_column_shape():
    stored = {"offsets_days": [3, -7, 0], "send_at": "9:30", "skip_weekends": True}
    policy = ReminderPolicy.from_json(stored)
    assert policy == ReminderPolicy(offsets_days=(-7, 0, 3), send_at=time(9, 30), skip_weekends=True)
    assert policy.to_json() == {"offsets_days": [-7, 0, 3], "send_at": "09:30", "skip_weekends": True}
    assert ReminderPolicy.from_json(policy.to_json()) == policy


def test_to_json_keeps_non_default_quiet_hours():
    policy = ReminderPolicy(quiet_start=time(22), quiet_end=time(6))
    assert policy.to_json()["quiet_start"] == "22:00"
    assert ReminderPolicy.from_json(policy.to_json()) == policy


def test_offsets_are_sorted_and_unique():
    assert ReminderPolicy(offsets_days=(1, -1, 1)).offsets_days == (-1, 1)


@pytest.mark.parametrize("bad", [
    {"send_at": "22:00"},            # inside quiet hours (21:00-07:00)
    {"send_at": "06:59"},
    {"send_at": "25:00"},
    {"send_at": "tám giờ"},
    {"offsets_days": "-1,0"},
    {"offsets_days": [1.5]},
    {"offsets_days": [True]},
    {"offsets_days": [400]},
    {"skip_weekends": "yes"},
])
def test_from_json_refuses_bad_values(bad):
    with pytest.raises(ValueError):
        ReminderPolicy.from_json(bad)


def test_send_at_on_quiet_end_is_allowed():
    assert ReminderPolicy.from_json({"send_at": "07:00"}).send_at == time(7)


# --- plan_reminders ---------------------------------------------------------------------------------------

def test_default_policy_on_a_wednesday_deadline():
    due = local_to_utc(2024, 5, 15, 17)   # Wednesday 15/5/2024 17:00 local
    planned = plan_reminders(due, ReminderPolicy(), VN)
    assert planned == [
        PlannedReminder(-7, datetime(2024, 5, 8, 1, 0), "before"),    # 08:00 local = 01:00 UTC
        PlannedReminder(-3, datetime(2024, 5, 12, 1, 0), "before"),   # a Sunday: weekends not skipped
        PlannedReminder(-1, datetime(2024, 5, 14, 1, 0), "before"),
        PlannedReminder(0, datetime(2024, 5, 15, 1, 0), "on_day"),
        PlannedReminder(1, datetime(2024, 5, 16, 1, 0), "after"),
        PlannedReminder(3, datetime(2024, 5, 18, 1, 0), "after"),
    ]


def test_due_day_is_the_local_day_not_the_utc_day():
    due = local_to_utc(2024, 5, 16, 2)    # 02:00 local on the 16th = 19:00 UTC on the 15th
    (on_day,) = plan_reminders(due, ReminderPolicy(offsets_days=(0,)), VN)
    assert on_day.send_at_utc == datetime(2024, 5, 16, 1, 0)


def test_skip_weekends_moves_before_reminders_back_to_friday():
    due = local_to_utc(2024, 5, 15, 17)   # Wednesday
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(-3,), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 10), -3, "before")]   # Sun 12 -> Fri 10


def test_skip_weekends_moves_after_reminder_back_to_friday_when_still_after_the_deadline():
    due = local_to_utc(2024, 5, 15, 17)   # Wednesday; +3 is Saturday 18
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(3,), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 17), 3, "after")]


def test_skip_weekends_moves_after_reminder_forward_to_monday_when_friday_is_the_due_day():
    due = local_to_utc(2024, 5, 17, 17)   # Friday; +1 is Saturday, back to Friday would be the due day
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(1,), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 20), 1, "after")]


def test_saturday_deadline_on_day_reminder_becomes_a_friday_before_reminder():
    due = local_to_utc(2024, 5, 18, 17)   # Saturday
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(0,), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 17), 0, "before")]


def test_same_day_reminders_keep_the_larger_offset_before_the_deadline():
    due = local_to_utc(2024, 5, 20, 17)   # Monday: -3 is Friday, -1 is Sunday -> Friday
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(-3, -1, 0), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 17), -1, "before"), (date(2024, 5, 20), 0, "on_day")]


def test_same_day_reminders_keep_the_larger_offset_after_the_deadline():
    due = local_to_utc(2024, 5, 17, 17)   # Friday: +1 (Sat) and +3 (Mon) both land on Monday
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(1, 3), skip_weekends=True), VN)
    assert days_and_offsets(planned) == [(date(2024, 5, 20), 3, "after")]


def test_skip_weekends_on_the_default_policy_keeps_one_reminder_per_day():
    due = local_to_utc(2024, 5, 20, 17)   # Monday
    planned = plan_reminders(due, ReminderPolicy(skip_weekends=True), VN)
    days = [r.send_at_utc.date() for r in planned]
    assert len(days) == len(set(days))
    assert all(d.weekday() < 5 for d in days)
    assert days == sorted(days)


def test_send_time_in_quiet_hours_is_clamped_to_quiet_end():
    due = local_to_utc(2024, 5, 15, 17)
    policy = ReminderPolicy(offsets_days=(-1, 0), send_at=time(5, 30))   # built in code, not via from_json
    planned = plan_reminders(due, policy, VN)
    assert [r.send_at_utc for r in planned] == [datetime(2024, 5, 14, 0, 0), datetime(2024, 5, 15, 0, 0)]


def test_clamp_with_a_daytime_quiet_window():
    policy = ReminderPolicy(offsets_days=(0,), send_at=time(12, 15), quiet_start=time(12), quiet_end=time(13, 30))
    (reminder,) = plan_reminders(local_to_utc(2024, 5, 15, 17), policy, VN)
    assert reminder.send_at_utc == local_to_utc(2024, 5, 15, 13, 30)


def test_no_offsets_no_reminders():
    assert plan_reminders(local_to_utc(2024, 5, 15, 17), ReminderPolicy(offsets_days=()), VN) == []


# --- catch-up after a restart -----------------------------------------------------------------------------

PLANNED = plan_reminders(local_to_utc(2024, 5, 15, 17), ReminderPolicy(), VN)


def test_catch_up_collapses_missed_reminders_into_the_latest():
    now = local_to_utc(2024, 5, 15, 9)    # -3, -1 and 0 were missed while the bot was down
    latest = due_reminders(PLANNED, now, last_sent_offset=-7)
    assert latest == PlannedReminder(0, datetime(2024, 5, 15, 1, 0), "on_day")


def test_catch_up_with_nothing_sent_yet():
    assert due_reminders(PLANNED, local_to_utc(2024, 5, 14, 8), last_sent_offset=None).offset_days == -1


def test_catch_up_nothing_due():
    assert due_reminders(PLANNED, local_to_utc(2024, 5, 15, 9), last_sent_offset=0) is None
    assert due_reminders(PLANNED, local_to_utc(2024, 5, 1, 9), last_sent_offset=None) is None


def test_catch_up_send_time_is_inclusive():
    assert due_reminders(PLANNED, datetime(2024, 5, 16, 1, 0), last_sent_offset=0).offset_days == 1
    assert due_reminders(PLANNED, datetime(2024, 5, 16, 0, 59), last_sent_offset=0) is None


# --- the one reminder of a tick (what the set-based SQL relies on) ----------------------------------------

POLICIES = [ReminderPolicy(), ReminderPolicy(skip_weekends=True),
            ReminderPolicy(offsets_days=(-14, -10, -5, -2, -1, 0, 1, 2, 3, 5, 8), skip_weekends=True),
            ReminderPolicy(offsets_days=(-6, -1, 1, 2, 6), send_at=time(5), skip_weekends=True)]


@pytest.mark.parametrize("policy", POLICIES)
def test_offsets_grow_with_send_times_on_every_weekday_of_the_deadline(policy):
    for day in range(1, 29):      # four weeks of deadlines: every weekday, month ends
        planned = plan_reminders(local_to_utc(2024, 2, day, 17), policy, VN)
        assert [r.offset_days for r in planned] == sorted({r.offset_days for r in planned})
        assert [r.send_at_utc for r in planned] == sorted({r.send_at_utc for r in planned})


@pytest.mark.parametrize("policy", POLICIES)
def test_due_reminders_is_the_latest_due_one_or_nothing(policy):
    """reminder_for_now + "offset above the last queued one" decide exactly like due_reminders."""
    for day in (5, 9, 10, 11):    # Monday, Friday, Saturday, Sunday deadlines
        planned = plan_reminders(local_to_utc(2024, 2, day, 17), policy, VN)
        for hours in range(-16 * 24, 10 * 24, 7):
            now = local_to_utc(2024, 2, day, 8) + timedelta(hours=hours)
            latest = reminder_for_now(planned, now, None)
            for last in (None, *range(-15, 10)):
                expected = due_reminders(planned, now, last)
                got = latest if latest is not None and (last is None or latest.offset_days > last) else None
                assert got == expected, (day, now, last)


def test_reminder_for_now_is_the_latest_due():
    assert reminder_for_now(PLANNED, local_to_utc(2024, 5, 15, 9), None) == PLANNED[3]
    assert reminder_for_now(PLANNED, local_to_utc(2024, 5, 8, 7, 59), None) is None


def test_reminder_for_now_skips_a_reminder_planned_before_the_launch():
    launched = local_to_utc(2024, 5, 14, 10)
    assert reminder_for_now(PLANNED, local_to_utc(2024, 5, 14, 11), launched) is None     # -1 was at 08:00
    assert reminder_for_now(PLANNED, local_to_utc(2024, 5, 14, 8), local_to_utc(2024, 5, 14, 8)) is None
    assert reminder_for_now(PLANNED, local_to_utc(2024, 5, 15, 8), launched).offset_days == 0


# --- quiet hours now ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("local_hm, quiet", [
    ((20, 59), False), ((21, 0), True), ((23, 30), True), ((0, 0), True), ((6, 59), True), ((7, 0), False),
])
def test_is_quiet(local_hm, quiet):
    assert is_quiet(local_to_utc(2024, 5, 15, *local_hm), ReminderPolicy(), VN) is quiet


def test_next_sending_time_on_a_working_day_after_the_hour_is_now():
    now = local_to_utc(2024, 5, 15, 10)
    assert next_sending_time(now, ReminderPolicy(), VN) == now


def test_next_sending_time_in_the_evening_is_tomorrow_at_the_policy_hour():
    now = local_to_utc(2024, 5, 15, 22)
    assert next_sending_time(now, ReminderPolicy(), VN) == local_to_utc(2024, 5, 16, 8)


def test_next_sending_time_after_quiet_hours_but_before_the_hour_waits_for_the_hour():
    """A restart at 07:29 after downtime: quiet hours are over, but reminders wait until 08:00."""
    now = local_to_utc(2024, 5, 16, 7, 29)
    assert next_sending_time(now, ReminderPolicy(), VN) == local_to_utc(2024, 5, 16, 8)


def test_next_sending_time_skips_public_holidays_and_the_offices_days_off():
    tet = local_to_utc(2027, 2, 5, 9)                     # Tết 2027: 4/2 to 10/2 are days off
    assert next_sending_time(tet, ReminderPolicy(), VN) == local_to_utc(2027, 2, 11, 8)
    office = ReminderPolicy(days_off=(date(2027, 2, 11),))
    assert next_sending_time(tet, office, VN) == local_to_utc(2027, 2, 12, 8)
    assert next_sending_time(tet, ReminderPolicy(skip_holidays=False), VN) == tet


# --- days_between -------------------------------------------------------------------------------------------

DUE_23H = local_to_utc(2024, 5, 15, 23)   # 23:00 local = 16:00 UTC the same day


@pytest.mark.parametrize("now, days", [
    (local_to_utc(2024, 5, 14, 23, 30), 1),
    (local_to_utc(2024, 5, 15, 1), 0),        # 18:00 UTC on the 14th: the UTC day would say 1
    (local_to_utc(2024, 5, 15, 23, 30), 0),   # past the hour but still the due day
    (local_to_utc(2024, 5, 16, 0, 30), -1),   # 17:30 UTC on the 15th: the UTC day would say 0
    (local_to_utc(2024, 5, 18, 9), -3),
    (local_to_utc(2024, 5, 8, 9), 7),
])
def test_days_between_counts_local_calendar_days(now, days):
    assert days_between(DUE_23H, now, VN) == days


# --- days off and catch-up (rules 2 and 7) -----------------------------------------------------------------

def test_a_reminder_on_a_public_holiday_moves_to_the_working_day_before():
    due = local_to_utc(2027, 5, 4, 17)                    # 30/4 Friday, 1/5 Saturday, 3/5 nghỉ bù
    [before] = plan_reminders(due, ReminderPolicy(offsets_days=(-1,), skip_weekends=True), VN)
    assert before.send_at_utc == local_to_utc(2027, 4, 29, 8)           # back over 3/5, 2/5, 1/5 and 30/4
    [sunday] = plan_reminders(due, ReminderPolicy(offsets_days=(-1,)), VN)   # weekends allowed: Sunday 2/5
    assert sunday.send_at_utc == local_to_utc(2027, 5, 2, 8)


def test_an_overdue_reminder_on_a_holiday_moves_forward_when_back_would_reach_the_deadline():
    due = local_to_utc(2027, 2, 3, 17)                    # the working day before Tết
    [after] = plan_reminders(due, ReminderPolicy(offsets_days=(1,)), VN)
    assert after.send_at_utc == local_to_utc(2027, 2, 11, 8) and after.phase == "after"


def test_tet_merges_reminders_into_one_per_working_day_and_keeps_their_order():
    due = local_to_utc(2027, 2, 12, 17)
    planned = plan_reminders(due, ReminderPolicy(offsets_days=(-7, -3, -1, 0)), VN)
    days = [to_local_date(r.send_at_utc) for r in planned]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert all(not ReminderPolicy().is_day_off(d) for d in days)
    assert [r.offset_days for r in planned] == [-3, -1, 0]   # -7 (5/2) and -3 (9/2) both land on 3/2


def test_days_off_round_trip_through_json_and_bad_ones_are_refused():
    policy = ReminderPolicy.from_json({"days_off": ["2027-03-26"], "skip_holidays": False})
    assert policy.days_off == (date(2027, 3, 26),) and policy.skip_holidays is False
    assert ReminderPolicy.from_json(policy.to_json()) == policy
    with pytest.raises(ValueError):
        ReminderPolicy.from_json({"days_off": ["26/3"]})


def test_a_reminder_missed_by_more_than_the_last_offset_is_not_sent():
    due = local_to_utc(2024, 5, 15, 17)
    planned = plan_reminders(due, ReminderPolicy(), VN)       # last offset +3: 18/5 08:00
    two_days_late = local_to_utc(2024, 5, 20, 9)
    assert reminder_for_now(planned, two_days_late, None, ReminderPolicy()).offset_days == 3
    months_late = local_to_utc(2024, 10, 13, 9)
    assert reminder_for_now(planned, months_late, None, ReminderPolicy()) is None


def to_local_date(dt_utc):
    return dt_utc.replace(tzinfo=timezone.utc).astimezone(VN).date()
