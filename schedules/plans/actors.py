"""Who acts in an obligation: the units, the office, or another body, leaving out recipients
("gửi về Phòng GD&ĐT") and possessors ("của đơn vị")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from schedules.plans.text import clean, fold, nfc


@dataclass
class Actor:
    start: int
    end: int
    category: str  # units | office | other
    text: str


_UNIT_NOUNS = (
    r"don vi(?: truc thuoc| truong hoc| co so| thanh vien)?|co so giao duc(?: mam non| pho thong)?|nha truong|truong hoc|"
    r"truong(?: mam non| tieu hoc| thcs| thpt| trung hoc(?: co so| pho thong)?| mn| th\b| pt)?|"
    r"phong gd ?(?:&|va)? ?dt|phong giao duc(?: va| &)? dao tao|phong gddt|to chuyen mon|cum truong|cum thi dua|khoi thi dua|"
    r"trung tam|phong chuyen mon|phong, ban"
)
UNITS_RE = re.compile(
    r"\b(?:(?:thu truong|hieu truong|nguoi dung dau|lanh dao|ban giam hieu)\s+)?(?:cac|moi|tung|toan the cac)\s+(?:" + _UNIT_NOUNS + r")\b"
    r"|\b(?:thu truong|hieu truong) (?:don vi|nha truong|cac truong)\b|\bdon vi\b|\bnha truong\b"
)
OFFICE_RE = re.compile(
    r"\b(?:phong giao duc(?: va| &| and)? dao tao|phong gd ?(?:&|va)? ?dt|phong gddt|pgd ?&? ?dt|pgddt|"
    r"so giao duc(?: va| &)? dao tao|so gd ?(?:&|va)? ?dt|so gddt|sgd ?&? ?dt|"
    r"hoi dong thi dua\s*-?\s*khen thuong(?: nganh)?|ban thi dua\s*-?\s*khen thuong(?: nganh)?|van phong so|lanh dao phong|lanh dao so)\b"
)
_OTHER_ACTOR_RE = re.compile(r"\b(?:cong doan(?: co quan| nganh)?|doan thanh nien|lien doi)\b")
_RECIPIENT_PREV = re.compile(
    r"(?:\bve|\bqua|\bcho|\btoi|\blen|\bcua|\bvoi|\btai|\bthuoc|\btruc thuoc|\btrong|\bgui|\bnop|\bden|\btu|\bo|\bgiua|\bphoi hop|\bdoi voi|\bvao)\s*(?:\(\s*)?$"
)
_OFFICE_RECIPIENT_PREV = re.compile(r"(?:\bde nghi|\btrinh|\bbao cao|\bxin y kien|\bde xuat)\s*$")


def find_actors(text: str, *, issuer_kind: str | None = None) -> list[Actor]:
    """Actors named in ``text`` that *act* (recipients "gửi về Phòng GD&ĐT", "báo cáo
    UBND", possessors "của đơn vị" are left out). ``issuer_kind`` is 'phong' or 'so':
    when the plan is issued by a Sở, "Phòng GD&ĐT" designates the units below it.
    Spans refer to the NFC form of ``text``."""
    text = nfc(text)
    f = fold(text)
    spans: list[Actor] = []
    used = [False] * len(f)

    def ok(a: int, b: int) -> bool:
        return not any(used[a:b])

    for m in UNITS_RE.finditer(f):
        spans.append(Actor(m.start(), m.end(), "units", text[m.start() : m.end()]))
        for i in range(m.start(), m.end()):
            used[i] = True
    for m in OFFICE_RE.finditer(f):
        if not ok(m.start(), m.end()):
            continue
        cat = "office"
        if issuer_kind == "so" and m.group(0).startswith(("phong", "pgd")):
            cat = "units"
        spans.append(Actor(m.start(), m.end(), cat, text[m.start() : m.end()]))
    for m in _OTHER_ACTOR_RE.finditer(f):
        if ok(m.start(), m.end()):
            spans.append(Actor(m.start(), m.end(), "other", text[m.start() : m.end()]))
    out = []
    for a in sorted(spans, key=lambda s: s.start):
        pre = f[max(0, a.start - 25) : a.start]
        if _RECIPIENT_PREV.search(pre):
            continue
        if a.category == "office" and _OFFICE_RECIPIENT_PREV.search(pre):
            continue
        # "đơn vị" alone right after a noun is a modifier ("của cơ quan, đơn vị", "hoạt động đơn vị")
        if fold(a.text) in ("don vi", "nha truong") and re.search(r"[a-z],?\s*$", pre) and not re.search(
            r"(?:^|[.;:\-+]\s*|\b(?:va|hoac)\s+)$", pre
        ):
            continue
        out.append(a)
    return out


def who_category(who: str | None) -> str:
    """'units', 'office' or 'other' for a ``who`` string."""
    if not who:
        return "other"
    f = fold(nfc(who))
    if re.match(r"\s*(?:cac|moi|tung|toan the)\b", f) or re.search(r"\b(?:don vi|truong|co so giao duc|nha truong)\b", f) and not OFFICE_RE.match(f):
        return "units"
    if OFFICE_RE.search(f) or re.match(r"\s*(?:phong|so)\b", f):
        return "office"
    return "other"


def short_units(phrase: str) -> str:
    p = clean(phrase)
    p = re.sub(r"^(?:Thủ trưởng|Hiệu trưởng|Người đứng đầu|Lãnh đạo|Ban giám hiệu)\s+", "", p, flags=re.I)
    return p[:1].lower() + p[1:] if p[:1].isupper() and not p[1:2].isupper() else p


def who_acts(
    phrase: str,
    *,
    context_before: str = "",
    heading_actor: str | None = None,
    default_units: str = "các đơn vị",
    office_name: str = "Phòng Giáo dục và Đào tạo",
    issuer_kind: str | None = None,
    forward: bool = False,
) -> str:
    """Who must act for an obligation phrase.

    1. an acting actor in the phrase (the first one when the date heads the line —
       ``forward`` —, else the nearest one before the date);
    2. the nearest acting actor earlier in the sentence (``context_before``);
    3. "Thời gian sơ kết ..." (a statement of when the office holds something) -> office;
    4. the actor named by the section heading; 5. the units the plan addresses.
    """

    def render(a: Actor) -> str:
        if a.category == "office":
            return office_name
        if a.category == "units":
            return short_units(a.text)
        return clean(a.text)

    actors = find_actors(phrase, issuer_kind=issuer_kind)
    if actors:
        return render(actors[0] if forward else actors[-1])
    if context_before:
        actors = find_actors(context_before, issuer_kind=issuer_kind)
        if actors:
            return render(actors[-1])
    fp = fold(phrase)
    fp = re.sub(r"^[\W\d]*(?:(?:ngay|thang|quy|nam|truoc|tu|den|het|trong)\b[\W\d]*|[ivx]+\b[\W\d]*)*", "", fp)
    if re.match(r"^\W*(?:thoi gian|(?:to chuc\s+)?hoi nghi|(?:to chuc\s+)?le (?:so ket|tong ket|tuyen duong|trao|phat dong|khai mac|be mac))\b", fp):
        return office_name
    if heading_actor:
        return heading_actor
    return default_units


# --------------------------------------------------------------------------------------
