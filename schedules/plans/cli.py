"""``thidua plan parse FILE [--json]``: the draft of one plan file, as a Vietnamese summary or JSON."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from schedules.plans.draft import parse_plan


_KIND_VI = {
    "plan_submission": "nộp kế hoạch",
    "registration": "đăng ký thi đua",
    "preliminary_report": "báo cáo sơ kết",
    "final_report": "báo cáo tổng kết",
    "periodic_report": "báo cáo định kỳ",
    "award_dossier": "hồ sơ khen thưởng",
    "nomination": "đề cử điển hình",
    "event": "sự kiện",
    "other": "khác",
}
_EVERY_VI = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng/lần", "year": "hằng năm"}


def _vn_date(iso: str | None, precision: str = "day") -> str:
    if not iso:
        return "—"
    d = date.fromisoformat(iso)
    if precision == "month":
        return f"tháng {d.month:02d}/{d.year}"
    if precision == "year":
        return f"năm {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def format_summary(result: dict) -> str:
    """Readable Vietnamese summary of a parse result."""
    out = [
        f"Cơ quan ban hành: {result.get('issuer') or '—'}",
        f"Số/ký hiệu: {result.get('doc_number') or '—'}",
        f"Ngày ban hành: {_vn_date(result.get('issued_date'))}",
        f"Tiêu đề: {result.get('title') or '—'}",
        f"Thời gian: {_vn_date(result.get('period_start'))} → {_vn_date(result.get('period_end'))}",
        "",
        f"Mốc thời hạn ({len(result.get('milestones', []))}):",
    ]
    for m in result.get("milestones", []):
        d = date.fromisoformat(m["date"])
        prefix = {"day": "", "month": "(trong tháng) ", "year": "(trong năm) "}.get(m["precision"], "")
        out.append(f"  - {d.day:02d}/{d.month:02d}/{d.year} {prefix}· {_KIND_VI.get(m['kind'], m['kind'])} · {m['who']} · {m['text']}")
    if not result.get("milestones"):
        out.append("  (không tìm thấy mốc thời hạn)")
    if result.get("recurring"):
        out.append("")
        out.append("Nhiệm vụ định kỳ:")
        for r in result["recurring"]:
            out.append(f"  - {_EVERY_VI.get(r['every'], r['every'])}: {r['what']}")
    if result.get("recurring_milestones"):
        out.append("")
        out.append("Mốc định kỳ (mỗi kỳ một mốc):")
        for m in result["recurring_milestones"]:
            out.append(f"  - {_EVERY_VI.get(m['recurrence'], m['recurrence'])} · {_KIND_VI.get(m['kind'], m['kind'])} · "
                       f"{m['who']} · kỳ đầu hạn {_vn_date(m['date'])}")
    if result.get("skipped"):
        from bot.texts import PLAN_SKIP_REASONS

        out.append("")
        out.append(f"Ngày không lấy làm mốc ({len(result['skipped'])}):")
        for x in result["skipped"]:
            out.append(f"  - {_vn_date(x['date'], x.get('precision', 'day'))} ({PLAN_SKIP_REASONS.get(x['reason'], x['reason'])})"
                       f": {x['text']}")
    if result.get("awards"):
        out.append("")
        out.append("Hình thức khen thưởng: " + "; ".join(result["awards"]))
    if result.get("nomination_quota"):
        out.append(f"Chỉ tiêu đề nghị: {result['nomination_quota']}")
    if result.get("dossier"):
        out.append("Hồ sơ gồm: " + "; ".join(result["dossier"]))
    c = result.get("contact")
    if c:
        out.append("Liên hệ: " + ", ".join(v for v in (c.get("name"), c.get("phone"), c.get("email")) if v))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``thidua plan parse FILE [--json]`` (argv = ``[FILE, --json]``)."""
    ap = argparse.ArgumentParser(prog="thidua plan parse", description="Đọc kế hoạch thi đua (.txt/.docx/.pdf) và trích mốc thời hạn")
    ap.add_argument("file", help="tệp kế hoạch: .txt, .docx hoặc .pdf")
    ap.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ap.add_argument("--today", help="ngày tham chiếu YYYY-MM-DD (mặc định: hôm nay)")
    args = ap.parse_args(list(argv) if argv is not None else None)
    from schedules.plans.reading import read_plan_text

    path = Path(args.file)
    try:
        text = read_plan_text(path)
    except (OSError, ValueError) as exc:
        print(f"Không đọc được tệp {path}: {exc}", file=sys.stderr)
        return 2
    today = date.fromisoformat(args.today) if args.today else None
    result = parse_plan(text, today=today)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_summary(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
