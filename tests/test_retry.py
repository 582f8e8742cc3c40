import pytest

from reconciler.errors import BatonSfError
from reconciler.retry import Backoff, with_retries


class Flaky(BatonSfError):
    retryable = True


def test_transient_failures_are_retried_with_growing_delays() -> None:
    calls: list[int] = []
    slept: list[float] = []

    def fn() -> str:
        calls.append(1)
        if len(calls) < 4:
            raise Flaky("busy")
        return "done"

    result = with_retries(fn, what="x", sleep=slept.append, jitter=lambda: 1.0)

    assert result == "done"
    assert slept == [0.5, 1.0, 2.0]


def test_retry_after_is_honoured() -> None:
    error = Flaky("rate limited")
    error.retry_after = 7.0
    slept: list[float] = []
    outcomes = iter([error, None])

    def fn() -> None:
        failure = next(outcomes)
        if failure:
            raise failure

    with_retries(fn, what="x", sleep=slept.append)

    assert slept == [7.0]


def test_permanent_failures_are_not_retried() -> None:
    calls: list[int] = []

    def fn() -> None:
        calls.append(1)
        raise BatonSfError("bad field")

    with pytest.raises(BatonSfError):
        with_retries(fn, what="x", sleep=lambda _s: None)
    assert len(calls) == 1


def test_gives_up_after_the_last_attempt() -> None:
    calls: list[int] = []

    def fn() -> None:
        calls.append(1)
        raise Flaky("down")

    with pytest.raises(Flaky):
        with_retries(fn, what="x", backoff=Backoff(attempts=3), sleep=lambda _s: None)
    assert len(calls) == 3


def test_jitter_keeps_delays_between_half_and_full() -> None:
    backoff = Backoff(base=1.0, cap=10.0)

    assert backoff.delay(3, None, 0.0) == 2.0
    assert backoff.delay(3, None, 1.0) == 4.0
    assert backoff.delay(10, None, 1.0) == 10.0
