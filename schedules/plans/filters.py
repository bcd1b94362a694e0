"""Stage 5 of plan reading: the dates that are not deadlines, and why.

Cited documents' dates, commemorative days, phases of the campaign; the reasons a found date was not kept
(``SKIP_REASONS``) are listed in the draft, so no date is dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from schedules.plans.dates import DateMention
from schedules.plans.structure import Unit, content_free
from schedules.plans.text import fold, nfc, sentence_end


_DOC_STRONG = (
    r"chi thi|quyet dinh|cong van|nghi quyet|nghi dinh|thong tu|luat|phap lenh|hien phap|ket luan|"
    r"huong dan so|dieu le|quy che so|thong tri|chuong trinh hanh dong|de an so|van ban so|cong dien"
)
_DOC_WEAK = r"ke hoach|bao cao|thong bao|to trinh|chuong trinh|de an|van ban|huong dan|quy dinh|quy che"
_DOC_CODE = r"(?:so\s*)?\d+[\w.\-]*/[\w.&/\-]+|\bso\s+\d+"
_NO_CUE_BETWEEN = re.compile(r"(?<![\w/\-])(?:truoc|cham nhat|han|den ngay|tu ngay|trong|vao ngay|gui|nop)\b")


def is_cited_date(before: str) -> bool:
    """True when the date right after ``before`` is the date of a cited document.

    "Căn cứ Kế hoạch số 383/KH-UBND ngày", "Chỉ thị số 05/CT-UBND ngày",
    "Luật Thi đua, khen thưởng ngày", "thông qua tại kỳ họp thứ 8 ngày",
    "ban hành ngày" — but not "gửi báo cáo sơ kết trước ngày".
    """
    f = fold(nfc(before))[-170:]
    if re.search(r"\b(?:ky hop(?: thu \w+)?|ban hanh|ky|thong qua)\s+(?:vao\s+)?ngay\s*$", f):
        return True
    if not re.search(r"ngay\s*$|\b(?:ngay)\s*$", f) and not re.search(r"(?:" + _DOC_CODE + r")\s*,?\s*$", f):
        # document dates are written "... số X ngày D" (or "X/KH-... D")
        if not re.search(r"\bngay\s*$", f):
            return False
    best = None
    for m in re.finditer(r"\b(?:" + _DOC_STRONG + r")\b", f):
        best = ("strong", m)
    for m in re.finditer(r"\b(?:" + _DOC_WEAK + r")\b", f):
        if best is None or m.start() > best[1].start():
            best = ("weak", m)
    if best is None:
        return False
    strength, m = best
    between = f[m.end() :]
    if _NO_CUE_BETWEEN.search(between):
        return False
    has_code = re.search(_DOC_CODE, between) is not None
    if strength == "strong":
        return has_code or len(between) <= 90
    return has_code and len(between) <= 120


_COMMEMORATE = re.compile(
    r"\b(?:ky niem|chao mung|ngay le|le ky niem|tet nguyen dan|ngay truyen thong|huong toi ngay|nhan ngay)\b"
)
_NAMED_DAY = re.compile(
    r"\bngay\s+(?!ban hanh|ky\b|nay\b|hieu luc)(?:thanh lap|sinh|giai phong|quoc te|quoc khanh|nha giao|phu nu|thuong binh|"
    r"toan quoc|hoi|chien thang|truyen thong|[A-Z])[^\d;:()]{0,70}$"
)


_HELD_ON = re.compile(r"\b(?:to chuc|le|mit tinh|gap mat)\b.{0,80}\bvao\s+(?:sang |chieu |toi )?(?:ngay\s*)?$")


def held_on_the_day(clause_before: str) -> bool:
    """"Phòng tổ chức Lễ kỷ niệm ngày Nhà giáo Việt Nam vào ngày 18/11": a ceremony held on the day stated after
    "vào", an event of the plan, not the commemorated day (``clause_before`` is folded, up to the date)."""
    return bool(_HELD_ON.search(clause_before))


def is_commemorative(text: str, mention: DateMention) -> bool:
    """True for a commemorative day named as a theme: "chào mừng ngày Nhà giáo Việt Nam
    20/11", "kỷ niệm 70 năm Ngày chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)",
    "ngày Quốc tế Lao động 1/5"."""
    f = fold(text)
    before = f[max(0, mention.start - 200) : mention.start]
    clause = re.split(r"[;.:]\s|\n", before)[-1]
    if mention.cue in ("before",):
        return False
    if held_on_the_day(clause):
        return False
    # "ngày <Name> 20/11": a named day right before the date (the name keeps its capitals)
    raw_before = text[max(0, mention.start - 90) : mention.start]
    # (a weekday "ngày thứ Sáu, 20/11" names no day to commemorate)
    m = re.search(r"\b[nN]gày\s+(?!ban hành|ký\b|nay\b|hiệu lực|[tT]hứ\s|[cC]hủ nhật)(\S[^\d;:()]{2,70})$", raw_before)
    if m:
        name = m.group(1).strip()
        words = name.split()
        fname = fold(name)
        if not re.search(r"\b(?:den|toi|truoc|tu|han|het|trong)\b", fname) and (
            any(w[:1].isupper() for w in words) or re.match(r"(thanh lap|sinh|giai phong|quoc te|truyen thong)", fname)
        ):
            return True
    cm = None
    for cm in _COMMEMORATE.finditer(clause):
        pass
    if cm is not None:
        after_cm = clause[cm.end() :]
        if not re.search(r"\b(?:truoc|cham nhat|han|den|tu)\s+ngay\b|\b(?:gui|nop|bao cao)\b", after_cm):
            return True
    # anniversary ranges "(1954 - 2024)": start and end years far apart
    if mention.range_role == "end" and isinstance(mention.range_start, date):
        if mention.date.year - mention.range_start.year >= 3:
            return True
    if mention.range_role == "start":
        after = f[mention.end : mention.end + 20]
        m2 = re.match(r"\s*-\s*(?:ngay\s+)?\d{1,2}/\d{1,2}/(\d{4})", after)
        if m2 and int(m2.group(1)) - mention.date.year >= 3:
            return True
    return False


_PHASE_RE = re.compile(r"^(?:[-+•]\s*)?(?:\d+(?:\.\d+)*[.)]?\s*)?(?:dot|giai doan|buoc)\b|\bdot\s+(?:thi dua\s+)?(?:thu|\d|[ivx]+\b|mot|hai|ba|cuoi|cao diem)")


def is_phase(clause: str) -> bool:
    """A phase (đợt / giai đoạn) of the campaign: "Đợt thi đua thứ nhất: Từ nay đến hết
    tháng 01/2021" — its dates frame the campaign, they are not deadlines."""
    return bool(_PHASE_RE.search(fold(nfc(clause)).strip()))


