"""The JSON Schema of `baton-sf/v1` documents, for editors (yaml-language-server) and CI.

It is built from the same constants the readers check against (the key lists of each
section, the operators, the catalog's objects and Baton fields), so that it cannot drift
from the loader. `schema/baton-sf-v1.json` in the repository is this module's output;
a test keeps the two equal. The schema knows only what one document can say: rules that
span documents or need the org (a SyncBack's rule, field types) are `validate`'s part.

An environment overlay is a partial document, so it gets a variant with no required keys.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Final

from reconciler.catalog import CUSTOM_PREFIX, IMPORTABLE_OBJECTS, importable_keys, syncable_keys
from reconciler.spec import parse_connection as connection
from reconciler.spec import parse_import_rule as import_rule
from reconciler.spec import parse_sync_back as sync_back
from reconciler.spec.conditions import LIST_OPERATORS, OPERATORS, ORDER_OPERATORS
from reconciler.spec.documents import KINDS, METADATA_KEYS, NAME_PATTERN, TOP_KEYS
from reconciler.spec.durations import DURATION
from reconciler.spec.migrations import NEWEST
from reconciler.spec.parse_conditions import GROUP_KEYS
from reconciler.spec.values import FIELD_NAME, FIELD_PATH

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE: Final = "baton-sf-v1.json"
OVERLAY_SCHEMA_FILE: Final = "baton-sf-v1-overlay.json"

Schema = dict[str, Any]

_CUSTOM_KEY: Final = "^" + CUSTOM_PREFIX.replace(".", r"\.") + r".*\S"
_CUSTOM_OBJECT: Final = r"^[A-Za-z][A-Za-z0-9_]*__c$"
_RECORD_ID: Final = r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$"
_DATE: Final = r"^\d{4}-\d{1,2}-\d{1,2}$"
_MOMENT: Final = r"^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{2}:\d{2}.*)?$"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _optional(schema: Schema) -> Schema:
    """A key with a default: an explicit null means the default."""
    return {"anyOf": [schema, {"type": "null"}]}


def _text(description: str | None = None) -> Schema:
    schema: Schema = {"type": "string", "minLength": 1}
    if description:
        schema["description"] = description
    return schema


def _closed(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _reference() -> Schema:
    env = _closed({"env": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}}, ("env",))
    file = _closed({"file": _text("a path relative to the spec directory")}, ("file",))
    return {
        "description": "A value read at run time: {env: VARIABLE} or {file: path}",
        "oneOf": [env, file],
    }


def _value() -> Schema:
    return {"anyOf": [_text(), _ref("reference")]}


def _auth() -> Schema:
    properties: dict[str, Schema] = {"method": {"enum": list(connection.METHOD_KEYS)}}
    for key in connection.AUTH_KEYS[1:]:
        secret = key in connection.SECRET_KEYS
        properties[key] = _ref("reference") if secret else _value()
    schema = _closed(properties, ("method",))
    schema["allOf"] = [_method_keys(method) for method in connection.METHOD_KEYS]
    return schema


def _method_keys(method: str) -> Schema:
    """The keys one auth method needs, and the keys it does not use."""
    needed, optional = connection.METHOD_KEYS[method]
    unused = [k for k in connection.AUTH_KEYS[1:] if k not in needed + optional]
    then: Schema = {"required": list(needed)}
    if unused:
        then["not"] = {"anyOf": [{"required": [key]} for key in unused]}
    return {
        "if": {"properties": {"method": {"const": method}}, "required": ["method"]},
        "then": then,
    }


def _connection() -> Schema:
    salesforce = _closed(
        {
            "instanceUrl": _value(),
            "apiVersion": _optional(
                {"anyOf": [{"type": "string", "pattern": r"^\d{2,3}\.0$"}, {"type": "number"}]}
            ),
            "auth": _auth(),
            "caBundle": _optional(_value()),
        },
        ("instanceUrl", "auth"),
    )
    baton = _closed(
        {
            "url": _value(),
            "apiKey": _ref("reference"),
            "caBundle": _optional(_value()),
            "requestsPerMinute": _optional({"type": "integer", "minimum": 1}),
        },
        ("url", "apiKey"),
    )
    properties = {
        "salesforce": salesforce,
        "baton": baton,
        "goLive": _optional({"type": "string", "pattern": _MOMENT}),
        "timezone": _optional(_text("an IANA timezone, e.g. America/New_York")),
    }
    _same_keys(properties, connection.SPEC_KEYS)
    _same_keys(salesforce["properties"], connection.SALESFORCE_KEYS)
    _same_keys(baton["properties"], connection.BATON_KEYS)
    return _closed(properties, ("salesforce", "baton"))


def _criterion() -> Schema:
    scalar: Schema = {"type": ["string", "number", "boolean", "null"]}
    ordered: Schema = {"type": ["string", "number"]}
    listed: Schema = {
        "type": "array",
        "minItems": 1,
        "items": {"type": ["string", "number", "boolean"]},
    }
    properties: dict[str, Schema] = {"field": {"type": "string", "pattern": FIELD_PATH.pattern}}
    for op in OPERATORS:
        properties[op] = (
            listed if op in LIST_OPERATORS else ordered if op in ORDER_OPERATORS else scalar
        )
    properties["like"] = {"type": "string"}
    properties["isNull"] = {"type": "boolean"}
    schema = _closed(properties, ("field",))
    schema.update(minProperties=2, maxProperties=2)
    schema["description"] = "One test of one field path: {field: Name, OPERATOR: value}"
    return schema


def _group(mode: str) -> Schema:
    conditions = {"type": "array", "minItems": 1, "items": _ref("condition")}
    return _closed({mode: conditions}, (mode,))


def _import_rule() -> Schema:
    source = _ref("source")
    fields = _closed({key: source for key in importable_keys()})
    fields["properties"]["custom"] = {"type": "object", "additionalProperties": source}
    fields["patternProperties"] = {_CUSTOM_KEY: source}
    backfill = {
        "anyOf": [
            {"enum": list(import_rule.BACKFILL_MODES)},
            _closed({"since": {"type": "string", "pattern": _DATE}}, ("since",)),
            _closed(
                {
                    "ids": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": _RECORD_ID},
                    }
                },
                ("ids",),
            ),
        ]
    }
    properties: dict[str, Schema] = {
        "object": {
            "anyOf": [
                {"enum": sorted(IMPORTABLE_OBJECTS)},
                {"type": "string", "pattern": _CUSTOM_OBJECT},
            ]
        },
        "when": {
            "anyOf": [
                _ref("condition"),
                {"type": "array", "minItems": 1, "items": _ref("condition")},
            ]
        },
        "projectLead": _optional({"type": "string", "pattern": import_rule.EMAIL.pattern}),
        "template": _optional(_text("a Baton template's title")),
        "backfill": _optional(backfill),
        "fields": _optional(fields),
    }
    _same_keys(properties, import_rule.SPEC_KEYS)
    return _closed(properties, ("object", "when"))


def _sync_back() -> Schema:
    api_name: Schema = {"type": "string", "pattern": FIELD_NAME.pattern}
    baton_key = {
        "anyOf": [{"enum": list(syncable_keys())}, {"type": "string", "pattern": _CUSTOM_KEY}]
    }
    fields = {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": FIELD_NAME.pattern},
        "additionalProperties": baton_key,
        "description": "Salesforce field: Baton field",
    }
    properties: dict[str, Schema] = {
        "rule": _text("the name of the ImportRule whose projects sync"),
        "target": _closed({"object": api_name, "via": _optional(api_name)}, ("object",)),
        "fields": fields,
        "createMissingFields": _optional({"type": "boolean"}),
        "trackHistory": _optional(
            {"type": "array", "maxItems": sync_back.MAX_TRACKED, "items": api_name}
        ),
        "every": _optional({"type": "string", "minLength": 2, "pattern": DURATION.pattern}),
        "onConflict": _optional({"enum": list(sync_back.CONFLICT_POLICIES)}),
    }
    _same_keys(properties, sync_back.SPEC_KEYS)
    _same_keys(properties["target"]["properties"], sync_back.TARGET_KEYS)
    return _closed(properties, ("rule", "target", "fields"))


def _document() -> Schema:
    metadata = _closed(
        {
            "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
            "description": _optional({"type": "string"}),
        },
        ("name",),
    )
    _same_keys(metadata["properties"], METADATA_KEYS)
    properties: dict[str, Schema] = {
        "apiVersion": {"const": NEWEST},
        "kind": {"enum": list(KINDS)},
        "metadata": metadata,
        "spec": {"type": "object"},
    }
    _same_keys(properties, TOP_KEYS)
    schema = _closed(properties, TOP_KEYS)
    schema["allOf"] = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"properties": {"spec": _ref(kind)}},
        }
        for kind in KINDS
    ]
    return schema


def _same_keys(properties: dict[str, Schema], keys: tuple[str, ...]) -> None:
    """The schema describes exactly the keys the reader knows; a mismatch is a bug here."""
    if tuple(properties) != tuple(keys):
        raise AssertionError(f"schema keys {tuple(properties)} differ from {keys}")


def build_schema() -> Schema:
    """The JSON Schema of one complete `baton-sf/v1` document."""
    schema = {
        "$schema": DIALECT,
        "title": f"baton-sf spec document ({NEWEST})",
        "description": "One document of a baton-sf spec: a Connection, an ImportRule or a "
        "SyncBack. Generated by `baton-sf schema`; see SPEC.md.",
        **_document(),
        "$defs": {
            "Connection": _connection(),
            "ImportRule": _import_rule(),
            "SyncBack": _sync_back(),
            "condition": {"anyOf": [_ref("criterion"), *(_ref(f"{m}Group") for m in GROUP_KEYS)]},
            "criterion": _criterion(),
            **{f"{mode}Group": _group(mode) for mode in GROUP_KEYS},
            "reference": _reference(),
            "source": _text(
                "a field path (Account.Name) or a template ({{ Account.Name }} - {{ Name }})"
            ),
        },
    }
    return schema


def build_overlay_schema() -> Schema:
    """The schema of an environment overlay: the same keys and types, none required."""
    schema: Schema = _without_required(copy.deepcopy(build_schema()))
    schema["title"] = f"baton-sf environment overlay ({NEWEST})"
    schema["description"] = (
        "A partial document under environments/NAME/, deep-merged over the base document of "
        "the same kind and name. Generated by `baton-sf schema --overlay`; see SPEC.md."
    )
    return schema


def _without_required(node: Any, *, keep: bool = False) -> Any:
    """`node` with its `required` lists dropped, except inside `if` (which dispatch on a key
    being present or absent) and inside criteria and groups (lists are replaced whole)."""
    if isinstance(node, list):
        return [_without_required(item, keep=keep) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "required" and not keep:
            continue
        inner = keep or key in ("if", "not", "criterion", "allGroup", "anyGroup")
        result[key] = _without_required(value, keep=inner)
    return result


def schema_text(*, overlay: bool = False) -> str:
    """The schema as the checked-in file holds it: 2-space JSON ending in a newline."""
    schema = build_overlay_schema() if overlay else build_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
