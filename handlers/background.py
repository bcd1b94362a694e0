"""Work that runs after a transaction commits, outside any transaction or lock: downloads, parsing a plan,
building an export. The engine starts it (Ctx.after_commit); the runtime waits for it when stopping.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

_tasks: set[asyncio.Task] = set()


def spawn(job: Job, name: str = "job") -> asyncio.Task:
    async def run() -> None:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background %s failed", name)

    task = asyncio.get_running_loop().create_task(run(), name=name)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


def running() -> int:
    return sum(1 for t in _tasks if not t.done())


async def drain(timeout: float = 10.0) -> bool:
    """Wait for the jobs started so far (and those they start); True if all finished in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = [t for t in _tasks if not t.done() and t.get_loop() is loop]
        if not pending:
            return True
        left = deadline - loop.time()
        if left <= 0:
            return False
        await asyncio.wait(pending, timeout=left)


async def cancel_all() -> None:
    loop = asyncio.get_running_loop()
    pending = [t for t in _tasks if not t.done() and t.get_loop() is loop]
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


def _no_dispatcher() -> None:
    pass


# Set by the runtime to the outbox dispatcher's wake(): a background job that queued messages calls it so
# they go out now rather than at the dispatcher's next look at the database.
wake_outbox: Callable[[], None] = _no_dispatcher
