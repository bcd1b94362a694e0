import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from db.engine import init_engine
from db.migrate import upgrade


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """Migrate once; every test gets a copy (Alembic per test would cost seconds)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path, migrated_template) -> Settings:
    db_path = tmp_path / "thidua.db"
    shutil.copy(migrated_template, db_path)
    s = Settings(
        _env_file=None, telegram_bot_token="123456:TEST-TOKEN", database_url=f"sqlite:///{db_path}",
        thidua_data_dir=tmp_path / "files", thidua_secret="test-secret",
    )
    init_engine(s.database_url)
    return s


@pytest.fixture
def db(settings):
    """A fresh, migrated database; yields a session factory."""
    from db.engine import session_scope
    return session_scope
