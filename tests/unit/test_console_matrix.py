"""The console's progress matrix: one coloured cell per status, filters, search, totals, pages, contacts."""
from __future__ import annotations

import re

import pytest

from db import standing
from db.engine import session_scope
from db.models import Submission, Unit
from tests.support import seed
from tests.unit.test_console import app, signed_in  # noqa: F401  (the app fixture and a helper)

N = 230


def _status(i: int) -> tuple[str, bool] | None:
    """Milestone 1: a fixed mix by unit number (None: nothing sent)."""
    return {0: None, 1: ("submitted", False), 2: ("submitted", True), 3: ("returned", False),
            4: ("accepted", False), 5: ("accepted", True)}[i % 6]


@pytest.fixture
def big(settings):
    office = seed.office()
    staff = seed.staff(7001, "Nguyễn Thị Hoa", office_id=office.id)
    with session_scope() as s:
        units = [Unit(code=f"TH{i:03d}", name=f"Trường Tiểu học số {i}", cluster=f"Cụm {1 + i % 3}",
                      level="THCS" if i % 2 else "Tiểu học", office_id=office.id,
                      liaison_name=f"Thầy Giáo {i}", liaison_phone=f"0901{i:06d}") for i in range(N)]
        s.add_all(units)
        s.flush()
        ids = [u.id for u in units]
    camp, ms = seed.campaign(unit_ids=ids, office_id=office.id, milestones=[
        dict(title="Báo cáo sơ kết", due_in_days=5), dict(title="Báo cáo tổng kết", due_in_days=60)])
    with session_scope() as s:
        for i, uid in enumerate(ids):
            st = _status(i)
            if st:
                s.add(Submission(reference=f"BC-2026-{i:06d}", unit_id=uid, milestone_id=ms[0].id,
                                 status=st[0], late=st[1]))
        s.add(Submission(reference="BC-2026-999999", unit_id=ids[7], milestone_id=ms[1].id))
    return dict(staff=staff, campaign=camp, ms=ms, ids=ids)


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)">', page)


def cells_of(page: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'class="cell s-([a-z]+)"', row)


def total(page: str, milestone_id: int, status: str) -> int:
    return int(re.search(rf'data-total="{milestone_id}-{status}">(\d+)<', page).group(1))


def test_cells_show_each_status_and_open_the_submission(big, app):
    c = signed_in(app, big["staff"].id)
    page = c.get(f"/console/campaigns/{big['campaign'].id}").text
    expected = {0: "missing", 1: "submitted", 2: "late", 3: "returned", 4: "accepted", 5: "accepted"}
    for i in range(6):
        assert cells_of(page, f"TH{i:03d}") == [expected[i], "missing"], i
    assert cells_of(page, "TH007") == ["submitted", "submitted"]
    row5 = re.search(r'<tr data-code="TH005">(.*?)</tr>', page, re.S).group(1)
    assert "Đã duyệt · muộn" in row5                       # accepted late keeps its colour and says it was late
    row1 = re.search(r'<tr data-code="TH001">(.*?)</tr>', page, re.S).group(1)
    with session_scope() as s:
        sub_id = s.exec(Submission.__table__.select().where(Submission.reference == "BC-2026-000001")).one().id
    assert f'href="/console/submissions/{sub_id}"' in row1
    assert "Thầy Giáo 1" in row1 and 'href="tel:0901000001"' in row1
    row0 = re.search(r'<tr data-code="TH000">(.*?)</tr>', page, re.S).group(1)
    assert "/console/submissions/" not in row0              # nothing to open
    for label in ("Chưa nộp", "Đã nộp", "Nộp muộn", "Trả lại", "Đã duyệt"):
        assert label in page


