"""Made-up but realistic documents for the render checks and the README's pictures.

    .venv/bin/python -m tests.render.samples docs/      # rewrites docs/nominations-list.png, docs/progress-report.png
"""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.documents.letterhead import Letterhead
from bot.documents.nominations import ListRow, RoundInfo, build_list_docx, build_list_xlsx, build_proposal_docx
from bot.documents.progress_report import build_progress_docx
from db.export_facts import ExportData, ExportMilestone, ExportRow, NominationLine

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2027, 3, 20, 3, 0)          # 10:00 local
LH = Letterhead("Sở Giáo dục và Đào tạo", "UBND tỉnh Bình Phước", "Bình Phước", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                "Nguyễn Văn An", "SGDĐT")
INFO = RoundInfo("quý I/2027", "Phong trào thi đua “Đổi mới, sáng tạo trong dạy và học” năm học 2026-2027",
                 "123/KH-SGDĐT")
SCHOOLS = ["Trường THCS Nguyễn Du", "Trường Tiểu học Tân Tiến", "Trường THPT Đồng Xoài", "Trường Mầm non Hoa Sen",
           "Trường TH&THCS Lê Quý Đôn"]
FEATS = ["Dẫn đầu phong trào chuyển đổi số của cụm; có sáng kiến cấp tỉnh về dạy học STEM",
         "Hoàn thành xuất sắc nhiệm vụ năm học; 100% học sinh lên lớp; 3 học sinh đạt giải học sinh giỏi cấp tỉnh",
         "Tổ chức tốt chuyên đề đổi mới phương pháp; tích cực bồi dưỡng đồng nghiệp trẻ"]


def nominees(n: int = 25) -> list[ListRow]:
    out = []
    for i in range(n):
        collective = i % 5 == 0
        out.append(ListRow(f"Tổ Khoa học tự nhiên {i // 5 + 1}" if collective else f"Nguyễn Thị Minh Hạnh {i + 1}",
                           "Tổ chuyên môn" if collective else ("Giáo viên", "Tổ trưởng chuyên môn", "Phó Hiệu trưởng")[i % 3],
                           f"{SCHOOLS[i % 5]}, huyện Đồng Phú", FEATS[i % 3], "Giấy khen của Giám đốc Sở",
                           "collective" if collective else "individual"))
    return out


def progress_data(units: int = 30) -> ExportData:
    clusters = ["Cụm 1 - Đồng Xoài", "Cụm 2 - Bình Long", "Cụm 3 - Phước Long", None]
    statuses = ["accepted", "submitted", "missing", "accepted", "returned", "submitted", "accepted"]
    ms = []
    for k, (title, days) in enumerate([("Đăng ký thi đua", -40), ("Báo cáo sơ kết học kỳ I", -10),
                                       ("Đề cử gương điển hình tiên tiến", -2), ("Báo cáo tổng kết năm học", 30)]):
        m = ExportMilestone(k + 1, title, "quý I/2027" if k == 2 else None, NOW + timedelta(days=days),
                            "nomination" if k == 2 else "other")
        for u in range(units):
            status = statuses[(u + k) % len(statuses)] if days < 0 or u % 4 == 0 else "missing"
            if status == "accepted" and u % 3 == 0:
                status = "submitted"
            m.rows.append(ExportRow(f"DP{u + 1:03d}", f"{SCHOOLS[u % 5]} (điểm {u + 1})", clusters[u % 4], status,
                                    NOW - timedelta(days=3) if status != "missing" else None, late=u % 6 == 0))
        if k == 2:
            m.nominations = [NominationLine(f"DP{i + 1:03d}", SCHOOLS[i % 5], clusters[i % 4], f"DC-2027-{i:06d}",
                                            r.nominee_type, r.name, r.position, r.achievements, r.award_form,
                                            "accepted", False, NOW - timedelta(days=5)) for i, r in enumerate(nominees(8))]
        ms.append(m)
    return ExportData(7, INFO.campaign, "123/KH-SGDĐT", units, ms)


def write_all(folder: Path) -> dict[str, Path]:
    from handlers.exports_build import build_xlsx
    files = {"nominations-list.docx": build_list_docx(LH, INFO, nominees()),
             "nominations-list.xlsx": build_list_xlsx(LH, INFO, nominees()),
             "proposal.docx": build_proposal_docx(LH, INFO, [r for i, r in enumerate(nominees()) if i % 2 == 0]),
             "progress-report.docx": build_progress_docx(LH, progress_data(), TZ, NOW),
             "workbook.xlsx": build_xlsx(progress_data(300), TZ, NOW)}
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    out["invites.xlsx"] = invite_sheet(folder)
    out["invite-letters.docx"] = folder / "invite-letters.docx"
    return out


def invite_sheet(folder: Path, schools: int = 30) -> Path:
    """The invite list of `thidua units invite`, a QR picture in every row."""
    from bot.invite_sheet import InviteLine, qr_filename, write_qr, write_sheet
    qr_dir = folder / "qr"
    qr_dir.mkdir(exist_ok=True)
    lines = [InviteLine(f"DP{i:03d}", f"{SCHOOLS[i % 5]} (điểm {i})", "THCS", "Cụm 1 - Đồng Xoài", "Cô Lan",
                        "0912 345 678", f"https://t.me/thidua_bot?start=ma{i:04d}", f"ma{i:04d}",
                        NOW + timedelta(days=30), 3) for i in range(1, schools + 1)]
    for line in lines:
        write_qr(line.link, qr_dir / qr_filename(line.code))
    from bot.invite_letters import write_letters
    write_letters(lines[:5], qr_dir, folder / "invite-letters.docx", TZ, "Thi đua Đồng Phú")
    return write_sheet(lines, folder / "invites.xlsx", TZ, qr_dir)


def to_pdf(path: Path, out_dir: Path) -> Path:
    """LibreOffice headless, with a profile of its own (two runs at once would otherwise share one and fail)."""
    profile = out_dir / ".lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(path)], check=True, capture_output=True, timeout=180)
    return out_dir / (path.stem + ".pdf")


def main(argv: list[str]) -> int:
    import tempfile
    docs = Path(argv[0] if argv else "docs")
    with tempfile.TemporaryDirectory() as tmp:
        written = write_all(Path(tmp))
        for name, png in (("nominations-list.docx", "nominations-list"), ("progress-report.docx", "progress-report")):
            pdf = to_pdf(written[name], Path(tmp) / name.split(".")[0])
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(docs / png)], check=True)
            print(docs / f"{png}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
