"""One campaign (a report, an award dossier, a nomination round) read by every view that says who owes what:
/tiendo and its chart, the export, /nhacnho, the scheduler, the digest and /viec. They must agree."""
from datetime import timedelta

import pytest

from bot.samples import sample_png
from db import export_facts, reports, standing
from db import progress as progress_db
from db import reminders as store
from db.clock import utcnow
from db.engine import session_scope
from db.models import Milestone, Nomination
from handlers import nudge
from handlers import progress as progress_flow
from schedules import digest
from tests.support import seed
from tests.unit.test_progress import STAFF_USER, add_submission, staff_chat

_refs = iter(range(1, 10_000))


def nominate(campaign_id: int, milestone_id: int, unit_id: int, status: str, *, late: bool = False, minutes: int = 0):
    with session_scope() as s:
        s.add(Nomination(reference=f"DC-2026-{next(_refs):06d}", campaign_id=campaign_id, milestone_id=milestone_id,
                         unit_id=unit_id, nominee_name=f"Gương {unit_id}", achievements="Dẫn đầu phong trào",
                         status=status, late=late, submitted_at=utcnow() - timedelta(days=2) + timedelta(minutes=minutes),
                         reviewed_at=utcnow() - timedelta(days=1) if status in ("accepted", "returned") else None))


@pytest.fixture
def world(settings):
    units = [seed.unit(f"TH{i:02d}", f"Trường số {i}", cluster=f"Cụm {1 + i % 2}") for i in range(8)]
    for u in units:
        seed.contact(u.id, 5000 + u.id)
    seed.staff(STAFF_USER, "Nguyễn Thị Hoa")
    camp, (report, dossier, round_) = seed.campaign(unit_ids=[u.id for u in units], milestones=[
        dict(title="Báo cáo sơ kết", kind="preliminary_report", due_in_days=-2),
        dict(title="Hồ sơ khen thưởng", kind="award_dossier", due_in_days=-1),
        dict(title="Đề cử gương điển hình", kind="nomination", period_label="Quý IV/2026", due_in_days=-3)])
    u = [x.id for x in units]
    # report: 0 accepted, 1 submitted late, 2 returned, 3 returned then resubmitted, the rest nothing
    add_submission(settings, u[0], report.id, status="accepted")
    add_submission(settings, u[1], report.id, late=True)
    add_submission(settings, u[2], report.id, status="returned", comment="Thiếu số liệu")
    add_submission(settings, u[3], report.id, status="returned", comment="Sai mẫu")
    add_submission(settings, u[3], report.id, version=2)
    # dossier: 4 submitted, 5 accepted
    add_submission(settings, u[4], dossier.id)
    add_submission(settings, u[5], dossier.id, status="accepted")
    # round: 0 accepted, 1 submitted late, 2 returned, 3 only withdrew, 4 accepted then a second one returned
    nominate(camp.id, round_.id, u[0], "accepted")
    nominate(camp.id, round_.id, u[1], "submitted", late=True)
    nominate(camp.id, round_.id, u[2], "returned")
    nominate(camp.id, round_.id, u[3], "withdrawn")
    nominate(camp.id, round_.id, u[4], "accepted")
    nominate(camp.id, round_.id, u[4], "returned", minutes=5)
    return dict(units=units, campaign=camp, milestones=[report, dossier, round_])


EXPECTED_OWING = {0: {2, 4, 5, 6, 7}, 1: {0, 1, 2, 3, 6, 7}, 2: {2, 3, 5, 6, 7}}   # milestone index -> unit indexes


def _idx(world, unit_ids) -> set[int]:
    position = {u.id: i for i, u in enumerate(world["units"])}
    return {position[u] for u in unit_ids}


