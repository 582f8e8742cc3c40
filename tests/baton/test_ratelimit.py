"""The sliding-window ceiling and the retry waits, with a clock that moves only when slept."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from reconciler.baton.ratelimit import SlidingWindow
from reconciler.baton.retry import RetryPolicy, retry_after_seconds
from tests.baton.test_client import FakeTime


def window_for(limit: int, time: FakeTime) -> SlidingWindow:
    return SlidingWindow(limit, clock=time.clock, sleep=time.sleep)


def test_a_burst_up_to_the_limit_waits_for_nothing() -> None:
    time = FakeTime()
    window = window_for(1000, time)

    waits = [window.acquire() for _ in range(1000)]

    assert sum(waits) == 0 and time.sleeps == []
    assert window.in_window() == 1000


def test_the_request_over_the_limit_waits_until_the_oldest_leaves_the_window() -> None:
    time = FakeTime()
    window = window_for(2, time)
    window.acquire()
    time.now += 15
    window.acquire()

    waited = window.acquire()

    assert waited == 45.0 and time.now == 1060.0


@given(
    limit=st.integers(1, 20),
    gaps=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=80),
)
def test_no_minute_ever_holds_more_requests_than_the_limit(limit: int, gaps: list[float]) -> None:
    time = FakeTime()
    window = window_for(limit, time)
    sent = []

    for gap in gaps:
        time.now += gap
        window.acquire()
        sent.append(time.now)

    for index, start in enumerate(sent):
        in_minute = [moment for moment in sent[index:] if moment < start + 60]
        assert len(in_minute) <= limit


@given(attempt=st.integers(1, 30), seed=st.integers(0, 2**32))
def test_backoff_waits_stay_between_half_a_step_and_a_step(attempt: int, seed: int) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
    step = min(30.0, 0.5 * 2 ** (attempt - 1))

    wait = policy.backoff(attempt, random.Random(seed))

    assert step / 2 <= wait <= step


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)

    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Mon, 05 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Mon, 05 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
