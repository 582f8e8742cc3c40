"""The reconcile loop: imports on a short cadence, sync-back on a long one.

Each turn runs one cycle (plan, then apply) of the kind that is due. A failed cycle is
retried with exponential backoff instead of waiting for its next turn. SIGTERM and SIGINT
ask the loop to stop: the cycle in flight finishes its batch, the lock is released, and the
loop returns 0.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Literal

from reconciler.errors import BatonSfError

log = logging.getLogger(__name__)

CycleKind = Literal["import", "sync"]


@dataclass(frozen=True)
class CycleResult:
    """What one cycle did."""

    kind: CycleKind
    changes: int
    failed: int


@dataclass
class StopFlag:
    """Set by a signal; cycles check it between batches."""

    requested: bool = False

    def __call__(self) -> bool:
        return self.requested


@dataclass
class Loop:
    """Runs import and sync cycles on their cadences until asked to stop."""

    cycle: Callable[[CycleKind], CycleResult]
    sync_every: float
    import_every: float
    on_result: Callable[[CycleResult], None] = lambda _result: None
    on_error: Callable[[CycleKind, BatonSfError, float], None] = lambda _k, _e, _d: None
    stop: StopFlag = field(default_factory=StopFlag)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    max_backoff: float = 900.0

    def run(self, once: bool = False) -> int:
        """Loop until stopped (or after one sync cycle with `once`); returns the exit code."""
        due = {"import": self.clock(), "sync": self.clock()}
        failures = {"import": 0, "sync": 0}
        while not self.stop():
            kind: CycleKind = "sync" if due["sync"] <= due["import"] else "import"
            self._wait_until(due[kind])
            if self.stop():
                break
            delay = self._turn(kind, failures)
            if once and kind == "sync":
                return 1 if failures["sync"] else 0
            due[kind] = self.clock() + delay
            if kind == "sync":
                due["import"] = max(due["import"], self.clock() + self.import_every)
        return 0

    def _turn(self, kind: CycleKind, failures: dict[str, int]) -> float:
        try:
            result = self.cycle(kind)
        except BatonSfError as exc:
            failures[kind] += 1
            delay = min(self.max_backoff, 2.0 ** failures[kind])
            self.on_error(kind, exc, delay)
            return delay
        failures[kind] = 0
        self.on_result(result)
        return self.sync_every if kind == "sync" else self.import_every

    def _wait_until(self, moment: float) -> None:
        while not self.stop():
            remaining = moment - self.clock()
            if remaining <= 0:
                return
            self.sleep(min(remaining, 1.0))


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[StopFlag]:
    """Turn SIGTERM and SIGINT into a stop request for the duration of the block."""

    def request(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the batch in flight, then stopping", signum)
        flag.requested = True

    previous = {sig: signal.signal(sig, request) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield flag
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
