"""The schema stage of a plan: Salesforce custom fields, field-level security, history
tracking and PushTopics, planned before any record is touched.

Pure like the planner: it reads the spec and the observed schema (`Observed.schema`) and
returns changes, diagnostics, and the Observed with the planned fields added to its
describes, so that later stages convert values for a field that does not exist yet.
Problems that make a plan impossible are collected and raised together, one line each.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.errors import PlanError
from reconciler.observe.model import Observed
from reconciler.plan.model import Change, PlanDiagnostic
from reconciler.salesforce.custom_fields import FieldSpec, NotCreatable, field_spec
from reconciler.salesforce.push_topics import (
    MAX_QUERY,
    differences,
    topic_query,
    topic_record,
)
from reconciler.salesforce.schema import PERMISSION_SET_NAME, SchemaState
from reconciler.spec import ImportRule, Spec, SyncBack

MAX_TRACKED: Final = 20
SCHEMA_RESOURCES: Final = frozenset(
    {
        "salesforce.customField",
        "salesforce.fieldPermission",
        "salesforce.historyTracking",
        "salesforce.pushTopic",
    }
)
# API calls each kind of change costs when applied.
_CALLS: Final = {
    "salesforce.customField": 1,
    "salesforce.fieldPermission": 2,
    "salesforce.historyTracking": 2,
    "salesforce.pushTopic": 1,
}


@dataclass(frozen=True)
class SchemaPlan:
    """The schema changes of a plan and what the rest of the planner should see."""

    changes: tuple[Change, ...]
    diagnostics: tuple[PlanDiagnostic, ...]
    observed: Observed


@dataclass
class _Draft:
    state: SchemaState
    changes: list[Change] = field(default_factory=list)
    diagnostics: list[PlanDiagnostic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    planned: dict[str, FieldSpec] = field(default_factory=dict)
    grants: list[FieldSpec] = field(default_factory=list)


def plan_schema(spec: Spec, observed: Observed) -> SchemaPlan:
    """The schema changes the spec needs; PlanError listing every problem that stops it."""
    state = observed.schema
    if state is None:
        return SchemaPlan((), (), observed)
    draft = _Draft(state)
    for sync in spec.sync_backs:
        _plan_fields(sync, draft)
    _plan_access(draft)
    _plan_history(spec, draft)
    _plan_topics(spec, observed, draft)
    if draft.problems:
        raise PlanError("\n".join(draft.problems))
    return SchemaPlan(
        tuple(draft.changes), tuple(draft.diagnostics), _with_planned(observed, draft)
    )


def schema_calls(changes: Iterable[Change]) -> int:
    """The Salesforce API calls applying these schema changes takes (one describe poll per
    object whose new fields are waited for included)."""
    changes = list(changes)
    waited = {
        (c.field or "").partition(".")[0]
        for c in changes
        if c.resource == "salesforce.fieldPermission" and c.field
    }
    return sum(_CALLS.get(c.resource, 0) for c in changes) + len(waited)


def schema_headline(change: Change) -> str | None:
    """A one-line headline of a schema change, or None for other changes."""
    after = change.after or {}
    if change.resource == "salesforce.customField":
        return f"create Salesforce custom field {change.field} ({_type_text(after)})"
    if change.resource == "salesforce.fieldPermission":
        permission_set = after.get("permissionSet")
        if change.field is not None:
            return f"grant read and edit on {change.field} through {permission_set}"
        if "assigneeId" in after:
            user = change.address.partition(" ")[2].rstrip("]")
            return f"assign permission set {permission_set} to the integration user {user}"
        return f"create permission set {permission_set}"
    if change.resource == "salesforce.historyTracking":
        return f"turn on field history tracking of {change.field}"
    if change.resource == "salesforce.pushTopic":
        name = change.address.partition("[")[2].rstrip("]")
        if change.action == "delete":
            return f"delete PushTopic {name} (only with apply --prune)"
        return f"{change.action} PushTopic {name}: {after.get('Query')}"
    return None


def _plan_fields(sync: SyncBack, draft: _Draft) -> None:
    state, obj = draft.state, sync.target.object
    for name, key in sorted(sync.fields.items()):
        full = f"{obj}.{name}"
        if state.visible(obj, name) is not None or full in draft.planned:
            continue
        where = f"SyncBack {sync.name} ({sync.location.file}:{sync.location.line})"
        if not sync.create_missing_fields:
            draft.problems.append(
                f"{where} writes {full}, which the org does not have or the integration user "
                f"cannot see; {_nearest(name, state.field_names(obj))}; fix the name, or set "
                "createMissingFields: true to create it"
            )
            continue
        try:
            spec_ = field_spec(obj, name, key)
        except NotCreatable as exc:
            draft.problems.append(f"{where}: {exc}")
            continue
        draft.planned[full] = spec_
        if state.tooling_id(obj, name) is None:
            draft.changes.append(_field_create(sync, spec_))
        if full not in state.granted:
            draft.grants.append(spec_)


def _field_create(sync: SyncBack, spec_: FieldSpec) -> Change:
    return Change(
        action="create",
        resource="salesforce.customField",
        address=f"salesforce.customField[{spec_.full_name}]",
        rule=sync.rule,
        field=spec_.full_name,
        after=dict(spec_.metadata),
        reason=f"SyncBack {sync.name} writes it and sets createMissingFields",
    )


def _plan_access(draft: _Draft) -> None:
    """The managed permission set, its assignment, and a grant per field to create."""
    state = draft.state
    if not draft.planned:
        return
    user = state.user
    if state.permission_set_id is None:
        draft.changes.append(
            Change(
                action="create",
                resource="salesforce.fieldPermission",
                address=f"salesforce.fieldPermission[PermissionSet {PERMISSION_SET_NAME}]",
                after={"permissionSet": PERMISSION_SET_NAME},
                reason="holds field access to the fields baton-sf creates",
            )
        )
    if not state.assigned and user is not None:
        draft.changes.append(
            Change(
                action="create",
                resource="salesforce.fieldPermission",
                address=f"salesforce.fieldPermission[PermissionSetAssignment {user.username}]",
                after={"permissionSet": PERMISSION_SET_NAME, "assigneeId": user.user_id},
                reason="the integration user gets the permission set, so it can see new fields",
            )
        )
    for spec_ in draft.grants:
        draft.changes.append(
            Change(
                action="create",
                resource="salesforce.fieldPermission",
                address=f"salesforce.fieldPermission[{spec_.full_name}]",
                field=spec_.full_name,
                after={"permissionSet": PERMISSION_SET_NAME, "read": True, "edit": True},
                reason="a new field is invisible to the integration user until granted",
            )
        )


def _plan_history(spec: Spec, draft: _Draft) -> None:
    wanted: dict[str, dict[str, SyncBack]] = {}
    for sync in spec.sync_backs:
        for name in sync.track_history:
            wanted.setdefault(sync.target.object, {}).setdefault(name, sync)
    for obj, names in sorted(wanted.items()):
        tracked = {name.lower() for name in draft.state.tracked.get(obj, frozenset())}
        total = tracked | {name.lower() for name in names}
        if len(total) > MAX_TRACKED:
            draft.problems.append(
                f"{obj} would track the history of {len(total)} fields ({len(tracked)} tracked "
                f"now); Salesforce tracks at most {MAX_TRACKED}; shorten trackHistory or turn "
                f"tracking off for other {obj} fields in Setup"
            )
            continue
        for name, sync in sorted(names.items()):
            if name.lower() not in tracked:
                _track(obj, name, sync, draft)


def _track(obj: str, name: str, sync: SyncBack, draft: _Draft) -> None:
    full = f"{obj}.{name}"
    if not name.lower().endswith("__c"):
        # Known limit: history tracking of standard fields is not switched on; the Tooling
        # API reaches custom fields only. The plan says how to do it by hand.
        draft.diagnostics.append(
            PlanDiagnostic(
                severity="warning",
                code="history-standard-field",
                message=f"{full} is a standard field, whose history tracking baton-sf cannot "
                f"turn on; do it in Setup > Object Manager > {obj} > Fields & Relationships > "
                "Set History Tracking",
                rule=sync.rule,
            )
        )
        return
    tooling_id = draft.state.tooling_id(obj, name)
    if tooling_id is None and full not in draft.planned:
        if name not in sync.fields:
            draft.problems.append(
                f"SyncBack {sync.name} ({sync.location.file}:{sync.location.line}) tracks the "
                f"history of {full}, which the org does not have; add it to fields or fix "
                "the name"
            )
        return
    draft.changes.append(
        Change(
            action="update",
            resource="salesforce.historyTracking",
            address=f"salesforce.historyTracking[{full}]",
            rule=sync.rule,
            field=full,
            after={"trackHistory": True},
            reason=f"SyncBack {sync.name} lists it in trackHistory",
            observed={"toolingId": tooling_id, "IsFieldHistoryTracked": False},
        )
    )


def _plan_topics(spec: Spec, observed: Observed, draft: _Draft) -> None:
    existing = {str(topic["Name"]): topic for topic in draft.state.push_topics}
    wanted: set[str] = set()
    for rule in spec.import_rules:
        record = _topic_for(spec, rule, observed, draft)
        if record is None:
            continue
        wanted.add(record["Name"])
        _topic_change(rule, record, existing.get(record["Name"]), draft)
    for name, topic in sorted(existing.items()):
        if name not in wanted:
            draft.changes.append(
                Change(
                    action="delete",
                    resource="salesforce.pushTopic",
                    address=f"salesforce.pushTopic[{name}]",
                    reason="no import rule uses it any more; apply deletes it only with --prune",
                    observed={"Id": topic.get("Id"), "Query": topic.get("Query")},
                )
            )


def _topic_for(
    spec: Spec, rule: ImportRule, observed: Observed, draft: _Draft
) -> dict[str, Any] | None:
    describe = observed.describes.get(rule.object) or draft.state.describes.get(rule.object) or {}
    query = topic_query(rule, describe)
    for path, why in query.left_out:
        draft.diagnostics.append(
            PlanDiagnostic(
                severity="warning",
                code="push-topic-broader",
                message=f"the PushTopic of rule {rule.name} leaves out the criterion on {path} "
                f"({why}, which PushTopic queries cannot use), so it notifies about more "
                "records than the rule imports; the plan still imports only matching ones",
                rule=rule.name,
            )
        )
    if len(query.query) > MAX_QUERY:
        draft.problems.append(
            f"the PushTopic query of rule {rule.name} ({rule.location.file}:"
            f"{rule.location.line}) is {len(query.query)} characters, over Salesforce's "
            f"{MAX_QUERY}; use fewer or shorter criteria (an `in` list with fewer values)"
        )
        return None
    return topic_record(rule, query.query, spec.connection.salesforce.api_version)


def _topic_change(
    rule: ImportRule, record: dict[str, Any], topic: Mapping[str, Any] | None, draft: _Draft
) -> None:
    address = f"salesforce.pushTopic[{record['Name']}]"
    if topic is None:
        draft.changes.append(
            Change(
                action="create",
                resource="salesforce.pushTopic",
                address=address,
                rule=rule.name,
                after=record,
                reason=f"tells the integration when a record may match rule {rule.name}",
            )
        )
        return
    changed = differences(topic, record)
    if changed:
        draft.changes.append(
            Change(
                action="update",
                resource="salesforce.pushTopic",
                address=address,
                rule=rule.name,
                after=record,
                reason=f"rule {rule.name} changed: {', '.join(sorted(changed))} differ",
                observed={"Id": topic.get("Id"), **changed},
            )
        )


def _with_planned(observed: Observed, draft: _Draft) -> Observed:
    """Observed with each planned field in its object's describe."""
    if not draft.planned:
        return observed
    describes: dict[str, Mapping[str, Any]] = dict(observed.describes)
    for spec_ in draft.planned.values():
        base = describes.get(spec_.object) or draft.state.describes.get(spec_.object) or {}
        fields = [*base.get("fields", []), spec_.describe_entry]
        describes[spec_.object] = {**base, "fields": fields}
    return dataclasses.replace(observed, describes=describes)


def _nearest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(name.lower(), [n.lower() for n in names], n=3, cutoff=0.5)
        close = [n for n in names if n.lower() in close]
    return "nearest existing: " + ", ".join(close) if close else "no existing field is close"


def _type_text(after: Mapping[str, Any]) -> str:
    kind = str(after.get("type", "?"))
    if "precision" in after:
        kind += f"({after['precision']}, {after.get('scale', 0)})"
    elif "length" in after:
        kind += f"({after['length']})"
    flags = [flag for flag in ("externalId", "unique") if after.get(flag)]
    return ", ".join([kind, *flags])
