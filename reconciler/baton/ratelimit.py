"""A sliding-window request ceiling: at most `limit` requests in any `window` seconds.

Baton allows 1,000 requests a minute per API key. Spacing requests evenly would slow every
run to that pace; a sliding window lets a short run go at full speed and makes a long one
wait only when the last minute is full.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """Timestamps of the requests of the last `window` seconds."""

    limit: int
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.limit = max(1, int(self.limit))

    def acquire(self) -> float:
        """Wait until one more request fits in the window, record it, return the wait."""
        waited = 0.0
        now = self.clock()
        self._forget(now)
        while len(self._sent) >= self.limit:
            frees_at = self._sent[0] + self.window
            if frees_at > now:
                self.sleep(frees_at - now)
                waited += frees_at - now
                now = max(self.clock(), frees_at)
            self._sent.popleft()
            self._forget(now)
        self._sent.append(now)
        return waited

    def in_window(self) -> int:
        """Requests sent within the last `window` seconds."""
        self._forget(self.clock())
        return len(self._sent)

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] + self.window <= now:
            self._sent.popleft()
