"""Single-record calls under `sobjects/{Object}/`: create, read, update, delete, and read or
upsert by an external ID, each as the calling user sees the object.
"""

from __future__ import annotations

from typing import Any

from . import ids
from .call import Call
from .describe import SObject
from .records import RecordFailure, Records
from .sf_http import failure_response, json_object, method_not_allowed, not_found, sf_error
from .stats import Stats
from .store import Store
from .web import Response, json_response


def _missing_external_id(name: str) -> Response:
    return json_response(
        404,
        [
            {
                "errorCode": "NOT_FOUND",
                "message": "Provided external ID field does not exist or is not accessible: "
                f"{name}",
            }
        ],
    )


class RecordApi:
    """Answers `sobjects/{Object}/...` below the object's describe."""

    def __init__(self, store: Store, records: Records, stats: Stats) -> None:
        self.store = store
        self.records = records
        self.stats = stats

    def root(self, call: Call, sobject: SObject) -> Response:
        """`GET sobjects/X/` (object info) and `POST sobjects/X/` (create)."""
        request = call.request
        if request.method == "GET":
            self.stats.count("salesforce", "sobject.info")
            entry = call.schema.global_describe(call.version)["sobjects"]
            info = next(item for item in entry if item["name"] == sobject.name)
            return json_response(200, {"objectDescribe": info, "recentItems": []})
        if request.method != "POST":
            return method_not_allowed(request, "GET,POST")
        self.stats.count("salesforce", "sobject.create")
        body = json_object(request)
        if isinstance(body, Response):
            return body
        try:
            with self.store.transaction():
                record_id = self.records.create(sobject, body, call.schema)
        except RecordFailure as failure:
            return failure_response(failure)
        return json_response(201, {"id": record_id, "success": True, "errors": []})

    def record(self, call: Call, sobject: SObject, raw_id: str) -> Response:
        """`GET`, `PATCH` and `DELETE sobjects/X/{id}`."""
        request = call.request
        kind = {"GET": "sobject.get", "PATCH": "sobject.update", "DELETE": "sobject.delete"}
        if request.method not in kind:
            return method_not_allowed(request, "GET,PATCH,DELETE")
        self.stats.count("salesforce", kind[request.method])
        record_id = own_id(sobject, raw_id)
        if record_id is None:
            return _missing_external_id(raw_id)
        if request.method == "GET":
            return self.get(call, sobject, record_id)
        try:
            with self.store.transaction():
                if request.method == "DELETE":
                    self.records.delete(sobject, record_id)
                    return Response(204)
                body = json_object(request)
                if isinstance(body, Response):
                    return body
                self.records.update(sobject, record_id, body, call.schema)
        except RecordFailure as failure:
            return failure_response(failure)
        return Response(204)

    def get(self, call: Call, sobject: SObject, record_id: str) -> Response:
        """Answer a record read, with `?fields=` when given."""
        row = self.records.live_record(sobject, record_id)
        if row is None or not sobject.queryable:
            return not_found()
        names = None
        if call.request.param("fields"):
            names = [name.strip() for name in (call.request.param("fields") or "").split(",")]
            unknown = [name for name in names if not sobject.has_field(name)]
            if unknown:
                return sf_error(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{unknown[0]}' on entity '{sobject.name}'.",
                )
        return json_response(200, self.records.record_json(sobject, row, call.version, names))

    def by_external_id(self, call: Call, sobject: SObject, field_name: str, value: str) -> Response:
        """`GET` and `PATCH` (upsert) `sobjects/X/{ExternalIdField}/{value}`."""
        request = call.request
        if request.method not in ("GET", "PATCH"):
            return method_not_allowed(request, "GET,PATCH")
        field = sobject.field(field_name)
        if field is None or not (field.external_id or field.name == "Id"):
            self.stats.count("salesforce", "not_found")
            return _missing_external_id(field_name)
        lookup: Any = own_id(sobject, value) if field.name == "Id" else value
        matches = [
            match
            for match in self.store.find_sf(
                sobject, field.name, lookup, case_sensitive=field.case_sensitive
            )
            if self.records.live_record(sobject, match) is not None
        ]
        if len(matches) > 1:
            urls = [f"/services/data/v{call.version}/sobjects/{sobject.name}/{m}" for m in matches]
            return json_response(300, urls)
        if request.method == "GET":
            self.stats.count("salesforce", "sobject.get")
            return self.get(call, sobject, matches[0]) if matches else not_found()
        self.stats.count("salesforce", "sobject.upsert")
        return self._upsert(call, sobject, field.name, value, matches)

    def _upsert(
        self, call: Call, sobject: SObject, field_name: str, value: str, matches: list[str]
    ) -> Response:
        body = json_object(call.request)
        if isinstance(body, Response):
            return body
        try:
            with self.store.transaction():
                if matches:
                    self.records.update(sobject, matches[0], body, call.schema)
                    record_id, created = matches[0], False
                else:
                    fields = body if field_name == "Id" else {**body, field_name: value}
                    record_id, created = self.records.create(sobject, fields, call.schema), True
        except RecordFailure as failure:
            return failure_response(failure)
        answer = {"id": record_id, "success": True, "errors": [], "created": created}
        if created:
            return json_response(201, answer)
        return json_response(200, answer) if float(call.version) >= 46.0 else Response(204)


def own_id(sobject: SObject, raw: str) -> str | None:
    """Return the 18-character form of an ID of this object, or None."""
    if not ids.is_id(raw):
        return None
    record_id = ids.to_18(raw)
    return record_id if record_id[:3] == sobject.key_prefix else None