async def test_every_view_agrees_on_who_owes_each_milestone(settings, world, monkeypatch):
    camp, milestones, units = world["campaign"], world["milestones"], world["units"]
    with session_scope() as s:
        ms = [s.get(Milestone, m.id) for m in milestones]
        counts = progress_db.status_counts(s, camp.id, ms)
        facts = export_facts.export_data(s, camp.id)
        exported = {em.id: em for em in facts.milestones}
        views = {}
        for i, m in enumerate(ms):
            states = store.unit_states(s, m)
            names = {u.id: u.name for u in units}
            views[i] = {
                "standing": _idx(world, standing.owing_unit_ids(s, m)),
                "tiendo_missing_list": _idx(world, [u.id for u, _ in progress_db.missing_units(s, m, 0, 50).items]
                                            + [u.id for u, st in standing.units_standing(s, m, statuses=["returned"])[0]]),
                "nhacnho": _idx(world, nudge.audience(s, m).owing),
                "scheduler": _idx(world, [u.id for u in units if store.is_owing(states.get(u.id))]),
                "digest": {int(n.rsplit(" ", 1)[1]) for n in digest._owing_names(s, m, names)},
                "export": {int(r.name.rsplit(" ", 1)[1]) for r in exported[m.id].rows
                           if r.status in standing.OWING},
                "viec": {j for j, u in enumerate(units)
                         if any(item.owed for item in reports.unit_milestones(s, u.id, m.id))},
            }
            c = counts[m.id]
            assert c.owing == len(EXPECTED_OWING[i]), (i, c)
    for i, by_view in views.items():
        for view, owing in by_view.items():
            assert owing == EXPECTED_OWING[i], (milestones[i].title, view)

    # the chart draws the same counts /tiendo prints
    drawn = {}
    monkeypatch.setattr(progress_flow, "build_chart", lambda bars, title: drawn.setdefault("bars", bars) and sample_png())
    chat = staff_chat(settings)
    await chat.send("/tiendo")
    bars = drawn["bars"]
    by_label = {bar.label.split(". ", 1)[1]: bar for bar in bars}
    for m in milestones:
        bar = by_label[m.title]
        c = counts[m.id]
        assert bar.counts == {"accepted": c.accepted, "submitted": c.submitted, "returned": c.returned,
                              "missing": c.missing}
    assert (counts[milestones[2].id].accepted, counts[milestones[2].id].submitted,
            counts[milestones[2].id].late) == (2, 1, 1)          # the round is tracked, late entry counted


def test_a_round_shows_accepted_units_in_the_export_with_a_nominations_list(settings, world):
    camp, round_ = world["campaign"], world["milestones"][2]
    with session_scope() as s:
        facts = export_facts.export_data(s, camp.id)
    em = next(m for m in facts.milestones if m.id == round_.id)
    assert em.is_round
    by_unit = {r.code: r.status for r in em.rows}
    assert by_unit["TH00"] == "accepted" and by_unit["TH04"] == "accepted" and by_unit["TH03"] == "missing"
    assert [(n.unit_code, n.status, n.late) for n in em.nominations] == [
        ("TH00", "accepted", False), ("TH01", "submitted", True), ("TH02", "returned", False),
        ("TH04", "accepted", False), ("TH04", "returned", False)]


def test_the_workbook_has_a_nominations_sheet_per_round(settings, world):
    import io

    from openpyxl import load_workbook

    from bot import texts
    from handlers.exports_build import build_xlsx

    with session_scope() as s:
        facts = export_facts.export_data(s, world["campaign"].id)
    wb = load_workbook(io.BytesIO(build_xlsx(facts, settings.tz, utcnow())))
    titles = [ws.title for ws in wb.worksheets]
    assert titles[-1].startswith("Danh sách đề cử Quý IV") and not any("Đề cử Đề cử" in t for t in titles)
    sheet = wb.worksheets[-1]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))     # under the title block (rows 1-3)
    assert list(rows[0]) == texts.EXPORT_ROUND_HEADERS
    assert [(r[1], r[4], r[8], r[10]) for r in rows[1:]] == [
        ("TH00", "Gương 1", "Đã duyệt", None), ("TH01", "Gương 2", "Chờ duyệt", "Có"),
        ("TH02", "Gương 3", "Bị trả lại", None), ("TH04", "Gương 5", "Đã duyệt", None),
        ("TH04", "Gương 5", "Bị trả lại", None)]
    # the round's own status sheet says TH00 accepted, not "Chưa nộp"
    status_sheet = next(ws for ws in wb.worksheets if ws.title.startswith("Đề cử gương"))
    statuses = {r[1]: r[4] for r in status_sheet.iter_rows(min_row=5, values_only=True)}
    assert statuses["TH00"] == "Đã duyệt" and statuses["TH03"] == "Chưa nộp"


