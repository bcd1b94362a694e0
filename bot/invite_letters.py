"""One printable A4 page per school to hand out or send: how to start receiving the office's messages on
Telegram (scan the QR code, or open the link) and on Zalo (find the bot, type the code), with the school's
name, its code and when the code expires. One .docx for the whole roster, opened and printed by any office.
"""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.invite_sheet import InviteLine, qr_filename

FONT = "Times New Roman"      # what Vietnamese official documents use (Nghị định 30/2020/NĐ-CP)


def write_letters(lines: list[InviteLine], qr_dir: Path, path: Path, tz: ZoneInfo,
                  zalo_bot: str | None = None) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)

    def para(text: str = "", *, bold: bool = False, size: int | None = None, center: bool = False):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.font.name = bold, FONT
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    for i, line in enumerate(lines):
        if i:
            doc.add_page_break()
        para(texts.LETTER_TITLE, bold=True, size=15, center=True)
        para(line.name, bold=True, size=14, center=True)
        para(texts.LETTER_CODE.format(code=line.token), bold=True, size=20, center=True)
        para(texts.LETTER_EXPIRES.format(at=texts.fmt_datetime(line.expires_at, tz), uses=line.max_uses),
             center=True)
        para(texts.LETTER_TELEGRAM_HEAD, bold=True)
        qr = qr_dir / qr_filename(line.code)
        if qr.exists():
            doc.add_picture(str(qr), width=Cm(4.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for n, step in enumerate(texts.LETTER_TELEGRAM_STEPS, 1):
            para(f"{n}. {step.format(link=line.link)}")
        para(texts.LETTER_ZALO_HEAD, bold=True)
        for n, step in enumerate(texts.LETTER_ZALO_STEPS, 1):
            para(f"{n}. {step.format(code=line.token, bot=zalo_bot or texts.LETTER_ZALO_BOT_UNKNOWN)}")
        para(texts.LETTER_FOOT)
    doc.save(path)
    return path
