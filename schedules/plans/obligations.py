"""Stage 3b of plan reading: the obligation phrase a date belongs to, split per kind, without its actor."""
from __future__ import annotations

import re
from dataclasses import dataclass

from schedules.plans.actors import find_actors, who_acts, who_category
from schedules.plans.dates import DateMention
from schedules.plans.kinds import (EVENT_SPECIFIC, STRONG_KINDS, SUBMITTING, TIME_LABEL, classify_kinds, kind_hits,
                                   sent_topic_is_not_the_event, submission_without_actor)
from schedules.plans.structure import Unit, content_free
from schedules.plans.text import clean, fold, sentence_end, sentence_start, shorten




def phrase_for(u_text: str, mentions: list[DateMention], i: int) -> tuple[str, int, int, bool]:
    """(phrase, start, end, date_heads_line) of the obligation tied to mention ``i``."""
    f = fold(u_text)
    m = mentions[i]
    s0 = sentence_start(f, m.cue_start or m.start)
    prev_end = 0
    for p in mentions[:i]:
        if p.range_role == "start" and mentions[i].range_role == "end" and p is mentions[i - 1]:
            continue
        prev_end = max(prev_end, p.end)
    seg_start = max(s0, prev_end) if prev_end <= (m.cue_start or m.start) else s0
    before = u_text[seg_start : (m.cue_start or m.start)]
    # range start of this mention belongs to the date phrase
    if m.range_role == "end" and i > 0 and mentions[i - 1].range_role == "start":
        before = u_text[seg_start : mentions[i - 1].cue_start or mentions[i - 1].start]
    heads = content_free(before)
    nxt = next((p.start for p in mentions[i + 1 :] if p.start > m.end and not p.period_ref), len(u_text))
    if heads:
        # "Ngày 31/5/2024: Các đơn vị gửi ..." — the obligation follows the date
        end = nxt if nxt < len(u_text) else len(u_text)
        if end < len(u_text):
            # stop at the clause boundary before the next date
            cut = max(u_text.rfind(";", m.end, end), u_text.rfind(".", m.end, end))
            if cut > m.end:
                end = cut
        return u_text[seg_start:end], seg_start, end, True
    end = m.end
    tail = u_text[m.end :]
    pm = re.match(r"\s*\([^)]{1,80}\)", tail)
    if pm:
        end = m.end + pm.end()
    phrase = u_text[seg_start:end]
    if not classify_kinds(before):
        # "Các đơn vị, chậm nhất ngày 15/5, gửi báo cáo ..." — obligation after the date
        send = min(sentence_end(f, m.end), nxt)
        after = u_text[m.end : send]
        if classify_kinds(after):
            phrase = u_text[seg_start:send]
            end = send
    return phrase, seg_start, end, False


def part_texts(phrase: str, kinds: list[str], date_phrase: str) -> dict[str, str]:
    """Split "báo cáo tổng kết và hồ sơ khen thưởng trước ngày X" into one text per kind."""
    f = fold(phrase)
    cut = f.find(fold(date_phrase)) if date_phrase else -1
    body = phrase[:cut] if cut > 0 else phrase
    bounds = [(0, 0)] + [(m.start(), m.end()) for m in re.finditer(r",\s*|;\s*|\s+va\s+|\s+dong thoi,?\s+", fold(body))] + [(len(body), len(body))]
    parts = [(bounds[k][1], bounds[k + 1][0]) for k in range(len(bounds) - 1)]
    out: dict[str, str] = {}
    for a, b, k in kind_hits(body):
        if k in out or k not in kinds:
            continue
        for pa, pb in parts:
            if pa <= a <= pb:
                out[k] = clean(body[pa:pb]) + (" " + date_phrase if date_phrase else "")
                break
    return out


