"""When and how long to wait before sending a failed Baton request again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: at most `attempts` tries of one request, waits growing from
    `base_delay` and capped at `max_delay`, and a server's `Retry-After` honoured up to
    `max_retry_after` seconds (a longer one ends the run with the error instead)."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """The wait after failed try number `attempt` (1-based): exponential with jitter.

        Half of the exponential step is fixed and half is random, so clients that failed
        together do not retry together, and no wait is shorter than half a step.
        """
        step = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return step / 2 + rng.uniform(0, step / 2)


DEFAULT_RETRY = RetryPolicy()


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None when
    there is no usable header."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
