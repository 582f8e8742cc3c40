"""Reading a SyncBack document into the SyncBack model."""

from __future__ import annotations

from datetime import timedelta
from typing import Final, Literal, cast

from reconciler.catalog import CUSTOM_PREFIX, baton_field, is_custom_key, syncable_keys
from reconciler.spec.diagnostics import DiagnosticLog, Location, suggestion
from reconciler.spec.documents import Document
from reconciler.spec.durations import parse_duration
from reconciler.spec.sections import Section, build_model, wrong_type
from reconciler.spec.sync_back import DEFAULT_EVERY, SyncBack, Target
from reconciler.spec.values import FIELD_NAME
from reconciler.spec.yamltree import YMap, YNode, YScalar, YSeq

SPEC_KEYS: Final = (
    "rule",
    "target",
    "fields",
    "createMissingFields",
    "trackHistory",
    "every",
    "onConflict",
)
TARGET_KEYS: Final = ("object", "via")
CONFLICT_POLICIES: Final = ("overwrite", "skip", "fail")
MAX_TRACKED: Final = 20

ConflictPolicy = Literal["overwrite", "skip", "fail"]


def parse_sync_back(doc: Document, log: DiagnosticLog) -> SyncBack | None:
    """The SyncBack in `doc`, or None when it has errors (all reported to `log`)."""
    assert doc.spec is not None
    errors = log.error_count()
    spec = Section(doc.spec, log, "spec", SPEC_KEYS, at=doc.spec_loc)
    rule = spec.text("rule", required=True, hint="the name of the ImportRule whose projects sync")
    target = _target(spec)
    fields = _fields(spec)
    create = spec.flag("createMissingFields")
    tracked = _track_history(spec, fields)
    every = _every(spec)
    policy = spec.choice("onConflict", CONFLICT_POLICIES) or "overwrite"
    locations = _locations(spec)
    if log.error_count() > errors or rule is None or target is None:
        return None
    return build_model(
        log,
        doc.name_loc,
        "the SyncBack",
        lambda: SyncBack(
            name=doc.name,
            location=doc.name_loc,
            rule=rule.strip(),
            target=target,
            fields=fields,
            create_missing_fields=bool(create),
            track_history=tracked,
            every=every,
            on_conflict=cast(ConflictPolicy, policy),
            locations=locations,
        ),
    )


def _locations(spec: Section) -> dict[str, Location]:
    """Where the parts a check against the org may report on are written."""
    locations: dict[str, Location] = {}
    target = spec.value("target")
    if isinstance(target, YMap):
        for key in TARGET_KEYS:
            entry = target.entries.get(key)
            if entry is not None:
                locations[f"target.{key}"] = entry.value.loc
    fields = spec.value("fields")
    if isinstance(fields, YMap):
        for name, entry in fields.entries.items():
            locations[f"fields.{name}"] = entry.key_loc
    tracked = spec.value("trackHistory")
    if tracked is not None:
        locations["trackHistory"] = spec.key_loc("trackHistory")
    for item in tracked.items if isinstance(tracked, YSeq) else ():
        if isinstance(item, YScalar) and isinstance(item.value, str):
            locations.setdefault(f"trackHistory.{item.value.strip()}", item.loc)
    return locations


def _field_name(node: YNode | None, what: str, log: DiagnosticLog) -> str | None:
    """A Salesforce field or object API name: `Baton_Status__c`, `AccountId`."""
    if node is None:
        return None
    if not (isinstance(node, YScalar) and isinstance(node.value, str)):
        wrong_type(log, what, node, "an API name")
        return None
    name = node.value.strip()
    if FIELD_NAME.match(name):
        return name
    log.error(
        "bad-field-path",
        f"{what} '{node.value}' is not a Salesforce API name",
        node.loc,
        hint="API names are letters, digits and underscores, e.g. Baton_Status__c",
    )
    return None


