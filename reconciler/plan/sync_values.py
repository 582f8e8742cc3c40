"""The Salesforce values a project's sync-back fields should hold.

Each mapped key is derived from the project (`reconciler.baton.derive`) and converted for
its target field; lead emails become the ID of the one User (or Group) or Contact with that
email. A value that cannot be found or converted is a per-record warning and leaves the
field as it is; an empty value clears the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.baton.derive import LOOKUP_ROLES, Workspace, derive
from reconciler.baton.project_data import ProjectData
from reconciler.catalog import CUSTOM_PREFIX, ConversionError, is_custom_key, to_salesforce
from reconciler.observe.model import Observed
from reconciler.observe.sync_reads import lookup_object
from reconciler.plan.model import KNOWN_AFTER_APPLY, PlanDiagnostic, RecordRef
from reconciler.spec import ImportRule, Spec, SyncBack


@dataclass(frozen=True)
class Wanted:
    """One field's value to be: the Baton key it comes from and the Salesforce value."""

    key: str
    value: Any


@dataclass
class Planned:
    """Values by Salesforce field name, and the warnings found on the way."""

    values: dict[str, Wanted] = field(default_factory=dict)
    diagnostics: list[PlanDiagnostic] = field(default_factory=list)


def sync_values(
    spec: Spec,
    observed: Observed,
    syncs: Iterable[SyncBack],
    record: RecordRef,
    data: ProjectData,
) -> Planned:
    """The values the fields of `syncs` should hold on `record`, from one project."""
    planned = Planned()
    workspace = Workspace(url=observed.baton_url)
    for sync in syncs:
        for name, key in sorted(sync.fields.items()):
            if is_custom_key(key) and _custom_type(observed, data, key) is None:
                continue  # reported once per plan by missing_custom_fields
            if key in LOOKUP_ROLES:
                email = derive(key, data, workspace)
                _lookup(spec, observed, planned, record, name, key, email)
            else:
                value = derive(key, data, workspace)
                _convert(spec, observed, planned, record, name, key, value, data)
    return planned


def new_record_values(
    spec: Spec,
    observed: Observed,
    rule: ImportRule,
    syncs: Iterable[SyncBack],
    record: RecordRef,
    imported: Mapping[str, Any],
) -> Planned:
    """The values of a record whose project the plan creates: lead lookups are resolved now
    from the leads the project will get; everything else is known after apply."""
    planned = Planned()
    leads = {
        "vendorLeadEmail": rule.project_lead,
        "clientLeadEmail": imported.get("clientLeadEmail"),
    }
    for sync in syncs:
        for name, key in sorted(sync.fields.items()):
            if key in LOOKUP_ROLES:
                email = leads[key] if _is_baton_user(observed, leads[key]) else None
                _lookup(spec, observed, planned, record, name, key, email)
            else:
                planned.values[name] = Wanted(key, KNOWN_AFTER_APPLY)
    return planned


def missing_custom_fields(spec: Spec, observed: Observed) -> list[PlanDiagnostic]:
    """One warning per SyncBack field mapped from a custom field the workspace lacks."""
    diagnostics = []
    for sync in spec.sync_backs:
        for name, key in sorted(sync.fields.items()):
            title = key[len(CUSTOM_PREFIX) :]
            if is_custom_key(key) and observed.baton.directory.custom_field(title) is None:
                known = ", ".join(sorted(observed.baton.directory.custom_fields)) or "none"
                diagnostics.append(
                    PlanDiagnostic(
                        severity="warning",
                        code="unknown-custom-field",
                        message=(
                            f"SyncBack {sync.name} maps {name} from {key}, but the Baton "
                            f"workspace has no custom field titled {title!r} (it has: {known}); "
                            f"{name} is left as it is"
                        ),
                        rule=sync.rule,
                    )
                )
    return diagnostics


def _custom_type(observed: Observed, data: ProjectData, key: str) -> str | None:
    title = key[len(CUSTOM_PREFIX) :]
    value = data.custom_value(title)
    if value is not None:
        return value.type
    custom_field = observed.baton.directory.custom_field(title)
    return custom_field.type if custom_field is not None else None


def _convert(
    spec: Spec,
    observed: Observed,
    planned: Planned,
    record: RecordRef,
    name: str,
    key: str,
    value: Any,
    data: ProjectData,
) -> None:
    target = observed.describe_field(record.object, name)
    custom_type = _custom_type(observed, data, key) if is_custom_key(key) else None
    try:
        after = to_salesforce(key, value, target, spec.connection.timezone, custom_type=custom_type)
    except ConversionError as error:
        planned.diagnostics.append(
            _warning("unconvertible-value", f"{name} is left as it is: {error}", record)
        )
        return
    planned.values[name] = Wanted(key, after)


def _lookup(
    spec: Spec,
    observed: Observed,
    planned: Planned,
    record: RecordRef,
    name: str,
    key: str,
    email: Any,
) -> None:
    """The ID of the one record with the lead's email, or a warning leaving the field."""
    if email is None or not str(email).strip():
        planned.values[name] = Wanted(key, None)
        return
    target = observed.describe_field(record.object, name)
    object_name = lookup_object(key, target)
    ids = observed.targets.lookup(object_name, str(email))
    if len(ids) != 1:
        found = "no" if not ids else f"{len(ids)}"
        planned.diagnostics.append(
            _warning(
                "lookup-not-found" if not ids else "lookup-ambiguous",
                f"{found} {object_name} record(s) have the email {email} ({key}); "
                f"{name} of {record.object} {record.id} is left as it is",
                record,
            )
        )
        return
    after = to_salesforce(key, ids[0], target, spec.connection.timezone)
    planned.values[name] = Wanted(key, after)


def _is_baton_user(observed: Observed, email: Any) -> bool:
    return isinstance(email, str) and observed.baton.directory.user_id(email) is not None


def _warning(code: str, message: str, record: RecordRef) -> PlanDiagnostic:
    return PlanDiagnostic(severity="warning", code=code, message=message, record=record)
