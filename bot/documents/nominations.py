"""The nominations of a round as the office files them: the list (Danh sách đề nghị, .docx and .xlsx) and the
tờ trình draft that proposes the approved ones upward. Pure builders: plain rows and a letterhead in, bytes out.

Both group the nominees as the Hội đồng reads them, tập thể first, then cá nhân, numbered within each group.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot import texts
from bot.documents import compose, nd30
from bot.documents.letterhead import Letterhead

COLLECTIVE = "collective"
ROMAN = ("I", "II")
# minimum widths (cm): STT, name, position, unit, achievements, award form
LIST_MIN_CM = (1.3, 3.0, 2.4, 3.0, 5.0, 2.6)
FLEX = 4                 # the summary of achievements takes what the other columns leave


@dataclass(frozen=True)
class ListRow:
    name: str
    position: str
    unit: str
    achievements: str
    award_form: str
    nominee_type: str = "individual"      # individual | collective

    @property
    def collective(self) -> bool:
        return self.nominee_type == COLLECTIVE


@dataclass(frozen=True)
class RoundInfo:
    """What the documents say about the round: its period, its campaign, the day they are dated."""
    period: str
    campaign: str
    campaign_doc: str | None = None       # the plan's number, when known ("123/KH-SGDĐT")
    when: date | None = None              # None: the date left as dots for the signer


def groups(rows: Sequence[ListRow]) -> list[tuple[str, list[ListRow]]]:
    """(heading, rows) for tập thể then cá nhân, only the groups that have someone."""
    collective = [r for r in rows if r.collective]
    individual = [r for r in rows if not r.collective]
    out = []
    if collective:
        out.append((texts.OFFICE_DOC_GROUP_COLLECTIVE.format(count=len(collective)), collective))
    if individual:
        out.append((texts.OFFICE_DOC_GROUP_INDIVIDUAL.format(roman=ROMAN[len(out)], count=len(individual)),
                    individual))
    return out


def _cells(i: int, row: ListRow) -> list:
    return [i, row.name, row.position, row.unit, row.achievements, row.award_form]


def list_title(info: RoundInfo) -> tuple[str, str]:
    return texts.OFFICE_DOC_LIST_TITLE, texts.OFFICE_DOC_LIST_SUBJECT.format(period=info.period)


def attached_line(lh: Letterhead) -> str:
    blank = texts.OFFICE_DOC_BLANK
    return texts.OFFICE_DOC_LIST_ATTACHED.format(number=blank, prefix=lh.number_prefix or blank, day=blank,
                                                 month=blank, year=blank, office=lh.office_label)


def _nominee_table(doc, rows: Sequence[ListRow], total_cm: float, *, summary: bool = True):
    """The grouped table; without `summary` (the tờ trình: the achievements are in the attached list)."""
    keep = [i for i in range(len(texts.NOMINATION_EXPORT_HEADERS)) if summary or i != FLEX]
    flat, heads = [], {}
    for heading, members in groups(rows):
        heads[len(flat)] = heading
        flat += [[_cells(i, r)[c] for c in keep] for i, r in enumerate(members, start=1)]
    headers = [texts.NOMINATION_EXPORT_HEADERS[c] for c in keep]
    columns = [[h] + [str(v[k]) for v in flat] for k, h in enumerate(headers)]
    widths = nd30.content_widths(columns, total_cm, [LIST_MIN_CM[c] for c in keep],
                                 FLEX if summary else keep.index(3))    # else the unit's name takes the rest
    return nd30.data_table(doc, headers, flat, widths, groups=heads)


def build_list_docx(lh: Letterhead, info: RoundInfo, rows: Sequence[ListRow], template: bytes | None = None) -> bytes:
    """Danh sách đề nghị: A4 landscape, the decree's header, grouped table with its header on every page."""
    def body(doc, width_cm: float) -> None:
        table = _nominee_table(doc, rows, width_cm)
        collective = sum(r.collective for r in rows)
        nd30.para(doc, texts.OFFICE_DOC_LIST_TOTAL.format(collective=collective, individual=len(rows) - collective),
                  italic=True, space_before=6)
        nd30.keep_with_signature(doc, table)

    kind, subject = list_title(info)
    lines = [attached_line(lh), texts.OFFICE_DOC_LIST_CAMPAIGN.format(campaign=info.campaign)]
    return compose.render(lh, compose.Parts(nd30.Heading("DS", info.when), kind, subject, body, lines,
                                            landscape=True), template)


def build_proposal_docx(lh: Letterhead, info: RoundInfo, rows: Sequence[ListRow],
                        template: bytes | None = None) -> bytes:
    """Tờ trình (draft): the approved nominations of a round proposed to the level above, with the list."""
    to = lh.parent_body or texts.OFFICE_DOC_PROPOSAL_SUPERIOR
    office = lh.name or texts.OFFICE_DOC_BLANK

    def body(doc, width_cm: float) -> None:
        nd30.para(doc, texts.OFFICE_DOC_PROPOSAL_TO.format(to=to), align="center", space_after=12)
        campaign = info.campaign + (f" ({info.campaign_doc})" if info.campaign_doc else "")
        for line in texts.OFFICE_DOC_PROPOSAL_BASIS:
            nd30.para(doc, line.format(campaign=campaign), italic=True, align="justify", indent_cm=1.27,
                      space_after=3)
        collective = sum(r.collective for r in rows)
        nd30.body(doc, texts.OFFICE_DOC_PROPOSAL_BODY.format(office=office, to=to, collective=collective,
                                                             individual=len(rows) - collective,
                                                             campaign=info.campaign))
        _nominee_table(doc, rows, width_cm, summary=False)
        nd30.body(doc, "")
        nd30.body(doc, texts.OFFICE_DOC_PROPOSAL_CLOSE.format(office=office, to=to, end=texts.OFFICE_DOC_END))

    subject = texts.OFFICE_DOC_PROPOSAL_SUBJECT.format(period=info.period)
    return compose.render(lh, compose.Parts(nd30.Heading("TTr", info.when), texts.OFFICE_DOC_PROPOSAL_TITLE, subject,
                                            body, recipients=[f"- {to};"]), template)


# ------------------------------------------------------------------------------------------- workbook

def build_list_xlsx(lh: Letterhead, info: RoundInfo, rows: Sequence[ListRow]) -> bytes:
    """The same list as a workbook: title block, grouped bordered rows whose heights fit their wrapped text."""
    from bot.documents import sheets

    wb, ws = sheets.new_workbook(texts.NOMINATION_EXPORT_SHEET)
    kind, subject = list_title(info)
    widths = [6, 26, 18, 26, 60, 22]
    top = sheets.title_block(ws, [lh.parent_body.upper() if lh.parent_body else None, lh.office_upper,
                                  kind, subject, attached_line(lh),
                                  texts.OFFICE_DOC_LIST_CAMPAIGN.format(campaign=info.campaign)],
                             len(widths), bold_rows=(1, 2, 3))
    header_row = top + 1
    sheets.header_row(ws, header_row, texts.OFFICE_DOC_LIST_HEADERS_XLSX, widths)
    r = header_row
    for heading, members in groups(rows):
        r += 1
        sheets.group_row(ws, r, heading, len(widths))
        for i, row in enumerate(members, start=1):
            r += 1
            sheets.value_row(ws, r, _cells(i, row), widths, centred=(1,))
    sheets.finish(ws, widths, header_row, r)
    return sheets.to_bytes(wb)
