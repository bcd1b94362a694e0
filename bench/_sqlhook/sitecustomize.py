"""Loaded by the bot child process of bench.cpu (this folder is put first on its PYTHONPATH).

Counts every SQL statement SQLAlchemy executes in the process; on SIGUSR1 writes the count to the file named
by THIDUA_BENCH_SQL_COUNT. Nothing runs in between, so idle CPU is not disturbed.
"""
import os
import signal

_path = os.environ.get("THIDUA_BENCH_SQL_COUNT")
if _path:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _count = [0]

    @event.listens_for(Engine, "before_cursor_execute")
    def _on_statement(*_args):
        _count[0] += 1

    def _dump(*_args):
        with open(_path + ".tmp", "w") as f:
            f.write(str(_count[0]))
        os.replace(_path + ".tmp", _path)

    signal.signal(signal.SIGUSR1, _dump)
