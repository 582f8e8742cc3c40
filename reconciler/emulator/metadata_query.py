"""SOQL over the org's setup objects, which have no table of their own: `CustomField`,
`FieldDefinition`, `EntityDefinition` and `InstalledSubscriberPackage`.

Rows are built from the schema and the metadata on each query and filtered in memory with
the same parser as record queries. Salesforce's restrictions hold: FieldDefinition needs a
filter on its entity, and FullName or Metadata come back for one row only.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import ids, soql
from .custom_fields import data_type, split_name
from .describe import JsonDict, Schema
from .metadata import Metadata
from .soql import Comparison, Condition, FieldRef, Junction, Negation, SoqlError, Value
from .timefmt import sf_datetime

# Column kinds: "string", "number", "boolean", "json"; a nested mapping is a relationship.
Columns = dict[str, Any]

_ENTITY: Columns = {
    "Id": "string",
    "DurableId": "string",
    "QualifiedApiName": "string",
    "DeveloperName": "string",
    "Label": "string",
    "KeyPrefix": "string",
    "NamespacePrefix": "string",
    "IsCustomizable": "boolean",
}
_FIELD_DEFINITION: Columns = {
    "Id": "string",
    "DurableId": "string",
    "QualifiedApiName": "string",
    "DeveloperName": "string",
    "EntityDefinitionId": "string",
    "Label": "string",
    "DataType": "string",
    "Length": "number",
    "Precision": "number",
    "Scale": "number",
    "IsFieldHistoryTracked": "boolean",
    "IsCalculated": "boolean",
    "IsNillable": "boolean",
    "NamespacePrefix": "string",
    "EntityDefinition": _ENTITY,
}
_CUSTOM_FIELD: Columns = {
    "Id": "string",
    "DeveloperName": "string",
    "TableEnumOrId": "string",
    "EntityDefinitionId": "string",
    "NamespacePrefix": "string",
    "ManageableState": "string",
    "FullName": "string",
    "Metadata": "json",
    "Description": "string",
    "Length": "number",
    "InlineHelpText": "string",
    "CreatedDate": "string",
    "LastModifiedDate": "string",
}
_PACKAGE: Columns = {
    "Id": "string",
    "SubscriberPackageId": "string",
    "SubscriberPackageVersionId": "string",
    "SubscriberPackage": {
        "Id": "string",
        "Name": "string",
        "NamespacePrefix": "string",
        "Description": "string",
    },
}
_RELATIONSHIP_TYPES = {
    "EntityDefinition": "EntityDefinition",
    "SubscriberPackage": "SubscriberPackage",
}
_ENTITY_FILTERS = {
    "entitydefinitionid",
    "entitydefinition.qualifiedapiname",
    "entitydefinition.durableid",
    "durableid",
}


@dataclass(frozen=True)
class SetupObject:
    """One setup object: its columns, where it is served, and how its rows are made."""

    name: str
    columns: Columns
    tooling_only: bool
    rows: Callable[[MetadataQueries], list[JsonDict]]


# Known limit: setup queries answer every row in one batch (no nextRecordsUrl), and their
# objects have only the columns listed above.
class MetadataQueries:
    """Answers queries of setup objects from the schema and the metadata."""

    def __init__(self, schema: Schema, metadata: Metadata) -> None:
        self.schema = schema
        self.metadata = metadata

    def answers(self, object_name: str, tooling: bool) -> bool:
        """Tell whether a query of this object is answered here (on this path)."""
        found = _OBJECTS.get(object_name.lower())
        return found is not None and (tooling or not found.tooling_only)

    def run(self, text: str, version: str, tooling: bool) -> JsonDict:
        """Answer a query of a setup object in one batch."""
        query = soql.parse(text)
        setup = _OBJECTS.get(query.sobject.lower())
        if setup is None or (setup.tooling_only and not tooling):
            raise SoqlError(
                "INVALID_TYPE",
                f"sObject type '{query.sobject}' is not supported.",
                text,
                query.sobject_position,
            )
        _Checker(setup, query).check()
        rows = [row for row in setup.rows(self) if _matches(query.where, row)]
        rows = _ordered(rows, query)
        _check_single_row(setup, query, len(rows))
        if query.count_only:
            return {"totalSize": len(rows), "done": True, "records": []}
        base = f"/services/data/v{version}/" + ("tooling/" if tooling else "")
        records = [_shape(setup.name, row, query.fields, base) for row in rows]
        answer: JsonDict = {"size": len(records)} if tooling else {}
        answer.update({"totalSize": len(records), "done": True, "records": records})
        if tooling:
            answer.update(queryLocator=None, entityTypeName=setup.name)
        return answer

    # rows

    def entity_rows(self) -> list[JsonDict]:
        return [self._entity(name) for name in sorted(self._names())]

    def _names(self) -> list[str]:
        return [sobject.name for sobject in self.schema.objects.values()]

    def _entity(self, name: str) -> JsonDict:
        sobject = self.schema.get(name)
        assert sobject is not None
        return {
            "Id": None,
            "DurableId": sobject.name,
            "QualifiedApiName": sobject.name,
            "DeveloperName": sobject.name.removesuffix("__c"),
            "Label": sobject.payload.get("label") or sobject.name,
            "KeyPrefix": sobject.key_prefix,
            "NamespacePrefix": None,
            "IsCustomizable": True,
        }

    def field_definition_rows(self) -> list[JsonDict]:
        rows = []
        for sobject in sorted(self.schema.objects.values(), key=lambda item: item.name):
            entity = self._entity(sobject.name)
            for field in sobject.payload["fields"]:
                rows.append(self._field_definition(sobject.name, field, entity))
        return rows

    def _field_definition(self, object_name: str, field: JsonDict, entity: JsonDict) -> JsonDict:
        name = str(field["name"])
        custom = self.metadata.find(object_name, name)
        durable = f"{object_name}.{custom.id[:15] if custom else name}"
        namespace, developer_name = split_name(name)
        return {
            "Id": "000000000000000AAA",
            "DurableId": durable,
            "QualifiedApiName": name,
            "DeveloperName": developer_name,
            "EntityDefinitionId": object_name,
            "Label": field.get("label") or name,
            "DataType": data_type(field),
            "Length": int(field.get("length") or 0),
            "Precision": int(field.get("precision") or 0),
            "Scale": int(field.get("scale") or 0),
            "IsFieldHistoryTracked": self.metadata.is_tracked(object_name, name),
            "IsCalculated": bool(field.get("calculated")),
            "IsNillable": bool(field.get("nillable", True)),
            "NamespacePrefix": namespace,
            "EntityDefinition": entity,
        }

    def custom_field_rows(self) -> list[JsonDict]:
        rows = []
        for record in self.metadata.all():
            metadata = dict(record.metadata)
            rows.append(
                {
                    "Id": record.id,
                    "DeveloperName": record.developer_name,
                    "TableEnumOrId": record.object_name,
                    "EntityDefinitionId": record.object_name,
                    "NamespacePrefix": record.namespace,
                    "ManageableState": "unmanaged",
                    "FullName": record.full_name,
                    "Metadata": metadata,
                    "Description": metadata.get("description"),
                    "Length": metadata.get("length"),
                    "InlineHelpText": metadata.get("inlineHelpText"),
                    "CreatedDate": record.created,
                    "LastModifiedDate": record.modified,
                }
            )
        return rows

    def package_rows(self) -> list[JsonDict]:
        rows = []
        for index, package in enumerate(self.metadata.packages, start=1):
            package_id = ids.make_id("033", index)
            rows.append(
                {
                    "Id": ids.make_id("0A3", index),
                    "SubscriberPackageId": package_id,
                    "SubscriberPackageVersionId": ids.make_id("04t", index),
                    "SubscriberPackage": {
                        "Id": package_id,
                        "Name": package.name,
                        "NamespacePrefix": package.namespace,
                        "Description": None,
                    },
                }
            )
        return rows


_OBJECTS = {
    "entitydefinition": SetupObject(
        "EntityDefinition", _ENTITY, False, MetadataQueries.entity_rows
    ),
    "fielddefinition": SetupObject(
        "FieldDefinition", _FIELD_DEFINITION, False, MetadataQueries.field_definition_rows
    ),
    "customfield": SetupObject(
        "CustomField", _CUSTOM_FIELD, True, MetadataQueries.custom_field_rows
    ),
    "installedsubscriberpackage": SetupObject(
        "InstalledSubscriberPackage", _PACKAGE, True, MetadataQueries.package_rows
    ),
}


class _Checker:
    """Checks the names, literals and restrictions of a setup object query."""

    def __init__(self, setup: SetupObject, query: soql.Query) -> None:
        self.setup = setup
        self.query = query

    def error(self, code: str, message: str, position: int) -> SoqlError:
        return SoqlError(code, message, self.query.text, position)

    def check(self) -> None:
        for ref in self.query.fields:
            self.kind(ref)
        for comparison in _comparisons(self.query.where):
            self.comparison(comparison)
        for item in self.query.order_by:
            if self.kind(item.field) == "json":
                raise self.error("INVALID_FIELD", "Metadata can not be sorted", item.field.position)
        if self.setup.name == "FieldDefinition" and not _filters_entity(self.query.where):
            raise self.error(
                "EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION",
                "FieldDefinition: a filter on a reified column is required",
                self.query.sobject_position,
            )

    def kind(self, ref: FieldRef) -> str:
        columns: Any = self.setup.columns
        entity = self.setup.name
        for name in ref.path:
            found = _column(columns, name)
            if found is None:
                raise self.error(
                    "INVALID_FIELD",
                    f"No such column '{name}' on entity '{entity}'. If you are attempting to use "
                    "a custom field, be sure to append the '__c' after the custom field name. "
                    "Please reference your WSDL or the describe call for the appropriate names.",
                    ref.position,
                )
            columns, entity = found, name
        if isinstance(columns, dict):
            raise self.error(
                "INVALID_FIELD", f"{ref.dotted} is a relationship, not a field", ref.position
            )
        return str(columns)

    def comparison(self, comparison: Comparison) -> None:
        kind = self.kind(comparison.field)
        if kind == "json":
            raise self.error(
                "INVALID_FIELD",
                f"field '{comparison.field.dotted}' can not be filtered in a query call",
                comparison.field.position,
            )
        for value in comparison.values:
            if value.kind != "null" and _LITERALS.get(kind) != value.kind:
                raise self.error(
                    "INVALID_FIELD",
                    f"value of filter criterion for field '{comparison.field.dotted}' must be of "
                    f"type {kind}",
                    value.position,
                )


_LITERALS = {"string": "string", "number": "number", "boolean": "boolean"}
_ORDERING: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _column(columns: Columns, name: str) -> Any:
    return next((kind for key, kind in columns.items() if key.lower() == name.lower()), None)


def _comparisons(condition: Condition | None) -> Iterator[Comparison]:
    if condition is None:
        return
    if isinstance(condition, Junction):
        for item in condition.items:
            yield from _comparisons(item)
    elif isinstance(condition, Negation):
        yield from _comparisons(condition.item)
    else:
        yield condition


def _filters_entity(condition: Condition | None) -> bool:
    """Tell whether a WHERE clause pins the entity with = or IN (alone or under AND)."""
    if isinstance(condition, Comparison):
        return condition.field.dotted.lower() in _ENTITY_FILTERS and condition.operator in (
            "=",
            "IN",
        )
    if isinstance(condition, Junction) and condition.operator == "AND":
        return any(_filters_entity(item) for item in condition.items)
    return False


def _check_single_row(setup: SetupObject, query: soql.Query, size: int) -> None:
    heavy = {"fullname", "metadata"}
    selected = {ref.dotted.lower() for ref in query.fields}
    if setup.name == "CustomField" and size > 1 and selected & heavy:
        raise SoqlError(
            "MALFORMED_QUERY",
            "When retrieving results with Metadata or FullName fields, the query "
            f"qualifications must specify no more than one row for retrieval. Result size: "
            f"{size}",
            query.text,
            None,
        )


def _value(row: JsonDict, path: tuple[str, ...]) -> Any:
    current: Any = row
    for name in path:
        if not isinstance(current, dict):
            return None
        current = next((v for k, v in current.items() if k.lower() == name.lower()), None)
    return current


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, date | datetime):
        return str(value)
    return value


def _matches(condition: Condition | None, row: JsonDict) -> bool:
    if condition is None:
        return True
    if isinstance(condition, Junction):
        results = (_matches(item, row) for item in condition.items)
        return all(results) if condition.operator == "AND" else any(results)
    if isinstance(condition, Negation):
        return not _matches(condition.item, row)
    return _compare(condition, _value(row, condition.field.path))


def _compare(comparison: Comparison, actual: Any) -> bool:
    op = comparison.operator
    wanted = [_literal(value) for value in comparison.values]
    value = _comparable(actual)
    if op == "LIKE":
        return isinstance(value, str) and _like(comparison.values[0]).fullmatch(value) is not None
    if op == "IN":
        return bool(value in wanted)
    if op == "NOT IN":
        return bool(value not in wanted)
    if op == "=":
        return bool(value == wanted[0])
    if op == "!=":
        return bool(value != wanted[0])
    if value is None or wanted[0] is None:
        return False
    return bool(_ORDERING[op](value, wanted[0]))


def _literal(value: Value) -> Any:
    if value.kind == "string" and value.value == "":
        return None
    return _comparable(value.value)


def _like(value: Value) -> re.Pattern[str]:
    pattern = value.like or ""
    parts = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.compile("".join(parts).lower(), re.DOTALL)


def _ordered(rows: list[JsonDict], query: soql.Query) -> list[JsonDict]:
    for item in reversed(query.order_by):
        present = [r for r in rows if _value(r, item.field.path) is not None]
        missing = [r for r in rows if _value(r, item.field.path) is None]
        present.sort(key=lambda r: _comparable(_value(r, item.field.path)), reverse=item.descending)
        nulls_last = item.nulls_last if item.nulls_last is not None else item.descending
        rows = present + missing if nulls_last else missing + present
    start = query.offset or 0
    end = None if query.limit is None else start + query.limit
    return rows[start:end]


def _shape(name: str, row: JsonDict, fields: tuple[FieldRef, ...], base: str) -> JsonDict:
    key = row.get("DurableId") if name in ("FieldDefinition", "EntityDefinition") else row["Id"]
    record: JsonDict = {"attributes": {"type": name, "url": f"{base}sobjects/{name}/{key}"}}
    for ref in fields:
        _place(record, row, ref.path, base)
    return record


def _place(record: JsonDict, row: JsonDict, path: tuple[str, ...], base: str) -> None:
    """Put the value of a (dotted) path into the record, nesting parents as Salesforce does."""
    head = path[0]
    canonical = next((k for k in row if k.lower() == head.lower()), head)
    if len(path) == 1:
        value = row.get(canonical)
        record[canonical] = sf_datetime(value) if isinstance(value, datetime) else value
        return
    parent = row.get(canonical)
    if parent is None:
        record[canonical] = None
        return
    nested = record.get(canonical)
    if not isinstance(nested, dict):
        type_name = _RELATIONSHIP_TYPES.get(canonical, canonical)
        key = parent.get("DurableId") or parent.get("Id")
        nested = {"attributes": {"type": type_name, "url": f"{base}sobjects/{type_name}/{key}"}}
        record[canonical] = nested
    _place(nested, parent, path[1:], base)
