"""Printable invites: the Telegram deep link, a QR code per unit and one .xlsx listing them all."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts

DEFAULT_BOT_USERNAME = "thidua_bot"
FONT = "Times New Roman"      # as every document the office prints (a printer without Calibri substitutes it)


def bot_username(explicit: str | None = None) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME (environment or .env), else the default (getMe needs the
    network, which the CLI may not have)."""
    from bot.settings import Settings
    name = explicit or os.environ.get("TELEGRAM_BOT_USERNAME") or Settings().telegram_bot_username \
        or DEFAULT_BOT_USERNAME
    return name.strip().lstrip("@")


def deep_link(username: str, token: str) -> str:
    return f"https://t.me/{username}?start={token}"


@dataclass(frozen=True)
class InviteLine:
    code: str
    name: str
    level: str | None
    cluster: str | None
    liaison_name: str | None
    liaison_phone: str | None
    link: str
    token: str
    expires_at: datetime          # naive UTC
    max_uses: int


def qr_filename(code: str) -> str:
    """<code>.png, with characters a file system would refuse replaced."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", code).strip("._")
    return f"{safe or '_'}.png"


def write_qr(link: str, path: Path) -> Path:
    import qrcode
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(link)
    qr.make(fit=True)
    qr.make_image(fill_color="black", back_color="white").save(path)
    return path


QR_PIXELS = 110          # the QR picture in the sheet: scannable from a printout
QR_ROW_POINTS = 86       # a row tall enough for it (1 pt = 4/3 px)


def write_sheet(lines: list[InviteLine], path: Path, tz: ZoneInfo, qr_dir: Path | None = None) -> Path:
    """The list of invites; with qr_dir, each row also shows its school's QR code as a picture."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = texts.CLI_SHEET_TITLE
    sheet.append(texts.CLI_SHEET_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(name=FONT, bold=True)
    for line in lines:
        sheet.append(_sheet_row(line, tz))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name=FONT)
        link_cell = sheet.cell(row=sheet.max_row, column=7)
        link_cell.hyperlink = line.link
        link_cell.font = Font(name=FONT, color="0563C1", underline="single")
    _fit_columns(sheet)
    qr_column = len(texts.CLI_SHEET_HEADERS)
    for row, line in enumerate(lines, start=2):
        qr = qr_dir / qr_filename(line.code) if qr_dir else None
        if qr is not None and qr.exists():
            picture = Image(str(qr))
            picture.width = picture.height = QR_PIXELS
            sheet.add_image(picture, sheet.cell(row=row, column=qr_column).coordinate)
            sheet.row_dimensions[row].height = QR_ROW_POINTS
    if qr_dir:
        from openpyxl.utils import get_column_letter
        sheet.column_dimensions[get_column_letter(qr_column)].width = 17
    sheet.freeze_panes = "A2"
    from bot.documents.sheets import for_print
    for_print(sheet)                      # landscape A4 one page wide, the header row on every page, page x/n
    sheet.print_title_rows = "1:1"
    workbook.save(path)
    return path


def _sheet_row(line: InviteLine, tz: ZoneInfo) -> list:
    return [line.code, line.name, line.level, line.cluster, line.liaison_name, line.liaison_phone,
            line.link, line.token, texts.fmt_datetime(line.expires_at, tz), line.max_uses, qr_filename(line.code), None]


def _fit_columns(sheet) -> None:
    from openpyxl.utils import get_column_letter
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max((len(str(v)) for v in column if v is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
