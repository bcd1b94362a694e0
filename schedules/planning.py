"""When to remind units about a milestone: pure date logic, no DB, no scheduler.

All datetimes in and out are naive UTC (like the DB); the local calendar (weekends, quiet hours, "today")
is computed in the office's time zone passed as `tz`.

Rules of `plan_reminders` (each one is tested in tests/unit/test_planning.py):

1. One reminder per offset, on the LOCAL date `due_local.date() + offset`, at `policy.send_at` local time.
2. Days off: a reminder falling on a day off moves BACK to the working day before. Days off are the
   public holidays of Vietnam (skip_holidays, on by default: Tết, Giỗ Tổ, 30/4–1/5, 2/9...; see
   schedules/workdays.py), the office's own `days_off`, and Saturdays/Sundays under skip_weekends. For an
   "after" offset (offset > 0) moving back could land on or before the due day, which would turn an
   overdue nudge into an early one: such a reminder moves FORWARD to the next working day instead.
3. Quiet hours: a send time inside [quiet_start, quiet_end) is clamped to quiet_end on the same local date
   (from_json refuses such policies; this guards policies built in code or quiet hours changed later).
4. One reminder per local day: when two offsets land on the same day (only possible with skip_weekends),
   the LARGER offset is kept, because the catch-up bookkeeping treats every offset <= the last sent one as
   done, so keeping the largest also marks the merged ones as sent.
5. `phase` is the final send day relative to the due day ("before" / "on_day" / "after"), so an on-day
   reminder moved from a Saturday deadline to Friday is a "before" reminder.
6. The result is sorted by send time, and so by offset: moving a day off to the working day before or
   after never crosses another offset's day (the moves are monotone), so later offsets are never sent
   earlier. `reminder_for_now` relies on it.
7. Catch-up after downtime (`reminder_for_now`, `next_sending_time`): of the reminders whose time has
   passed only the latest is sent, once, and only at a time reminders may go out (not in quiet hours, not
   on a day off, not before `send_at` of that day); one missed by more than the policy's last offset
   (at least a day) is not sent at all: "quá hạn 151 ngày" after a long outage helps nobody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from schedules.workdays import is_day_off, next_working_day, previous_working_day

Phase = Literal["before", "on_day", "after"]

DEFAULT_OFFSETS: tuple[int, ...] = (-7, -3, -1, 0, 1, 3)
MAX_OFFSET_DAYS = 366
_HH_MM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class ReminderPolicy:
    offsets_days: tuple[int, ...] = DEFAULT_OFFSETS   # negative = before the due date
    send_at: time = time(8, 0)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    skip_weekends: bool = False
    skip_holidays: bool = True
    days_off: tuple[date, ...] = ()                  # the office's own days without reminders

    def __post_init__(self) -> None:
        offsets = tuple(self.offsets_days)
        for offset in offsets:
            # bool is an int in Python; a JSON `true` is not an offset
            if isinstance(offset, bool) or not isinstance(offset, int):
                raise ValueError(f"offset must be an integer number of days: {offset!r}")
            if abs(offset) > MAX_OFFSET_DAYS:
                raise ValueError(f"offset out of range: {offset}")
        for name in ("send_at", "quiet_start", "quiet_end"):
            if not isinstance(getattr(self, name), time):
                raise ValueError(f"{name} must be a datetime.time")
        for name in ("skip_weekends", "skip_holidays"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if not all(isinstance(d, date) for d in self.days_off):
            raise ValueError("days_off must be dates")
        object.__setattr__(self, "days_off", tuple(sorted(set(self.days_off))))
        # sorted and unique, so equal policies compare and serialise equally
        object.__setattr__(self, "offsets_days", tuple(sorted(set(offsets))))

    def is_quiet_time(self, local_time: time) -> bool:
        return _in_window(local_time, self.quiet_start, self.quiet_end)

    def is_day_off(self, day: date) -> bool:
        return is_day_off(day, weekends=self.skip_weekends, holidays_off=self.skip_holidays, days_off=self.days_off)

    @property
    def catch_up_window(self) -> timedelta:
        """How late a missed reminder may still go out (rule 7)."""
        return timedelta(days=max(1, self.offsets_days[-1] if self.offsets_days else 1))

    @classmethod
    def from_json(cls, d: dict | None) -> ReminderPolicy:
        """Read Campaign.reminder_policy; None or {} means the defaults. Refuses a send time in quiet hours."""
        d = d or {}
        default = cls()
        policy = cls(
            offsets_days=_offsets_from_json(d.get("offsets_days", list(default.offsets_days))),
            send_at=_time_from_json(d.get("send_at"), default.send_at, "send_at"),
            quiet_start=_time_from_json(d.get("quiet_start"), default.quiet_start, "quiet_start"),
            quiet_end=_time_from_json(d.get("quiet_end"), default.quiet_end, "quiet_end"),
            skip_weekends=d.get("skip_weekends", default.skip_weekends),
            skip_holidays=d.get("skip_holidays", default.skip_holidays),
            days_off=_days_from_json(d.get("days_off", [])),
        )
        if policy.is_quiet_time(policy.send_at):
            raise ValueError(f"send_at {policy.send_at:%H:%M} is inside quiet hours")
        return policy

    def to_json(self) -> dict:
        """The Campaign.reminder_policy shape; quiet hours only when they differ from the defaults."""
        d: dict = {
            "offsets_days": list(self.offsets_days),
            "send_at": self.send_at.strftime("%H:%M"),
            "skip_weekends": self.skip_weekends,
        }
        default = ReminderPolicy()
        if (self.quiet_start, self.quiet_end) != (default.quiet_start, default.quiet_end):
            d["quiet_start"] = self.quiet_start.strftime("%H:%M")
            d["quiet_end"] = self.quiet_end.strftime("%H:%M")
        if self.skip_holidays != default.skip_holidays:
            d["skip_holidays"] = self.skip_holidays
        if self.days_off:
            d["days_off"] = [day.isoformat() for day in self.days_off]
        return d


@dataclass(frozen=True)
class PlannedReminder:
    offset_days: int
    send_at_utc: datetime   # naive UTC
    phase: Phase


def plan_reminders(due_at_utc: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> list[PlannedReminder]:
    """The reminders of one milestone, following the rules in the module docstring."""
    due_day = to_local(due_at_utc, tz).date()
    send_time = _out_of_quiet(policy.send_at, policy)
    by_day: dict[date, int] = {}
    for offset in policy.offsets_days:   # ascending, so a later offset overwrites: rule 4
        day = _working_day(due_day + timedelta(days=offset), due_day, offset, policy)
        by_day[day] = offset
    planned = [
        PlannedReminder(offset, _to_naive_utc(datetime.combine(day, send_time), tz), _phase(day, due_day))
        for day, offset in by_day.items()
    ]
    return sorted(planned, key=lambda r: r.send_at_utc)


def due_reminders(planned: list[PlannedReminder], now_utc: datetime,
                  last_sent_offset: int | None) -> PlannedReminder | None:
    """After downtime: the one reminder to send now. Several missed reminders collapse into the latest one,
    so a unit is not flooded with stale "7 days left" / "3 days left" messages at once."""
    missed = [
        r for r in planned
        if r.send_at_utc <= now_utc and (last_sent_offset is None or r.offset_days > last_sent_offset)
    ]
    return max(missed, key=lambda r: r.send_at_utc, default=None)


def reminder_for_now(planned: list[PlannedReminder], now_utc: datetime, launched_at: datetime | None,
                     policy: ReminderPolicy | None = None) -> PlannedReminder | None:
    """The one reminder a milestone may send now: the latest whose time has come, unless the campaign was
    launched at or after it (the launch message announced the dates: rule 3 of schedules.reminders), or it
    was missed by more than the policy's catch-up window (rule 7).

    Because offsets grow with send times (rule 6), `due_reminders(planned, now, last)` is this reminder when
    its offset is above `last`, and None otherwise. So each unit is decided by two comparisons the database
    can make for all units at once: its largest queued offset is below `offset_days`, and a returned
    submission was reviewed before `send_at_utc` (a review at or after it told the unit already).
    """
    latest = due_reminders(planned, now_utc, None)
    if latest is None or (launched_at is not None and launched_at >= latest.send_at_utc):
        return None
    if policy is not None and _naive(now_utc) - latest.send_at_utc > policy.catch_up_window:
        return None
    return latest


def is_quiet(now_utc: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> bool:
    return policy.is_quiet_time(to_local(now_utc, tz).time())


def next_sending_time(now_utc: datetime, policy: ReminderPolicy, tz: ZoneInfo) -> datetime:
    """When a reminder due now may go out (naive UTC): now itself on a working day from `send_at` until
    quiet hours begin, else `send_at` of the next working day (rule 7: never before the configured hour)."""
    local_now = to_local(now_utc, tz).replace(tzinfo=None)
    send_time = _out_of_quiet(policy.send_at, policy)
    day = local_now.date()
    for _ in range(400):   # a year of days off at most: a policy cannot hold more
        if not policy.is_day_off(day):
            start = datetime.combine(day, send_time)
            if local_now < start:
                return _to_naive_utc(start, tz)
            if day == local_now.date() and not policy.is_quiet_time(local_now.time()):
                return _naive(now_utc)
        day += timedelta(days=1)
    return _naive(now_utc)


def days_between(due_at_utc: datetime, now_utc: datetime, tz: ZoneInfo) -> int:
    """Calendar days from today to the due day in local time: 0 on the day, negative when overdue."""
    return (to_local(due_at_utc, tz).date() - to_local(now_utc, tz).date()).days


def to_local(dt_utc: datetime, tz: ZoneInfo) -> datetime:
    """A naive-UTC (or aware) datetime as an aware local one."""
    if dt_utc.tzinfo is None:
        dt_utc = dt_utc.replace(tzinfo=timezone.utc)
    return dt_utc.astimezone(tz)


# --- helpers ---------------------------------------------------------------------------------------------

def _in_window(t: time, start: time, end: time) -> bool:
    if start == end:   # an empty window: no quiet hours at all
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end   # the window wraps midnight (21:00-07:00)


def _out_of_quiet(send_at: time, policy: ReminderPolicy) -> time:
    return policy.quiet_end if policy.is_quiet_time(send_at) else send_at


def _working_day(day: date, due_day: date, offset: int, policy: ReminderPolicy) -> date:
    if not policy.is_day_off(day):
        return day
    before = previous_working_day(day, weekends=policy.skip_weekends, holidays_off=policy.skip_holidays,
                                  days_off=policy.days_off)
    if offset > 0 and before <= due_day:
        # an overdue nudge must stay after the deadline: the next working day instead
        return next_working_day(day, weekends=policy.skip_weekends, holidays_off=policy.skip_holidays,
                                days_off=policy.days_off)
    return before


def _phase(day: date, due_day: date) -> Phase:
    if day < due_day:
        return "before"
    return "on_day" if day == due_day else "after"


def _to_naive_utc(local_naive: datetime, tz: ZoneInfo) -> datetime:
    return local_naive.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def _naive(dt_utc: datetime) -> datetime:
    return dt_utc if dt_utc.tzinfo is None else dt_utc.astimezone(timezone.utc).replace(tzinfo=None)


def _offsets_from_json(value) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("offsets_days must be a list of integers")
    return tuple(value)


def _days_from_json(value) -> tuple[date, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError("days_off must be a list of YYYY-MM-DD dates")
    try:
        return tuple(date.fromisoformat(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"days_off must be YYYY-MM-DD dates, got {value!r}") from None


def _time_from_json(value, default: time, name: str) -> time:
    if value is None:
        return default
    match = _HH_MM.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{name} must be HH:MM, got {value!r}")
    return time(int(match[1]), int(match[2]))