DOCREF_UNIT = re.compile(
    r"^\W*(?:can cu|thuc hien|the hien|trien khai thuc hien|theo)\s+(?:\S+\s+){0,3}?(?:ke hoach|chi thi|cong van|quyet dinh|nghi quyet|nghi dinh|"
    r"huong dan|thong tu|van ban|chuong trinh|luat|thong bao|de an)\b"
)


SKIP_SECTIONS = re.compile(r"\b(?:muc dich|yeu cau|can cu|co so phap ly)\b")


SKIP_REASONS = ("cited", "commemorative", "dateline", "timestamp", "phase", "start", "period", "coarse", "past",
                "section", "summary", "no_obligation")


def unkept(skipped: list[dict], kept: list[dict]) -> list[dict]:
    """Skipped dates that no milestone uses, once per (date, reason), in date order."""
    used = {m["date"] for m in kept}
    seen, out = set(), []
    for s in sorted(skipped, key=lambda s: s["date"]):
        key = (s["date"], s["reason"])
        if s["date"] in used or key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


@dataclass(frozen=True)
class Seen:
    """A date mention with what the filters look at: its unit's text (and folded copy), where its clause
    starts, the unit's top section, whether the unit cites a document or states a phase, and the floor
    (the issue date, else the latest cited document's date) below which a date is past."""
    text: str
    folded: str
    mention: DateMention
    clause_start: int
    section: str
    docref: bool
    phase: bool
    floor: date | None

    @property
    def heads_line(self) -> bool:
        """Nothing but the date (and its cue) before it in its clause: "Trước ngày 30/9: …"."""
        return content_free(self.text[self.clause_start : self.mention.start])


def _cited(s: Seen) -> bool:
    """A cited document's date; in a paragraph opening with a citation ("Căn cứ hướng dẫn của Phòng, xây dựng
    kế hoạch … xong trước 01/10"), a date with a deadline cue after the citation is the paragraph's own."""
    if is_cited_date(s.text[: s.mention.start]):
        return True
    own_deadline = s.mention.cue == "before" and re.search(r"[,;]", s.text[: s.mention.start]) is not None
    return s.docref and not own_deadline


def _commemorative(s: Seen) -> bool:
    return is_commemorative(s.text, s.mention)


def _phase(s: Seen) -> bool:
    return s.phase


def _start(s: Seen) -> bool:
    """The start of a range, or "từ …": when something begins is not when it is due."""
    return s.mention.range_role == "start" or s.mention.cue == "from"


_PROGRAMME_HORIZON = re.compile(r"\b(?:dinh huong|tam nhin|giai doan \d{4}\s*-)\s*(?:den\s+)?(?:nam\s+)?$")


def _period_name(s: Seen) -> bool:
    """"Quý I", "6 tháng đầu năm" without a deadline cue, or a programme's horizon ("giai đoạn 2017-2020,
    định hướng đến năm 2025", "tầm nhìn đến năm 2030"): the name of a period, not a deadline."""
    m = s.mention
    if m.precision == "year" and _PROGRAMME_HORIZON.search(s.folded[max(0, m.start - 40) : m.start]):
        return True
    return m.period_ref and m.cue not in ("before", "during", "until") and not s.heads_line


