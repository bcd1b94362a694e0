"""How a milestone reads to a school, the same in the launch, /viec and the file step of /nop: a deadline
with the documents it asks for, or the office's own step as information ("Sở tổ chức hội nghị sơ kết
trong tháng 02/2024 — đơn vị không phải nộp"), never a bare "Sự kiện"."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot import texts
from db import nominations
from db.models import Milestone, MilestoneKind

DESCRIPTION_CHARS = 140
_LEADING_TIME = re.compile(r"^\s*(?:thời gian|thời hạn)\s*[:：]?\s*", re.IGNORECASE)


def is_information(m: Milestone) -> bool:
    """The office's own step or an event: nothing for the school to send."""
    return not m.units_act or m.kind == MilestoneKind.event


def when(m: Milestone, tz: ZoneInfo) -> str:
    if m.precision == "month":
        return texts.MILESTONE_IN_MONTH.format(month=texts.local(m.due_at, tz).strftime("%m/%Y"))
    return texts.fmt_date(m.due_at, tz)


def documents(m: Milestone) -> list[str]:
    return nominations.required_documents(m, [])


def phrase_title(phrase: str, limit: int = DESCRIPTION_CHARS) -> str:
    """A plan's phrase made into a heading: "Thời gian sơ kết trong tháng 02/2024" → "Sơ kết trong tháng 02/2024"."""
    phrase = _LEADING_TIME.sub("", " ".join(phrase.split())).rstrip(".;:")
    if not phrase:
        return ""
    phrase = phrase[0].upper() + phrase[1:]
    return phrase if len(phrase) <= limit else phrase[:limit - 1].rstrip() + "…"


def description(m: Milestone) -> str:
    """The plan's own phrase for an office step (it says who does what), else its title."""
    return phrase_title(m.source_text or "") or m.title


def for_units(m: Milestone, tz: ZoneInfo) -> str:
    """One line of the launch message."""
    if is_information(m):
        return texts.MILESTONE_INFO_LINE.format(when=when(m, tz), what=description(m))
    line = texts.LAUNCH_MILESTONE_LINE.format(due=when(m, tz), title=m.title)
    docs = documents(m)
    return line + (texts.MILESTONE_DOCUMENTS.format(docs="; ".join(docs)) if docs else "")
