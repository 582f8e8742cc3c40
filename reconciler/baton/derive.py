"""Baton project data as the sync-back table names it, derived the way Baton derives it.

Each function takes a project as the API returns it and gives the Baton-side value; the
catalog then converts it into the target Salesforce field's form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.catalog import STATUS_TO_SALESFORCE
from reconciler.errors import PlanError


@dataclass(frozen=True)
class Workspace:
    """What derivations need to know beyond the project itself."""

    url: str


Project = Mapping[str, Any]
Derivation = Callable[[Project, Workspace], Any]


def _plain(api_field: str) -> Derivation:
    return lambda project, _workspace: project.get(api_field)


def _project_id(project: Project, _workspace: Workspace) -> str:
    return str(project["id"])


def _project_url(project: Project, workspace: Workspace) -> str:
    return f"{workspace.url.rstrip('/')}/projects/{project['id']}"


def _status(project: Project, _workspace: Workspace) -> str | None:
    status = project.get("status")
    if status is None:
        return None
    return STATUS_TO_SALESFORCE.get(str(status), str(status))


def _phase(project: Project, _workspace: Workspace) -> str | None:
    phase = project.get("phase")
    return phase.get("name") if isinstance(phase, Mapping) else None


def _archived(project: Project, _workspace: Workspace) -> str:
    return "true" if project.get("archived") else "false"


def _newest_risk(project: Project) -> Mapping[str, Any] | None:
    profiles = [p for p in project.get("risk_profiles") or [] if isinstance(p, Mapping)]
    return max(profiles, key=lambda p: int(p.get("id", 0)), default=None)


def _risk_status(project: Project, _workspace: Workspace) -> Any:
    risk = _newest_risk(project)
    return risk.get("level") if risk else None


def _projected_due(project: Project, _workspace: Workspace) -> Any:
    risk = _newest_risk(project)
    return risk.get("projected_golive_datetime") if risk else None


DERIVATIONS: Mapping[str, Derivation] = {
    "projectId": _project_id,
    "projectUrl": _project_url,
    "title": _plain("title"),
    "privateNotes": _plain("private_notes"),
    "description": _plain("description"),
    "dueDate": _plain("deadline_datetime"),
    "startDate": _plain("start_datetime"),
    "startedDate": _plain("started_datetime"),
    "completedDate": _plain("completed_datetime"),
    "projectedDueDate": _projected_due,
    "riskStatus": _risk_status,
    "status": _status,
    "phase": _phase,
    "archived": _archived,
    "health": _plain("health"),
    "healthNote": _plain("health_note"),
    "contractValue": _plain("annual_contract_value"),
    "implementationBudget": _plain("implementation_budget"),
    "budgetShownToClient": _plain("budget_shown_to_client"),
    "estimatedDurationHours": _plain("estimated_duration"),
}


def derive(key: str, project: Project, workspace: Workspace) -> Any:
    """The Baton-side value of `key` for one project."""
    derivation = DERIVATIONS.get(key)
    if derivation is None:
        # Known limit: lead emails, feedback, percentages and custom fields are not synced
        # back yet; a SyncBack mapping one of them is refused when the plan is made.
        raise PlanError(
            f"the Baton field '{key}' cannot be synced back by this build of baton-sf",
            hint=f"remove it from the SyncBack or map one of: {', '.join(sorted(DERIVATIONS))}",
        )
    return derivation(project, workspace)
