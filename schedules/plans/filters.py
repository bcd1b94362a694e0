"""Stage 5 of plan reading: the dates that are not deadlines, and why.

Cited documents' dates, commemorative days, phases of the campaign; the reasons a found date was not kept
(``SKIP_REASONS``) are listed in the draft, so no date is dropped silently.
"""
from __future__ import annotations

import re
from datetime import date

from schedules.plans.dates import DateMention
from schedules.plans.text import fold, nfc


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


def is_commemorative(text: str, mention: DateMention) -> bool:
    """True for a commemorative day named as a theme: "chào mừng ngày Nhà giáo Việt Nam
    20/11", "kỷ niệm 70 năm Ngày chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)",
    "ngày Quốc tế Lao động 1/5"."""
    f = fold(text)
    before = f[max(0, mention.start - 200) : mention.start]
    clause = re.split(r"[;.:]\s|\n", before)[-1]
    if mention.cue in ("before",):
        return False
    # "ngày <Name> 20/11": a named day right before the date (the name keeps its capitals)
    raw_before = text[max(0, mention.start - 90) : mention.start]
    m = re.search(r"\b[nN]gày\s+(?!ban hành|ký\b|nay\b|hiệu lực)(\S[^\d;:()]{2,70})$", raw_before)
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


SKIP_REASONS = ("cited", "commemorative", "phase", "start", "period", "coarse", "past", "section", "summary",
                "no_obligation")


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
