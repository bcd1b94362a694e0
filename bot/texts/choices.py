"""How a text asks for a choice, per channel: "bấm" where there are buttons, "gõ số" where there are none.

Every text in this package is written for buttons ("bấm «Xong»", "Bấm nút bên dưới"). A channel without
buttons (the Zalo Bot Platform) shows the choices as numbered lines and takes the number or the label
typed back, so `for_typing` rewrites each request to press into a request to type, naming the number of
the choice when it is one of the message's: "bấm «Xong»" -> "gõ số 2 («Xong»)". One place for the rule, so no
text needs a second, Zalo copy.
"""
from __future__ import annotations

import re

__all__ = ["for_typing"]

_PRESS = re.compile(r"\b(bấm|Bấm)\b(\s+nút)?")
_QUOTED = re.compile(r"\s+«([^»]+)»")
_BELOW = re.compile(r"^\s+(?:nút\s+)?(?:bên dưới|dưới đây)")


def for_typing(text: str, labels: list[str]) -> str:
    """`text` for a chat without buttons whose message offers `labels`, numbered from 1."""
    out, pos = [], 0
    for press in _PRESS.finditer(text):
        if press.start() < pos:
            continue
        out.append(text[pos:press.start()])
        verb = "Gõ" if press[1] == "Bấm" else "gõ"
        rest = text[press.end():]
        label, length = _pressed_label(rest, labels)
        if label is not None:
            number = _number_of(label, labels)
            out.append(f"{verb} số {number} («{label}»)" if number else f"{verb} «{label}»")
            pos = press.end() + length
        elif _BELOW.match(rest):
            below = _BELOW.match(rest)
            out.append(f"{verb} số của lựa chọn bên dưới")
            pos = press.end() + below.end()
        else:   # "bấm để chọn" -> "gõ số để chọn"; "không cần bấm lại" -> "không cần gõ lại"
            out.append(f"{verb} số" if rest.startswith(" để") else verb)
            pos = press.end()
    out.append(text[pos:])
    return "".join(out)


def _pressed_label(rest: str, labels: list[str]) -> tuple[str | None, int]:
    """The label right after "bấm": «quoted», or one of the offered labels written bare ("bấm Bỏ qua")."""
    quoted = _QUOTED.match(rest)
    if quoted:
        return quoted[1], quoted.end()
    for label in sorted(labels, key=len, reverse=True):
        bare = re.match(r"\s+" + re.escape(label) + r"\b", rest, re.IGNORECASE)
        if bare:
            return label, bare.end()
    return None, 0


def _number_of(label: str, labels: list[str]) -> int | None:
    folded = [lab.casefold() for lab in labels]
    return folded.index(label.casefold()) + 1 if label.casefold() in folded else None