def _target(spec: Section) -> Target | None:
    section = spec.section("target", TARGET_KEYS, required=True)
    if section is None:
        return None
    obj = _field_name(section.required("object"), section.path("object"), spec.log)
    via = _field_name(section.value("via"), section.path("via"), spec.log)
    if obj is None:
        return None
    return Target(object=obj, via=via)


def _fields(spec: Section) -> dict[str, str]:
    node = spec.mapping("fields", required=True)
    if node is None:
        return {}
    if not node.entries:
        spec.log.error(
            "no-fields",
            "spec.fields is empty",
            spec.key_loc("fields"),
            hint="map at least one Salesforce field to a Baton field, e.g. Baton_Status__c: status",
        )
    fields: dict[str, str] = {}
    for name, entry in node.entries.items():
        what = f"spec.fields.{name}"
        if not FIELD_NAME.match(name):
            spec.log.error(
                "bad-field-path",
                f"'{name}' is not a Salesforce field name",
                entry.key_loc,
                hint="write the field's API name, e.g. Baton_Status__c",
            )
            continue
        key = _baton_key(entry.value, what, spec.log)
        if key is not None:
            fields[name] = key
    return fields


def _baton_key(node: YNode, what: str, log: DiagnosticLog) -> str | None:
    if not (isinstance(node, YScalar) and isinstance(node.value, str)):
        wrong_type(log, what, node, "a Baton field key", hint="e.g. status or custom.Region")
        return None
    key = node.value.strip()
    field = baton_field(key)
    if field is None:
        known = (*syncable_keys(), f"{CUSTOM_PREFIX}NAME")
        hint = suggestion(key, known, "Baton fields")
        if key.startswith(CUSTOM_PREFIX) and not is_custom_key(key):
            hint = "name the custom field after the dot, e.g. custom.Region"
        log.error("unknown-baton-field", f"'{key}' is not a Baton field", node.loc, hint=hint)
        return None
    if not field.syncable:
        log.error(
            "field-not-syncable",
            f"Baton field '{key}' cannot be written to Salesforce",
            node.loc,
            hint="fields that sync back: " + ", ".join(syncable_keys()),
        )
        return None
    return key


def _track_history(spec: Section, fields: dict[str, str]) -> tuple[str, ...]:
    items = spec.sequence("trackHistory")
    if items is None:
        return ()
    mapped = {name.lower() for name in fields}
    tracked: list[str] = []
    for index, item in enumerate(items.items):
        name = _field_name(item, f"spec.trackHistory[{index}]", spec.log)
        if name is None:
            continue
        if name.lower() in (t.lower() for t in tracked):
            spec.log.warning(
                "duplicate-entry",
                f"{name} is listed twice in trackHistory",
                item.loc,
                hint="remove one",
            )
            continue
        if name.lower() not in mapped:
            spec.log.warning(
                "track-history-unmapped",
                f"trackHistory names {name}, which this SyncBack does not write",
                item.loc,
                hint="add it to spec.fields, or track it in Salesforce's own setup",
            )
        tracked.append(name)
    if len(tracked) > MAX_TRACKED:
        _too_many(spec.log, f"this SyncBack tracks {len(tracked)}", spec.key_loc("trackHistory"))
    return tuple(tracked)


def _too_many(log: DiagnosticLog, count: str, at: Location) -> None:
    log.error(
        "too-many-history-fields",
        f"{count} fields' history; Salesforce tracks at most {MAX_TRACKED} per object",
        at,
        hint="track the fields whose audit trail matters most",
    )


def _every(spec: Section) -> timedelta:
    node = spec.value("every")
    if node is None:
        return DEFAULT_EVERY
    hint = "write a duration with its unit: 30m, 4h or 1d"
    if not (isinstance(node, YScalar) and isinstance(node.value, str)):
        spec.wrong_type("every", node, "a duration", hint=hint)
        return DEFAULT_EVERY
    try:
        return parse_duration(node.value)
    except ValueError:
        spec.log.error(
            "bad-duration", f"spec.every '{node.value}' is not a duration", node.loc, hint=hint
        )
        return DEFAULT_EVERY
