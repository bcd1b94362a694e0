"""One document = letterhead + title + body + signature. The built-in layout (nd30) is the default; an office
that keeps its own Word template (.docx with docxtpl placeholders) gets its header, signature and page set-up
instead, with the body the bot builds put where the template says {{p noi_dung }}.

Placeholders a template may use (all but noi_dung optional):

    {{ co_quan_chu_quan }}  {{ co_quan }}  {{ so_ky_hieu }}  {{ dia_danh_ngay }}  {{ ten_loai }}  {{ trich_yeu }}
    {{p noi_dung }}   {{ noi_nhan }}  {{ chuc_vu_nguoi_ky }}  {{ nguoi_ky }}
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import texts
from bot.documents import nd30
from bot.documents.letterhead import Letterhead

BODY = "noi_dung"
PLACEHOLDERS = ("co_quan_chu_quan", "co_quan", "so_ky_hieu", "dia_danh_ngay", "ten_loai", "trich_yeu", BODY,
                "noi_nhan", "chuc_vu_nguoi_ky", "nguoi_ky")


@dataclass
class Parts:
    heading: nd30.Heading
    kind_title: str                              # TỜ TRÌNH, BÁO CÁO, DANH SÁCH
    subject: str | None
    body: Callable[[Any, float], None]           # writes the body into a container, given its width in cm
    lines: Sequence[str] = ()                    # under the subject, in italics: (Kèm theo Tờ trình số …)
    recipients: Sequence[str] = ()
    landscape: bool = False
    closing: Callable[[Any], None] | None = field(default=None)   # after the body, kept with the signature


class TemplateError(ValueError):
    """The file is not a .docx docxtpl can read, or it has no {{p noi_dung }}."""


def render(lh: Letterhead, parts: Parts, template: bytes | None = None) -> bytes:
    if template:
        return _from_template(lh, parts, template)
    doc = nd30.new_document(landscape=parts.landscape)
    nd30.header(doc, lh, parts.heading, landscape=parts.landscape)
    nd30.title(doc, parts.kind_title, parts.subject, parts.lines, landscape=parts.landscape)
    parts.body(doc, nd30.usable_width_cm(parts.landscape))
    if parts.closing:
        parts.closing(doc)
    nd30.signature(doc, lh, parts.recipients, landscape=parts.landscape)
    return nd30.to_bytes(doc)


def _open(template: bytes):
    from docxtpl import DocxTemplate
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        names = tpl.get_undeclared_template_variables()
    except Exception as exc:    # a zip that is no .docx, a broken Jinja tag: one reason for the office
        raise TemplateError(str(exc)) from exc
    if BODY not in names:
        raise TemplateError(BODY)
    return tpl


def check_template(template: bytes) -> set[str]:
    """The placeholders the template uses; TemplateError when it cannot serve."""
    return set(_open(template).get_undeclared_template_variables())


def _from_template(lh: Letterhead, parts: Parts, template: bytes) -> bytes:
    from docxtpl import Listing
    tpl = _open(template)
    section = tpl.get_docx().sections[0]
    width_cm = (section.page_width - section.left_margin - section.right_margin) / 360000
    sub = tpl.new_subdoc()
    for line in parts.lines:
        nd30.para(sub, line, italic=True, align="center")
    parts.body(sub, width_cm)
    if parts.closing:
        parts.closing(sub)
    blank = texts.OFFICE_DOC_BLANK
    context = {
        "co_quan_chu_quan": lh.parent_body.upper(), "co_quan": lh.office_upper,
        "so_ky_hieu": texts.OFFICE_DOC_NUMBER.format(number=blank, kind=lh.kind_code(parts.heading.kind)),
        "dia_danh_ngay": nd30.place_date(lh, parts.heading.when), "ten_loai": parts.kind_title,
        "trich_yeu": parts.subject or "", BODY: sub,
        "noi_nhan": Listing("\n".join(list(parts.recipients) + [texts.OFFICE_DOC_RECIPIENT_ARCHIVE])),
        "chuc_vu_nguoi_ky": Listing("\n".join(lh.signer_lines) or blank), "nguoi_ky": lh.signer_name or blank,
    }
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