def from_first_part(phrase: str, cls_phrase: str) -> str:
    """Start the phrase at the coordinated part that holds its first obligation keyword:
    "Phòng đề nghị các đơn vị triển khai, ... và gửi Kế hoạch ... trước ngày X" ->
    "gửi Kế hoạch ... trước ngày X"."""
    hits = kind_hits(cls_phrase)
    if not hits:
        return phrase
    a = hits[0][0]
    f = fold(phrase)
    start = 0
    for m in re.finditer(r",\s*|;\s*|:\s*|\s+va\s+|\s+dong thoi,?\s+", f[:a]):
        start = m.end()
    return phrase[start:] if start else phrase


def strip_actor_prefix(text: str, issuer_kind: str | None) -> str:
    t = text
    m = re.match(r"^(.*?:\s*)?(.*)$", t, re.S)
    head, rest = (m.group(1) or ""), m.group(2)
    if head and not content_free(head):
        head, rest = "", t
    acts = find_actors(rest, issuer_kind=issuer_kind)
    if acts and acts[0].start <= 2:
        rest = rest[acts[0].end :].lstrip(" ,")
    return clean(head + rest)


def strip_dates(phrase: str, ms: list[DateMention], offset: int) -> str:
    out = list(phrase)
    for m in ms:
        a, b = m.start - offset, m.end - offset
        if b <= 0 or a >= len(out):
            continue
        for k in range(max(a, 0), min(b, len(out))):
            out[k] = " "
    return "".join(out)


@dataclass(frozen=True)
class Addressees:
    """Who the plan speaks of: its issuer's kind ('phong' | 'so' | None), the office's name, and the units it
    addresses most ("các trường"), who act when an obligation names nobody."""
    issuer_kind: str | None
    office_name: str
    default_units: str


_ISSUE_RANGE = re.compile(r"(?i)(?:kể )?từ (?:ngày|khi) (?:ban hành|ký|có hiệu lực)[^.;:]{0,40}?(?=\s*(?:đến|tới)\b)")


_HANDING_IN = re.compile(r"\b(?:nop|gui)\b")


def heading_obligation(heading: str) -> list[str]:
    """The obligation a heading states for the items under it: "5. Thời gian nộp báo cáo:" -> ['other'],
    "3. Thời hạn gửi hồ sơ đề nghị khen thưởng" -> ['award_dossier']; [] for a heading that hands nothing in
    ("II. NỘI DUNG") or that carries its own date."""
    f = fold(heading)
    if not _HANDING_IN.search(f) or re.search(r"\d{1,2}\s*/\s*\d{1,2}|\bngay\s+\d", f):
        return []
    return [k for k in classify_kinds(heading) if k != "event"]


def object_before(text: str, clause_start: int) -> list[str]:
    """"- Báo cáo tổng kết công tác tự đánh giá. Nộp Phòng GD&ĐT chậm nhất vào ngày 30/5/2021": the item names
    what is handed in in its first sentence and when in the next; the kinds of that sentence (specific kinds
    only, and only when it has no date of its own) are the hand-in's."""
    if clause_start <= 0:
        return []
    before = text[:clause_start]
    previous = before[sentence_start(fold(before), len(before.rstrip()) - 1):]
    if re.search(r"\d{1,2}\s*/\s*\d{1,2}|\bngay\s+\d", fold(previous)):
        return []
    return [k for k in classify_kinds(previous) if k in STRONG_KINDS]


_RECEIVING = re.compile(r"\b(?:nhan|tiep nhan|thu nhan)\s+(?:ho so|bai|tac pham|san pham|bao cao|danh sach|ban dang ky)\b")


def office_receives(phrase: str) -> bool:
    """"Lịch nhận hồ sơ: từ 20/7 đến hết 25/7", "Thời gian nhận tác phẩm dự thi": the office receives, so the
    deadline is the senders' (the units or the people the plan addresses), not an event of the office."""
    return bool(_RECEIVING.search(fold(phrase)))


_COORDINATED = re.compile(r"\s*(?:\([^)]{0,80}\))?\s*[,;]?\s*(?:va|hoac|con)?\s*$")


