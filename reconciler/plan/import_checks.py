"""Checking a project create against the workspace before it is planned: its template and
custom fields must exist, and its leads and drop-down values should.

A missing template or custom field stops the plan (every create of the rule would be
wrong); a lead or drop-down value that is not found is a warning, and the project is
created without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.baton.directory import Directory
from reconciler.catalog import CUSTOM_PREFIX, from_salesforce
from reconciler.errors import PlanError
from reconciler.observe.model import Observed
from reconciler.plan.model import PlanDiagnostic, RecordRef
from reconciler.spec import ImportRule, Spec


def check_rule(rule: ImportRule, observed: Observed) -> list[PlanDiagnostic]:
    """Refuse a rule whose template or custom fields the workspace lacks; warn about a
    default project lead who is not a workspace user."""
    directory = observed.baton.directory
    where = f"{rule.location.file}:{rule.location.line}"
    if rule.template and directory.template_id(rule.template) is None:
        raise PlanError(
            f"rule {rule.name} ({where}) names the template {rule.template!r}, which the Baton "
            "workspace does not have",
            hint=f"use one of: {_names(directory.templates)}",
        )
    for title in sorted(rule.custom_fields):
        if directory.custom_field(title) is None:
            raise PlanError(
                f"rule {rule.name} ({where}) fills the custom field {title!r}, which the Baton "
                "workspace does not have",
                hint=f"create it in Baton, or use one of: {_names(directory.custom_fields)}",
            )
    if rule.project_lead and directory.user_id(rule.project_lead) is None:
        return [
            PlanDiagnostic(
                severity="warning",
                code="unknown-baton-user",
                message=(
                    f"no Baton user has the email {rule.project_lead} (projectLead of rule "
                    f"{rule.name}); its projects are created without a project lead"
                ),
                rule=rule.name,
            )
        ]
    return []


def check_create(
    spec: Spec, rule: ImportRule, record: RecordRef, after: Mapping[str, Any], observed: Observed
) -> tuple[dict[str, Any], list[PlanDiagnostic]]:
    """The create's values without those the workspace cannot take, and a warning for each."""
    directory = observed.baton.directory
    kept = dict(after)
    diagnostics: list[PlanDiagnostic] = []
    lead = after.get("projectLead")
    if lead and directory.user_id(str(lead)) is None:
        kept.pop("projectLead")  # check_rule warns once for the rule
    client_lead = after.get("clientLeadEmail")
    if client_lead and directory.user_id(str(client_lead)) is None:
        diagnostics.append(
            _warning(
                rule,
                record,
                "unknown-baton-user",
                f"no Baton user has the email {client_lead} (clientLeadEmail); the project "
                f"for {record.object} {record.id} is created without a client lead",
            )
        )
    for key, value in after.items():
        if key.startswith(CUSTOM_PREFIX) and value is not None:
            problem = _custom_problem(spec, directory, key, value)
            if problem is not None:
                kept.pop(key)
                diagnostics.append(_warning(rule, record, "unknown-option", problem))
    return kept, diagnostics


def _custom_problem(spec: Spec, directory: Directory, key: str, value: Any) -> str | None:
    custom_field = directory.custom_field(key[len(CUSTOM_PREFIX) :])
    if custom_field is None or custom_field.type != "dropdown":
        return None
    text = str(from_salesforce(key, value, None, spec.connection.timezone, custom_type="dropdown"))
    if custom_field.option_id(text) is not None:
        return None
    return (
        f"the drop-down custom field {custom_field.title!r} has no option {text!r} (options: "
        f"{_names(custom_field.options)}); the project is created without it"
    )


def _names(mapping: Mapping[str, Any]) -> str:
    return ", ".join(sorted(mapping)) or "none"


def _warning(rule: ImportRule, record: RecordRef, code: str, message: str) -> PlanDiagnostic:
    return PlanDiagnostic(
        severity="warning", code=code, message=message, rule=rule.name, record=record
    )
