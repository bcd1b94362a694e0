"""The `thidua` command line: clear failures, migrations from the CLI."""
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, inspect

from bot import texts
from tests.support.documents import docx_bytes, ole, pdf_with, png, random_zip, text_pdf, xlsx_bytes


def run_thidua(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_URL"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=full_env,
                          timeout=60)


def test_run_without_a_token_says_so_in_one_line_and_exits_2(tmp_path):
    result = run_thidua("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_builds_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    result = run_thidua("db", "upgrade", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"unit", "contact", "campaign", "milestone", "submission", "outboxmessage", "alembic_version"} <= tables


# ---- thidua plan parse FILE: the guarded reader (schedules.documents) -------------------------------------


BAD_PLANS = [
    ("empty", "kh.pdf", lambda: b""),
    ("corrupt", "kh.pdf", lambda: text_pdf()[:200]),
    ("encrypted", "kh.pdf", lambda: pdf_with(password="matkhau")),
    ("mislabelled", "kh.pdf", png),
    ("mislabelled", "kh.pdf", xlsx_bytes),
    ("mislabelled", "kh.docx", random_zip),
    ("no_text", "kh.pdf", lambda: pdf_with(blank=True)),
    ("unsupported", "kh.doc", lambda: ole("WordDocument")),
]


@pytest.mark.parametrize("reason, name, make", BAD_PLANS, ids=[f"{r}-{n}" for r, n, _ in BAD_PLANS])
def test_plan_parse_gives_one_vietnamese_line_and_exit_2_for_a_bad_file(thidua, tmp_path, reason, name, make):
    from schedules.documents import UnreadableDocument, read_text_document

    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(UnreadableDocument) as expected:
        read_text_document(path, name, None)
    assert expected.value.reason == reason
    code, out, err = thidua("plan", "parse", path)
    assert (code, out) == (2, "")
    assert err == expected.value.message + "\n" and "\n" not in expected.value.message


@pytest.mark.parametrize("name, make", [("kh.pdf", text_pdf), ("kh.docx", docx_bytes)])
def test_plan_parse_still_reads_good_files(thidua, tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = thidua("plan", "parse", path, "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["period_start"] == "2026-09-01"     # read: the school year 2026-2027 of PLAN_TEXT


def test_a_truncated_plan_pdf_is_no_traceback_in_a_real_process(tmp_path):
    path = tmp_path / "ke_hoach.pdf"
    path.write_bytes(text_pdf()[:200])
    result = run_thidua("plan", "parse", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == texts.DOCUMENT_CORRUPT.format(name="ke_hoach.pdf")