def coordinated_with_previous(text: str, ms: list[DateMention], i: int) -> bool:
    """The mention ``ms[i]`` follows the previous one with only "và"/"hoặc" (and a parenthesis) between them,
    each with its own cue: two deadlines of one obligation ("trước ngày A (…) và trước ngày B (…)")."""
    if i == 0:
        return False
    gap_end = ms[i].cue_start if ms[i].cue_start is not None else ms[i].start
    gap = fold(text[ms[i - 1].end : gap_end])
    return ms[i].range_role is None and ms[i - 1].range_role is None and bool(_COORDINATED.fullmatch(gap)) \
        and bool(re.search(r"\b(?:va|hoac)\b", gap))


def milestones_for(u: Unit, ms: list[DateMention], i: int, m: DateMention, clause_start: int,
                   who: Addressees) -> tuple[str | None, list[dict]]:
    """(reason it is not kept, or None; its milestones, one per kind) for the mention ``m`` = ``ms[i]`` of
    unit ``u``: the obligation phrase it belongs to, its kinds, who acts, and each kind's text."""
    fu = fold(u.text)
    phrase, p_start, _p_end, heads = phrase_for(u.text, ms, i)
    cls_phrase = _ISSUE_RANGE.sub(" ", strip_dates(phrase, ms, p_start))
    kinds = classify_kinds(cls_phrase) or (["event"] if TIME_LABEL.search(fold(cls_phrase)) else [])
    if not kinds and coordinated_with_previous(u.text, ms, i):
        # "… trước ngày 30/11 (cấp THCS) và trước ngày 05/12 (cấp Tiểu học)": the second day shares the first's
        previous, p_start, _e, heads = phrase_for(u.text, ms, i - 1)
        cls_phrase = _ISSUE_RANGE.sub(" ", strip_dates(previous, ms, p_start))
        phrase = previous + u.text[ms[i - 1].end : m.end]
        kinds = classify_kinds(cls_phrase)
    if not kinds:
        return "no_obligation", []
    kinds = sent_topic_is_not_the_event(cls_phrase, kinds)
    specific = any(k in STRONG_KINDS or k == "periodic_report" for k in kinds) or bool(
        EVENT_SPECIFIC.search(fold(cls_phrase)) or TIME_LABEL.search(fold(cls_phrase)))
    stated = heading_obligation(u.headings[-1]) if u.headings and not u.is_heading else []
    if stated and set(kinds) <= {"event", "other"}:
        kinds, specific = stated, True
    named = object_before(u.text, clause_start)
    if named and kinds == ["other"] and SUBMITTING.search(fold(cls_phrase)):
        kinds, specific = named, True
    if not specific and m.cue not in ("before", "until") and not heads:
        return "no_obligation", []
    if not specific and m.precision == "year":
        return "coarse", []
    ctx = u.text[clause_start:p_start] if p_start > clause_start else ""
    if not ctx and p_start > 0 and not heads:
        ctx = u.text[sentence_start(fu, p_start) : p_start]
    actor = who_acts(
        phrase if not heads else phrase[len(u.text[p_start : m.end]) :] or phrase,
        context_before=ctx, heading_actor=u.heading_actor, default_units=who.default_units,
        office_name=who.office_name, issuer_kind=who.issuer_kind, forward=heads,
    )
    if who_category(actor) == "office" and (submission_without_actor(phrase) or office_receives(phrase)):
        actor = who.default_units if who_category(who.default_units) != "office" else "các đơn vị"
    if who_category(actor) == "office":
        kinds = ["event"]
    date_phrase = u.text[m.cue_start if m.cue_start is not None else m.start : m.end]
    if m.range_role == "end" and i > 0 and ms[i - 1].range_role == "start":
        date_phrase = u.text[ms[i - 1].cue_start or ms[i - 1].start : m.end]
    texts = part_texts(phrase, kinds, "" if heads else date_phrase) if len(kinds) > 1 else {}
    if not heads and len(kinds) == 1:
        phrase = from_first_part(phrase, cls_phrase)
    return None, [{"date": m.date.isoformat(), "precision": m.precision, "kind": k, "who": actor,
                   "text": shorten(strip_actor_prefix(texts.get(k) or phrase, who.issuer_kind)),
                   "_pos": (u.index, m.start)} for k in kinds]
