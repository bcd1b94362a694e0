"""`thidua plan eval`: precision, recall and F1 on (date, kind) pairs and on dates, with our own fixtures."""
import json

from schedules.plan_eval import Score, evaluate, match, pair_set, score_one, summary

PLAN = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 12/KH-PGDĐT
An Bình, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Tổ chức phong trào thi đua năm học 2026-2027
1. Các trường gửi báo cáo sơ kết học kỳ I về Phòng trước ngày 10/01/2027.
2. Các trường gửi báo cáo tổng kết năm học trước ngày 20/5/2027.
"""


def test_match_honours_alternative_kinds_and_acceptable_dates():
    expected = [{"date": "2027-01-10", "kind": "preliminary_report", "alt_kinds": ["periodic_report"]},
                {"date": "2027-05-20", "kind": "final_report", "acceptable_dates": ["2027-05-19"]}]
    matched, missed, extra = match([("2027-01-10", "periodic_report"), ("2027-05-19", "final_report"),
                                    ("2027-03-01", "other")], expected)
    assert (matched, missed, extra) == (2, [], [("2027-03-01", "other")])
    matched, missed, _ = match([("2027-01-10", "event")], expected)
    assert matched == 0 and len(missed) == 2
    assert match([("2027-01-10", "event")], expected, with_kind=False)[0] == 1     # dates alone


def test_scores_are_precision_recall_and_f1():
    s = Score(found=4, expected=5, matched=3)
    assert (round(s.precision, 2), round(s.recall, 2), round(s.f1, 3)) == (0.75, 0.6, 0.667)
    assert Score(0, 0, 0).f1 == 1.0                       # nothing expected, nothing found: perfect


def test_a_folder_is_scored_per_file_and_per_format(tmp_path):
    (tmp_path / "kh12.txt").write_text(PLAN, encoding="utf-8")
    truth = {"milestones": [{"date": "2027-01-10", "kind": "preliminary_report"},
                            {"date": "2027-05-20", "kind": "final_report"},
                            {"date": "2027-03-15", "kind": "award_dossier"}]}        # one the reader cannot find
    (tmp_path / "kh12.expected.json").write_text(json.dumps(truth), encoding="utf-8")
    (tmp_path / "ghi_chu.txt").write_text("không có đáp án: bỏ qua", encoding="utf-8")
    report = summary(evaluate([tmp_path]))
    assert report["files"] == 1
    [f] = report["per_file"]
    assert f["missed"] == [("2027-03-15", "award_dossier")] and f["extra"] == []
    assert (f["pairs"]["precision"], f["pairs"]["recall"]) == (1.0, 0.667)
    assert report["by_format"]["txt"]["pairs"]["f1"] == f["pairs"]["f1"]


def test_the_cli_prints_a_line_per_file_and_the_total(thidua, tmp_path):
    (tmp_path / "kh12.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "kh12.expected.json").write_text(json.dumps({"milestones": [
        {"date": "2027-01-10", "kind": "preliminary_report"}, {"date": "2027-05-20", "kind": "final_report"}]}),
        encoding="utf-8")
    code, out, _ = thidua("plan", "eval", str(tmp_path))
    assert code == 0 and "kh12.txt: P 1.00 · R 1.00 · F1 1.00" in out and out.strip().splitlines()[-1].startswith(
        "Tổng 1 tệp")
    assert thidua("plan", "eval", str(tmp_path / "khong-co"))[0] == 2


def test_one_quota_rule_for_chat_cli_and_plans():
    from schedules.nomination_rules import MAX_QUOTA, parse_quota
    assert [parse_quota(v) for v in ("2", 3, " 1 ", "0", "51", "hai", None)] == [2, 3, 1, None, None, None, None]
    assert parse_quota(MAX_QUOTA) == MAX_QUOTA


def test_two_milestones_of_one_day_and_kind_are_one_pair():
    expected = [{"date": "2027-02-28", "kind": "other", "alt_kinds": ["event"]},
                {"date": "2027-02-28", "kind": "other", "acceptable_dates": ["2026-02-28"]},
                {"date": "2027-02-28", "kind": "final_report"}]
    assert [(m["date"], m["kind"]) for m in pair_set(expected)] == [("2027-02-28", "other"),
                                                                    ("2027-02-28", "final_report")]
    pairs, _, missed, _ = score_one([("2027-02-28", "other"), ("2027-02-28", "final_report")], expected)
    assert (pairs.expected, pairs.matched, missed) == (2, 2, [])
    assert score_one([("2026-02-28", "event")], expected)[0].matched == 1    # the alternatives were pooled
