"""What else a plan states: recurring obligations, award names, contact, nomination quota, dossier items, and
the units it addresses most."""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from schedules.plans.actors import find_actors, short_units
from schedules.plans.filters import DOCREF_UNIT, SKIP_SECTIONS
from schedules.plans.structure import Unit, heading_level
from schedules.plans.text import clean, fold, nfc, sentence_end, shorten


_FREQ = [
    ("month", re.compile(r"\b(?:hang|moi|tung|dinh ky) thang\b(?!\s*\d)|\btheo thang\b|\bbao cao thang\b(?!\s*\d)")),
    (
        "quarter",
        re.compile(
            r"\b(?:hang|moi|tung|dinh ky) quy\b(?!\s*(?:dinh|che|trinh|i|\d))|\btheo quy\b(?=\s*(?:[,;.)]|va\b|hoac\b|nam\b|$))|\bbao cao quy\b(?!\s*(?:i|\d))"
        ),
    ),
    ("half_year", re.compile(r"\b(?:hang|moi|dinh ky|theo) (?:0?6|sau) thang\b|\b(?:0?6|sau) thang (?:mot lan|/\s*lan)\b|\b(?:hang|moi|theo) nua nam\b")),
    ("year", re.compile(r"\b(?:hang|moi|tung|theo|dinh ky) nam\b(?!\s*(?:hoc|\d))")),
]
_RECUR_OBLIGATION = re.compile(
    r"\b(?:bao cao|binh xet|binh chon|ra soat|de nghi|so ket|tong ket|gui|nop|dang ky|danh gia|cap nhat|tong hop|xet chon|suy ton)\b"
)


def recurring_every(clause: str) -> str | None:
    """Frequency of a repeating obligation: 'month' | 'quarter' | 'half_year' | 'year'.

    "hàng quý"/"hằng quý"/"theo quý" -> quarter, "hàng tháng" -> month, "định kỳ 6 tháng"
    -> half_year, "hằng năm" -> year; an enumeration ("theo tháng, quý, năm") gives its
    finest step. "6 tháng đầu năm" is a period, not a frequency. Returns None when the
    clause names no frequency."""
    f = fold(nfc(clause))
    for every, rx in _FREQ:
        for m in rx.finditer(f):
            pre = f[: m.start()]
            if pre.count("“") > pre.count("”") or pre.count('"') % 2 == 1:
                continue  # inside the quoted title of another document
            return every
    return None


# --------------------------------------------------------------------------------------
# Main entry point


AWARD_NAMES = re.compile(
    r"(?:Cờ thi đua|Bằng khen|Giấy khen|Huân chương [^,.;:()]{2,40}?hạng (?:Nhất|Nhì|Ba)|Chiến sĩ thi đua(?: cơ sở| cấp (?:tỉnh|thành phố|Bộ|ngành)| toàn quốc)?|"
    r"Lao động tiên tiến|Tập thể lao động (?:xuất sắc|tiên tiến)|Danh hiệu (?:“|\")[^”\"]{3,60}(?:”|\"))",
    re.I,
)


def find_awards(units: Sequence[Unit]) -> list[str]:
    out: list[str] = []
    for u in units:
        if u.preamble or DOCREF_UNIT.match(fold(u.text)):
            continue
        for m in AWARD_NAMES.finditer(u.text):
            name = m.group(0)
            tail = u.text[m.end() : m.end() + 90]
            mm = re.match(r"\s+(của\s+[^:;,.()\n]{2,70}?)(?=\s*[:;,.()]|\s+(?:cho|đối với|cấp|theo|về|và|nhân dịp|tặng)\b|$)", tail)
            if mm:
                name = name + " " + mm.group(1).strip()
            name = name[:1].upper() + name[1:]
            key = fold(name)
            if any(fold(o) == key or fold(o).startswith(key + " ") for o in out):
                continue  # already named (possibly with "của ...")
            out.append(clean(name))
    return out


_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE_RE = re.compile(r"(?:điện thoại|đt|sđt|sdt|dđ|di động|hotline|tel|phone)\s*[:.]?\s*((?:\+?84|0)\d[\d .]{7,12}\d)", re.I)
_PHONE_BARE = re.compile(r"(?<!\d)(0\d{2,3}[ .]?\d{3}[ .]?\d{3,4})(?!\d)")


def find_contact(units: Sequence[Unit]) -> dict:
    email = phone = name = None
    for u in units:
        if u.preamble and DOCREF_UNIT.match(fold(u.text)):
            continue
        t = u.text
        if email is None:
            m = _EMAIL_RE.search(t)
            if m:
                email = m.group(0).rstrip(".")
        if phone is None:
            m = _PHONE_RE.search(t)
            if not m and re.search(r"liên hệ", t, re.I):
                m = _PHONE_BARE.search(t)
            if m:
                phone = re.sub(r"[ .]", "", m.group(1))
        if name is None and re.search(r"liên hệ|điện thoại|email|e-mail", t, re.I):
            for m in re.finditer(r"(?<!\w)(?i:đồng chí|đ/c|ông|bà|cô|thầy)\s+(\S+(?:\s+\S+){0,4})", t):
                keep = []
                for w in m.group(1).split():
                    w2 = w.strip(",;:.()")
                    if w2[:1].isupper() and w2.isalpha():
                        keep.append(w2)
                        if w2 != w:
                            break
                    else:
                        break
                if len(keep) >= 2:
                    name = " ".join(keep)
                    break
    out = {}
    if name:
        out["name"] = name
    if phone:
        out["phone"] = phone
    if email:
        out["email"] = email
    return out


