"""The one clock of the app: naive UTC (portable across SQLite and PostgreSQL); tests move it with time-machine."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
