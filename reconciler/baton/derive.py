"""Baton project data as the sync-back table names it, derived the way Baton derives it.

Each derivation takes a :class:`ProjectData` and gives the Baton-side value of one key;
the catalog then converts it into the target Salesforce field's form. `READS` says which
collections besides projects a key needs, so that nothing else is fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.baton import metrics
from reconciler.baton.assumptions import CLIENT_LEAD_ROLE, PROJECT_PATH, VENDOR_LEAD_ROLE
from reconciler.baton.project_data import JsonObject, ProjectData
from reconciler.catalog import CUSTOM_PREFIX, STATUS_TO_SALESFORCE, is_custom_key
from reconciler.errors import PlanError


@dataclass(frozen=True)
class Workspace:
    """What derivations need to know beyond the project itself."""

    url: str


Derivation = Callable[[ProjectData, Workspace], Any]


def _plain(api_field: str) -> Derivation:
    return lambda data, _workspace: data.project.get(api_field)


def _project_id(data: ProjectData, _workspace: Workspace) -> str:
    return str(data.project["id"])


def _project_url(data: ProjectData, workspace: Workspace) -> str:
    path = PROJECT_PATH.format(id=data.project["id"])
    return f"{workspace.url.rstrip('/')}{path}"


def _status(data: ProjectData, _workspace: Workspace) -> str | None:
    status = data.project.get("status")
    if status is None:
        return None
    return STATUS_TO_SALESFORCE.get(str(status), str(status))


def _phase(data: ProjectData, _workspace: Workspace) -> str | None:
    phase = data.project.get("phase")
    return phase.get("name") if isinstance(phase, Mapping) else None


def _archived(data: ProjectData, _workspace: Workspace) -> str:
    return "true" if data.project.get("archived") else "false"


def newest_risk(project: JsonObject) -> JsonObject | None:
    """The project's risk profile: the one with the highest `id`."""
    profiles = [p for p in project.get("risk_profiles") or [] if isinstance(p, Mapping)]
    return max(profiles, key=lambda p: int(p.get("id") or 0), default=None)


def _risk_status(data: ProjectData, _workspace: Workspace) -> Any:
    risk = newest_risk(data.project)
    return risk.get("level") if risk else None


def _projected_due(data: ProjectData, _workspace: Workspace) -> Any:
    risk = newest_risk(data.project)
    return risk.get("projected_golive_datetime") if risk else None


def _lead(role: str) -> Derivation:
    return lambda data, _workspace: data.member_email(role)


def _tasks_complete(data: ProjectData, _workspace: Workspace) -> int | None:
    return metrics.tasks_complete_percentage(data.tasks)


def _hours_used(data: ProjectData, _workspace: Workspace) -> int | None:
    return metrics.hours_used_percentage(data.time_entries, data.project.get("estimated_duration"))


def _budget_used(data: ProjectData, _workspace: Workspace) -> int | None:
    budget = data.project.get("implementation_budget")
    return metrics.budget_used_percentage(data.time_entries, budget)


def _feedback(data: ProjectData, _workspace: Workspace) -> Any:
    return metrics.average_feedback(data.feedback)


_PLAIN: Mapping[str, str] = {
    "title": "title",
    "privateNotes": "private_notes",
    "description": "description",
    "dueDate": "deadline_datetime",
    "startDate": "start_datetime",
    "startedDate": "started_datetime",
    "completedDate": "completed_datetime",
    "health": "health",
    "healthNote": "health_note",
    "contractValue": "annual_contract_value",
    "implementationBudget": "implementation_budget",
    "budgetShownToClient": "budget_shown_to_client",
    "estimatedDurationHours": "estimated_duration",
}
"""Keys whose value is one project field as the API serves it."""

