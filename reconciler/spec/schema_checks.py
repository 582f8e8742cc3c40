"""Checks of a valid spec against the org's schema: describes, live or from a snapshot.

Field paths must exist and resolve through relationships, criterion values must fit their
fields, SyncBack targets must be writable fields of a type the Baton field accepts, and
history tracking must stay within Salesforce's limit counting what the org tracks already.
Every finding is a diagnostic at the key or value it is about.

The spec layer takes describes as data; reading them from an org is the caller's part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.catalog import CUSTOM_PREFIX, baton_field, rejection_reason
from reconciler.spec.conditions import Criterion
from reconciler.spec.criterion_types import value_problems
from reconciler.spec.diagnostics import Diagnostic, DiagnosticLog, nearest_hint
from reconciler.spec.import_rule import ImportRule
from reconciler.spec.org_schema import Describe, Lookup, OrgSchema, Unresolved
from reconciler.spec.parse_sync_back import MAX_TRACKED
from reconciler.spec.spec_model import Spec
from reconciler.spec.sync_back import SyncBack
from reconciler.spec.templates import is_template, template_variables

_SNAPSHOT_HINT = (
    "check the API name; if the object was added to the org since, take a new snapshot with "
    "baton-sf org snapshot"
)


def check_against_org(
    spec: Spec,
    describes: Mapping[str, Mapping[str, Any]],
    history_tracked: Mapping[str, Sequence[str]] | None = None,
) -> list[Diagnostic]:
    """Every finding about `spec` against the org whose describe payloads, by object name,
    are `describes`. `history_tracked` lists, by object, the fields whose history the org
    tracks already; without it the history limit is checked within the spec only."""
    return _check(spec, OrgSchema.of(describes), history_tracked)


def read_describes(spec: Spec, describe: Lookup) -> dict[str, Describe]:
    """The describes the checks of `spec` need, read through `describe` (None for an object
    the org does not have): rule objects, targets, and the objects reached through
    relationship paths and `via` lookups. Keyed by each object's API name."""
    schema = OrgSchema(describe)
    _check(spec, schema, None)
    return schema.read()


def _check(
    spec: Spec, schema: OrgSchema, history_tracked: Mapping[str, Sequence[str]] | None
) -> list[Diagnostic]:
    log = DiagnosticLog()
    rules = {rule.name: rule for rule in spec.import_rules}
    for rule in spec.import_rules:
        _check_rule(rule, schema, log)
    for sync in spec.sync_backs:
        _check_sync(sync, rules.get(sync.rule), schema, log)
    if history_tracked is not None:
        _check_history(spec.sync_backs, history_tracked, log)
    return log.items


def _check_rule(rule: ImportRule, schema: OrgSchema, log: DiagnosticLog) -> None:
    if schema.describe(rule.object) is None:
        log.error(
            "unknown-object",
            f"import rule '{rule.name}' imports {rule.object}, which is not in the org's schema",
            rule.located("object"),
            hint=_SNAPSHOT_HINT,
        )
        return
    for criterion in rule.when.criteria():
        _check_criterion(rule, criterion, schema, log)
    for key, source in rule.fields.items():
        _check_source(rule, key, source, schema, log)
    for title, source in rule.custom_fields.items():
        _check_source(rule, CUSTOM_PREFIX + title, source, schema, log)


def _check_criterion(
    rule: ImportRule, criterion: Criterion, schema: OrgSchema, log: DiagnosticLog
) -> None:
    found = schema.resolve(rule.object, criterion.field)
    if isinstance(found, Unresolved):
        log.error(found.code, found.message, criterion.field_at(), hint=found.hint)
        return
    if found.field.get("filterable") is False:
        log.error(
            "not-filterable",
            f"Salesforce cannot filter records on {found.object}.{found.name} (type {found.type})",
            criterion.field_at(),
            hint="long text areas and some system fields cannot be tested; test another field",
        )
        return
    for problem in value_problems(criterion, found.field):
        report = log.error if problem.error else log.warning
        report(problem.code, problem.message, criterion.value_at(problem.index), problem.hint)


def _check_source(
    rule: ImportRule, key: str, source: str, schema: OrgSchema, log: DiagnosticLog
) -> None:
    at = rule.located(f"fields.{key}")
    if is_template(source):
        for variable in sorted(template_variables(source)):
            found = schema.resolve(rule.object, variable)
            if isinstance(found, Unresolved):
                log.error(
                    "unknown-template-variable",
                    f"the template of {key} reads '{variable}', which is not a field path of "
                    f"{rule.object}: {found.message}",
                    at,
                    hint=found.hint,
                )
        return
    found = schema.resolve(rule.object, source)
    if isinstance(found, Unresolved):
        log.error(found.code, f"{key}: {found.message}", at, hint=found.hint)
        return
    reason = rejection_reason(key, found.field, "import")
    if reason is not None:
        log.error(
            "type-mismatch",
            f"{key} cannot be imported from {found.object}.{found.name}: {reason}",
            at,
            hint="map a field of a type it reads, or a template for text",
        )


