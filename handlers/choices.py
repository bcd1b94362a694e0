"""Matching a typed answer to offered choices, leniently (Zalo has no buttons; people type "1", "một", a label)."""
from __future__ import annotations

import re
import unicodedata

_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}


def fold(text: str) -> str:
    """Lower-case, no diacritics, single spaces: 'Nộp  Báo cáo' -> 'nop bao cao'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", bare).strip().lower()


def typed_number(text: str) -> int | None:
    folded = fold(text).rstrip(".)")
    if folded.isdigit():
        return int(folded)
    folded = folded.removeprefix("so ").strip()
    return _NUMBER_WORDS.get(folded)


def match_choice(text: str, offered: list[list[str]], *, numbers: bool) -> str | None:
    """offered: [[data, label], ...]. Returns the data of the matching choice, or None."""
    wanted = fold(text)
    for data, label in offered:
        if fold(label) == wanted:
            return data
    if numbers:
        n = typed_number(text)
        if n is not None and 1 <= n <= len(offered):
            return offered[n - 1][0]
    return None
