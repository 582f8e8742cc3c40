"""sObject Collections (`composite/sobjects`): up to 200 records a call, one result each,
in order; with `allOrNone` one failure undoes every write of the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ids
from .call import Call
from .describe import JsonDict, Schema, SObject
from .records import Problem, RecordFailure, Records, record_id_of
from .sf_http import json_object, method_not_allowed, not_found, sf_error
from .stats import Stats
from .store import Store
from .web import Response, json_response

COLLECTION_LIMIT = 200


def _too_many() -> Response:
    return sf_error(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records into this call",
    )


class _RolledBack(Exception):
    """Raised inside the transaction of an allOrNone call to undo every write."""


class CollectionsApi:
    """Answers `composite/sobjects`."""

    def __init__(
        self,
        store: Store,
        records: Records,
        stats: Stats,
        partial_failure: Callable[[], bool],
    ) -> None:
        self.store = store
        self.records = records
        self.stats = stats
        self.partial_failure = partial_failure

    def handle(self, call: Call) -> Response:
        """Answer a request whose path parts start with `composite`."""
        request = call.request
        if call.parts[1:] != ["sobjects"]:
            self.stats.count("salesforce", "not_found")
            return not_found()
        self.stats.count("salesforce", "composite")
        if request.method == "DELETE":
            return self._delete(call)
        if request.method not in ("PATCH", "POST"):
            return method_not_allowed(request, "POST,PATCH,DELETE")
        body = json_object(request)
        if isinstance(body, Response):
            return body
        records = body.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return sf_error(400, "JSON_PARSER_ERROR", "records must be a list of objects")
        if len(records) > COLLECTION_LIMIT:
            return _too_many()
        creating = request.method == "POST"
        items = [(record, self._write(call.schema, record, creating)) for record in records]
        return self._answer(items, bool(body.get("allOrNone", False)), creating)

    def _write(self, view: Schema, record: JsonDict, creating: bool) -> Callable[[], str]:
        """Return the write of one collection record, to run inside a savepoint."""

        def write() -> str:
            sobject = _record_type(view, record)
            fields = {k: v for k, v in record.items() if k.lower() != "id" or creating}
            if creating:
                return self.records.create(sobject, fields, view)
            record_id = record_id_of(sobject, record.get("id", record.get("Id")))
            self.records.update(sobject, record_id, fields, view)
            return record_id

        return write

    def _delete(self, call: Call) -> Response:
        raw_ids = [item for item in (call.request.param("ids") or "").split(",") if item]
        if len(raw_ids) > COLLECTION_LIMIT:
            return _too_many()
        items = [({"id": raw}, self._remove(call.schema, raw)) for raw in raw_ids]
        all_or_none = (call.request.param("allOrNone") or "false").lower() == "true"
        return self._answer(items, all_or_none)

    def _remove(self, view: Schema, raw_id: str) -> Callable[[], str]:
        def remove() -> str:
            sobject = view.by_prefix(raw_id[:3]) if ids.is_id(raw_id) else None
            if sobject is None:
                raise RecordFailure([Problem("MALFORMED_ID", f"malformed id {raw_id}")])
            record_id = ids.to_18(raw_id)
            self.records.delete(sobject, record_id)
            return record_id

        return remove

    def _answer(
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
                    results.append(self._result(record, write))
                if all_or_none and any(not result["success"] for result in results):
                    raise _RolledBack
        except _RolledBack:
            results = [_rolled_back(result, creating) for result in results]
        return json_response(200, results)

    def _result(self, record: JsonDict, write: Callable[[], str]) -> JsonDict:
        given = record.get("id", record.get("Id"))
        try:
            if self.partial_failure():
                raise RecordFailure([_lock_problem(given)])
            with self.store.transaction():
                record_id = write()
        except RecordFailure as failure:
            errors = [problem.as_status() for problem in failure.problems]
            return {"id": given, "success": False, "errors": errors}
        return {"id": record_id, "success": True, "errors": []}


def _lock_problem(given: Any) -> Problem:
    suffix = f": {given}" if given else ""
    return Problem(
        "UNABLE_TO_LOCK_ROW",
        f"unable to obtain exclusive access to this record or 1 records{suffix}",
    )


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
