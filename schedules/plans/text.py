"""Stage 0 of plan reading: text helpers every stage uses.

``fold`` gives a lower-case, diacritic-free copy of a string **of the same length**, so every rule matches on
the folded text and reports spans of the original. ``logical_lines`` joins hard-wrapped lines back into
paragraphs and list items.
"""
from __future__ import annotations

import re
import unicodedata


_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"), " ")
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
# PDFs made from documents in legacy Vietnamese fonts map ư/Ư to the look-alike "oi" letters (ƣ/Ƣ, U+01A3/01A2)
# and leave a combining tone mark detached after a space ("kế hoa ̣ch"): both are read as the intended text
_LEGACY_LETTERS = {ord("ƣ"): "ư", ord("Ƣ"): "Ư"}
# Words typed in a TCVN3 (ABC, ".VnTime") font come out as Latin-1 code points ("C¨n cø" = "Căn cứ"). The
# table maps each TCVN3 code point to its letter; a word is converted only when it holds a code point that no
# Unicode Vietnamese word uses, since TCVN3 reuses letters such as "á" (= ỏ) that Unicode text has too.
_TCVN3 = dict(zip(map(ord, "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ"),
                  "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"))
# the code points that start a conversion: TCVN3 letters that Unicode text does not use as letters nor as
# common signs («», ·, §, ×, ©, ®, currency signs and the soft hyphen stay as they are unless a word has another)
_TCVN3_ONLY = re.compile(r"\S*[¨ª¬µ¶¸¹¼½¾ÆÇËÎÏÑÖØÜÞßäåæçëîïñö÷øþ]\S*")
_DETACHED_MARK = re.compile(r"[ \t]+([\u0300-\u036f])")
# ... and split a syllable before its final consonants ("trướ c", "hướ ng", "chứ c"): a lone final after a toned
# vowel is glued back (such fragments are never words of their own)
_SPLIT_FINAL = re.compile(r"(?<=[à-ỹ])[ \t](ch|ng|nh|c|m|n|p|t)(?=[\s,.;:)]|$)")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keep case: 'Đăng ký' -> 'Dang ky'."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch == "đ":
            out.append("d")
        elif ch == "Đ":
            out.append("D")
        else:
            out.append(unicodedata.normalize("NFD", ch)[0])
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case, diacritic-free copy of an NFC string, **same length** as the input.

    Positions found in the folded copy are valid in the original, so every rule
    matches on ``fold(text)`` and reports spans of ``text``.
    """
    return text.translate(_FOLDED)


class _FoldTable(dict):
    """str.translate table filled on first use: one character in, exactly one character out."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            out = "d"
        else:
            base = unicodedata.normalize("NFD", ch)[0] if code > 127 else ch
            low = base.lower()
            out = low[0] if low else base
        self[code] = out
        return out


_FOLDED = _FoldTable()


def normalize_text(text: str) -> str:
    """NFC, unify spaces/dashes/line ends, drop markdown emphasis and zero-width chars."""
    text = _TCVN3_ONLY.sub(lambda m: m.group(0).translate(_TCVN3), text)
    text = _DETACHED_MARK.sub(r"\1", text.translate(_LEGACY_LETTERS))
    text = unicodedata.normalize("NFC", text)
    text = _SPLIT_FINAL.sub(r"\1", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_SPACE_LIKE).translate(_DROP).translate(_DASHES)
    # markdown: "* item" bullets become "- item"; other asterisks (emphasis) are dropped
    text = re.sub(r"(?m)^(\s*)\*\s+", r"\1- ", text)
    text = text.replace("*", "")
    text = re.sub(r"_{2,}", " ", text)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return text


_BULLET_RE = re.compile(r"^(?:[-+•●▪◦○►➢✓]|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[IVXLC]+[.)])\s*")
_PAGE_NO_RE = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^(?:trang|page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?$", re.I)
_TERMINAL = ".;:!?"


def _starts_lower(line: str) -> bool:
    for ch in line:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
        if ch in "-+•*(\"“'":
            return False
    return False


def logical_lines(text: str) -> list[str]:
    """Split normalized text into logical lines (paragraphs / list items).

    Hard-wrapped lines (PDF extraction, e-mail) are joined back: a line is glued to the
    previous one when it starts in lower case, or when the previous line is "full"
    (close to the typical wrap width) and does not end a sentence. A paragraph broken
    by a blank line in the middle of a sentence (next part starts in lower case) is
    also joined. Lone page numbers are dropped.
    """
    raw = [ln.strip() for ln in normalize_text(text).split("\n")]
    raw = [("" if _PAGE_NO_RE.match(ln) else ln) for ln in raw]
    lengths = sorted(len(ln) for ln in raw if len(ln) > 15)
    wrapped = False
    width = 0
    if len(lengths) >= 8:
        p50 = lengths[len(lengths) // 2]
        p90 = lengths[int(len(lengths) * 0.9) - 1]
        wrapped = 35 <= p50 <= 130 and p90 <= 140
        width = p90
    out: list[str] = []
    blank_before = True
    last_len = 0
    for ln in raw:
        if not ln:
            blank_before = True
            continue
        if out:
            prev = out[-1]
            is_item = bool(_BULLET_RE.match(ln)) and not _starts_lower(ln)
            dash_lower = ln.startswith("- ") and _starts_lower(ln[2:])  # "- xã hội" wrapped inside "kinh tế - xã hội"
            opener = re.match(r"^(?:can cu|thuc hien|kinh gui|tren day|noi nhan)\b", fold(ln)) is not None
            opener = opener or " | " in ln or " | " in prev  # table rows stay apart
            cont = False
            if (prev[-1] not in _TERMINAL or prev.endswith("...")) and not opener:
                if (_starts_lower(ln) and not is_item) or (dash_lower and not blank_before):
                    cont = True
                elif (
                    wrapped
                    and not blank_before
                    and not is_item
                    and last_len >= 0.72 * width
                    and prev[-1] not in _TERMINAL
                ):
                    cont = True
            if cont:
                out[-1] = prev + " " + ln
                blank_before = False
                last_len = len(ln)
                continue
        out.append(ln)
        blank_before = False
        last_len = len(ln)
    return out


def clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^[\s,;:.\-+•|]+", "", s)
    s = re.sub(r"[\s,;:|\-]+$", "", s)
    return s.strip()


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def shorten(s: str, n: int = 220) -> str:
    s = clean(s)
    if len(s) <= n:
        return s
    cut = s.rfind(" ", 0, n)
    return s[: cut if cut > 0 else n].rstrip(" ,;") + "…"


# --------------------------------------------------------------------------------------
# Recurring

def sentence_start(f: str, pos: int) -> int:
    best = 0
    for m in re.finditer(r"[.;!?](?=\s)|\n", f[:pos]):
        best = m.end()
    return best


def sentence_end(f: str, pos: int) -> int:
    m = re.search(r"[.;!?](?=\s|$)|\n", f[pos:])
    return pos + m.end() if m else len(f)