def test_the_archive_files_dossiers_by_item_and_rounds_by_nominee(settings, world):
    from bot.samples import sample_pdf
    from db import files as file_store
    from db.models import NominationFile, Submission, SubmissionFile
    from handlers.export import zip_entries
    from handlers.exports_build import zip_paths
    from sqlmodel import select

    dossier, round_ = world["milestones"][1], world["milestones"][2]
    with session_scope() as s:
        sub = s.exec(select(Submission).where(Submission.milestone_id == dossier.id,
                                              Submission.unit_id == world["units"][4].id)).one()
        for pos, (item, name) in enumerate([("Tờ trình đề nghị khen thưởng", "tt.pdf"),
                                            ("Báo cáo thành tích", "bc.pdf")]):
            f = file_store.store(s, settings.thidua_data_dir, sample_pdf(name), name, "application/pdf")
            s.add(SubmissionFile(submission_id=sub.id, stored_file_id=f.id, position=pos, document_label=item))
        nominee = s.exec(select(Nomination).where(Nomination.milestone_id == round_.id,
                                                  Nomination.unit_id == world["units"][0].id)).one()
        f = file_store.store(s, settings.thidua_data_dir, sample_pdf("mc"), "minh_chung.pdf", "application/pdf")
        s.add(NominationFile(nomination_id=nominee.id, stored_file_id=f.id))
    with session_scope() as s:
        facts = export_facts.export_data(s, world["campaign"].id)
    entries, missing = zip_entries(facts, settings.thidua_data_dir, settings.tz)
    paths = zip_paths(entries)
    assert missing == 0
    assert "TH04_Trường số 4/Hồ sơ khen thưởng/Tờ trình đề nghị khen thưởng/tt.pdf" in paths
    assert "TH04_Trường số 4/Hồ sơ khen thưởng/Báo cáo thành tích/bc.pdf" in paths
    assert any(p.startswith("TH00_Trường số 0/Đề cử gương điển hình") and p.endswith("/Gương 1/minh_chung.pdf")
               for p in paths), paths


def test_the_workbook_lists_the_units_no_message_reaches_with_their_phone(settings, world):
    import io

    from openpyxl import load_workbook

    from bot import texts
    from db.models import Contact, Unit
    from handlers.exports_build import build_xlsx
    from sqlmodel import select

    with session_scope() as s:
        s.get(Unit, world["units"][7].id).liaison_phone = "0912 345 678"
        for c in s.exec(select(Contact).where(Contact.unit_id == world["units"][7].id)):
            c.reachable = False
    with session_scope() as s:
        facts = export_facts.export_data(s, world["campaign"].id)
    wb = load_workbook(io.BytesIO(build_xlsx(facts, settings.tz, utcnow())))
    rows = list(wb[texts.EXPORT_UNREACHED_SHEET].iter_rows(min_row=4, values_only=True))   # under the title block
    assert list(rows[0]) == texts.EXPORT_UNREACHED_HEADERS
    assert [(r[1], r[5]) for r in rows[1:]] == [("TH07", "0912 345 678")]


def test_a_nudge_for_a_round_speaks_of_nominations_and_carries_the_nominate_button(settings, world):
    from datetime import datetime as dt

    from bot import texts
    from db.models import Campaign, Milestone
    from handlers import nudge

    with session_scope() as s:
        round_ = s.get(Milestone, world["milestones"][2].id)
        campaign = s.get(Campaign, round_.campaign_id)
        aud = nudge.audience(s, round_)
        text = nudge.nudge_text(campaign, round_, None, "missing", dt(2026, 12, 3, 3), settings.tz)
        returned = nudge.nudge_text(campaign, round_, None, "returned", dt(2026, 12, 3, 3), settings.tz)
    assert texts.NUDGE_REASON_NO_NOMINEE in text and texts.NUDGE_REASON_MISSING not in text
    assert texts.NUDGE_REASON_NOMINEE_RETURNED in returned
    assert {u.code for u, _ in aud.owing.values()} == {"TH02", "TH03", "TH05", "TH06", "TH07"}
