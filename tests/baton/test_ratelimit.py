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


def send(window: SlidingWindow, time: FakeTime, latency: float = 0.0) -> float:
    """One request whose answer takes `latency` seconds; returns the wait before it."""
    waited = window.acquire()
    time.now += latency
    window.release()
    return waited


def test_a_burst_up_to_the_limit_waits_for_nothing() -> None:
    time = FakeTime()
    window = window_for(1000, time)

    waits = [send(window, time) for _ in range(1000)]

    assert sum(waits) == 0 and time.sleeps == []
    assert window.in_window() == 1000


def test_the_request_over_the_limit_waits_until_the_oldest_leaves_the_window() -> None:
    time = FakeTime()
    window = window_for(2, time)
    send(window, time)
    time.now += 15
    send(window, time)

    waited = send(window, time)

    assert waited == 45.0 and time.now == 1060.0


def test_a_request_counts_from_when_its_answer_came() -> None:
    # The server counted the first request when it arrived, somewhere within its two
    # seconds on the wire; the third may only leave a minute after the first's answer.
    time = FakeTime()
    window = window_for(2, time)
    send(window, time, latency=2.0)
    send(window, time, latency=2.0)

    waited = send(window, time)

    assert waited == 58.0 and time.now == 1062.0


def test_a_request_waiting_for_its_answer_counts_in_the_window() -> None:
    time = FakeTime()
    window = window_for(3, time)
    send(window, time)
    window.acquire()

    assert window.in_window() == 2
    window.release()
    assert window.in_window() == 2


@given(
    limit=st.integers(1, 20),
    requests=st.lists(
        st.tuples(st.floats(0, 30, allow_nan=False), st.floats(0, 5, allow_nan=False)),
        min_size=1,
        max_size=80,
    ),
)
def test_no_minute_the_server_sees_holds_more_requests_than_the_limit(
    limit: int, requests: list[tuple[float, float]]
) -> None:
    # The server sees each request at some moment between its sending and its answer; at
    # worst, an earlier one as late as its answer and a later one as early as its sending.
    time = FakeTime()
    window = window_for(limit, time)
    spans = []

    for gap, latency in requests:
        time.now += gap
        window.acquire()
        sent = time.now
        time.now += latency
        window.release()
        spans.append((sent, time.now))

    for index, (_, answered) in enumerate(spans):
        in_minute = [sent for sent, _ in spans[index:] if sent < answered + 60]
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
