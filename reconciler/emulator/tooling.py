"""The Tooling API under `/services/data/vNN.N/tooling/`: custom fields and setup queries.

`POST sobjects/CustomField/` creates a field from `FullName` and `Metadata`;
`GET/PATCH sobjects/CustomField/{id}` read it and merge new metadata into it (history
tracking, say); `query/?q=` answers `CustomField`, `FieldDefinition`, `EntityDefinition`
and `InstalledSubscriberPackage`. A new field is hidden by field-level security until
granted, and reaches describe only after the configured delay.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .builtin import INTEGRATION_USER_ID
from .custom_fields import (
    MetadataProblem,
    check_metadata,
    describe_field,
    integrity,
    parse_full_name,
)
from .describe import JsonDict, Schema, SObject
from .metadata import CustomFieldRecord, Metadata
from .metadata_query import MetadataQueries
from .schema_changes import add_field, change_field
from .settings import HISTORY_LIMIT
from .sf_http import json_object, method_not_allowed, not_found, sf_error
from .soql import SoqlError
from .stats import Stats
from .store import Store
from .timefmt import now, sf_datetime
from .web import Request, Response, json_response


def _problem(problem: MetadataProblem) -> Response:
    return sf_error(400, problem.code, problem.message)


# Known limit: only CustomField is served among the Tooling sObjects, a field's type cannot
# be changed and a custom field cannot be deleted.
class ToolingApi:
    """Routes requests under `tooling/`."""

    def __init__(
        self,
        schema: Schema,
        store: Store,
        metadata: Metadata,
        stats: Stats,
        describe_delay: float,
        on_change: Callable[[], None],
    ) -> None:
        self.schema = schema
        self.store = store
        self.metadata = metadata
        self.stats = stats
        self.describe_delay = describe_delay
        self.queries = MetadataQueries(schema, metadata)
        self._on_change = on_change

    def handle(self, request: Request, version: str, parts: list[str]) -> Response:
        """Answer a request; `parts` are the path segments after `tooling`."""
        head = parts[0] if parts else ""
        if head == "query" and len(parts) == 1:
            return self._query(request, version)
        if head == "sobjects" and len(parts) in (2, 3) and parts[1].lower() == "customfield":
            if len(parts) == 2:
                return self._create(request)
            return self._record(request, version, parts[2])
        self.stats.count("salesforce", "not_found")
        return not_found()

    # query

    def _query(self, request: Request, version: str) -> Response:
        self.stats.count("salesforce", "tooling.query")
        if request.method != "GET":
            return method_not_allowed(request, "GET")
        text = request.param("q")
        if not text:
            return sf_error(400, "MALFORMED_QUERY", "A query string must be provided (q=...)")
        try:
            return json_response(200, self.queries.run(text, version, tooling=True))
        except SoqlError as error:
            return sf_error(400, error.code, error.message)

    # CustomField

    def _create(self, request: Request) -> Response:
        if request.method != "POST":
            return method_not_allowed(request, "POST")
        self.stats.count("salesforce", "tooling.create")
        body = json_object(request)
        if isinstance(body, Response):
            return body
        try:
            record = self._new_field(body)
        except MetadataProblem as problem:
            return _problem(problem)
        return json_response(
            201, {"id": record.id, "success": True, "errors": [], "warnings": [], "infos": []}
        )

    def _new_field(self, body: JsonDict) -> CustomFieldRecord:
        unknown = sorted(set(body) - {"FullName", "Metadata"})
        if unknown:
            raise MetadataProblem(
                "INVALID_FIELD",
                f"No such column '{unknown[0]}' on sobject of type CustomField",
            )
        full_name = parse_full_name(body.get("FullName"))
        sobject = self.schema.get(full_name.object_name)
        if sobject is None:
            raise integrity(f"FullName: no object {full_name.object_name} in this org")
        if sobject.has_field(full_name.field_name):
            raise MetadataProblem(
                "DUPLICATE_DEVELOPER_NAME",
                f"There is already a field named {full_name.developer_name} on {sobject.name}.",
            )
        metadata = check_metadata(body.get("Metadata"))
        self._check_tracking(sobject, full_name.field_name, metadata)
        with self.store.transaction():
            add_field(
                self.schema, self.store, sobject, describe_field(full_name.field_name, metadata)
            )
        stamp = sf_datetime(now())
        record = CustomFieldRecord(
            id=self.metadata.new_field_id(),
            object_name=sobject.name,
            field_name=full_name.field_name,
            metadata=metadata,
            created=stamp,
            modified=stamp,
            protected=True,
            describe_after=time.monotonic() + self.describe_delay,
        )
        self.metadata.add(record)
        self.metadata.set_tracked(sobject.name, record.field_name, metadata["trackHistory"])
        self._on_change()
        return record

    def _check_tracking(self, sobject: SObject, field_name: str, metadata: JsonDict) -> None:
        if metadata["trackHistory"] and not self.metadata.can_track(sobject.name, field_name):
            raise integrity(
                f"trackHistory: You can only track up to {HISTORY_LIMIT} fields per object; "
                f"{sobject.name} already tracks {len(self.metadata.tracked(sobject.name))}. "
                "Turn tracking off for another field first."
            )

    def _record(self, request: Request, version: str, raw_id: str) -> Response:
        record = self.metadata.get(raw_id)
        if request.method == "GET":
            self.stats.count("salesforce", "tooling.get")
            return not_found() if record is None else json_response(200, _json(record, version))
        if request.method != "PATCH":
            return method_not_allowed(request, "GET,PATCH")
        self.stats.count("salesforce", "tooling.update")
        if record is None:
            return not_found()
        body = json_object(request)
        if isinstance(body, Response):
            return body
        try:
            self._change(record, body)
        except MetadataProblem as problem:
            return _problem(problem)
        return Response(204)

    def _change(self, record: CustomFieldRecord, body: JsonDict) -> None:
        unknown = sorted(set(body) - {"FullName", "Metadata"})
        if unknown:
            raise MetadataProblem(
                "INVALID_FIELD", f"No such column '{unknown[0]}' on sobject of type CustomField"
            )
        given = body.get("FullName")
        if given is not None and str(given).lower() != record.full_name.lower():
            raise integrity(f"FullName: {given} cannot replace {record.full_name}; leave it out")
        changes = body.get("Metadata") or {}
        if not isinstance(changes, dict):
            raise MetadataProblem("JSON_PARSER_ERROR", "Metadata must be an object")
        metadata = check_metadata({**record.metadata, **changes})
        if metadata["type"] != record.metadata["type"]:
            raise integrity(
                f"type: changing {record.full_name} from {record.metadata['type']} to "
                f"{metadata['type']} is not supported; create a new field instead"
            )
        sobject = self.schema.get(record.object_name)
        assert sobject is not None
        self._check_tracking(sobject, record.field_name, metadata)
        with self.store.transaction():
            change_field(
                self.schema, self.store, sobject, describe_field(record.field_name, metadata)
            )
        record.metadata = metadata
        record.modified = sf_datetime(now())
        self.metadata.set_tracked(sobject.name, record.field_name, metadata["trackHistory"])
        self._on_change()


def _json(record: CustomFieldRecord, version: str) -> JsonDict:
    metadata = record.metadata
    return {
        "attributes": {
            "type": "CustomField",
            "url": f"/services/data/v{version}/tooling/sobjects/CustomField/{record.id}",
        },
        "Id": record.id,
        "TableEnumOrId": record.object_name,
        "DeveloperName": record.developer_name,
        "Description": metadata.get("description"),
        "Length": metadata.get("length"),
        "InlineHelpText": metadata.get("inlineHelpText"),
        "NamespacePrefix": record.namespace,
        "ManageableState": "unmanaged",
        "CreatedDate": record.created,
        "CreatedById": INTEGRATION_USER_ID,
        "LastModifiedDate": record.modified,
        "LastModifiedById": INTEGRATION_USER_ID,
        "EntityDefinitionId": record.object_name,
        "FullName": record.full_name,
        "Metadata": dict(metadata),
    }
