"""Stage 3b of plan reading: the obligation phrase a date belongs to, split per kind, without its actor."""
from __future__ import annotations

import re

from schedules.plans.actors import find_actors
from schedules.plans.dates import DateMention
from schedules.plans.kinds import classify_kinds, kind_hits
from schedules.plans.structure import content_free
from schedules.plans.text import clean, fold, sentence_end, sentence_start




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
