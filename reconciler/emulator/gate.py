"""What happens to a request before it reaches a service: latency, dropped connections,
5xx answers, lock errors, and Baton's rate limit of 1,000 requests a minute per API key.

Every random decision comes from one generator seeded from the faults file, so a failing
run replays with the same seed. `/__emulator/*` is never touched.
"""

from __future__ import annotations

import hmac
import logging
import random
import threading
import time

from .faults import FaultConfig
from .ratelimit import SlidingWindow
from .stats import Stats
from .web import DROPPED, Request, Response, json_response

logger = logging.getLogger(__name__)

_WRITES = ("POST", "PATCH", "PUT", "DELETE")


class Gate:
    """Decides, per request, whether a fault answers instead of the service."""

    def __init__(self, config: FaultConfig, api_key: str, stats: Stats) -> None:
        self.config = config
        self.stats = stats
        self._api_key = api_key
        seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        self.seed = seed
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._baton_window = SlidingWindow(config.baton.rate_per_minute)
        if config != FaultConfig():
            logger.info("fault injection on, seed %d (give it as `seed:` to replay)", seed)

    def before(self, request: Request) -> Response | None:
        """Return the answer of a fault, or None to let the service answer."""
        if request.path.startswith("/__emulator/"):
            return None
        if self.config.latency_ms:
            time.sleep(self.config.latency_ms / 1000)
        if self._chance(self.config.drop_rate):
            self.stats.count("faults", "drop")
            return DROPPED
        if request.path.startswith("/services/"):
            return self._salesforce(request)
        if request.path == "/api" or request.path.startswith("/api/"):
            return self._baton(request)
        return None

    def partial_failure(self) -> bool:
        """Tell whether one record of a collection or Bulk API job fails to lock its row."""
        failed = self._chance(self.config.salesforce.partial_rate)
        if failed:
            self.stats.count("faults", "salesforce.partial")
        return failed

    def _chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def _choice(self, count: int) -> int:
        with self._lock:
            return self._random.randrange(count)

    def _salesforce(self, request: Request) -> Response | None:
        faults = self.config.salesforce
        if self._chance(faults.error_rate):
            self.stats.count("faults", "salesforce.error")
            return _salesforce_error(self._choice(2))
        if _is_record_write(request) and self._chance(faults.lock_rate):
            self.stats.count("faults", "salesforce.lock")
            return json_response(
                400,
                [
                    {
                        "message": "unable to obtain exclusive access to this record or 1 records",
                        "errorCode": "UNABLE_TO_LOCK_ROW",
                        "fields": [],
                    }
                ],
            )
        return None

    def _baton(self, request: Request) -> Response | None:
        given = request.param("api_key")
        # Like Django REST Framework, throttling follows authentication: a request with a
        # wrong key is answered 401 by the service and is not counted.
        if given and hmac.compare_digest(given.encode(), self._api_key.encode()):
            wait = self._baton_window.acquire(given)
            if wait is not None:
                self.stats.count("faults", "baton.throttled")
                return json_response(
                    429,
                    {"detail": f"Request was throttled. Expected available in {wait} seconds."},
                    (("Retry-After", str(wait)),),
                )
        if self._chance(self.config.baton.error_rate):
            self.stats.count("faults", "baton.error")
            return _baton_error(self._choice(2))
        return None


def _is_record_write(request: Request) -> bool:
    """Record writes are the requests that lock rows: sObject rows and collections."""
    if request.method not in _WRITES or not request.path.startswith("/services/data/"):
        return False
    return "/sobjects" in request.path and "/tooling/" not in request.path


def _salesforce_error(which: int) -> Response:
    if which == 0:
        return json_response(
            500,
            [
                {
                    "errorCode": "UNKNOWN_EXCEPTION",
                    "message": "An unexpected error occurred. Please include this ErrorId if "
                    "you contact support: 1785011913-1 (-1375426911)",
                }
            ],
        )
    return json_response(
        503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "Server unavailable, try again."}]
    )


def _baton_error(which: int) -> Response:
    if which == 0:
        return Response(500, b"<h1>Server Error (500)</h1>", content_type="text/html")
    return Response(
        503,
        b"<html><body><h1>503 Service Unavailable</h1></body></html>",
        content_type="text/html",
    )
