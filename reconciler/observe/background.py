"""One read on a thread of its own while the caller reads the other service.

Baton's limit of 1,000 requests a minute makes its reads the long pole of a plan; the
Salesforce reads, which need nothing from Baton, run meanwhile. The thread is a daemon: a
failed or interrupted plan never waits for it to finish before exiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """`call()` running on a daemon thread; `result()` waits for it and returns its value
    or raises what it raised."""

    def __init__(self, call: Callable[[], T], name: str) -> None:
        self._call = call
        self._value: tuple[T] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = (self._call(),)
        except BaseException as exc:  # handed to the caller by result() or check()
            self._error = exc

    def check(self) -> None:
        """Raise what the call raised, if it has already failed; otherwise return at once."""
        if not self._thread.is_alive() and self._error is not None:
            raise self._error

    def result(self) -> T:
        """The call's value, waiting for it to finish."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._value is None:
            raise RuntimeError("the background call ended without a value or an error")
        return self._value[0]
