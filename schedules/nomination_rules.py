"""What a plan asks of units about exemplary nominations: how many per unit, and how often (rounds).

Pure functions over the plan reader's draft (schedules.plans.parse_plan): its `recurring` obligations
and its `nomination_quota` sentence. Classes of phrasing handled:
- a recurring obligation whose verb is a nomination and whose object is a model or a person: "Hàng quý, rà
  soát, bình chọn đề nghị 01 gương điển hình tiên tiến", "mỗi quý, mỗi đơn vị đề cử 01 gương", "định kỳ
  6 tháng giới thiệu 02 điển hình";
- the count before the noun, in digits or words: "01 gương", "hai cá nhân", "một tập thể".
Recurring reports ("báo cáo định kỳ hằng quý") are not nominations and are left alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from schedules.plans.text import fold

_NOMINATING = re.compile(r"\b(?:de cu|de nghi|de xuat|gioi thieu|binh chon|lua chon|dang ky|tuyen duong)\b")
_MODEL = re.compile(r"\b(?:guong|dien hinh|nguoi tot viec tot|ca nhan tieu bieu|tap the tieu bieu)\b")
_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
                 "muoi": 10}
_COUNT = re.compile(r"\b(\d{1,2}|" + "|".join(_WORD_NUMBERS) + r")\s+(?:\(\w+\)\s+)?"
                    r"(?:guong|dien hinh|ca nhan|tap the|nguoi|mo hinh)\b")
MAX_QUOTA = 50            # nominations per unit and round: the one limit the chat, the CLI and plans use


def parse_quota(typed: str | int | None) -> int | None:
    """A quota typed by staff ("2", 2) if it is a whole number from 1 to MAX_QUOTA, else None."""
    raw = str(typed if typed is not None else "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_QUOTA else None


@dataclass(frozen=True)
class NominationRule:
    every: str | None          # quarter | month | half_year | year, or None for a one-off
    quota: int | None          # nominations per unit and round, when the plan says
    text: str                  # the plan's phrase, to show staff where it comes from


def quota_in(phrase: str) -> int | None:
    """The count of nominees a phrase asks for ("01 gương" → 1, "hai cá nhân" → 2), if it states one."""
    found = _COUNT.search(fold(phrase))
    if not found:
        return None
    raw = found.group(1)
    n = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw]
    return n if 1 <= n <= MAX_QUOTA else None


def is_nomination_obligation(phrase: str) -> bool:
    f = fold(phrase)
    return bool(_NOMINATING.search(f) and _MODEL.search(f))


def nomination_rule(draft: dict) -> NominationRule | None:
    """The plan's nomination rule, from its recurring obligations first, then its quota sentence."""
    for item in draft.get("recurring") or []:
        what = item.get("what") or ""
        if is_nomination_obligation(what):
            return NominationRule(item.get("every"), quota_in(what), what)
    sentence = draft.get("nomination_quota")
    if sentence and is_nomination_obligation(sentence):
        return NominationRule(None, quota_in(sentence), sentence)
    return None
