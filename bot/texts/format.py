"""Formatting of dates, times and counts the Vietnamese way (dd/mm/yyyy, 24-hour clock)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

__all__ = ["fmt_date", "fmt_datetime", "local", "days_phrase", "KIND_LABELS", "kind_label", "STATUS_LABELS"]


def local(dt_utc: datetime, tz: ZoneInfo) -> datetime:
    return dt_utc.replace(tzinfo=timezone.utc).astimezone(tz)


def fmt_date(d: date | datetime, tz: ZoneInfo | None = None) -> str:
    if isinstance(d, datetime) and tz is not None:
        d = local(d, tz)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def fmt_datetime(dt_utc: datetime, tz: ZoneInfo) -> str:
    d = local(dt_utc, tz)
    return f"{d.hour:02d}:{d.minute:02d} {d.day:02d}/{d.month:02d}/{d.year}"


def days_phrase(days_left: int) -> str:
    if days_left > 0:
        return f"còn {days_left} ngày"
    if days_left == 0:
        return "hạn chót là hôm nay"
    return f"quá hạn {-days_left} ngày"


KIND_LABELS = {
    "plan_submission": "Kế hoạch của đơn vị",
    "registration": "Đăng ký thi đua",
    "preliminary_report": "Báo cáo sơ kết",
    "final_report": "Báo cáo tổng kết",
    "periodic_report": "Báo cáo định kỳ",
    "award_dossier": "Hồ sơ khen thưởng",
    "nomination": "Đề cử gương điển hình",
    "event": "Sự kiện",
    "other": "Khác",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


STATUS_LABELS = {
    "missing": "chưa nộp",
    "submitted": "đã nộp",
    "returned": "bị trả lại",
    "accepted": "đã duyệt",
    "withdrawn": "đã rút",
}
