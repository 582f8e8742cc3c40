"""The planner: a pure function from the spec and what was observed to a plan.

No I/O happens here and the order of changes is deterministic: rules in spec order,
records by ID, fields by name.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reconciler import __version__
from reconciler.observe.model import Observed, ObservedRecord, link_key
from reconciler.plan.capabilities import check_capabilities
from reconciler.plan.compare import as_moment as _as_moment
from reconciler.plan.compare import same_value as same_value
from reconciler.plan.import_checks import check_create, check_rule
from reconciler.plan.model import (
    KNOWN_AFTER_APPLY,
    ApiCalls,
    BatonTarget,
    Change,
    FieldChange,
    Plan,
    PlanDiagnostic,
    RecordRef,
    SalesforceTarget,
    SpecInfo,
    Summary,
    Targets,
    Tool,
    field_change,
)
from reconciler.plan.related import merge_writes, plan_related
from reconciler.plan.schema import plan_schema, schema_calls
from reconciler.plan.sync_values import missing_custom_fields, new_record_values, sync_values
from reconciler.spec import ImportRule, Spec, SyncBack
from reconciler.spec.templates import field_value, is_template, render

LINK_FIELD_AFTER = {"title": "Salesforce Link", "type": "text"}


@dataclass
class _Draft:
    """Changes and counts as the planner collects them."""

    schema: list[Change] = field(default_factory=list)
    creates: list[Change] = field(default_factory=list)
    links: list[Change] = field(default_factory=list)
    writes: list[Change] = field(default_factory=list)
    diagnostics: list[PlanDiagnostic] = field(default_factory=list)
    unchanged: int = 0
    not_live: dict[str, int] = field(default_factory=dict)


def make_plan(spec: Spec, observed: Observed, connection: Mapping[str, Any] | None = None) -> Plan:
    """Everything that must change so that Baton and Salesforce match the spec."""
    schema = plan_schema(spec, observed)
    observed, draft = schema.observed, _Draft([*schema.changes], diagnostics=[*schema.diagnostics])
    if observed.link_field_id is None and spec.import_rules:
        draft.schema.append(
            Change(
                action="create",
                resource="baton.customField",
                address="baton.customField[Salesforce Link]",
                after=dict(LINK_FIELD_AFTER),
                reason="projects hold their Salesforce record in this field",
            )
        )
    for rule in spec.import_rules:
        _plan_rule(spec, rule, observed, draft)
    _plan_baton_side(spec, observed, draft)
    _note_not_live(spec, draft)
    check_capabilities([*draft.schema, *draft.creates, *draft.links], observed.baton.capabilities)
    return _assemble(spec, observed, draft, connection or {})


def _plan_baton_side(spec: Spec, observed: Observed, draft: _Draft) -> None:
    """Related records, and the checks that need every rule's creates and writes."""
    related = plan_related(spec, observed)
    draft.diagnostics.extend(related.diagnostics)
    draft.diagnostics.extend(merge_writes(draft.writes, related.writes))
    draft.diagnostics.extend(missing_custom_fields(spec, observed))
    creating = {change.rule for change in draft.creates}
    for rule in spec.import_rules:
        if rule.name in creating:
            draft.diagnostics.extend(check_rule(rule, observed))


def _plan_rule(spec: Spec, rule: ImportRule, observed: Observed, draft: _Draft) -> None:
    syncs = list(spec.sync_backs_for(rule.name))
    direct = [sync for sync in syncs if sync.target.via is None]
    for record in observed.records.get(rule.name, ()):
        project = _project_for(rule, record, observed, syncs)
        if project is None:
            _plan_new(spec, rule, record, observed, direct, draft)
        else:
            _plan_existing(spec, rule, record, project, observed, direct, draft)


def _project_for(
    rule: ImportRule, record: ObservedRecord, observed: Observed, syncs: list[SyncBack]
) -> Mapping[str, Any] | None:
    project_id = observed.links.get(link_key(rule.name, record.id))
    if project_id is None:
        project_id = _sf_link(record, syncs)
    return observed.projects.get(project_id) if project_id is not None else None


def _sf_link(record: ObservedRecord, syncs: list[SyncBack]) -> int | None:
    for sync in syncs:
        name = sync.link_field()
        value = record.data.get(name) if name else None
        if value is not None and str(value).strip().isdigit():
            return int(str(value).strip())
    return None