DERIVATIONS: Mapping[str, Derivation] = {
    **{key: _plain(api_field) for key, api_field in _PLAIN.items()},
    "projectId": _project_id,
    "projectUrl": _project_url,
    "projectedDueDate": _projected_due,
    "riskStatus": _risk_status,
    "status": _status,
    "phase": _phase,
    "archived": _archived,
    "vendorLeadEmail": _lead(VENDOR_LEAD_ROLE),
    "clientLeadEmail": _lead(CLIENT_LEAD_ROLE),
    "averageMilestoneFeedback": _feedback,
    "tasksCompletePercentage": _tasks_complete,
    "hoursUsedPercentage": _hours_used,
    "budgetUsedPercentage": _budget_used,
}

PROJECT_FIELDS: Mapping[str, frozenset[str]] = {
    **{key: frozenset({api_field}) for key, api_field in _PLAIN.items()},
    "projectId": frozenset({"id"}),
    "projectUrl": frozenset({"id"}),
    "projectedDueDate": frozenset({"risk_profiles"}),
    "riskStatus": frozenset({"risk_profiles"}),
    "status": frozenset({"status"}),
    "phase": frozenset({"phase"}),
    "archived": frozenset({"archived"}),
    "vendorLeadEmail": frozenset(),
    "clientLeadEmail": frozenset(),
    "averageMilestoneFeedback": frozenset(),
    "tasksCompletePercentage": frozenset(),
    "hoursUsedPercentage": frozenset({"estimated_duration"}),
    "budgetUsedPercentage": frozenset({"implementation_budget"}),
}
"""The project fields each key is derived from (related objects aside, see `READS`)."""

KEPT_PROJECT_FIELDS = frozenset({"id", "modified"})
"""What a plan keeps of every project whatever is mapped: its ID, and its modification time,
which a saved plan records so that apply can tell whether the project changed since."""


def project_fields(keys: Iterable[str]) -> frozenset[str]:
    """The project fields a plan keeps when it derives `keys` (custom.NAME keys read the
    custom field values instead)."""
    fields = set(KEPT_PROJECT_FIELDS)
    for key in keys:
        fields.update(PROJECT_FIELDS.get(key, frozenset()))
    return frozenset(fields)


def custom_titles(keys: Iterable[str]) -> frozenset[str]:
    """The custom fields, by case-folded title, whose values a plan keeps when it derives
    `keys`: those of the custom.NAME keys (titles match whatever their case)."""
    return frozenset(key[len(CUSTOM_PREFIX) :].casefold() for key in keys if is_custom_key(key))


READS: Mapping[str, frozenset[str]] = {
    "vendorLeadEmail": frozenset({"project_users", "users"}),
    "clientLeadEmail": frozenset({"project_users", "users"}),
    "averageMilestoneFeedback": frozenset({"milestone_feedback"}),
    "tasksCompletePercentage": frozenset({"tasks"}),
    "hoursUsedPercentage": frozenset({"time_entries"}),
    "budgetUsedPercentage": frozenset({"time_entries"}),
}
"""Collections a key is derived from besides `projects` (custom fields come from
`custom_field_values`, which every run reads for the links)."""

LOOKUP_ROLES: Mapping[str, str] = {
    "vendorLeadEmail": VENDOR_LEAD_ROLE,
    "clientLeadEmail": CLIENT_LEAD_ROLE,
}
"""The sync-back keys whose email is resolved to a Salesforce record, by project role."""


def reads_for(key: str) -> frozenset[str]:
    """The collections besides projects that deriving `key` needs."""
    return READS.get(key, frozenset())


def derive(key: str, data: ProjectData, workspace: Workspace) -> Any:
    """The Baton-side value of `key` for one project; custom.NAME gives the custom value."""
    if is_custom_key(key):
        found = data.custom_value(key[len(CUSTOM_PREFIX) :])
        return None if found is None else found.value
    derivation = DERIVATIONS.get(key)
    if derivation is None:
        raise PlanError(
            f"'{key}' is not a Baton field that can be synced back",
            hint=f"map one of: {', '.join(sorted(DERIVATIONS))}, or custom.NAME",
        )
    return derivation(data, workspace)