def find_nomination_quota(units: Sequence[Unit]) -> str | None:
    for u in units:
        if u.preamble:
            continue
        f = fold(u.text)
        m = re.search(
            r"\bmoi\s+(?:don vi|truong|co so|to|phong|nha truong|cum)[^.;]{0,120}?\b(?:de nghi|de xuat|gioi thieu|lua chon|chon|binh chon|dang ky|duoc)\b[^.;]{0,40}?\b(?:\d+|mot|hai|ba|bon|nam|01|02|03)\b",
            f,
        )
        if not m:
            continue
        start = m.start()
        end = sentence_end(f, m.end())
        s = u.text[start:end]
        fs = fold(s)
        for stop in (" de nghi hoi dong", " theo quy dinh", " de xet", " ve phong", " ve so", " gui ve"):
            k = fs.find(stop, m.end() - start)
            if k > 0:
                s, fs = s[:k], fs[:k]
        s = clean(s).rstrip(".")
        s = re.sub(r"\b(?:xét\s+)?lựa chọn\s+(?=đề nghị)", "", s)
        award = None
        for h in reversed(u.headings):
            am = AWARD_NAMES.search(h)
            if am:
                award = am.group(0)
                break
        if award and fold(award) not in fold(s):
            s += f" ({award})"
        return s
    return None


def find_dossier(units: Sequence[Unit]) -> list[str]:
    out: list[str] = []
    for i, u in enumerate(units):
        if not u.is_heading:
            continue
        h = re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]?\s*", "", u.text.strip())
        fh = fold(h)
        if not re.match(r"^(?:thanh phan\s+)?ho so\b", fh):
            continue
        rest = h.split(":", 1)[1] if ":" in h else ""
        items: list[str] = []
        if rest.strip():
            items.extend(re.split(r";\s*", rest))
        lvl = heading_level(u.text) or 0
        for v in units[i + 1 :]:
            if v.is_heading:
                vl = heading_level(v.text)
                if vl is not None and vl <= max(lvl, 1) or not re.match(r"^\s*[-+•]", v.text):
                    break
            items.append(v.text)
            if len(items) > 15:
                break
        for it in items:
            it = clean(re.sub(r"^\s*(?:[-+•]|\d+[.)]|[a-zđ][.)])\s*", "", it))
            it = re.sub(r"\s*(?:theo (?:quy định|mẫu)(?: hiện hành)?)\s*$", "", it, flags=re.I)
            it = clean(it.rstrip(".;"))
            if it and len(it) <= 200:
                out.append(it)
        if out:
            return out
    return out


def most_addressed_units(units: Sequence[Unit], issuer_kind: str | None) -> str:
    c: Counter[str] = Counter()
    first: dict[str, int] = {}
    for u in units:
        if u.preamble:
            continue
        for a in find_actors(u.text, issuer_kind=issuer_kind):
            if a.category != "units":
                continue
            fa = fold(a.text)
            if not re.match(r"(?:cac|moi|tung)\s", fa):
                continue
            key = re.sub(r"^(?:moi|tung)\s", "cac ", fa)
            c[key] += 1
            first.setdefault(key, len(first))
    if not c:
        return "các đơn vị"
    key = max(c, key=lambda k: (c[k], -first[k]))
    # render the key with diacritics from its first occurrence
    for u in units:
        f = fold(u.text)
        k = f.find(key)
        if k >= 0:
            return short_units(u.text[k : k + len(key)])
        k2 = f.find(key.replace("cac ", "moi ", 1))
        if k2 >= 0:
            return "các " + u.text[k2 + 4 : k2 + len(key)]
    return key


def find_recurring(units: Sequence[Unit]) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for u in units:
        if u.preamble or u.is_heading:
            continue
        if u.section and SKIP_SECTIONS.search(u.section):
            continue
        if any(re.search(r"\b(?:danh hieu|hinh thuc khen thuong|tieu chuan)\b", fold(h)) for h in u.headings[1:]):
            continue
        if DOCREF_UNIT.match(fold(u.text)):
            continue
        for clause in re.split(r"(?<=[.;])\s+", u.text):
            every = recurring_every(clause)
            if not every:
                continue
            fc = fold(clause)
            if not _RECUR_OBLIGATION.search(fc):
                continue
            if re.search(r"\b(?:tang thuong|xet tang|nhan dip)\b", fc):
                continue
            what = shorten(clean(re.sub(r"^\s*(?:[-+•]|\d+[.)])\s*", "", clause)).rstrip("."), 200)
            if fold(what) in seen:
                continue
            seen.add(fold(what))
            out.append({"every": every, "what": what})
    return out


# --------------------------------------------------------------------------------------
# CLI
