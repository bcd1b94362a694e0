"""Loaded by the bot child processes of bench.cpu (this folder is put first on their PYTHONPATH).

On SIGUSR1 writes to the file named by THIDUA_BENCH_SQL_COUNT the number of SQL statements SQLAlchemy has
executed in the process (if that variable is set) and to THIDUA_BENCH_CPU its CPU time (time.process_time():
microseconds, where /proc's utime+stime count 10 ms ticks, too coarse for an idle bot). Nothing runs in
between, so idle CPU is not disturbed.
"""
import os
import signal
import time


def _write(path: str, value) -> None:
    with open(path + ".tmp", "w") as f:
        f.write(str(value))
    os.replace(path + ".tmp", path)


_cpu_path = os.environ.get("THIDUA_BENCH_CPU")
_path = os.environ.get("THIDUA_BENCH_SQL_COUNT")
if _path:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _count = [0]

    @event.listens_for(Engine, "before_cursor_execute")
    def _on_statement(*_args):
        _count[0] += 1


def _dump(*_args):
    if _cpu_path:
        _write(_cpu_path, repr(time.process_time()))
    if _path:
        _write(_path, _count[0])


if _path or _cpu_path:
    signal.signal(signal.SIGUSR1, _dump)
