"""A sliding-window request ceiling: at most `limit` requests in any `window` seconds.

Baton allows 1,000 requests a minute per API key. Spacing requests evenly would slow every
run to that pace; a sliding window lets a short run go at full speed and makes a long one
wait only when the last minute is full.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """The requests of the last `window` seconds, each counted from when its answer came.

    The server counts a request from when it arrived, which is after the client sent it and
    before the answer came back; counting from the answer keeps the client's window behind
    the server's, whatever the network's delay. A request still waiting for its answer
    counts as sent just now.
    """

    limit: int
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _answered: deque[float] = field(default_factory=deque)
    _open: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.limit = max(1, int(self.limit))

    def acquire(self) -> float:
        """Wait until one more request fits in the window, count it as open, return the
        wait. Call `release()` when its answer (or its failure) comes."""
        waited = 0.0
        with self._lock:
            now = self.clock()
            self._forget(now)
            while self._answered and len(self._answered) + self._open >= self.limit:
                frees_at = self._answered[0] + self.window
                if frees_at > now:
                    self.sleep(frees_at - now)
                    waited += frees_at - now
                    now = max(self.clock(), frees_at)
                self._answered.popleft()
                self._forget(now)
            self._open += 1
        return waited

    def release(self) -> None:
        """The answer to an acquired request came: it counts from now."""
        with self._lock:
            self._open = max(0, self._open - 1)
            self._answered.append(self.clock())

    def in_window(self) -> int:
        """Requests answered within the last `window` seconds, and those still open."""
        with self._lock:
            self._forget(self.clock())
            return len(self._answered) + self._open

    def _forget(self, now: float) -> None:
        while self._answered and self._answered[0] + self.window <= now:
            self._answered.popleft()