def test_pages_of_a_hundred_units(big, app):
    c = signed_in(app, big["staff"].id)
    url = f"/console/campaigns/{big['campaign'].id}"
    first = c.get(url).text
    assert rows_of(first) == [f"TH{i:03d}" for i in range(100)] and "1–100 trên 230 đơn vị" in first
    assert "Trang 1/3" in first and "trang=2" in first
    last = c.get(url + "?trang=3").text
    assert rows_of(last) == [f"TH{i:03d}" for i in range(200, 230)] and "Trang 3/3" in last
    beyond = c.get(url + "?trang=9").text             # a page that no longer exists shows the last one
    assert rows_of(beyond) == rows_of(last)


def test_totals_per_column_agree_with_db_standing_and_per_cluster(big, app):
    c = signed_in(app, big["staff"].id)
    page = c.get(f"/console/campaigns/{big['campaign'].id}").text
    m1, m2 = big["ms"]
    with session_scope() as s:
        counts = standing.counts(s, big["campaign"].id, [m1, m2])[m1.id]
    late_waiting = sum(1 for i in range(N) if _status(i) == ("submitted", True))
    assert total(page, m1.id, "missing") == counts.missing
    assert total(page, m1.id, "submitted") + total(page, m1.id, "late") == counts.submitted
    assert total(page, m1.id, "late") == late_waiting
    assert total(page, m1.id, "returned") == counts.returned and total(page, m1.id, "accepted") == counts.accepted
    assert total(page, m2.id, "submitted") == 1 and total(page, m2.id, "missing") == N - 1
    clusters = re.search(r'<table id="clusters">(.*?)</table>', page, re.S).group(1)
    handed_c1 = sum(1 for i in range(N) if i % 3 == 0 and _status(i) and _status(i)[0] != "returned")
    units_c1 = sum(1 for i in range(N) if i % 3 == 0)
    assert re.search(rf"<td>Cụm 1</td>\s*<td class=\"num\">{handed_c1}/{units_c1}</td>", clusters)


@pytest.mark.parametrize("query, keep", [
    ("cum=Cụm 2", lambda i: i % 3 == 1),
    ("cap=THCS", lambda i: i % 2 == 1),
    ("status=missing", lambda i: True),   # every unit misses the second milestone but TH007
    ("status=missing&moc={m1}", lambda i: _status(i) is None),
    ("status=late", lambda i: _status(i) == ("submitted", True)),
    ("status=returned&moc={m1}", lambda i: _status(i) == ("returned", False)),
    ("status=accepted&cum=Cụm 1", lambda i: i % 3 == 0 and _status(i) and _status(i)[0] == "accepted"),
    ("status=submitted&moc={m2}", lambda i: i == 7),
    ("q=số 12", lambda i: "số 12" in f"Trường Tiểu học số {i}"),
    ("q=th20", lambda i: f"TH{i:03d}".startswith("TH20")),
])
def test_filters_and_search(big, app, query, keep):
    c = signed_in(app, big["staff"].id)
    m1, m2 = big["ms"]
    wanted = [f"TH{i:03d}" for i in range(N) if keep(i)]
    if query == "status=missing":
        wanted = [code for code in wanted if code != "TH007"]
    page = c.get(f"/console/campaigns/{big['campaign'].id}?" + query.format(m1=m1.id, m2=m2.id)).text
    assert rows_of(page) == wanted[:100]
    if wanted:
        assert f"trên {len(wanted)} đơn vị" in page
        # totals follow the filters: the column sums are the filtered units
        assert sum(total(page, m1.id, s) for s in ("missing", "submitted", "late", "returned", "accepted")) \
            == len(wanted)
    else:
        assert "Không có đơn vị nào khớp bộ lọc" in page


def test_filters_stay_on_the_page_links(big, app):
    c = signed_in(app, big["staff"].id)
    page = c.get(f"/console/campaigns/{big['campaign'].id}?cap=Tiểu học").text
    assert rows_of(page)[0] == "TH000" and "trên 115 đơn vị" in page
    assert 'href="?cap=Ti%E1%BB%83u+h%E1%BB%8Dc&amp;trang=2"' in page
    assert '<option value="Tiểu học" selected>' in page
