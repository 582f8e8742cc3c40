"""The planner: a pure function from the spec and what was observed to a plan.

No I/O happens here and the order of changes is deterministic: rules in spec order,
records by ID, fields by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from reconciler import __version__
from reconciler.baton.derive import Workspace, derive
from reconciler.catalog import to_salesforce
from reconciler.errors import PlanError
from reconciler.observe.model import Observed, ObservedRecord, link_key
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
)
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
    draft = _Draft()
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
    _note_not_live(spec, draft)
    return _assemble(spec, observed, draft, connection or {})


def _plan_rule(spec: Spec, rule: ImportRule, observed: Observed, draft: _Draft) -> None:
    syncs = list(spec.sync_backs_for(rule.name))
    for sync in syncs:
        if sync.target.via is not None:
            # Known limit: a SyncBack into a related record (`target.via`) is refused when
            # the plan is made; only the imported record itself can be a target.
            raise PlanError(
                f"SyncBack {sync.name} ({sync.location.file}:{sync.location.line}) writes to a "
                "related record, which this build of baton-sf cannot plan yet",
                hint="target the imported record itself for now",
            )
    for record in observed.records.get(rule.name, ()):
        project = _project_for(rule, record, observed, syncs)
        if project is None:
            _plan_new(spec, rule, record, observed, syncs, draft)
        else:
            _plan_existing(spec, rule, record, project, observed, syncs, draft)


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
    create = Change(
        action="create",
        resource="baton.project",
        address=f"baton.project[{key}]",
        rule=rule.name,
        record=RecordRef(object=record.object, id=record.id),
        after=import_values(rule, record),
        reason=f"matches rule {rule.name}; {reason}",
        observed={"LastModifiedDate": record.data.get("LastModifiedDate")},
    )
    draft.creates.append(create)
    fields = {
        name: FieldChange(before=record.data.get(name), after=KNOWN_AFTER_APPLY, source=key_)
        for sync in syncs
        for name, key_ in sorted(sync.fields.items())
    }
    if fields:
        draft.writes.append(_record_write(rule, record, fields, f"new project for {key}"))


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
    fields = desired_fields(spec, record, project, observed, syncs)
    if fields:
        changed = True
        draft.writes.append(_record_write(rule, record, fields, f"project {project_id} changed"))
    if not changed:
        draft.unchanged += 1


def desired_fields(
    spec: Spec,
    record: ObservedRecord,
    project: Mapping[str, Any],
    observed: Observed,
    syncs: list[SyncBack],
) -> dict[str, FieldChange]:
    """The sync-back fields of one record whose Salesforce value differs from Baton's."""
    workspace = Workspace(url=observed.baton_url)
    changes: dict[str, FieldChange] = {}
    for sync in syncs:
        for name, key in sorted(sync.fields.items()):
            describe_field = observed.describe_field(record.object, name)
            value = derive(key, project, workspace)
            after = to_salesforce(key, value, describe_field, spec.connection.timezone)
            before = record.data.get(name)
            if not same_value(before, after):
                changes[name] = FieldChange(before=before, after=after, source=key)
    return changes


def same_value(before: Any, after: Any) -> bool:
    """Whether a Salesforce value already equals the value to write, as Salesforce compares."""
    if _empty(before) and _empty(after):
        return True
    if _empty(before) or _empty(after):
        return False
    numbers = _as_decimal(before), _as_decimal(after)
    if numbers[0] is not None and numbers[1] is not None and not isinstance(before, str):
        return numbers[0] == numbers[1]
    moments = _as_moment(before), _as_moment(after)
    if moments[0] is not None and moments[1] is not None:
        return moments[0] == moments[1]
    return str(before) == str(after)


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
    rule: ImportRule, record: ObservedRecord, fields: dict[str, FieldChange], reason: str
) -> Change:
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[{record.object}/{record.id}]",
        rule=rule.name,
        record=RecordRef(object=record.object, id=record.id),
        fields=fields,
        reason=reason,
        observed={"LastModifiedDate": record.data.get("LastModifiedDate")},
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
    creates = sum(1 + ("projectLead" in (change.after or {})) + 1 for change in draft.creates)
    baton = len(draft.schema) + creates + len(draft.links)
    return {"salesforce": salesforce, "baton": baton}


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _as_moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value.replace("+0000", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
