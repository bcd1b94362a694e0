import itertools
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.settings import Settings
from db.engine import get_engine, init_engine
from db.migrate import upgrade

# Set THIDUA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) to run the whole
# suite on PostgreSQL instead of SQLite: each test then gets a database copied from a migrated template.
POSTGRES_URL = os.environ.get("THIDUA_TEST_POSTGRES_URL")
_db_names = itertools.count(1)


def _on_server(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + f"/{database}"


def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path | str:
    """Migrate once; every test gets a copy (Alembic per test would cost seconds)."""
    if POSTGRES_URL:
        name = f"thidua_template_{os.getpid()}"
        _admin(f"DROP DATABASE IF EXISTS {name}")
        _admin(f"CREATE DATABASE {name}")
        upgrade(_on_server(POSTGRES_URL, name))
        yield name
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    yield path


def _fresh_database_url(tmp_path: Path, template) -> str:
    if POSTGRES_URL:
        name = f"thidua_test_{os.getpid()}_{next(_db_names)}"
        _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return _on_server(POSTGRES_URL, name)
    db_path = tmp_path / "thidua.db"
    shutil.copy(template, db_path)
    return f"sqlite:///{db_path}"


@pytest.fixture
def settings(tmp_path, migrated_template) -> Settings:
    url = _fresh_database_url(tmp_path, migrated_template)
    s = Settings(
        _env_file=None, telegram_bot_token="123456:TEST-TOKEN", database_url=url,
        thidua_data_dir=tmp_path / "files", thidua_secret="test-secret",
    )
    init_engine(s.database_url)
    yield s
    get_engine().dispose()
    if POSTGRES_URL:
        _admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture
def db(settings):
    """A fresh, migrated database; yields a session factory."""
    from db.engine import session_scope
    return session_scope


@pytest.fixture
def thidua(settings, monkeypatch, capsys):
    """Runs `thidua ...` like a shell would, on the test database; returns (exit code, stdout, stderr)."""
    from bot import cli
    from bot.settings import get_settings
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(settings.thidua_data_dir))
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    get_settings.cache_clear()

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    yield run
    get_settings.cache_clear()