def _plan_new(
    spec: Spec,
    rule: ImportRule,
    record: ObservedRecord,
    observed: Observed,
    syncs: list[SyncBack],
    draft: _Draft,
) -> None:
    if not record.candidate:
        draft.diagnostics.append(_dangling_link(rule, record))
        return
    reason = _eligible(spec, rule, record)
    if reason is None:
        draft.not_live[rule.name] = draft.not_live.get(rule.name, 0) + 1
        return
    key = link_key(rule.name, record.id)
    ref = RecordRef(object=record.object, id=record.id)
    after, warnings = check_create(spec, rule, ref, import_values(rule, record), observed)
    draft.diagnostics.extend(warnings)
    create = Change(
        action="create",
        resource="baton.project",
        address=f"baton.project[{key}]",
        rule=rule.name,
        record=ref,
        after=after,
        reason=sys.intern(f"matches rule {rule.name}; {reason}"),
        observed={"LastModifiedDate": record.data.get("LastModifiedDate")},
    )
    draft.creates.append(create)
    planned = new_record_values(spec, observed, rule, syncs, ref, after)
    draft.diagnostics.extend(planned.diagnostics)
    fields = {
        name: field_change(record.data.get(name), wanted.value, wanted.key)
        for name, wanted in planned.values.items()
        if wanted.value == KNOWN_AFTER_APPLY or not same_value(record.data.get(name), wanted.value)
    }
    if fields:
        draft.writes.append(_record_write(rule, record, fields, f"new project for {key}", ref=ref))


def _plan_existing(
    spec: Spec,
    rule: ImportRule,
    record: ObservedRecord,
    project: Mapping[str, Any],
    observed: Observed,
    syncs: list[SyncBack],
    draft: _Draft,
) -> None:
    key = link_key(rule.name, record.id)
    project_id = int(project["id"])
    changed = False
    if observed.links.get(key) != project_id:
        changed = True
        draft.links.append(
            Change(
                action="create",
                resource="baton.customFieldValue",
                address=f"baton.customFieldValue[{key}]",
                rule=rule.name,
                record=RecordRef(object=record.object, id=record.id),
                project_id=project_id,
                after={"Salesforce Link": key},
                reason="the project does not name its Salesforce record yet",
            )
        )
    fields = desired_fields(spec, record, project, observed, syncs, draft.diagnostics)
    if fields:
        changed = True
        draft.writes.append(
            _record_write(rule, record, fields, f"project {project_id} changed", project)
        )
    if not changed:
        draft.unchanged += 1


def desired_fields(
    spec: Spec,
    record: ObservedRecord,
    project: Mapping[str, Any],
    observed: Observed,
    syncs: list[SyncBack],
    diagnostics: list[PlanDiagnostic] | None = None,
) -> dict[str, FieldChange]:
    """The sync-back fields of one record whose Salesforce value differs from Baton's;
    warnings about values that cannot be found or converted go to `diagnostics`."""
    ref = RecordRef(object=record.object, id=record.id)
    planned = sync_values(spec, observed, syncs, ref, observed.baton.project_data(project))
    if diagnostics is not None:
        diagnostics.extend(planned.diagnostics)
    policies = {name: sync.on_conflict for sync in syncs for name in sync.fields}
    changes: dict[str, FieldChange] = {}
    for name, wanted in planned.values.items():
        before = record.data.get(name)
        if same_value(before, wanted.value):
            continue
        conflict = _conflict(observed, record, name, before)
        if conflict is not None and policies.get(name) != "overwrite":
            if diagnostics is not None:
                diagnostics.append(_conflict_diagnostic(record, name, conflict, policies[name]))
            continue
        changes[name] = field_change(before, wanted.value, wanted.key)
    return changes


def _conflict(observed: Observed, record: ObservedRecord, name: str, before: Any) -> Any:
    """The value this tool last wrote, when a person has changed the field since; else None."""
    key = (record.object, record.id, name)
    if key not in observed.last_written:
        return None
    last = observed.last_written[key]
    return None if same_value(before, last) else {"lastWritten": last}


def _conflict_diagnostic(
    record: ObservedRecord, name: str, conflict: Any, policy: str
) -> PlanDiagnostic:
    last = conflict["lastWritten"]
    action = "is left as it is" if policy == "skip" else "stops the apply (onConflict: fail)"
    return PlanDiagnostic(
        severity="warning" if policy == "skip" else "error",
        code="conflict",
        message=(
            f"{record.object} {record.id} field {name} was changed by someone since baton-sf "
            f"wrote {last!r}; it {action}"
        ),
        record=RecordRef(object=record.object, id=record.id),
    )


def import_values(rule: ImportRule, record: ObservedRecord) -> dict[str, Any]:
    """The Baton fields a new project gets from its record, as the rule maps them."""
    values: dict[str, Any] = {}
    for key, source in sorted(rule.fields.items()):
        values[key] = _read(record.data, source)
    for title, source in sorted(rule.custom_fields.items()):
        values[f"custom.{title}"] = _read(record.data, source)
    if "title" not in values or not values["title"]:
        values["title"] = str(record.data.get("Name") or record.id)
    if rule.project_lead:
        values["projectLead"] = rule.project_lead
    if rule.template:
        values["template"] = rule.template
    values["link"] = link_key(rule.name, record.id)
    return values


