"""Request counters by service and kind, served at `GET /__emulator/stats`.

Benchmarks and tests read them to check how many calls of each kind a run made.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counts of requests, and the Salesforce API usage of the day."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._api_usage = 0

    def count(self, service: str, kind: str) -> None:
        """Count one request of a service ("salesforce" or "baton") and kind."""
        with self._lock:
            self._counts[(service, kind)] += 1

    def use_api(self) -> int:
        """Count one authenticated Salesforce request and return the day's usage."""
        with self._lock:
            self._api_usage += 1
            return self._api_usage

    @property
    def api_usage(self) -> int:
        """Authenticated Salesforce requests so far."""
        with self._lock:
            return self._api_usage

    def reset(self) -> None:
        """Forget the counts by kind (the API usage of the day stays)."""
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict[str, Any]:
        """Return `{"salesforce": {kind: n}, "baton": {kind: n}, "total": {service: n}}`."""
        with self._lock:
            counts = dict(self._counts)
        result: dict[str, Any] = {"salesforce": {}, "baton": {}, "total": {}}
        for (service, kind), number in sorted(counts.items()):
            result.setdefault(service, {})[kind] = number
            result["total"][service] = result["total"].get(service, 0) + number
        for service in ("salesforce", "baton"):
            result["total"].setdefault(service, 0)
        return result
