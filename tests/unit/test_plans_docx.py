"""schedules.plans.docx: the letterhead table and task tables of a Word plan, on documents built here."""
from __future__ import annotations

from schedules.plans import parse_plan
from schedules.plans.docx import column_roles, is_header_table, table_lines, task_row_line
from schedules.plans.reading import read_plan_text

LETTERHEAD = [[["UBND HUYỆN AN BÌNH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]],
              [["Số: 81/PGDĐT"], ["An Bình, ngày 02 tháng 10 năm 2026"]]]
TASKS = [[["TT"], ["Nội dung công việc"], ["Thời gian thực hiện"], ["Đơn vị thực hiện"], ["Ghi chú"]],
         [["1"], ["Gửi danh sách giáo viên dự thi"], ["Trước ngày 15/10/2026"], ["Các trường"], []],
         [["2"], ["Hội thi giáo viên dạy giỏi"], ["Ngày 05/11/2026"], ["Phòng GD&ĐT"], ["Tại trường TH A"]]]


def test_the_letterhead_is_the_table_with_header_marks_before_the_body():
    assert is_header_table(LETTERHEAD, body_started=False)
    assert not is_header_table(TASKS, body_started=False)          # no "Số:", motto or place-date
    assert not is_header_table(LETTERHEAD, body_started=True)      # after "Kính gửi" it is not the header


def test_a_header_row_names_the_columns_and_a_date_row_is_not_one():
    assert column_roles(TASKS[0]) == ["number", "task", "time", "who", "other"]
    assert column_roles([["Thời hạn"], ["Người phụ trách"]]) == ["time", "who"]
    assert column_roles(TASKS[1]) is None
    assert column_roles([["Họ và tên"], ["Chức vụ"]]) is None      # no time column: not a task table


def test_a_task_row_reads_time_then_who_then_task():
    roles = column_roles(TASKS[0])
    assert task_row_line(roles, TASKS[2]) == "Ngày 05/11/2026 | Phòng GD&ĐT | Hội thi giáo viên dạy giỏi | Tại trường TH A"


def test_a_spanning_row_is_a_heading_and_a_table_without_header_row_joins_its_cells():
    rows = [[["I. Tháng 10"]], [["15/10/2026"], ["Gửi kế hoạch"]]]
    assert table_lines(rows) == ["I. Tháng 10", "15/10/2026 | Gửi kế hoạch"]


def _docx(tmp_path):
    import docx

    document = docx.Document()

    def table(rows):
        t = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                t.cell(i, j).text = "\n".join(cell)

    table(LETTERHEAD)
    document.add_paragraph("V/v tổ chức hội thi giáo viên dạy giỏi")
    document.add_paragraph("Kính gửi: Hiệu trưởng các trường tiểu học.")
    document.add_paragraph("Phòng Giáo dục và Đào tạo đề nghị các trường thực hiện các nội dung sau:")
    table(TASKS)
    path = tmp_path / "cv81.docx"
    document.save(path)
    return path


def test_a_cong_van_with_a_task_table_keeps_every_row_as_a_milestone(tmp_path):
    draft = parse_plan(read_plan_text(_docx(tmp_path)))
    assert (draft["doc_number"], draft["issued_date"]) == ("81/PGDĐT", "2026-10-02")
    got = [(m["date"], m["kind"], m["who"]) for m in draft["milestones"]]
    assert got == [("2026-10-15", "other", "các trường"), ("2026-11-05", "event", "Phòng Giáo dục và Đào tạo")]
    assert draft["skipped"] == []


def test_a_start_column_and_an_end_column_make_one_range_whose_end_is_the_deadline():
    rows = [[["TT"], ["Nội dung"], ["Bắt đầu"], ["Hạn hoàn thành"], ["Đơn vị thực hiện"]],
            [["1"], ["Đăng ký thi đua"], ["01/11/2026"], ["15/11/2026"], ["Các trường"]],
            [["2"], ["Gửi báo cáo sơ kết học kỳ I"], ["Từ 02/01/2027"], ["Trước 10/01/2027"], ["Các trường"]]]
    assert column_roles(rows[0]) == ["number", "task", "start", "time", "who"]
    lines = table_lines(rows)
    assert lines[0] == "Từ 01/11/2026 đến 15/11/2026 | Các trường | Đăng ký thi đua"
    draft = parse_plan("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH\nSố: 77/PGDĐT\nAn Bình, ngày 12 tháng 10 năm 2026\n"
                       "V/v lịch thi đua\nI. LỊCH\n" + "\n".join(lines))
    assert [(m["date"], m["kind"]) for m in draft["milestones"]] == [("2026-11-15", "registration"),
                                                                    ("2027-01-10", "preliminary_report")]
    assert {(s["date"], s["reason"]) for s in draft["skipped"]} == {("2026-11-01", "start"), ("2027-01-02", "start")}
