"""A stop in the middle of a launch loses nothing and sending resumes within seconds of a restart.

kill -9 leaves the rows the dead process held under short leases, which the next process releases once
they run out; SIGTERM hands them back at once. At most one duplicate per row: a send that went out but
whose result was not recorded."""
import asyncio
import signal
import time
from collections import Counter

import pytest

from bench.broadcast import FIRST_CONTACT_ID, STAFF_ID, launch_in_chat, seed

pytestmark = pytest.mark.reliability

N = 240


def launched(box) -> list[tuple[float, int]]:
    contacts = range(FIRST_CONTACT_ID, FIRST_CONTACT_ID + N)
    return [(t, c) for t, c, method in box.admitted if method == "sendDocument" and c in contacts]


@pytest.fixture
def sandbox(timed_sandbox):
    timed_sandbox.add_user(STAFF_ID, "Cán bộ thi đua")
    for i in range(N):
        timed_sandbox.add_user(FIRST_CONTACT_ID + i, f"Đầu mối {i}")
    return timed_sandbox


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
async def test_a_stop_mid_launch_loses_nothing_and_resumes_at_once(how, settings, sandbox, bots):
    campaign_id = seed(settings, N)
    first = bots()
    await launch_in_chat(sandbox, campaign_id)
    await sandbox.wait_for(lambda: len(launched(sandbox)) >= N // 3, timeout=60)
    first.signal(how)
    code = await first.wait_exit(30)
    assert code == (-9 if how == signal.SIGKILL else 0), first.output()[-2000:]
    before = len(launched(sandbox))
    restarted = time.monotonic()
    second = bots()
    await sandbox.wait_for(lambda: len({c for _, c in launched(sandbox)}) == N, timeout=90)
    resumed = next(t for t, _ in launched(sandbox)[before:]) - restarted
    await sandbox.wait_for_message(STAFF_ID, contains="Báo cáo phát động", timeout=30)   # the launch ends
    per_contact = Counter(c for _, c in launched(sandbox))
    duplicated = sum(n - 1 for n in per_contact.values())
    assert len(per_contact) == N                         # nobody stranded
    assert max(per_contact.values()) <= 2
    assert duplicated <= (0 if how == signal.SIGTERM else 5), duplicated
    assert resumed < 10.0, resumed
    assert "Traceback" not in second.output()
