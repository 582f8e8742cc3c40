"""The Salesforce APIs under `/services/`, as simple-salesforce calls them: OAuth, REST
(`/services/data/vNN.N/`), the Tooling API and Bulk API 2.0.

Every data call needs an access token and acts as the token's user, seeing the org through
that user's rights and field-level security. Every answer carries `Sforce-Limit-Info`; once
the day's allowance is spent, calls are refused with 403 REQUEST_LIMIT_EXCEEDED.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from . import soql
from .access import Access
from .bulk import BulkApi
from .call import Call
from .collections_api import CollectionsApi
from .describe import JsonDict, SObject
from .faults import SalesforceFaults
from .metadata_query import MetadataQueries
from .oauth import OAuthApi
from .org import Org
from .query import BATCH_SIZE, QueryEngine
from .record_api import RecordApi
from .records import Records
from .rules import RecordRules
from .sessions import Sessions
from .sf_http import method_not_allowed, not_found, sf_error
from .soql import SoqlError
from .stats import Stats
from .tooling import ToolingApi
from .web import Request, Response, json_response

API_VERSIONS = tuple(f"{major}.0" for major in range(31, 63))

_VERSIONED = re.compile(r"/services/data/v(\d+\.\d)(?=/|$)")
_SEASONS = ("Winter", "Spring", "Summer")
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)

Handler = Callable[[Call], Response]


def release_label(version: str) -> str:
    """Return the release name of an API version (62.0 is Winter '25)."""
    offset = int(float(version)) - 59
    season = _SEASONS[offset % 3]
    year = 24 + offset // 3
    return f"{season} '{year:02d}"


# Known limit: no Metadata API (SOAP), Apex REST, Streaming API or Composite resources other
# than sObject Collections; their paths answer NOT_FOUND.
class SalesforceApi:
    """Routes `/services/...` requests."""

    def __init__(
        self,
        org: Org,
        stats: Stats,
        token: str,
        faults: SalesforceFaults,
        partial_failure: Callable[[], bool],
    ) -> None:
        self.schema = org.schema
        self.store = org.store
        self.stats = stats
        self.faults = faults
        self.sessions = Sessions()
        self.sessions.add(token, org.integration_user_id)
        self.access = Access(org.schema, org.store, org.metadata, org.settings)
        self.records = Records(org.schema, org.store)
        self.records.checks.append(
            RecordRules(org.schema, org.store, org.settings.validation_rules).check
        )
        self.records.listeners.append(self.access.on_write)
        self.queries = QueryEngine(org.schema, org.store)
        self.setup_queries = MetadataQueries(org.schema, org.metadata)
        self.oauth = OAuthApi(org.schema, org.store, self.sessions, org.settings, stats)
        self.record_api = RecordApi(org.store, self.records, stats)
        self.collections = CollectionsApi(org.store, self.records, stats, partial_failure)
        self.tooling = ToolingApi(
            org.schema,
            org.store,
            org.metadata,
            stats,
            faults.describe_delay_seconds,
            self._schema_changed,
        )
        self.bulk = BulkApi(org.store, self.records, self.queries, stats, partial_failure)
        self.metadata = org.metadata
        # Encoded describes of the current views; a new generation of views starts afresh.
        self._describes: dict[SObject, bytes] = {}
        self._describes_generation = self.access.generation

    def _schema_changed(self) -> None:
        self.access.invalidate()

    def handle(self, request: Request) -> Response:
        """Answer one request under `/services/`."""
        if request.path.startswith("/services/oauth2/"):
            return self.oauth.handle(request)
        user_id = self._user(request)
        limit = self.faults.daily_limit
        if user_id is None:
            self.stats.count("salesforce", "unauthorized")
            response = json_response(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
            usage = self.stats.api_usage
        elif self.stats.api_usage >= limit:
            self.stats.count("salesforce", "limit_exceeded")
            response = json_response(
                403,
                [
                    {
                        "message": "TotalRequests Limit exceeded.",
                        "errorCode": "REQUEST_LIMIT_EXCEEDED",
                    }
                ],
            )
            usage = self.stats.api_usage
        else:
            usage = self.stats.use_api()
            response = self._route(request, user_id)
        return response.with_header("Sforce-Limit-Info", f"api-usage={usage}/{limit}")

    def _user(self, request: Request) -> str | None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            return None
        return self.sessions.user_of(token.strip())

    def _route(self, request: Request, user_id: str) -> Response:
        if request.path.rstrip("/") == "/services/data":
            self.stats.count("salesforce", "versions")
            return json_response(200, self._versions())
        match = _VERSIONED.match(request.path)
        if match is None or match.group(1) not in API_VERSIONS:
            self.stats.count("salesforce", "not_found")
            return not_found()
        parts = [part for part in request.segments(match.group(0)) if part != ""]
        schema = self.access.schema_for(user_id)
        return self._dispatch(Call(request, match.group(1), parts, user_id, schema))

    def _dispatch(self, call: Call) -> Response:
        head = call.parts[0] if call.parts else ""
        routes: dict[str, Handler] = {
            "": self._resources,
            "sobjects": self._sobjects,
            "query": self._query,
            "queryAll": self._query,
            "composite": self.collections.handle,
            "limits": self._limits,
            "tooling": lambda c: self.tooling.handle(c.request, c.version, c.parts[1:]),
            "jobs": self.bulk.handle,
        }
        handler = routes.get(head)
        if handler is None:
            self.stats.count("salesforce", "not_found")
            return not_found()
        return handler(call)

    # discovery

    def _versions(self) -> list[JsonDict]:
        return [
            {"label": release_label(v), "url": f"/services/data/v{v}", "version": v}
            for v in API_VERSIONS
        ]

    def _resources(self, call: Call) -> Response:
        self.stats.count("salesforce", "resources")
        base = f"/services/data/v{call.version}"
        names = ("sobjects", "query", "queryAll", "composite", "limits", "tooling")
        return json_response(200, {name: f"{base}/{name}" for name in names})

    def _limits(self, call: Call) -> Response:
        self.stats.count("salesforce", "limits")
        if len(call.parts) > 1:
            return not_found()
        limit = self.faults.daily_limit
        remaining = max(0, limit - self.stats.api_usage)
        return json_response(
            200,
            {
                "DailyApiRequests": {"Max": limit, "Remaining": remaining},
                "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
                "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
                "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
                "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
                "DailyDurableStreamingApiEvents": {"Max": 10000, "Remaining": 10000},
                "DataStorageMB": {"Max": 1024, "Remaining": 1024},
                "FileStorageMB": {"Max": 1024, "Remaining": 1024},
            },
        )

    # sobjects

    def _sobjects(self, call: Call) -> Response:
        parts = call.parts
        if len(parts) == 1:
            self.stats.count("salesforce", "describe.global")
            return json_response(200, call.schema.global_describe(call.version))
        sobject = call.schema.get(parts[1])
        if sobject is None:
            self.stats.count("salesforce", "not_found")
            return not_found()
        if len(parts) == 2:
            return self.record_api.root(call, sobject)
        if len(parts) == 3 and parts[2] == "describe":
            self.stats.count("salesforce", "describe")
            return self._describe(sobject)
        if len(parts) == 3:
            return self.record_api.record(call, sobject, parts[2])
        if len(parts) == 4:
            return self.record_api.by_external_id(call, sobject, parts[2], parts[3])
        return not_found()

    def _describe(self, sobject: SObject) -> Response:
        pending = self.metadata.pending(sobject.name)
        if pending:
            # A new field is not in describe yet: answer without it, and remember nothing.
            fields = [f for f in sobject.payload["fields"] if f["name"].lower() not in pending]
            return json_response(200, {**sobject.payload, "fields": fields})
        if self._describes_generation != self.access.generation:
            self._describes.clear()
            self._describes_generation = self.access.generation
        body = self._describes.get(sobject)
        if body is None:
            body = json.dumps(sobject.payload, separators=(",", ":")).encode("utf-8")
            self._describes[sobject] = body
        return Response(200, body)

    # query

    def _query(self, call: Call) -> Response:
        request, parts, version = call.request, call.parts, call.version
        if request.method != "GET":
            return method_not_allowed(request, "GET")
        batch_size = _batch_size(request)
        if len(parts) == 2:
            self.stats.count("salesforce", "query.more")
            answer = self.queries.more(parts[1], version, batch_size)
            if answer is None:
                return sf_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            return json_response(200, answer)
        text = request.param("q")
        self.stats.count("salesforce", "queryAll" if parts[0] == "queryAll" else "query")
        if not text:
            return sf_error(400, "MALFORMED_QUERY", "A query string must be provided (q=...)")
        try:
            if self._is_setup_query(call, text):
                return json_response(200, self.setup_queries.run(text, version, tooling=False))
            answer = self.queries.run(
                text,
                version,
                include_deleted=parts[0] == "queryAll",
                batch_size=batch_size,
                schema=call.schema,
            )
        except SoqlError as error:
            return sf_error(400, error.code, error.message)
        return json_response(200, answer)

    def _is_setup_query(self, call: Call, text: str) -> bool:
        """Tell whether a query reads a setup object (FieldDefinition) rather than records."""
        name = soql.parse(text).sobject
        return call.schema.get(name) is None and self.setup_queries.answers(name, tooling=False)


def _batch_size(request: Request) -> int:
    match = _BATCH_OPTION.search(request.header("Sforce-Query-Options") or "")
    if match is None:
        return BATCH_SIZE
    return max(200, min(BATCH_SIZE, int(match.group(1))))
