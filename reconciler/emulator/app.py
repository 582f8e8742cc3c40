"""The emulator application: one object that answers every request of the HTTPS server.

`/services/...` is Salesforce, `/api/...` is Baton, `/__emulator/...` is the emulator's own
health and request counters (no credentials: the server listens on loopback only).
"""

from __future__ import annotations

import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .baton import Workspace
from .baton_api import BatonApi
from .faults import FaultConfig, read_faults
from .gate import Gate
from .org import Org, build_org
from .salesforce_api import SalesforceApi
from .stats import Stats
from .web import Request, Response, json_response

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credentials:
    """The Salesforce access token and Baton API key of one emulator run."""

    token: str = field(repr=False)
    api_key: str = field(repr=False)


# Known limit: requests are answered one at a time (one SQLite connection behind one lock);
# concurrent clients wait for each other.
class App:
    """Routes requests to the Salesforce and Baton APIs; one request at a time."""

    def __init__(
        self, org: Org, credentials: Credentials, faults: FaultConfig | None = None
    ) -> None:
        schema, store = org.schema, org.store
        self.schema = schema
        self.store = store
        self.stats = Stats()
        self.gate = Gate(faults or FaultConfig(), credentials.api_key, self.stats)
        self.salesforce = SalesforceApi(
            org,
            self.stats,
            credentials.token,
            self.gate.config.salesforce,
            self.gate.partial_failure,
        )
        self.baton = BatonApi(Workspace(store), self.stats, credentials.api_key)

    @classmethod
    def build(
        cls,
        db_path: Path,
        credentials: Credentials,
        *,
        schema_dir: Path | None = None,
        seed: Path | None = None,
        faults: Path | None = None,
    ) -> App:
        """Create fresh storage from a schema and seed and return the app serving it."""
        config = read_faults(faults) if faults is not None else None
        return cls(build_org(db_path, schema_dir, seed), credentials, config)

    def close(self) -> None:
        """Release the storage."""
        self.store.close()

    def handle(self, request: Request) -> Response:
        """Answer one request; an unexpected failure is a 500, never a dropped connection."""
        fault = self.gate.before(request)
        if fault is not None:
            return fault
        try:
            with self.store.lock:
                return self._route(request)
        except Exception:
            logger.error(
                "unexpected failure on %s %s\n%s",
                request.method,
                request.path,
                traceback.format_exc(),
            )
            return self._internal_error(request)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/services/"):
            return self.salesforce.handle(request)
        if path == "/api" or path.startswith("/api/"):
            return self.baton.handle(request)
        if path.startswith("/__emulator/"):
            return self._control(request)
        return json_response(404, {"detail": "Not found."})

    def _control(self, request: Request) -> Response:
        if request.path == "/__emulator/health":
            return json_response(200, {"status": "ok", "pid": os.getpid()})
        if request.path == "/__emulator/stats":
            if request.method == "DELETE":
                self.stats.reset()
            return json_response(200, self.stats.snapshot())
        return json_response(404, {"detail": "Not found."})

    def _internal_error(self, request: Request) -> Response:
        if request.path.startswith("/services/"):
            return json_response(
                500,
                [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}],
            )
        return json_response(500, {"detail": "A server error occurred."})