def _check_sync(
    sync: SyncBack, rule: ImportRule | None, schema: OrgSchema, log: DiagnosticLog
) -> None:
    target = sync.target.object
    if sync.target.via is not None and rule is not None:
        _check_via(sync, sync.target.via, rule, schema, log)
    if schema.describe(target) is None:
        log.error(
            "unknown-object",
            f"SyncBack '{sync.name}' writes {target}, which is not in the org's schema",
            sync.located("target.object"),
            hint=_SNAPSHOT_HINT,
        )
        return
    for name, key in sync.fields.items():
        _check_target_field(sync, name, key, schema, log)
    mapped = {name.lower() for name in sync.fields}
    for name in sync.track_history:
        if name.lower() not in mapped and schema.field(target, name) is None:
            log.error(
                "unknown-field",
                f"trackHistory names {target}.{name}, which does not exist",
                sync.located(f"trackHistory.{name}"),
                hint=nearest_hint(name, schema.field_names(target), f"fields of {target}"),
            )


def _check_via(
    sync: SyncBack, via: str, rule: ImportRule, schema: OrgSchema, log: DiagnosticLog
) -> None:
    """`via` is a lookup field of the imported object that points to the target object."""
    source = rule.object
    if schema.describe(source) is None:
        return  # reported at the rule
    at = sync.located("target.via")
    field = schema.field(source, via)
    lookups = [str(f["name"]) for f in schema.fields(source) if f.get("type") == "reference"]
    if field is None:
        relationship = schema.relationship(source, via)
        hint = (
            f"write the lookup field's API name, {relationship.get('name')}"
            if relationship is not None
            else nearest_hint(via, lookups, f"lookup fields of {source}")
        )
        log.error("unknown-field", f"{source} has no lookup field '{via}'", at, hint=hint)
        return
    if field.get("type") != "reference":
        log.error(
            "via-not-lookup",
            f"target.via {source}.{field.get('name')} is a {field.get('type')} field, not a lookup",
            at,
            hint=nearest_hint(via, lookups, f"lookup fields of {source}"),
        )
        return
    targets = [str(t) for t in field.get("referenceTo") or ()]
    if sync.target.object.lower() not in (t.lower() for t in targets):
        log.error(
            "via-wrong-object",
            f"{source}.{field.get('name')} looks up {', '.join(targets) or 'nothing'}, "
            f"not {sync.target.object}",
            sync.located("target.object"),
            hint=f"set object: {targets[0]}" if len(targets) == 1 else "choose another lookup",
        )


def _check_target_field(
    sync: SyncBack, name: str, key: str, schema: OrgSchema, log: DiagnosticLog
) -> None:
    target = sync.target.object
    at = sync.located(f"fields.{name}")
    field = schema.field(target, name)
    if field is None:
        if not sync.create_missing_fields:
            near = nearest_hint(name, schema.field_names(target), f"fields of {target}")
            log.error(
                "unknown-field",
                f"{target} has no field '{name}' to write {key} into",
                at,
                hint=f"set createMissingFields: true to have it created, or fix the name: {near}",
            )
        return
    shown = f"{target}.{field.get('name')}"
    if field.get("calculated"):
        log.error(
            "formula-field",
            f"{shown} is a formula field, which cannot be written",
            at,
            hint=f"write {key} into a field that is not a formula",
        )
    elif not field.get("updateable"):
        log.error(
            "not-updateable",
            f"{shown} is not updateable by the integration user",
            at,
            hint="grant the integration user Edit access to it, or map another field",
        )
    else:
        reason = rejection_reason(key, field, "sync")
        if reason is not None:
            log.error(
                _sync_code(key, field),
                f"{shown} cannot hold {key}: {reason}",
                at,
                hint="map another field; with createMissingFields: true a new field name is "
                "created with a fitting type",
            )


def _sync_code(key: str, field: Mapping[str, Any]) -> str:
    """The code of a sync rejection: a lookup to the wrong object, an unsuitable link field,
    or a plain type mismatch."""
    baton = baton_field(key)
    fits_type = baton is not None and field.get("type") in baton.sync_types
    if fits_type and baton is not None and baton.lookup_objects:
        return "lookup-target-mismatch"
    if fits_type and baton is not None and baton.baton_type == "id":
        return "link-field-unsuitable"
    return "type-mismatch"


def _check_history(
    syncs: Sequence[SyncBack],
    org_tracked: Mapping[str, Sequence[str]],
    log: DiagnosticLog,
) -> None:
    """At most MAX_TRACKED fields per object, counting the ones the org tracks already."""
    tracked = {obj.lower(): {name.lower() for name in names} for obj, names in org_tracked.items()}
    added: dict[str, set[str]] = defaultdict(set)
    reported: set[str] = set()
    for sync in syncs:
        obj = sync.target.object.lower()
        existing = tracked.get(obj, set())
        added[obj].update(n.lower() for n in sync.track_history if n.lower() not in existing)
        total = len(existing) + len(added[obj])
        if total > MAX_TRACKED and sync.track_history and obj not in reported:
            reported.add(obj)
            log.error(
                "too-many-history-fields",
                f"{sync.target.object} would track the history of {total} fields: "
                f"{len(existing)} the org tracks already and {len(added[obj])} more from "
                f"trackHistory; Salesforce tracks at most {MAX_TRACKED} per object",
                sync.located("trackHistory"),
                hint="track fewer fields here, or stop tracking some in the org's setup",
            )
