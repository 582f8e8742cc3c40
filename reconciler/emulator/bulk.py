"""Bulk API 2.0 under `/services/data/vNN.N/jobs/`, as simple-salesforce's `sf.bulk2` drives it.

Ingest jobs (`jobs/ingest`): create, upload CSV with `PUT .../batches`, close with
`PATCH {"state": "UploadComplete"}` (or abort), read the job and its successful, failed and
unprocessed records, delete. Records are written when the job closes, each checked as the
REST API checks it. Query jobs (`jobs/query`) run when created; `results` pages them with
`maxRecords` and `locator`, announced in the `Sforce-Locator` and `Sforce-NumberOfRecords`
headers.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from . import ids
from .bulk_csv import csv_value, format_options, write_csv
from .bulk_ingest import IngestJob, IngestRunner
from .call import Call
from .describe import JsonDict
from .query import QueryEngine
from .records import Records
from .soql import SoqlError
from .stats import Stats
from .store import Store
from .timefmt import now, sf_datetime
from .web import Response, json_response

_QUERY_OPERATIONS = ("query", "queryAll")
_RESULTS = {
    "successfulresults": "successful",
    "failedresults": "failed",
    "unprocessedrecords": "unprocessed",
}


def bulk_error(status: int, code: str, message: str) -> Response:
    """Return a Bulk API 2.0 error body."""
    return json_response(status, [{"errorCode": code, "message": message}])


def _not_found() -> Response:
    return bulk_error(404, "NOT_FOUND", "The requested resource does not exist")


@dataclass
class QueryJob:
    """A query job: its answer, kept as CSV lines, ready to page."""

    id: str
    operation: str
    object_name: str
    query: str
    created: str
    user_id: str
    api_version: str
    column_delimiter: str
    line_ending: str
    header: list[str]
    rows: list[list[str]] = field(repr=False)
    state: str = "JobComplete"

    def info(self) -> JsonDict:
        return {
            "id": self.id,
            "operation": self.operation,
            "object": self.object_name,
            "createdById": self.user_id,
            "createdDate": self.created,
            "systemModstamp": self.created,
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.api_version),
            "jobType": "V2Query",
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
            "numberRecordsProcessed": len(self.rows),
            "retries": 0,
            "totalProcessingTime": 0,
        }


# Known limit: jobs live in memory until deleted or the emulator stops, and each job is
# processed at once when it closes (its state never shows InProgress).
class BulkApi:
    """Routes requests under `jobs/`."""

    def __init__(
        self,
        store: Store,
        records: Records,
        queries: QueryEngine,
        stats: Stats,
        partial_failure: Callable[[], bool],
    ) -> None:
        self.store = store
        self.stats = stats
        self.queries = queries
        self.runner = IngestRunner(store, records, partial_failure)
        self._ingest: dict[str, IngestJob] = {}
        self._query: dict[str, QueryJob] = {}
        self._sequence = itertools.count(1)

    def handle(self, call: Call) -> Response:
        """Answer a request; `call.parts` start with `jobs`."""
        parts = call.parts[1:]
        kind = parts[0] if parts else ""
        if kind == "ingest":
            return self._ingest_route(call, parts[1:])
        if kind == "query":
            return self._query_route(call, parts[1:])
        self.stats.count("salesforce", "not_found")
        return _not_found()

    def _new_id(self) -> str:
        return ids.make_id("750", next(self._sequence))

    def _count(self, kind: str) -> None:
        self.stats.count("salesforce", f"bulk.{kind}")

    # ingest

    def _ingest_route(self, call: Call, rest: list[str]) -> Response:
        method = call.request.method
        if not rest:
            if method == "POST":
                self._count("ingest.create")
                return self._create_ingest(call)
            self._count("ingest.list")
            return json_response(200, _listing([job.info() for job in self._ingest.values()]))
        job = self._ingest.get(_job_key(rest[0]))
        if job is None:
            self._count("ingest.not_found")
            return _not_found()
        if len(rest) == 1:
            return self._ingest_job(call, job)
        if len(rest) == 2 and rest[1] == "batches" and method == "PUT":
            self._count("ingest.upload")
            return self._upload(call, job)
        results = _RESULTS.get(rest[1].lower()) if len(rest) == 2 else None
        if results is not None and method == "GET":
            self._count("ingest.results")
            return _csv_response(job.results(results))
        return _not_found()

    def _create_ingest(self, call: Call) -> Response:
        body = _body(call)
        if isinstance(body, Response):
            return body
        try:
            job = IngestJob.create(self._new_id(), body, call, sf_datetime(now()))
        except ValueError as error:
            return bulk_error(400, "INVALIDJOB", f"InvalidJob : {error}")
        self._ingest[job.id] = job
        return json_response(200, job.info())

    def _ingest_job(self, call: Call, job: IngestJob) -> Response:
        method = call.request.method
        if method == "GET":
            self._count("ingest.get")
            return json_response(200, job.info())
        if method == "DELETE":
            self._count("ingest.delete")
            if job.state in ("Open", "UploadComplete", "InProgress"):
                return bulk_error(
                    400, "INVALIDJOBSTATE", f"Deleting a job in state {job.state} is not allowed"
                )
            del self._ingest[job.id]
            return Response(204)
        if method != "PATCH":
            return bulk_error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed")
        self._count("ingest.state")
        return self._set_state(call, job)

    def _set_state(self, call: Call, job: IngestJob) -> Response:
        """Close a job (its records are written now) or abort it."""
        body = _body(call)
        if isinstance(body, Response):
            return body
        state = body.get("state")
        if state == "UploadComplete" and job.state == "Open":
            job.state = "UploadComplete"
            answer = job.info()
            with self.store.transaction():
                self.runner.run(job, call)
            return json_response(200, answer)
        if state == "Aborted" and job.state in ("Open", "UploadComplete", "InProgress"):
            job.abort()
            return json_response(200, job.info())
        return bulk_error(
            400,
            "INVALIDJOBSTATE",
            f"Changing the state of a job from {job.state} to {state} is not allowed",
        )

    def _upload(self, call: Call, job: IngestJob) -> Response:
        if job.state != "Open":
            return bulk_error(
                409,
                "INVALIDJOBSTATE",
                f"Uploading data to a job in state {job.state} is not allowed",
            )
        try:
            job.upload(call.request.body.decode("utf-8"))
        except ValueError as error:
            return bulk_error(400, "INVALIDBATCH", f"InvalidBatch : {error}")
        return Response(201, content_type="text/plain")

    # query

    def _query_route(self, call: Call, rest: list[str]) -> Response:
        method = call.request.method
        if not rest:
            if method == "POST":
                self._count("query.create")
                return self._create_query(call)
            self._count("query.list")
            return json_response(200, _listing([job.info() for job in self._query.values()]))
        job = self._query.get(_job_key(rest[0]))
        if job is None:
            self._count("query.not_found")
            return _not_found()
        if len(rest) == 2 and rest[1] == "results" and method == "GET":
            self._count("query.results")
            return self._results(call, job)
        if len(rest) == 1 and method == "GET":
            self._count("query.get")
            return json_response(200, job.info())
        if len(rest) == 1 and method == "DELETE":
            self._count("query.delete")
            del self._query[job.id]
            return Response(204)
        if len(rest) == 1 and method == "PATCH":
            self._count("query.state")
            return bulk_error(400, "INVALIDJOBSTATE", "Aborting already Completed Job not allowed")
        return _not_found()

    def _create_query(self, call: Call) -> Response:
        body = _body(call)
        if isinstance(body, Response):
            return body
        try:
            options = _query_options(body)
            header, rows = self.queries.table(
                str(body.get("query") or ""),
                include_deleted=body.get("operation") == "queryAll",
                schema=call.schema,
            )
        except ValueError as error:
            return bulk_error(400, "INVALIDJOB", f"InvalidJob : {error}")
        except SoqlError as error:
            return bulk_error(400, error.code, error.message)
        job = QueryJob(
            id=self._new_id(),
            operation=str(body["operation"]),
            object_name=_object_of(str(body["query"])),
            query=str(body["query"]),
            created=sf_datetime(now()),
            user_id=call.user_id,
            api_version=call.version,
            header=header,
            rows=[[csv_value(value) for value in row] for row in rows],
            **options,
        )
        self._query[job.id] = job
        answer = job.info()
        answer["state"] = "UploadComplete"
        for key in ("numberRecordsProcessed", "retries", "totalProcessingTime", "jobType"):
            answer.pop(key)
        return json_response(200, answer)

    def _results(self, call: Call, job: QueryJob) -> Response:
        start = _locator_offset(call.request.param("locator"))
        if start is None or start > len(job.rows):
            return bulk_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        wanted = _max_records(call.request.param("maxRecords"), len(job.rows) - start)
        end = start + wanted
        chunk = job.rows[start:end]
        locator = _locator(end) if end < len(job.rows) else "null"
        text = write_csv(job.header, chunk, job.column_delimiter, job.line_ending)
        return (
            _csv_response(text)
            .with_header("Sforce-Locator", locator)
            .with_header("Sforce-NumberOfRecords", str(len(chunk)))
        )


def _listing(records: list[JsonDict]) -> JsonDict:
    return {"done": True, "records": records, "nextRecordsUrl": None}


def _job_key(raw: str) -> str:
    return ids.to_18(raw) if ids.is_id(raw) else raw


def _body(call: Call) -> JsonDict | Response:
    try:
        body = call.request.json()
    except (ValueError, UnicodeDecodeError) as error:
        return bulk_error(400, "JSON_PARSER_ERROR", f"Unexpected character in the body: {error}")
    if not isinstance(body, dict):
        return bulk_error(400, "JSON_PARSER_ERROR", "a JSON object is expected")
    return body


def _query_options(body: JsonDict) -> dict[str, str]:
    if body.get("operation") not in _QUERY_OPERATIONS:
        raise ValueError(
            f"operation {body.get('operation')!r} is not a query operation; use query or queryAll"
        )
    if not body.get("query"):
        raise ValueError("a query job needs a query")
    delimiter, line_ending = format_options(body)
    return {"column_delimiter": delimiter, "line_ending": line_ending}


def _object_of(query: str) -> str:
    words = query.split()
    upper = [word.upper() for word in words]
    return words[upper.index("FROM") + 1] if "FROM" in upper[:-1] else ""


def _locator(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode("ascii").rstrip("=")


def _locator_offset(raw: str | None) -> int | None:
    if not raw:
        return 0
    try:
        text = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _max_records(raw: str | None, remaining: int) -> int:
    if raw is not None and raw.isdigit() and int(raw) > 0:
        return min(int(raw), remaining)
    return remaining


def _csv_response(text: str) -> Response:
    return Response(200, text.encode("utf-8"), content_type="text/csv")