_PERIOD_LABEL = re.compile(r"\bthoi gian (?:thi dua|thuc hien|phat dong|trien khai|ap dung)\b")
_HAND_IN = re.compile(r"\b(?:nop|gui|bao cao|dang ky|hoan thanh)\b")


def _period_bound(s: Seen) -> bool:
    """"Thời gian thực hiện: từ 15/9/2026 đến 31/12/2026": the end of the plan's own period, not a deadline
    (a hand-in in the same clause — "thời gian thực hiện và gửi báo cáo: trước …" — keeps it)."""
    m = s.mention
    clause = s.folded[s.clause_start : m.start]
    return (m.range_role == "end" or m.cue in ("until", "during")) and bool(_PERIOD_LABEL.search(clause)) \
        and not _HAND_IN.search(clause)


def _coarse(s: Seen) -> bool:
    """A month or a year without a cue ("năm 2025" in a sentence): too coarse to be a deadline."""
    m = s.mention
    return m.precision in ("month", "year") and m.cue not in ("before", "during", "until", "on") and not s.heads_line


_REPORTED = re.compile(r"\b(?:da|vua|cho biet|thong tin|dien ra|khai mac|ghi nhan)\b")


def _dateline(s: Seen) -> bool:
    """A news item's dateline: "Ngày 20/9, Phòng GD&ĐT đã tổ chức …" — the day opens the paragraph, a comma
    follows, and the sentence reports what happened (đã, vừa, cho biết, diễn ra…), with no deadline cue."""
    m = s.mention
    if m.cue not in (None, "on") or not content_free(s.text[: m.start]):
        return False
    rest = s.folded[m.end : sentence_end(s.folded, m.end)]
    return bool(re.match(r"\s*,", rest)) and bool(_REPORTED.search(rest))


_CLOCK_BEFORE = re.compile(r"(?:^|\s)\d{1,2}:\d{2}(?::\d{2})?\s*[-,|]?\s*$")
_CLOCK_AFTER = re.compile(r"\s*[-,|]?\s*\d{1,2}:\d{2}(?::\d{2})?(?!\s*(?:ngay|[\d/]))")


def _timestamp(s: Seen) -> bool:
    """A web page's time stamp: "16:46 - 10/10/2024", "Cập nhật: 10/10/2024 16:46" — a clock in digits right
    beside the day with no cue and no "ngày" between (a range "từ 08:00 ngày A - 11:30 ngày B" has both)."""
    m = s.mention
    if m.cue in ("before", "until", "from", "during") or fold(m.text).startswith("ngay"):
        return False
    return bool(_CLOCK_BEFORE.search(s.folded[max(0, m.start - 12) : m.start])
                or _CLOCK_AFTER.match(s.folded[m.end : m.end + 12]))


def _past(s: Seen) -> bool:
    return bool(s.floor and s.mention.date < s.floor)


def _section(s: Seen) -> bool:
    """Dates in the purpose / requirements / legal-basis sections, unless a "trước" makes them deadlines."""
    return bool(s.section and SKIP_SECTIONS.search(s.section)) and s.mention.cue != "before"


def _summary(s: Seen) -> bool:
    """The closing summary sentence "Trên đây là kế hoạch … năm 2024"."""
    return bool(re.match(r"\W*tren day la\b", s.folded[s.clause_start :])) and s.mention.cue != "before"


# Why a found date is not a deadline, tried in this order; the first that holds is the reason listed in the
# draft under "Ngày không lấy làm mốc". The obligation stage adds "no_obligation" (and "coarse" for a year
# tied to no specific obligation).
DATE_FILTERS: tuple[tuple[str, Callable[[Seen], bool]], ...] = (
    ("cited", _cited),
    ("commemorative", _commemorative),
    ("dateline", _dateline),
    ("timestamp", _timestamp),
    ("phase", _phase),
    ("start", _start),
    ("period", lambda s: _period_name(s) or _period_bound(s)),
    ("coarse", _coarse),
    ("past", _past),
    ("section", _section),
    ("summary", _summary),
)


def why_not_a_deadline(seen: Seen) -> str | None:
    """The reason (a SKIP_REASONS name) the mention is not a deadline, or None when it may be one."""
    return next((reason for reason, holds in DATE_FILTERS if holds(seen)), None)


def date_floor(units: Sequence[Unit], mentions: Sequence[Sequence[DateMention]], issued: date | None) -> date | None:
    """The date before which no deadline of the plan lies: its issue date, else the latest date of a document
    it cites (the plan comes after all of them)."""
    if issued:
        return issued
    cited_dates: list[date] = []
    for u, ms in zip(units, mentions):
        docref = DOCREF_UNIT.match(fold(u.text))
        for m in ms:
            cited = is_cited_date(u.text[: m.start]) or docref
            # a commemorative day named in a cited letter's subject ("chào mừng ngày Nhà giáo Việt Nam
            # 20/11/2020") is not that letter's date: it must not push the floor past real deadlines
            if m.precision == "day" and m.year_explicit and cited and not is_commemorative(u.text, m):
                cited_dates.append(m.date)
    return max(cited_dates) if cited_dates else None
