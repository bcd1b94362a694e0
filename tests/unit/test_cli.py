"""The `thidua` command line: clear failures, migrations from the CLI."""
import os
import subprocess
import sys

from sqlalchemy import create_engine, inspect


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
