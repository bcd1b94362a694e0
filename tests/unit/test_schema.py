"""Migrations build the whole schema; the model's constraints hold."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.models import Contact, Unit
from db.outbox import Outgoing, enqueue, enqueue_many
from handlers.io import OutMessage


def test_migrations_match_the_models(settings):
    engine = create_engine(settings.database_url)   # a copy of the database the migrations built
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert diff == []
    assert set(SQLModel.metadata.tables) <= tables


def test_a_chat_is_bound_to_at_most_one_unit(db):
    with db() as s:
        a, b = Unit(code="A", name="Trường A"), Unit(code="B", name="Trường B")
        s.add_all([a, b])
        s.flush()
        s.add(Contact(unit_id=a.id, channel="telegram", platform_user_id="1", chat_id="1"))
    with pytest.raises(IntegrityError):
        with db() as s:
            s.add(Contact(unit_id=b.id, channel="telegram", platform_user_id="1", chat_id="1"))
    with db() as s:  # the same chat id on another channel is another identity
        s.add(Contact(unit_id=b.id, channel="zalo", platform_user_id="1", chat_id="1"))


def test_a_unit_may_have_several_contacts(db):
    with db() as s:
        u = Unit(code="C", name="Trường C")
        s.add(u)
        s.flush()
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(i), chat_id=str(i)) for i in (5, 6)])


def test_outbox_idempotency_keys_are_unique(db):
    msg = OutMessage("Xin chào")
    with db() as s:
        assert enqueue(s, Outgoing("k1", "telegram", "1", msg)) is True
        assert enqueue(s, Outgoing("k1", "telegram", "1", msg)) is False
        assert enqueue_many(s, [Outgoing("k1", "telegram", "1", msg), Outgoing("k2", "telegram", "1", msg)]) == 1
    from db.models import OutboxMessage
    with pytest.raises(IntegrityError):
        with db() as s:
            s.add(OutboxMessage(idempotency_key="k2", channel="telegram", chat_id="1", payload={}))
