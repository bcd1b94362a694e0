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


# --------------------------------------------------------------------------------- `thidua run` failing to start

import asyncio  # noqa: E402  (the start-up failure tests' own helpers)
import logging  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402
from contextlib import contextmanager  # noqa: E402

TG_TOKEN = "123456:TG-SECRET-do-not-print"
ZALO_TOKEN = "987654:ZALO-SECRET-do-not-print"


@contextmanager
def serving(sandbox):
    """Run a sandbox on its own event loop in a thread, so `thidua run` can own the test's thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(sandbox.start(), loop).result(10)
    try:
        yield sandbox
    finally:
        asyncio.run_coroutine_threadsafe(sandbox.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def closed_port_url(path: str) -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}{path}"


def everything_logged(caplog) -> str:
    return "\n".join(r.getMessage() + ("".join(traceback.format_exception(*r.exc_info)) if r.exc_info else "")
                     for r in caplog.records)


@pytest.fixture
def run_env(thidua, monkeypatch, caplog):
    """`thidua run` in this process, with raw log records: logs.configure (which would redact them) is
    replaced by its quiet part, so a record that carried a token would show it here."""
    from bot import logs
    monkeypatch.setattr(logs, "configure", lambda level, secrets: logs.quiet_noisy_loggers())
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_FILE_BASE_URL",
                 "ZALO_API_BASE_URL", "THIDUA_SECRET"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.DEBUG)
    return thidua, monkeypatch, caplog


def assert_token_nowhere(token: str, out: str, err: str, caplog) -> None:
    secret_part = token.split(":", 1)[1]
    for text in (out, err, everything_logged(caplog)):
        assert secret_part not in text


@pytest.mark.reliability
def test_a_token_telegram_rejects_gives_one_line_exit_2_and_is_printed_nowhere(run_env):
    from bot.sandbox import TelegramSandbox
    thidua, monkeypatch, caplog = run_env
    with serving(TelegramSandbox("123456:the-real-one")) as sandbox:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", sandbox.api_base_url)
        code, out, err = thidua("run")
    assert code == 2 and err.strip() == texts.CLI_RUN_TOKEN_REJECTED["telegram"]
    assert_token_nowhere(TG_TOKEN, out, err, caplog)


@pytest.mark.reliability
def test_an_unreachable_telegram_api_gives_a_clear_line_and_no_token(run_env):
    thidua, monkeypatch, caplog = run_env
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TG_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", closed_port_url("/bot"))
    code, out, err = thidua("run")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert err.startswith("Không kết nối được tới máy chủ Telegram") and "NetworkError" in err
    assert_token_nowhere(TG_TOKEN, out, err, caplog)


@pytest.mark.reliability
def test_a_token_zalo_rejects_gives_one_line_exit_2_and_is_printed_nowhere(run_env):
    from bot.zalo_sandbox import ZaloSandbox
    thidua, monkeypatch, caplog = run_env
    with serving(ZaloSandbox(token="987654:the-real-one")) as sandbox:
        monkeypatch.setenv("ZALO_BOT_TOKEN", ZALO_TOKEN)
        monkeypatch.setenv("ZALO_API_BASE_URL", sandbox.api_base_url)
        code, out, err = thidua("run", "--port", "0")
    assert code == 2 and err.strip() == texts.CLI_RUN_TOKEN_REJECTED["zalo"]
    assert_token_nowhere(ZALO_TOKEN, out, err, caplog)


@pytest.mark.reliability
def test_in_a_real_process_a_rejected_token_never_reaches_stderr(tmp_path):
    from bot.sandbox import TelegramSandbox
    with serving(TelegramSandbox("123456:the-real-one")) as sandbox:
        result = run_thidua("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                                        "THIDUA_DATA_DIR": str(tmp_path / "files"),
                                        "TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_API_BASE_URL": sandbox.api_base_url})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and TG_TOKEN.split(":")[1] not in result.stderr + result.stdout
    assert texts.CLI_RUN_TOKEN_REJECTED["telegram"] in result.stderr


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


@pytest.mark.reliability
def test_a_truncated_plan_pdf_is_no_traceback_in_a_real_process(tmp_path):
    path = tmp_path / "ke_hoach.pdf"
    path.write_bytes(text_pdf()[:200])
    result = run_thidua("plan", "parse", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == texts.DOCUMENT_CORRUPT.format(name="ke_hoach.pdf")