def _read(data: Mapping[str, Any], source: str) -> Any:
    return render(source, data) if is_template(source) else field_value(data, source)


def _eligible(spec: Spec, rule: ImportRule, record: ObservedRecord) -> str | None:
    """Why a matching record may be imported now, or None when "no firehose" holds it back."""
    backfill = rule.backfill
    if backfill.mode == "all":
        return "backfill: all"
    if backfill.mode == "ids" and any(_same_id(record.id, other) for other in backfill.ids):
        return "backfill names it"
    modified = _as_moment(record.data.get("LastModifiedDate"))
    if backfill.mode == "since" and backfill.since is not None and modified is not None:
        since = datetime.combine(backfill.since, datetime.min.time(), UTC)
        if modified >= since:
            return f"backfill since {backfill.since.isoformat()}"
    go_live = spec.connection.go_live
    if go_live is None:
        return "no goLive set"
    if modified is not None and modified > go_live:
        return "modified after goLive"
    return None


def _same_id(record_id: str, other: str) -> bool:
    return record_id[:15] == other[:15]


def _record_write(
    rule: ImportRule,
    record: ObservedRecord,
    fields: dict[str, FieldChange],
    reason: str,
    project: Mapping[str, Any] | None = None,
    *,
    ref: RecordRef | None = None,
) -> Change:
    """The write of a record's fields; `ref` is the record's reference when its create
    already made one (the two changes share it)."""
    observed: dict[str, Any] = {"LastModifiedDate": record.data.get("LastModifiedDate")}
    if project is not None:
        observed["project"] = {"id": project["id"], "modified": project.get("modified")}
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[{record.object}/{record.id}]",
        rule=rule.name,
        record=ref or RecordRef(object=record.object, id=record.id),
        fields=fields,
        reason=reason,
        observed=observed,
    )


def _dangling_link(rule: ImportRule, record: ObservedRecord) -> PlanDiagnostic:
    return PlanDiagnostic(
        severity="warning",
        code="dangling-link",
        message=(
            f"{record.object} {record.id} names a Baton project that the workspace does not "
            "have; it is left as it is"
        ),
        rule=rule.name,
        record=RecordRef(object=record.object, id=record.id),
    )


def _note_not_live(spec: Spec, draft: _Draft) -> None:
    for rule, count in sorted(draft.not_live.items()):
        draft.diagnostics.append(
            PlanDiagnostic(
                severity="info",
                code="not-after-go-live",
                message=(
                    f"{count} record(s) match rule {rule} but were last modified before "
                    "goLive; touch them or use backfill to import them"
                ),
                rule=rule,
            )
        )


def _assemble(spec: Spec, observed: Observed, draft: _Draft, connection: Mapping[str, Any]) -> Plan:
    changes = [*draft.schema, *draft.creates, *draft.links, *draft.writes]
    summary = Summary(
        create=len(draft.creates),
        update=len(draft.writes),
        field_writes=sum(len(change.fields or {}) for change in draft.writes),
        schema_=len(draft.schema),
        unchanged=draft.unchanged,
        api_calls=ApiCalls(**estimate_calls(draft)),
    )
    return Plan(
        tool=Tool(version=__version__),
        spec=SpecInfo(
            digest=spec.digest, environment=spec.environment, directory=str(spec.directory)
        ),
        connection=dict(connection),
        targets=Targets(
            salesforce=SalesforceTarget(
                instance_url=observed.instance_url, organization_id=observed.organization_id
            ),
            baton=BatonTarget(url=observed.baton_url),
        ),
        summary=summary,
        changes=changes,
        diagnostics=draft.diagnostics,
    )


def estimate_calls(draft: _Draft) -> dict[str, int]:
    """The API calls an apply of these changes will make, by service."""
    per_object: dict[str, int] = {}
    for change in draft.writes:
        if change.record is not None:
            per_object[change.record.object] = per_object.get(change.record.object, 0) + 1
    salesforce = sum(-(-count // 200) for count in per_object.values())
    salesforce += schema_calls(draft.schema)
    creates = sum(_create_calls(change) for change in draft.creates)
    baton_schema = [change for change in draft.schema if change.resource.startswith("baton.")]
    baton = len(baton_schema) + creates + len(draft.links)
    return {"salesforce": salesforce, "baton": baton}


def _create_calls(change: Change) -> int:
    """A project create: the project, its link, each lead and each custom value."""
    after = change.after or {}
    users = sum(1 for key in ("projectLead", "clientLeadEmail") if after.get(key))
    custom = sum(key.startswith("custom.") and value is not None for key, value in after.items())
    return 2 + users + custom
