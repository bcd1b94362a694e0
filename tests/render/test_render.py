"""The layout holds where offices open the files: each document converted to PDF by LibreOffice headless, then
read back with poppler (pdftotext -bbox: every word with its box; pdffonts) for page count, orientation,
columns that keep their widths, repeated headers, page numbers and a Times-compatible font for every letter.

Skipped, saying why, only where LibreOffice or poppler is not installed (.ci/run installs both on Debian).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from tests.render.samples import nominees, to_pdf, write_all

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="LibreOffice (soffice) or poppler-utils (pdftotext, pdffonts) is not installed: "
           "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 poppler-utils")

PT_PER_CM = 72 / 2.54
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


class Page:
    def __init__(self, width: float, height: float, words: list[tuple[float, float, float, float, str]]):
        self.width, self.height, self.words = width, height, words

    @property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)

    def first(self, word: str, below: float = 0.0) -> tuple[float, float, float, float, str]:
        return next(w for w in self.words if w[4] == word and w[1] >= below)


def pages(pdf: Path) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [Page(float(w), float(h), [(float(a), float(b), float(c), float(d), unescape(t))
                                      for a, b, c, d, t in _WORD.findall(body)])
            for w, h, body in _PAGE.findall(html)]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, list[Page]]:
    root = tmp_path_factory.mktemp("render")
    written = write_all(root / "src")
    out = {}
    for name, path in written.items():
        pdf = to_pdf(path, root / name.replace(".", "-"))
        out[name] = pages(pdf)
        out[name + ":fonts"] = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                                              text=True).stdout
        if shutil.which("pdfimages"):
            listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                                     text=True).stdout
            out[name + ":images"] = len(listing.splitlines()[2:])
    return out


@pytest.mark.parametrize("name", ["nominations-list.docx", "proposal.docx", "progress-report.docx",
                                  "nominations-list.xlsx", "workbook.xlsx", "invites.xlsx", "invite-letters.docx"])
def test_every_letter_is_set_in_a_times_compatible_font(pdfs, name):
    fonts = [line.split()[0].split("+")[-1] for line in pdfs[name + ":fonts"].splitlines()[2:]]
    assert fonts and all(f.startswith(("LiberationSerif", "TimesNewRoman", "Times")) for f in fonts), fonts


def test_nominations_list_is_a_few_landscape_pages_with_columns_that_keep_their_widths(pdfs):
    doc = pdfs["nominations-list.docx"]
    assert 2 <= len(doc) <= 5                       # 25 nominees (the issue saw 15 pages)
    assert all(p.width > p.height for p in doc)     # A4 landscape
    assert round(doc[0].width / PT_PER_CM, 1) == 29.7
    first = doc[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first.text and "Độc lập - Tự do - Hạnh phúc" in first.text
    # the issuing body on the left half, the Quốc hiệu on the right half
    assert first.first("UBND")[0] < first.width / 2 < first.first("CỘNG")[0]
    heading_y = first.first("STT")[1]
    xs = [first.first(word, heading_y - 15)[0] for word in ("STT", "Họ", "Chức", "Đơn", "Tóm", "Hình")]
    gaps = [b - a for a, b in zip(xs, xs[1:])]
    assert xs == sorted(xs) and min(gaps) > 1.0 * PT_PER_CM, gaps              # no column collapsed
    assert gaps[3] == max(gaps[:4]) or xs[5] - xs[4] > 5 * PT_PER_CM            # the summary is wide
    left_margin = min(w[0] for w in first.words)
    assert 2.8 * PT_PER_CM <= left_margin <= 3.4 * PT_PER_CM                  # 30 mm left margin
    for n, page in enumerate(doc[1:], start=2):    # the header row again, and the page number on top
        if "Nguyễn" in page.text.replace("Nguyễn Văn An", ""):     # a page of rows, not only the signature
            assert "STT" in page.text and "Tóm tắt thành tích" in page.text
        top = min(page.words, key=lambda w: w[1])
        assert top[4] == str(n) and top[1] < 2.0 * PT_PER_CM


def test_the_list_groups_and_ends_with_the_signature(pdfs):
    doc = pdfs["nominations-list.docx"]
    text = " ".join(p.text for p in doc)
    assert text.index("I. TẬP THỂ (5)") < text.index("II. CÁ NHÂN (20)")
    assert text.rstrip().endswith("Nguyễn Văn An")
    # the STT column, page after page: 1-5 for the collectives, then 1-20; no row lost or cut
    stt_right = doc[0].first("STT")[2] + 5
    numbers = [int(w[4]) for p in doc for w in sorted(p.words, key=lambda w: w[1])
               if w[4].isdigit() and w[2] <= stt_right and w[1] > 2.0 * PT_PER_CM]
    assert numbers == list(range(1, 6)) + list(range(1, 21))
    words = {w[4] for p in doc for w in p.words}
    assert all(set(r.name.split()) <= words for r in nominees())


@pytest.mark.parametrize("name,most", [("proposal.docx", 3), ("progress-report.docx", 3)])
def test_portrait_documents_are_short_and_numbered(pdfs, name, most):
    doc = pdfs[name]
    assert 1 <= len(doc) <= most and all(p.height > p.width for p in doc)
    assert "Số: ……/" in doc[0].text and "Bình Phước, ngày" in doc[0].text
    assert doc[-1].text.rstrip().endswith("Nguyễn Văn An")
    if len(doc) > 1:
        assert min(doc[1].words, key=lambda w: w[1])[4] == "2"


def test_progress_report_tables_keep_every_column(pdfs):
    first = pdfs["progress-report.docx"][0]
    y = first.first("STT")[1]
    xs = [first.first(word, y - 15)[0] for word in ("STT", "Mốc", "Hạn", "Số", "Đã", "Chưa", "Tỷ")]
    assert xs == sorted(xs) and min(b - a for a, b in zip(xs, xs[1:])) > 0.8 * PT_PER_CM
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", first.text)       # a due date on one line, not cut in two


def test_workbooks_print_one_page_wide_with_the_header_on_every_page(pdfs):
    book = pdfs["workbook.xlsx"]
    assert all(p.width > p.height for p in book)
    assert len(book) <= 34                          # 300 schools × 4 milestones, a round and the summary
    unit_pages = [p for p in book if "DP001" in p.text or "DP150" in p.text or "DP300" in p.text]
    assert unit_pages
    for p in book:
        if "Mã đơn vị" not in p.text and "Trường" in p.text:
            pytest.fail(f"a page of schools without its header: {p.text[:120]}")
    for p in book:                                  # one page wide: the last column is on every table page
        if "Mã đơn vị" in p.text:
            assert "Người duyệt" in p.text or "Đề nghị cấp trên" in p.text or "Điện thoại" in p.text
    lists = pdfs["nominations-list.xlsx"]
    assert len(lists) <= 3 and all("Hình thức đề nghị" in p.text for p in lists)
    # rows never overlap: on each page, the words of consecutive rows do not share a line band
    for p in lists:
        numbers = sorted(w for w in p.words if w[4].isdigit() and w[0] < 2.5 * PT_PER_CM)
        ys = sorted(w[1] for w in numbers)
        assert all(b - a > 10 for a, b in zip(ys, ys[1:]))


def test_the_invite_sheet_prints_its_qr_pictures_on_a_few_pages(pdfs):
    sheet = pdfs["invites.xlsx"]
    assert all(p.width > p.height for p in sheet) and len(sheet) <= 6      # 30 schools (the issue saw 28 pages)
    for p in sheet:       # one page wide, the header again on every page
        assert "Mã đơn vị" in p.text and "Mã QR" in p.text
    codes = {w[4] for p in sheet for w in p.words if re.fullmatch(r"DP\d{3}", w[4])}
    assert codes == {f"DP{i:03d}" for i in range(1, 31)}
    if "invites.xlsx:images" in pdfs:
        assert pdfs["invites.xlsx:images"] >= 30                              # every QR code printed


def test_invite_letters_are_one_page_per_school_with_its_qr_code(pdfs):
    letters = pdfs["invite-letters.docx"]
    assert len(letters) == 5 and all(p.height > p.width for p in letters)
    for i, page in enumerate(letters, start=1):
        assert f"(điểm {i})" in page.text and f"ma{i:04d}" in page.text
    if "invite-letters.docx:images" in pdfs:
        assert pdfs["invite-letters.docx:images"] >= 5
