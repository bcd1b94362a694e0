"""End-to-end tests of ``schedules.plans.parse_plan`` on real plans (the seeds in
``/work/shared/seeds``) and on variations: .docx, PDF, hard-wrapped lines, NFD text,
deadlines without a year, a table schedule."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
import zlib
from datetime import date
from pathlib import Path

import pytest

from schedules.plans import find_dates, fold, parse_plan, who_category
from schedules.plans.cli import main
from schedules.plans.reading import read_plan_text

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
EXTRA = SEEDS / "extra" / "hiephoa_25_KH-PGDDT_2020.txt"

needs_seeds = pytest.mark.skipif(not SEED_FILES, reason=f"seed plans not found in {SEEDS}")


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def _mkey(result: dict) -> list[tuple[str, str, str]]:
    return sorted((m["date"], m["precision"], m["kind"]) for m in result["milestones"])


def _words(s: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(s)))


def _overlap(got: str, exp: str) -> float:
    e = _words(exp)
    return len(e & _words(got)) / max(1, len(e))


def _seed_ids():
    return [p.name.split("_")[0] for p in SEED_FILES] or ["none"]


@pytest.fixture(scope="module")
def parsed_seeds() -> dict[str, tuple[dict, dict, str]]:
    out = {}
    for p in SEED_FILES:
        text = read_plan_text(p)
        out[p.name] = (parse_plan(text), _expected(p), text)
    return out


# ----------------------------------------------------------------------------- seeds


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_seed_header_fields(parsed_seeds, name):
    got, exp, _ = parsed_seeds[name]
    for key in ("doc_number", "issued_date", "title", "period_start", "period_end", "issuer"):
        assert got[key] == exp[key], key


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_seed_milestones_exact(parsed_seeds, name):
    got, exp, _ = parsed_seeds[name]
    assert _mkey(got) == _mkey(exp)


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_seed_milestone_who_and_text(parsed_seeds, name):
    got, exp, text = parsed_seeds[name]
    by_key = {(m["date"], m["kind"]): m for m in got["milestones"]}
    for e in exp["milestones"]:
        g = by_key[(e["date"], e["kind"])]
        assert who_category(g["who"]) == who_category(e["who"]), (g["who"], e["who"])
        assert _overlap(g["text"], e["text"]) >= 0.6, (g["text"], e["text"])
        # the text comes from the plan: its words are the plan's words
        assert _words(g["text"]) <= _words(text)


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_seed_recurring(parsed_seeds, name):
    got, exp, _ = parsed_seeds[name]
    assert sorted(r["every"] for r in got["recurring"]) == sorted(r["every"] for r in exp["recurring"])
    for g, e in zip(got["recurring"], exp["recurring"]):
        assert _overlap(g["what"], e["what"]) >= 0.4, (g["what"], e["what"])


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_seed_optional_fields(parsed_seeds, name):
    got, exp, _ = parsed_seeds[name]
    assert got["awards"] == exp.get("awards", [])
    for key in ("contact", "dossier"):
        assert got.get(key) == exp.get(key), key
    if "nomination_quota" in exp:
        assert _overlap(got["nomination_quota"], exp["nomination_quota"]) >= 0.8
    else:
        assert "nomination_quota" not in got


@needs_seeds
def test_seed_cited_and_commemorative_dates_are_not_milestones(parsed_seeds):
    """Every dated reference in the "Căn cứ / Thực hiện" preambles and every anniversary
    range of the seeds is absent from the milestones."""
    for name, (got, _, text) in parsed_seeds.items():
        dates = {m["date"] for m in got["milestones"]}
        for m in re.finditer(r"(?:số|Luật)[^;\n]{0,60}?ngày\s+(\d{1,2}(?:/\d{1,2}/\d{4}| tháng \d{1,2} năm \d{4}))", text):
            for dm in find_dates(m.group(0), 2000):
                if dm.year_explicit:
                    assert dm.date.isoformat() not in dates, (name, m.group(0))


# ----------------------------------------------------------------------------- extra plan


@pytest.fixture(scope="module")
def extra_data():
    text = read_plan_text(EXTRA)
    return parse_plan(text), json.loads(EXTRA.with_name(EXTRA.stem + ".expected.json").read_text("utf-8"))


@pytest.mark.skipif(not EXTRA.is_file(), reason=f"extra seed plan not found: {EXTRA}")
class TestExtraPlan:
    @pytest.fixture
    def data(self, extra_data):
        return extra_data

    def test_header(self, data):
        got, exp = data
        assert got["doc_number"] == exp["doc_number"]
        assert got["issued_date"] == exp["issued_date"]
        assert fold(exp["title"]).endswith(fold(got["title"]))
        assert "hiep hoa" in fold(got["issuer"]) and got["issuer"].startswith("Phòng Giáo dục và Đào tạo")
        assert got["period_start"] == exp["period_start"]  # "Từ nay" = issue date
        assert got["period_end"] == exp["period_end"]  # "đến hết năm học": no calendar date

    def test_milestones(self, data):
        got, exp = data
        assert _mkey(got) == sorted((m["date"], m["precision"], m["kind"]) for m in exp["milestones"])
        assert who_category(got["milestones"][0]["who"]) == "units"
        assert _overlap(got["milestones"][0]["text"], exp["milestones"][0]["text"]) >= 0.8

    def test_distractors_and_phases_are_not_milestones(self, data):
        got, exp = data
        dates = {m["date"] for m in got["milestones"]}
        mentioned = set()
        for d in exp["distractor_dates"]:
            for dm in find_dates(d["text"], 2020, school_year=2020):
                mentioned.add(dm.date.isoformat())
        assert {"2020-10-29", "2020-10-05", "2019-08-30", "2020-11-20", "2021-04-30"} <= mentioned
        assert not (mentioned & dates)
        for ph in exp["phases"]:
            assert ph["end"] not in dates
            assert ph["start"] not in dates


# ----------------------------------------------------------------------------- variations


def _wrap(text: str, width: int = 78) -> str:
    return "\n".join("\n".join(textwrap.wrap(p, width)) for p in text.split("\n"))


@needs_seeds
@pytest.mark.parametrize("name", [p.name for p in SEED_FILES], ids=_seed_ids())
def test_hard_wrapped_and_nfd_text_parse_the_same(parsed_seeds, name):
    got, _, text = parsed_seeds[name]
    wrapped = parse_plan(_wrap(text))
    assert _mkey(wrapped) == _mkey(got)
    for key in ("doc_number", "issued_date", "title", "period_start", "period_end", "issuer"):
        assert wrapped[key] == got[key], key
    assert sorted(r["every"] for r in wrapped["recurring"]) == sorted(r["every"] for r in got["recurring"])
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert parse_plan(nfd) == got


@needs_seeds
def test_odd_spacing_and_crlf(parsed_seeds):
    name = next(n for n in parsed_seeds if n.startswith("004"))
    got, _, text = parsed_seeds[name]
    odd = text.replace(" ", "  ").replace("\n", "\r\n").replace("25/1/2024", "25 / 1 / 2024").replace("Các đơn vị", "Các\u00a0đơn vị")
    assert _mkey(parse_plan(odd)) == _mkey(got)


def _write_docx(path: Path, text: str, *, header_table: bool = False, schedule_rows: list[list[str]] | None = None) -> None:
    import docx

    d = docx.Document()
    lines = text.split("\n")
    if header_table:
        # real plans put "Số: ..." and "Place, ngày ..." side by side in a borderless table
        head = [ln for ln in lines[:8] if ln.strip() and fold(ln).strip() != "ke hoach"]
        num = next((ln for ln in head if fold(ln).startswith("so")), "")
        place = next((ln for ln in head if ", ngày" in ln), "")
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
        t.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        t.cell(1, 0).text = num
        t.cell(1, 1).text = place
        lines = [ln for ln in lines if ln not in (num, place)]
    for ln in lines:
        d.add_paragraph(ln)
    if schedule_rows:
        t = d.add_table(rows=len(schedule_rows), cols=len(schedule_rows[0]))
        for i, row in enumerate(schedule_rows):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    d.save(str(path))


@needs_seeds
@pytest.mark.parametrize("prefix", ["002", "004"])
def test_docx_variant_parses_like_the_text(parsed_seeds, tmp_path, prefix):
    name = next(n for n in parsed_seeds if n.startswith(prefix))
    got, _, text = parsed_seeds[name]
    path = tmp_path / "plan.docx"
    _write_docx(path, text, header_table=True)
    from_docx = parse_plan(read_plan_text(path))
    assert _mkey(from_docx) == _mkey(got)
    for key in ("doc_number", "issued_date", "title", "period_start", "period_end"):
        assert from_docx[key] == got[key], key


def test_docx_schedule_table(tmp_path):
    text = (
        "Số: 45/KH-PGDĐT\nCầu Giấy, ngày 05 tháng 9 năm 2024\nKẾ HOẠCH\nThi đua chào mừng ngày Nhà giáo Việt Nam 20/11 năm học 2024-2025\n"
        "Căn cứ Kế hoạch số 10/KH-UBND ngày 20/8/2024 của UBND quận;\n"
        "Phòng Giáo dục và Đào tạo quận Cầu Giấy xây dựng kế hoạch như sau:\n"
        "I. MỤC ĐÍCH\nThi đua lập thành tích chào mừng ngày Nhà giáo Việt Nam 20/11.\nII. TIẾN ĐỘ"
    )
    rows = [
        ["TT", "Thời gian", "Nội dung", "Đơn vị thực hiện"],
        ["1", "Trước 20/9", "Gửi bản đăng ký thi đua về Phòng GD&ĐT", "Các trường"],
        ["2", "15/11", "Tổ chức Lễ kỷ niệm và tuyên dương", "Phòng GD&ĐT"],
        ["3", "Trước ngày 30/11", "Gửi báo cáo tổng kết đợt thi đua", "Các trường"],
    ]
    path = tmp_path / "table.docx"
    _write_docx(path, text, schedule_rows=rows)
    r = parse_plan(read_plan_text(path))
    assert r["doc_number"] == "45/KH-PGDĐT"
    assert r["issued_date"] == "2024-09-05"
    got = {(m["date"], m["kind"]): who_category(m["who"]) for m in r["milestones"]}
    assert got == {
        ("2024-09-20", "registration"): "units",
        ("2024-11-15", "event"): "office",
        ("2024-11-30", "final_report"): "units",
    }


# --- a minimal PDF writer: Type0 font, Identity-H, 2-byte codes = Unicode code points and a
# ToUnicode CMap, so pypdf extracts the Vietnamese text. The font program is not embedded
# (viewers substitute one); extraction does not need it.


def write_text_pdf(path: Path, lines: list[str], *, font_size: int = 11, lines_per_page: int = 55) -> None:
    used = sorted({ord(c) for ln in lines for c in ln} | {32})
    assert max(used) < 0x10000
    pages = [lines[i : i + lines_per_page] for i in range(0, max(len(lines), 1), lines_per_page)]
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    highs = sorted({c >> 8 for c in used})
    cmap = "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
            f"{len(highs)} beginbfrange",
            *[f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in highs],
            "endbfrange",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    ).encode()
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [0 -250 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -250 /CapHeight 700 /StemV 80 >>"
    )
    cidfont = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor %d 0 R /DW 500 /CIDToGIDMap /Identity >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cidfont, tounicode)
    )
    pages_id = len(objs) + 1 + 2 * len(pages)
    page_ids = []
    for pno, pl in enumerate(pages, 1):
        ops = [b"BT", b"/F1 %d Tf" % font_size, b"%d TL" % (font_size + 3), b"40 800 Td"]
        for ln in pl:
            ops.append(b"<" + "".join(f"{ord(c):04X}" for c in ln).encode() + b"> Tj T*")
        ops.append(b"T* <%s> Tj" % "".join(f"{ord(c):04X}" for c in str(pno)).encode())  # page number
        ops.append(b"ET")
        content = zlib.compress(b"\n".join(ops))
        cid = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, cid)
            )
        )
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
    path.write_bytes(bytes(out))


@needs_seeds
@pytest.mark.parametrize("prefix", ["001", "004"])
def test_pdf_variant_parses_like_the_text(parsed_seeds, tmp_path, prefix):
    """The seed as a hard-wrapped, paginated text PDF (Vietnamese through a ToUnicode map)."""
    name = next(n for n in parsed_seeds if n.startswith(prefix))
    got, _, text = parsed_seeds[name]
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, 88) or [""])
    path = tmp_path / "plan.pdf"
    write_text_pdf(path, lines)
    extracted = read_plan_text(path)
    assert "Giáo dục và Đào tạo" in extracted
    assert unicodedata.is_normalized("NFC", extracted)
    from_pdf = parse_plan(extracted)
    assert _mkey(from_pdf) == _mkey(got)
    for key in ("doc_number", "issued_date", "title", "period_start", "period_end", "issuer"):
        assert from_pdf[key] == got[key], key


# ----------------------------------------------------------------------------- synthetic plans


def _fixture(name: str) -> str:
    return read_plan_text(FIXTURES / name)


def test_plan_whose_deadlines_have_no_year():
    r = parse_plan(_fixture("school_year_no_year_deadlines.txt"))
    assert r["doc_number"] == "120/KH-PGDĐT"
    assert r["issued_date"] == "2023-09-15"
    assert r["issuer"] == "Phòng Giáo dục và Đào tạo huyện Tân An"
    assert (r["period_start"], r["period_end"]) == ("2023-09-20", "2024-05-31")
    got = [(m["date"], m["precision"], m["kind"], who_category(m["who"])) for m in r["milestones"]]
    assert got == [
        ("2023-09-30", "day", "registration", "units"),  # "Trước ngày 30/9:" + next line
        ("2024-01-15", "day", "preliminary_report", "units"),  # "Chậm nhất ngày 15/1" -> 2024
        ("2024-04-05", "day", "event", "office"),  # range "từ 25/3 đến 05/4": its end
        ("2024-04-30", "month", "nomination", "units"),  # "Trong tháng 4"
        ("2024-05-20", "day", "award_dossier", "units"),  # "Hạn nộp ...: 20/5"
        ("2024-06-30", "month", "event", "office"),  # "Quý II/2024: Hội nghị tổng kết"
    ]
    # commemorative days (20/11, 22/12) and the impossible 31/02 are not milestones
    assert not any(m["date"].endswith(("-11-20", "-12-22", "-02-29", "-03-02")) for m in r["milestones"])
    assert r["recurring"] == [{"every": "month", "what": "Hàng tháng, các trường gửi báo cáo tiến độ về Phòng GD&ĐT"}]
    assert r["contact"] == {"name": "Trần Văn Bình", "phone": "0912345678", "email": "tdkt@tanan.edu.vn"}


def test_so_plan_with_ranges_and_mixed_formats():
    r = parse_plan(_fixture("so_ranges_and_mixed_formats.txt"))
    assert r["issuer"].startswith("Sở Giáo dục và Đào tạo")
    assert (r["period_start"], r["period_end"]) == ("2022-07-02", "2025-12-31")  # "giai đoạn 2022-2025"
    got = {(m["date"], m["precision"], m["kind"]): who_category(m["who"]) for m in r["milestones"]}
    assert got == {
        ("2022-07-31", "day", "plan_submission"): "units",  # "từ ngày 25/7 đến ngày 31/7/2022"
        ("2022-07-31", "day", "registration"): "units",
        ("2022-08-05", "day", "event"): "office",  # "05-8-2022"
        ("2023-05-31", "day", "preliminary_report"): "units",  # "chậm nhất ngày 31-5-2023"
        ("2025-11-15", "day", "final_report"): "units",
        ("2025-11-15", "day", "award_dossier"): "units",
        ("2025-11-15", "day", "nomination"): "units",
        ("2025-11-30", "day", "event"): "office",  # Văn phòng Sở's own step
    }
    assert [x["every"] for x in r["recurring"]] == ["half_year", "quarter"]
    assert r["dossier"] == ["Tờ trình đề nghị khen thưởng", "Biên bản họp Hội đồng Thi đua - Khen thưởng", "Báo cáo thành tích"]
    # cited: Luật ... ngày 15/6/2022, Kế hoạch số 77/KH-UBND ngày 20/6/2022, số 12/KH-SGDĐT ngày 10/01/2022; theme: 2/9
    dates = {m["date"] for m in r["milestones"]}
    assert not dates & {"2022-06-15", "2022-06-20", "2022-01-10", "2022-09-02"}


def test_deadline_line_followed_by_obligation_line():
    text = (
        "KẾ HOẠCH\nThi đua năm 2024\n\nIII. TIẾN ĐỘ\n- Chậm nhất ngày 10/12/2024:\n"
        "Các trường nộp hồ sơ đề nghị khen thưởng về Phòng Giáo dục và Đào tạo.\n"
        "- Trước ngày 15/12/2024\nPhòng Giáo dục và Đào tạo tổ chức Hội nghị tổng kết.\n"
    )
    r = parse_plan(text)
    assert [(m["date"], m["kind"], who_category(m["who"])) for m in r["milestones"]] == [
        ("2024-12-10", "award_dossier", "units"),
        ("2024-12-15", "event", "office"),
    ]
    assert "hồ sơ đề nghị khen thưởng" in r["milestones"][0]["text"]
    assert (r["period_start"], r["period_end"]) == ("2024-01-01", "2024-12-31")


def test_today_only_fills_a_missing_year():
    text = "KẾ HOẠCH\nThi đua chào mừng\n\n- Trước ngày 15/3: các đơn vị gửi báo cáo sơ kết.\n"
    r = parse_plan(text, today=date(2031, 1, 5))
    assert r["milestones"][0]["date"] == "2031-03-15"
    assert r["milestones"][0]["kind"] == "preliminary_report"


def test_empty_and_junk_text():
    r = parse_plan("")
    assert r["milestones"] == [] and r["title"] is None and r["doc_number"] is None
    r = parse_plan("Hello world 12/13/2024 99/99")
    assert r["milestones"] == []


# ----------------------------------------------------------------------------- CLI


def test_cli_json_and_summary(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(
        "Số: 9/KH-PGDĐT\nQuận 3, ngày 02 tháng 01 năm 2024\nKẾ HOẠCH\nThi đua năm 2024\n\n"
        "- Các đơn vị gửi báo cáo sơ kết trước ngày 25/6/2024 về Phòng Giáo dục và Đào tạo.\n",
        encoding="utf-8",
    )
    assert main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["doc_number"] == "9/KH-PGDĐT"
    assert data["milestones"][0]["date"] == "2024-06-25"
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Số/ký hiệu: 9/KH-PGDĐT" in out
    assert "Ngày ban hành: 02/01/2024" in out
    assert "Tiêu đề: Thi đua năm 2024" in out
    assert "25/06/2024 · báo cáo sơ kết · các đơn vị · gửi báo cáo sơ kết trước ngày 25/6/2024" in out
    assert main([str(tmp_path / "missing.txt")]) == 2


def test_cli_entry_point_prints_the_schema(capsys):
    from bot.cli import main as thidua
    plan = Path(__file__).resolve().parents[2] / "bot" / "demo_data" / "ke_hoach_mau.txt"
    assert thidua(["plan", "parse", str(plan), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"issuer", "doc_number", "issued_date", "title", "period_start", "period_end", "milestones",
            "recurring"} <= set(out)
    assert ("2024-01-25", "preliminary_report") in {(m["date"], m["kind"]) for m in out["milestones"]}
