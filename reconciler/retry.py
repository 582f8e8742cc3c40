"""Retrying transient failures: exponential backoff with jitter, `Retry-After` honoured.

Only errors marked retryable (HTTP 429 and 5xx, UNABLE_TO_LOCK_ROW, REQUEST_LIMIT_EXCEEDED,
dropped connections) are retried; permanent ones are raised at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from reconciler.errors import BatonSfError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """How often and how long to retry."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, jitter: float) -> float:
        """Seconds to wait before attempt `attempt + 1`; `jitter` is drawn from [0, 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap * 4)
        growth: float = self.base * 2.0 ** (attempt - 1)
        return min(self.cap, growth) * (0.5 + jitter / 2)


DEFAULT = Backoff()


def with_retries(
    fn: Callable[[], T],
    *,
    what: str,
    backoff: Backoff = DEFAULT,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Call `fn`, retrying it while it fails with a retryable baton-sf error."""
    attempt = 1
    while True:
        try:
            return fn()
        except BatonSfError as exc:
            if not exc.retryable or attempt >= backoff.attempts:
                raise
            delay = backoff.delay(attempt, exc.retry_after, jitter())
            log.info("%s failed (%s); retry %d in %.1fs", what, exc.message, attempt, delay)
            sleep(delay)
            attempt += 1
