"""The Salesforce REST API under `/services/data/vNN.N/`, as simple-salesforce calls it.

Every call needs the access token; every answer carries `Sforce-Limit-Info`. Bodies, status
codes and error shapes follow Salesforce's.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from typing import Any

from . import ids
from .describe import JsonDict, Schema, SObject
from .query import BATCH_SIZE, QueryEngine
from .records import Problem, RecordFailure, Records
from .soql import SoqlError
from .stats import Stats
from .store import Store
from .web import Request, Response, json_response

API_VERSIONS = tuple(f"{major}.0" for major in range(31, 63))
DAILY_API_LIMIT = 100_000
COLLECTION_LIMIT = 200

_VERSIONED = re.compile(r"/services/data/v(\d+\.\d)(?=/|$)")
_SEASONS = ("Winter", "Spring", "Summer")
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)

Handler = Callable[[Request, str, list[str]], Response]


def release_label(version: str) -> str:
    """Return the release name of an API version (62.0 is Winter '25)."""
    offset = int(float(version)) - 59
    season = _SEASONS[offset % 3]
    year = 24 + offset // 3
    return f"{season} '{year:02d}"


def sf_error(status: int, code: str, message: str) -> Response:
    """Return Salesforce's error body: a list with one error."""
    return json_response(status, [{"message": message, "errorCode": code}])


def not_found() -> Response:
    """Return Salesforce's answer for a resource that does not exist."""
    return json_response(
        404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    )


def _failure(failure: RecordFailure) -> Response:
    if failure.not_found:
        return not_found()
    return json_response(400, [problem.as_error() for problem in failure.problems])


# Known limit: no Tooling, Metadata or Bulk API 2.0, so custom fields come only from a seed's
# schema part; every field is visible to the integration user (no field-level security);
# and there is no fault injection (error rates, delays, REQUEST_LIMIT_EXCEEDED).
class SalesforceApi:
    """Routes `/services/...` requests."""

    def __init__(self, schema: Schema, store: Store, stats: Stats, token: str) -> None:
        self.schema = schema
        self.store = store
        self.stats = stats
        self._token = token
        self.records = Records(schema, store)
        self.queries = QueryEngine(schema, store)
        self._describes: dict[str, bytes] = {}

    def handle(self, request: Request) -> Response:
        """Answer one request under `/services/`."""
        if self._authorized(request):
            usage = self.stats.use_api()
            response = self._route(request)
        else:
            self.stats.count("salesforce", "unauthorized")
            usage = self.stats.api_usage
            response = json_response(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
        return response.with_header("Sforce-Limit-Info", f"api-usage={usage}/{DAILY_API_LIMIT}")

    def _authorized(self, request: Request) -> bool:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            return False
        return hmac.compare_digest(token.strip().encode(), self._token.encode())

    def _route(self, request: Request) -> Response:
        if request.path.rstrip("/") == "/services/data":
            self.stats.count("salesforce", "versions")
            return json_response(200, self._versions())
        match = _VERSIONED.match(request.path)
        if match is None or match.group(1) not in API_VERSIONS:
            self.stats.count("salesforce", "not_found")
            return not_found()
        version = match.group(1)
        parts = request.segments(match.group(0))
        if parts and parts[-1] == "" and len(parts) > 1:
            parts = parts[:-1]
        return self._dispatch(request, version, [p for p in parts if p != ""] or [])

    def _dispatch(self, request: Request, version: str, parts: list[str]) -> Response:
        head = parts[0] if parts else ""
        routes: dict[str, Handler] = {
            "": self._resources,
            "sobjects": self._sobjects,
            "query": self._query,
            "queryAll": self._query,
            "composite": self._composite,
            "limits": self._limits,
        }
        handler = routes.get(head)
        if handler is None:
            self.stats.count("salesforce", "not_found")
            return not_found()
        return handler(request, version, parts)

    # discovery

    def _versions(self) -> list[JsonDict]:
        return [
            {"label": release_label(v), "url": f"/services/data/v{v}", "version": v}
            for v in API_VERSIONS
        ]

    def _resources(self, request: Request, version: str, parts: list[str]) -> Response:
        self.stats.count("salesforce", "resources")
        base = f"/services/data/v{version}"
        names = ("sobjects", "query", "queryAll", "composite", "limits")
        return json_response(200, {name: f"{base}/{name}" for name in names})

    def _limits(self, request: Request, version: str, parts: list[str]) -> Response:
        self.stats.count("salesforce", "limits")
        if len(parts) > 1:
            return not_found()
        used = self.stats.api_usage
        return json_response(
            200,
            {
                "DailyApiRequests": {"Max": DAILY_API_LIMIT, "Remaining": DAILY_API_LIMIT - used},
                "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
                "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
                "DataStorageMB": {"Max": 1024, "Remaining": 1024},
                "FileStorageMB": {"Max": 1024, "Remaining": 1024},
            },
        )

    # sobjects

    def _sobjects(self, request: Request, version: str, parts: list[str]) -> Response:
        if len(parts) == 1:
            self.stats.count("salesforce", "describe.global")
            return json_response(200, self.schema.global_describe(version))
        sobject = self.schema.get(parts[1])
        if sobject is None:
            self.stats.count("salesforce", "not_found")
            return not_found()
        if len(parts) == 2:
            return self._sobject_root(request, version, sobject)
        if len(parts) == 3 and parts[2] == "describe":
            self.stats.count("salesforce", "describe")
            return self._describe(sobject)
        if len(parts) == 3:
            return self._record(request, version, sobject, parts[2])
        if len(parts) == 4:
            return self._by_external_id(request, version, sobject, parts[2], parts[3])
        return not_found()

    def _describe(self, sobject: SObject) -> Response:
        body = self._describes.get(sobject.name)
        if body is None:
            body = json.dumps(sobject.payload, separators=(",", ":")).encode("utf-8")
            self._describes[sobject.name] = body
        return Response(200, body)

    def _sobject_root(self, request: Request, version: str, sobject: SObject) -> Response:
        if request.method == "GET":
            self.stats.count("salesforce", "sobject.info")
            entry = self.schema.global_describe(version)["sobjects"]
            info = next(item for item in entry if item["name"] == sobject.name)
            return json_response(200, {"objectDescribe": info, "recentItems": []})
        if request.method != "POST":
            return _method_not_allowed(request, "GET,POST")
        self.stats.count("salesforce", "sobject.create")
        body = _json_object(request)
        if isinstance(body, Response):
            return body
        try:
            with self.store.transaction():
                record_id = self.records.create(sobject, body)
        except RecordFailure as failure:
            return _failure(failure)
        return json_response(201, {"id": record_id, "success": True, "errors": []})

    def _record(self, request: Request, version: str, sobject: SObject, raw_id: str) -> Response:
        kind = {"GET": "sobject.get", "PATCH": "sobject.update", "DELETE": "sobject.delete"}
        if request.method not in kind:
            return _method_not_allowed(request, "GET,PATCH,DELETE")
        self.stats.count("salesforce", kind[request.method])
        record_id = _own_id(sobject, raw_id)
        if record_id is None:
            return json_response(
                404,
                [
                    {
                        "errorCode": "NOT_FOUND",
                        "message": "Provided external ID field does not exist or is not "
                        f"accessible: {raw_id}",
                    }
                ],
            )
        if request.method == "GET":
            return self._get_record(request, version, sobject, record_id)
        try:
            with self.store.transaction():
                if request.method == "DELETE":
                    self.records.delete(sobject, record_id)
                    return Response(204)
                body = _json_object(request)
                if isinstance(body, Response):
                    return body
                self.records.update(sobject, record_id, body)
        except RecordFailure as failure:
            return _failure(failure)
        return Response(204)

    def _get_record(
        self, request: Request, version: str, sobject: SObject, record_id: str
    ) -> Response:
        row = self.records.live_record(sobject, record_id)
        if row is None:
            return not_found()
        names = None
        if request.param("fields"):
            names = [name.strip() for name in (request.param("fields") or "").split(",")]
            unknown = [name for name in names if not sobject.has_field(name)]
            if unknown:
                return sf_error(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{unknown[0]}' on entity '{sobject.name}'.",
                )
        return json_response(200, self.records.record_json(sobject, row, version, names))

    def _by_external_id(
        self, request: Request, version: str, sobject: SObject, field_name: str, value: str
    ) -> Response:
        if request.method not in ("GET", "PATCH"):
            return _method_not_allowed(request, "GET,PATCH")
        field = sobject.field(field_name)
        if field is None or not (field.external_id or field.name == "Id"):
            self.stats.count("salesforce", "not_found")
            return json_response(
                404,
                [
                    {
                        "errorCode": "NOT_FOUND",
                        "message": "Provided external ID field does not exist or is not "
                        f"accessible: {field_name}",
                    }
                ],
            )
        lookup: Any = _own_id(sobject, value) if field.name == "Id" else value
        matches = [
            match
            for match in self.store.find_sf(
                sobject, field.name, lookup, case_sensitive=field.case_sensitive
            )
            if self.records.live_record(sobject, match) is not None
        ]
        if len(matches) > 1:
            urls = [f"/services/data/v{version}/sobjects/{sobject.name}/{m}" for m in matches]
            return json_response(300, urls)
        if request.method == "GET":
            self.stats.count("salesforce", "sobject.get")
            if not matches:
                return not_found()
            return self._get_record(request, version, sobject, matches[0])
        self.stats.count("salesforce", "sobject.upsert")
        return self._upsert(request, version, sobject, field.name, value, matches)

    def _upsert(
        self,
        request: Request,
        version: str,
        sobject: SObject,
        field_name: str,
        value: str,
        matches: list[str],
    ) -> Response:
        body = _json_object(request)
        if isinstance(body, Response):
            return body
        try:
            with self.store.transaction():
                if matches:
                    self.records.update(sobject, matches[0], body)
                    record_id, created = matches[0], False
                else:
                    fields = body if field_name == "Id" else {**body, field_name: value}
                    record_id, created = self.records.create(sobject, fields), True
        except RecordFailure as failure:
            return _failure(failure)
        answer = {"id": record_id, "success": True, "errors": [], "created": created}
        if created:
            return json_response(201, answer)
        return json_response(200, answer) if float(version) >= 46.0 else Response(204)

    # query

    def _query(self, request: Request, version: str, parts: list[str]) -> Response:
        if request.method != "GET":
            return _method_not_allowed(request, "GET")
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
            answer = self.queries.run(
                text, version, include_deleted=parts[0] == "queryAll", batch_size=batch_size
            )
        except SoqlError as error:
            return sf_error(400, error.code, error.message)
        return json_response(200, answer)

    # sObject Collections

    def _composite(self, request: Request, version: str, parts: list[str]) -> Response:
        if parts[1:] != ["sobjects"]:
            self.stats.count("salesforce", "not_found")
            return not_found()
        self.stats.count("salesforce", "composite")
        if request.method == "DELETE":
            return self._collection_delete(request)
        if request.method not in ("PATCH", "POST"):
            return _method_not_allowed(request, "POST,PATCH,DELETE")
        body = _json_object(request)
        if isinstance(body, Response):
            return body
        records = body.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return sf_error(400, "JSON_PARSER_ERROR", "records must be a list of objects")
        if len(records) > COLLECTION_LIMIT:
            return sf_error(
                400,
                "EXCEEDED_ID_LIMIT",
                f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records "
                "into this call",
            )
        creating = request.method == "POST"
        items = [(record, self._collection_write(record, creating)) for record in records]
        return self._collection_answer(items, bool(body.get("allOrNone", False)), creating)

    def _collection_write(self, record: JsonDict, creating: bool) -> Callable[[], str]:
        """Return the write of one collection record, to run inside a savepoint."""

        def write() -> str:
            sobject = _record_type(self.schema, record)
            fields = {k: v for k, v in record.items() if k.lower() != "id" or creating}
            if creating:
                return self.records.create(sobject, fields)
            record_id = _collection_id(sobject, record.get("id", record.get("Id")))
            self.records.update(sobject, record_id, fields)
            return record_id

        return write

    def _collection_delete(self, request: Request) -> Response:
        raw_ids = [item for item in (request.param("ids") or "").split(",") if item]
        if len(raw_ids) > COLLECTION_LIMIT:
            return sf_error(
                400,
                "EXCEEDED_ID_LIMIT",
                f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records "
                "into this call",
            )
        items = [({"id": raw}, self._collection_remove(raw)) for raw in raw_ids]
        all_or_none = (request.param("allOrNone") or "false").lower() == "true"
        return self._collection_answer(items, all_or_none)

    def _collection_remove(self, raw_id: str) -> Callable[[], str]:
        def remove() -> str:
            sobject = self.schema.by_prefix(raw_id[:3]) if ids.is_id(raw_id) else None
            if sobject is None:
                raise RecordFailure([Problem("MALFORMED_ID", f"malformed id {raw_id}")])
            record_id = ids.to_18(raw_id)
            self.records.delete(sobject, record_id)
            return record_id

        return remove

    def _collection_answer(
        self,
        items: list[tuple[JsonDict, Callable[[], str]]],
        all_or_none: bool,
        creating: bool = False,
    ) -> Response:
        """Run each write in its own savepoint; with allOrNone, undo all when one fails."""
        results: list[JsonDict] = []
        try:
            with self.store.transaction():
                for record, write in items:
                    results.append(self._collection_result(record, write))
                if all_or_none and any(not result["success"] for result in results):
                    raise _RolledBack
        except _RolledBack:
            results = [_rolled_back(result, creating) for result in results]
        return json_response(200, results)

    def _collection_result(self, record: JsonDict, write: Callable[[], str]) -> JsonDict:
        given = record.get("id", record.get("Id"))
        try:
            with self.store.transaction():
                record_id = write()
        except RecordFailure as failure:
            errors = [problem.as_status() for problem in failure.problems]
            return {"id": given, "success": False, "errors": errors}
        return {"id": record_id, "success": True, "errors": []}


class _RolledBack(Exception):
    """Raised inside the transaction of an allOrNone call to undo every write."""


def _rolled_back(result: JsonDict, creating: bool) -> JsonDict:
    """Mark a write undone by allOrNone; an undone create has no ID any more."""
    if not result["success"]:
        return result
    status = {
        "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "message": "Record rolled back because not all records were valid and the request was "
        "using AllOrNone header",
        "fields": [],
    }
    return {"id": None if creating else result["id"], "success": False, "errors": [status]}


def _record_type(schema: Schema, record: JsonDict) -> SObject:
    attributes = record.get("attributes")
    type_name = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(type_name, str):
        raise RecordFailure(
            [
                Problem(
                    "INVALID_TYPE",
                    "When using sObject Collections, the type attribute is required for each "
                    "record",
                )
            ]
        )
    sobject = schema.get(type_name)
    if sobject is None:
        raise RecordFailure(
            [Problem("INVALID_TYPE", f"sObject type '{type_name}' is not supported.")]
        )
    return sobject


def _collection_id(sobject: SObject, raw: Any) -> str:
    if raw is None:
        raise RecordFailure([Problem("MISSING_ARGUMENT", "Id not specified in an update call")])
    if not isinstance(raw, str) or not ids.is_id(raw):
        raise RecordFailure([Problem("MALFORMED_ID", f"malformed id {raw}")])
    record_id = ids.to_18(raw)
    if record_id[:3] != sobject.key_prefix:
        raise RecordFailure(
            [Problem("MALFORMED_ID", f"{sobject.name} ID: id value of incorrect type: {raw}")]
        )
    return record_id


def _own_id(sobject: SObject, raw: str) -> str | None:
    """Return the 18-character form of an ID of this object, or None."""
    if not ids.is_id(raw):
        return None
    record_id = ids.to_18(raw)
    return record_id if record_id[:3] == sobject.key_prefix else None


def _json_object(request: Request) -> JsonDict | Response:
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as error:
        return sf_error(400, "JSON_PARSER_ERROR", f"Unexpected character in the body: {error}")
    if not isinstance(body, dict):
        return sf_error(
            400, "JSON_PARSER_ERROR", "Cannot deserialize the body: a JSON object is expected"
        )
    return body


def _batch_size(request: Request) -> int:
    match = _BATCH_OPTION.search(request.header("Sforce-Query-Options") or "")
    if match is None:
        return BATCH_SIZE
    return max(200, min(BATCH_SIZE, int(match.group(1))))


def _method_not_allowed(request: Request, allowed: str) -> Response:
    return sf_error(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
    )
