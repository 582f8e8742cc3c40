"""A sliding-window rate limit per key, as Baton applies per API key (1,000 a minute).

A request is allowed when fewer than `limit` allowed requests of the same key started in
the last `window` seconds; refused requests are not counted (as Django REST Framework's
throttles do), and the answer says how long to wait.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """Counts requests per key over a moving window."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: dict[str, deque[float]] = {}

    def acquire(self, key: str) -> int | None:
        """Count a request; return None when allowed, else the seconds to wait (at least 1)."""
        # Keys are API keys: only their digests are kept in memory.
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = self._clock()
        with self._lock:
            starts = self._starts.setdefault(digest, deque())
            while starts and starts[0] <= now - self.window:
                starts.popleft()
            if len(starts) >= self.limit:
                return max(1, math.ceil(starts[0] + self.window - now))
            starts.append(now)
            return None
