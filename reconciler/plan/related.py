"""Sync-back into related records: SyncBacks whose `target.via` names a lookup field of the
imported record (an Opportunity's `AccountId`), so that the record it points at is written.

Several projects may point at one related record. Their values for a field are written
when they agree; when they differ, the plan reports the conflict for that field and
writes nothing to it.

Known limit: a related record is written from projects that exist when the plan is made;
a project the same apply creates fills its related record on the next plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.catalog import canonical_id
from reconciler.observe.model import Observed
from reconciler.observe.sync_reads import project_id_for
from reconciler.plan.compare import same_value
from reconciler.plan.model import Change, FieldChange, PlanDiagnostic, RecordRef, field_change
from reconciler.plan.sync_values import sync_values
from reconciler.spec import Spec

RelatedKey = tuple[str, str]


@dataclass(frozen=True)
class Contribution:
    """One project's value for one field of a related record."""

    project_id: int
    rule: str
    key: str
    value: Any


@dataclass
class RelatedPlan:
    """Writes to related records and what the plan must report about them."""

    writes: list[Change] = field(default_factory=list)
    diagnostics: list[PlanDiagnostic] = field(default_factory=list)


def plan_related(spec: Spec, observed: Observed) -> RelatedPlan:
    """Every related record whose fields differ from what its projects agree on."""
    result = RelatedPlan()
    found = _contributions(spec, observed, result)
    for (object_name, record_id), fields in sorted(found.items()):
        related = observed.targets.related_record(object_name, record_id) or {}
        changes = _field_changes(object_name, record_id, related, fields, result)
        if changes:
            result.writes.append(_write(object_name, record_id, related, fields, changes))
    return result


def merge_writes(writes: list[Change], related: Iterable[Change]) -> list[PlanDiagnostic]:
    """Add related writes to `writes`; a record already written directly gets the related
    fields it does not write itself (its own mapping wins, with a warning on disagreement)."""
    diagnostics = []
    by_address = {change.address: index for index, change in enumerate(writes)}
    for change in related:
        index = by_address.get(change.address)
        if index is None:
            by_address[change.address] = len(writes)
            writes.append(change)
            continue
        direct = writes[index]
        fields = dict(direct.fields or {})
        for name, item in (change.fields or {}).items():
            if name in fields and not same_value(fields[name].after, item.after):
                diagnostics.append(_overridden(change, name))
            fields.setdefault(name, item)
        writes[index] = direct.model_copy(update={"fields": fields})
    return diagnostics


def _contributions(
    spec: Spec, observed: Observed, result: RelatedPlan
) -> dict[RelatedKey, dict[str, list[Contribution]]]:
    found: dict[RelatedKey, dict[str, list[Contribution]]] = {}
    missing: set[RelatedKey] = set()
    for rule in spec.import_rules:
        syncs = spec.sync_backs_for(rule.name)
        related_syncs = [sync for sync in syncs if sync.target.via is not None]
        for record in observed.records.get(rule.name, ()) if related_syncs else ():
            project_id = project_id_for(rule.name, record, observed.links, syncs)
            project = observed.projects.get(project_id) if project_id is not None else None
            if project is None or project_id is None:
                continue
            data = observed.baton.project_data(project)
            for sync in related_syncs:
                assert sync.target.via is not None
                related_id = canonical_id(str(record.data.get(sync.target.via) or ""))
                if related_id is None:
                    continue
                key = (sync.target.object, related_id)
                if observed.targets.related_record(*key) is None:
                    if key not in missing:
                        missing.add(key)
                        result.diagnostics.append(_not_found(key, sync.target.via, rule.name))
                    continue
                ref = RecordRef(object=key[0], id=related_id)
                planned = sync_values(spec, observed, [sync], ref, data)
                result.diagnostics.extend(planned.diagnostics)
                fields = found.setdefault(key, {})
                for name, wanted in planned.values.items():
                    contribution = Contribution(project_id, rule.name, wanted.key, wanted.value)
                    fields.setdefault(name, []).append(contribution)
    return found


def _field_changes(
    object_name: str,
    record_id: str,
    related: Mapping[str, Any],
    fields: Mapping[str, list[Contribution]],
    result: RelatedPlan,
) -> dict[str, FieldChange]:
    changes: dict[str, FieldChange] = {}
    for name, contributions in sorted(fields.items()):
        distinct = _distinct(contributions)
        if len(distinct) > 1:
            result.diagnostics.append(_conflict(object_name, record_id, name, contributions))
            continue
        before = related.get(name)
        after = contributions[0].value
        if not same_value(before, after):
            changes[name] = field_change(before, after, contributions[0].key)
    return changes


def _distinct(contributions: list[Contribution]) -> list[Any]:
    values: list[Any] = []
    for contribution in contributions:
        if not any(same_value(value, contribution.value) for value in values):
            values.append(contribution.value)
    return values


def _write(
    object_name: str,
    record_id: str,
    related: Mapping[str, Any],
    fields: Mapping[str, list[Contribution]],
    changes: dict[str, FieldChange],
) -> Change:
    projects = sorted({c.project_id for name in changes for c in fields[name]})
    rules = sorted({c.rule for name in changes for c in fields[name]})
    named = ", ".join(str(project_id) for project_id in projects)
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[{object_name}/{record_id}]",
        rule=rules[0] if len(rules) == 1 else None,
        record=RecordRef(object=object_name, id=record_id),
        fields=changes,
        reason=f"related record of project(s) {named}",
        observed={"LastModifiedDate": related.get("LastModifiedDate")},
    )


def _conflict(
    object_name: str, record_id: str, name: str, contributions: list[Contribution]
) -> PlanDiagnostic:
    shown = "; ".join(
        f"project {c.project_id}: {c.value!r}"
        for c in sorted(contributions, key=lambda c: c.project_id)
    )
    return PlanDiagnostic(
        severity="warning",
        code="related-conflict",
        message=(
            f"projects disagree on {name} of {object_name} {record_id} ({shown}); "
            "nothing is written to that field"
        ),
        record=RecordRef(object=object_name, id=record_id),
    )


def _not_found(key: RelatedKey, via: str, rule: str) -> PlanDiagnostic:
    return PlanDiagnostic(
        severity="warning",
        code="related-not-found",
        message=(
            f"{key[0]} {key[1]}, named by {via}, cannot be read (deleted, or not visible to "
            "the integration user); it is not written"
        ),
        rule=rule,
        record=RecordRef(object=key[0], id=key[1]),
    )


def _overridden(change: Change, name: str) -> PlanDiagnostic:
    assert change.record is not None
    return PlanDiagnostic(
        severity="warning",
        code="related-overridden",
        message=(
            f"{name} of {change.record.object} {change.record.id} is written both as the "
            "imported record and as a related record, with different values; the imported "
            "record's own mapping wins"
        ),
        record=change.record,
    )
