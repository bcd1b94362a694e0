"""Stage 6 of plan reading: the header — number, issue date and place, title, issuer."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Sequence

from schedules.plans.actors import OFFICE_RE
from schedules.plans.dates import find_dates, make_date
from schedules.plans.structure import heading_level
from schedules.plans.text import clean, fold


_DOCNUM_RE = re.compile(r"^\s*S[ốoố]\s*(?:hiệu|hieu)?\s*[:.]?\s*(\d{1,6})\s*/\s*([A-Za-zĐđ][\wĐđ&.\-/]*[\wĐđ])", re.I)
# "ngày 24 29 tháng 9": a typed day and the day the e-office system stamped over it; the stamp, written last, wins
_PLACE_DATE_RE = re.compile(r"^\s*([^,|\d][^,|]{1,59}?)\s*,\s*ngay\s*(?:\d{1,2}\s+(?=\d))?(\d{1,2})?\s*thang\s+(\d{1,2})?\s*nam\s+(\d{4})?")


def split_cells(lines: Iterable[str]) -> list[str]:
    out = []
    for ln in lines:
        out.extend(c.strip() for c in ln.split(" | ") if c.strip())
    return out


def parse_doc_number(lines: Sequence[str]) -> str | None:
    """'Số: 87 /KH-GDDT' -> '87/KH-GDDT'; 'Số:12 /KH- PGD&ĐT' (a space after the dash) -> '12/KH-PGD&ĐT';
    a blank number ('Số: /KH-SGDĐT') -> None."""
    for cell in split_cells(lines):
        m = _DOCNUM_RE.match(re.sub(r"(?<=[A-Za-zĐđ][-/])\s+(?=[A-ZĐ])", "", cell))
        if m:
            return f"{m.group(1)}/{m.group(2)}"
    return None


_NOT_A_PLACE = re.compile(r"\b(?:can cu|thuc hien|theo|so|van ban|cong van|ke hoach|quyet dinh|chi thi|thong bao|"
                          r"huong dan|truoc|han|den|tu|gui|nop|bao cao)\b|/")


def is_place(folded: str) -> bool:
    """The place of a place-date line: a few words, digits only in a numbered district or ward ("Quận 1",
    "Phường 5"), never a sentence or a cited document ("Căn cứ Công văn số 12/SGDĐT, ngày 5 tháng 10 …")."""
    words = folded.split()
    if not words or len(words) > 7 or _NOT_A_PLACE.search(folded):
        return False
    return not re.search(r"\d", re.sub(r"\b(?:quan|phuong|p|q)\.?\s*\d{1,2}\b", "", folded))


_PLACE_DATE_IN_LINE = re.compile(r"((?:\S+\s+){0,3}\S+?)\s*,\s*ngay\s*(\d{1,2})?\s*thang\s+(\d{1,2})?\s*nam\s+(\d{4})?")


def _place_date_tail(cell: str) -> str | None:
    """The place-date after other header text on the same line, as when the letterhead's two columns are read
    as one line ("Số: 77/PGDĐT An Bình, ngày 12 tháng 10 năm 2026" -> "An Bình, ngày 12 …"): from the first
    capitalised word of the place before ", ngày"."""
    folded = fold(cell)
    for m in _PLACE_DATE_IN_LINE.finditer(folded):
        words = cell[m.start(1) : m.end(1)].split()
        while words and not (all(w[:1].isupper() or w[:1].isdigit() for w in words)
                             and words[0][:1].isupper() and is_place(fold(" ".join(words)))):
            words = words[1:]
        if words:
            return cell[m.end(1) - len(" ".join(words)) :]
    return None


def parse_issued_date(lines: Sequence[str]) -> tuple[date | None, str | None]:
    """(issue date, place) from the header line "Quận 1, ngày 09 tháng 01 năm 2023".

    A line with blanks ("ngày   tháng   năm 2023") gives the place but no date; then a
    labelled date ("Ngày ban hành", "Ngày ký", "Ngày hiệu lực" of a publishing page)
    is used when present."""
    place = None
    cells = split_cells(lines)
    for cell in cells:
        m = _PLACE_DATE_RE.match(fold(cell))
        if not m or not is_place(m.group(1)):
            cell = _place_date_tail(cell) or ""
            m = _PLACE_DATE_RE.match(fold(cell))
            if not m or not is_place(m.group(1)):
                continue
        if place is None:
            place = clean(cell[m.start(1) : m.end(1)])
        if m.group(2) and m.group(3) and m.group(4):
            d = make_date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
            if d:
                return d, clean(cell[m.start(1) : m.end(1)])
    for label in ("ngay ban hanh", "ngay ky", "ngay hieu luc"):
        for i, cell in enumerate(cells):
            if fold(cell).startswith(label):
                window = " ".join(cells[i : i + 3])
                for dm in find_dates(window, 2000):
                    if dm.year_explicit and dm.precision == "day":
                        return dm.date, place
    return None, place


_PLAN_HEADING = re.compile(r"^ke hoach\b\s*[:.\-]?\s*(.*)$")
# the other kinds of documents an office sends with deadlines, named by their heading
_DOC_HEADING = re.compile(r"^(?:thong bao|quyet dinh|huong dan|chuong trinh|bao cao|to trinh|cong van)\b\s*[:.\-]?\s*(.*)$")
_BODY_OPENER = re.compile(r"^(?:kinh gui|can cu|thuc hien|[ivx]+[.)]\s|1[.)]\s)")
_SUBJECT = re.compile(r"^(?:v/v|ve viec)\b")
_HEADER_LINE = re.compile(r"^(?:kinh gui|so\s*(?:hieu)?\s*:|cong hoa xa hoi|doc lap\s*-|[^,\d]{2,60},\s*ngay(?![a-z]))")


def parse_title(lines: Sequence[str]) -> tuple[str | None, int]:
    """(title, index of the first body line) for each kind of document.

    * a plan: the lines after its "KẾ HOẠCH" heading, up to a blank line or the first "Căn cứ / Thực hiện /
      Kính gửi" paragraph;
    * a THÔNG BÁO, QUYẾT ĐỊNH, HƯỚNG DẪN, CHƯƠNG TRÌNH, BÁO CÁO, TỜ TRÌNH: the same after that heading, when
      the heading comes before the body;
    * a công văn: its subject line "V/v …" / "Về việc …" with the lines it wraps onto (the body then starts
      at the top, as the subject sits inside the letterhead)."""
    title, body_start = _title_after_heading(lines, _PLAN_HEADING)
    if title is not None or body_start:
        return title, body_start
    opener = next((i for i, ln in enumerate(lines) if _BODY_OPENER.match(fold(ln).strip())), min(len(lines), 30))
    title, body_start = _title_after_heading(lines[:opener + 1], _DOC_HEADING)
    if title is not None:
        return title, body_start
    return subject_line(lines[:opener]), 0


def subject_line(lines: Sequence[str]) -> str | None:
    """The subject of a công văn: "V/v triệu tập đại biểu dự Hội nghị tập" + "huấn công tác thi đua." ->
    "V/v triệu tập đại biểu dự Hội nghị tập huấn công tác thi đua" (joined until a blank or a header line)."""
    for i, ln in enumerate(lines[:25]):
        if not _SUBJECT.match(fold(ln).strip()):
            continue
        parts = [ln.strip()]
        for nxt in lines[i + 1 : i + 4]:
            fn = fold(nxt).strip()
            if (parts[-1].endswith(".") or not fn or _HEADER_LINE.match(fn) or nxt.strip().isupper()
                    or len(" ".join(parts)) > 250):
                break
            parts.append(nxt.strip())
        return clean(" ".join(parts)).rstrip(".") or None
    return None


def _title_after_heading(lines: Sequence[str], heading: re.Pattern) -> tuple[str | None, int]:
    for i, ln in enumerate(lines):
        fl = fold(ln).strip(" .:")
        m = heading.match(fl)
        if not m:
            continue
        raw_head = ln.strip()
        if not raw_head[:8].isupper() and not m.group(1) == "":
            continue  # a sentence that starts with "Kế hoạch ...", not the heading
        if not raw_head.split()[0].isupper():
            continue
        parts: list[str] = []
        rest = clean(ln[m.start(1) :]) if m.group(1) else ""
        if rest:
            parts.append(rest)
        j = i + 1
        while j < len(lines) and len(parts) < 4:
            nxt = lines[j].strip()
            fn = fold(nxt)
            if not nxt:
                if parts:
                    break
                j += 1
                continue
            if re.match(r"^(?:can cu|thuc hien|kinh gui|the hien|trien khai|nham|-{3,}|\*{3,}|_{3,})", fn) or re.match(
                r"^(?:i|1)[.)]\s", fn
            ):
                break
            if re.fullmatch(r"[-_=*.\s]+", nxt):
                j += 1
                break
            if parts and (
                nxt.isupper() and not parts[-1].isupper()   # the signer's title under a mixed-case title
                or re.match(r"^[-+•]\s", nxt) or heading_level(nxt) is not None and not nxt.isupper() or nxt[-1] in ".:;" or len(nxt) > 250
            ):
                break
            parts.append(nxt)
            j += 1
            if len(" ".join(parts)) > 300:
                break
        title = clean(" ".join(parts))
        title = re.sub(r"^(?:V/v|Về việc)\s*[:.]?\s*", lambda mm: mm.group(0) if fold(mm.group(0)).startswith("ve viec") else "", title)
        return (title or None), j
    return None, 0


def _titlecase_vn(s: str) -> str:
    if s.isupper():
        return " ".join(w[:1] + w[1:].lower() for w in s.split())
    return s


_ADMIN_WORDS = r"(?i:quận|huyện|thị xã|thành phố|tỉnh|TP\.?|thị trấn)"


def _locality_after(tail: str) -> tuple[str | None, str | None]:
    """(admin word, locality) at the start of ``tail``: " Quận 11 triển khai" ->
    ("Quận", "Quận 11"); " huyện Hóc Môn xây dựng" -> ("huyện", "huyện Hóc Môn");
    " quận xây dựng" -> ("quận", None)."""
    m = re.match(r"\s+(" + _ADMIN_WORDS + r")(?=\s)", tail)
    admin = m.group(1) if m else None
    rest = tail[m.end() :] if m else tail
    words = []
    for w in rest.split():
        w2 = w.strip(",;:.()")
        if w2 and (w2.isdigit() or w2[:1].isupper()) and len(words) < 4:
            words.append(w2)
            if w2 != w:
                break
        else:
            break
    if words and fold(words[0]) in ("thuc", "xay", "trien"):
        words = []
    if not words:
        return admin, None
    return admin, ((admin + " ") if admin else "") + " ".join(words)


def parse_issuer(lines: Sequence[str], body: Sequence[str], place: str | None, full_text: str) -> tuple[str | None, str | None]:
    """(issuer name, 'phong'|'so'|None)."""
    candidates: list[tuple[str, str]] = []
    for ln in list(lines):
        fl = fold(ln)
        for m in OFFICE_RE.finditer(fl):
            g = m.group(0)
            if not (g.startswith(("phong", "pgd", "so", "sgd"))):
                continue
            pre = fl[max(0, m.start() - 12) : m.start()]
            if re.search(r"\b(?:cua|theo|ve|qua|gui|den|cho|voi)\s*(?:\(\s*)?$", pre):
                continue
            kind = "so" if g.startswith(("so", "sgd")) else "phong"
            tail = ln[m.end() : m.end() + 60]
            candidates.append((kind, tail))
    if not candidates:
        return None, None
    # prefer the office that *issues* the plan: "Phòng GD&ĐT Quận 11 triển khai / xây dựng ..."
    _, loc0 = _locality_after(candidates[0][1])
    kind, tail = candidates[0]
    for k, t in candidates:
        _, lc = _locality_after(t)
        rest = fold(t[len(lc) + 1 :] if lc and t.lstrip().startswith(lc) else t)
        if lc and re.match(r"\W*(?:xay dung|ban hanh|trien khai|phat dong|to chuc|huong dan|thong bao|de ra|lap)\b", rest):
            kind, tail = k, t
            break
    base = "Sở Giáo dục và Đào tạo" if kind == "so" else "Phòng Giáo dục và Đào tạo"
    tail = re.sub(r"^\s*\([^)]{1,15}\)", "", tail)  # "(GDĐT)"
    admin, loc = _locality_after(tail)
    if not loc:
        # header "UBND HUYỆN HIỆP HOÀ"
        for ln in lines[:15]:
            mm = re.match(r"^\s*(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(" + _ADMIN_WORDS + r")\s+(.+?)\s*$", ln, re.I)
            if mm:
                loc = mm.group(1).lower() + " " + _titlecase_vn(mm.group(2))
                break
    if not loc and place:
        if re.match(_ADMIN_WORDS + r"\s", place, re.I):
            loc = place
        elif kind == "so":
            loc = place
        else:
            admin_word = admin
            if not admin_word:
                mm = re.search(r"\b(" + _ADMIN_WORDS + r")\s+" + re.escape(place), full_text, re.I)
                admin_word = mm.group(1) if mm else None
            loc = (admin_word.lower() + " " if admin_word else "") + place
    if loc and not re.match(_ADMIN_WORDS + r"\s", loc, re.I) and kind == "phong":
        mm = re.search(r"\b(" + _ADMIN_WORDS + r")\s+" + re.escape(loc), full_text, re.I)
        if mm:
            loc = mm.group(1).lower() + " " + loc
    return (base + (" " + loc if loc else "")), kind


# --------------------------------------------------------------------------------------
# Document structure


_MOTTO = re.compile(r"^(?:cong hoa xa hoi|doc lap\s*-|dang cong san|so\s*(?:hieu)?\s*:)")
_ACRONYMS = {"ubnd": "Ủy ban nhân dân", "thcs": "THCS", "thpt": "THPT", "th": "TH", "mn": "MN", "gd&dt": "GD&ĐT",
             "gddt": "GDĐT", "tp": "TP", "tp.": "TP."}
_ADMIN_LOWER = {"xa", "phuong", "huyen", "quan", "tinh", "thanh pho", "thi xa", "thi tran"}


def _letterhead_case(line: str) -> str:
    """"ỦY BAN NHÂN DÂN XÃ AN PHÚ" -> "Ủy ban nhân dân xã An Phú"; "TRƯỜNG THCS LÊ LỢI" -> "Trường THCS Lê Lợi"."""
    out: list[str] = []
    words = line.split()
    for k, w in enumerate(words):
        fw = fold(w)
        if fw in _ACRONYMS:
            out.append(_ACRONYMS[fw])
        elif fw in _ADMIN_LOWER or " ".join(fold(x) for x in words[k : k + 2]) in _ADMIN_LOWER or (
                k and " ".join(fold(x) for x in words[k - 1 : k + 1]) in _ADMIN_LOWER and out[-1].islower()):
            out.append(w.lower())
        else:
            out.append(w[:1] + w[1:].lower())
    text = " ".join(out)
    text = re.sub(r"^Ủy Ban Nhân Dân|^Uỷ Ban Nhân Dân", "Ủy ban nhân dân", text)
    return text[:1].upper() + text[1:]


def letterhead_issuer(lines: Sequence[str]) -> str | None:
    """The issuer named by the letterhead when it is not a Sở or Phòng GD&ĐT: the upper-case line under the
    parent body ("UBND HUYỆN AN BÌNH" / "TRƯỜNG THCS LÊ LỢI" -> the school), "ỦY BAN NHÂN DÂN" joined with
    the line naming its commune or ward ("ỦY BAN NHÂN DÂN" / "XÃ AN PHÚ")."""
    names: list[str] = []
    for ln in lines[:8]:
        s = ln.strip()
        fs = fold(s)
        if not s or _MOTTO.match(fs) or _PLACE_DATE_RE.match(fs):
            if names:
                break
            continue
        letters = [c for c in s if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            break
        names.append(s)
    if not names:
        return None
    if fold(names[-1]) in ("uy ban nhan dan", "ubnd") and len(names) == 1:
        return None
    if len(names) >= 2 and fold(names[-2]) in ("uy ban nhan dan", "ubnd"):
        return _letterhead_case(names[-2] + " " + names[-1])
    return _letterhead_case(names[-1])