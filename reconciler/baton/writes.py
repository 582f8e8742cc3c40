"""Every write baton-sf makes to Baton, in one module.

Baton's public reference does not confirm its write operations (see the Known limits), so
each path and payload shape lives here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from reconciler.baton.client import BatonClient
from reconciler.errors import BatonError

log = logging.getLogger(__name__)

LINK_FIELD_TITLE = "Salesforce Link"

# Baton field key -> (project API field, how the Salesforce value is converted)
PROJECT_FIELDS: Mapping[str, tuple[str, str]] = {
    "title": ("title", "text"),
    "privateNotes": ("private_notes", "text"),
    "description": ("description", "text"),
    "dueDate": ("deadline_datetime", "date"),
    "startDate": ("start_datetime", "date"),
    "contractValue": ("annual_contract_value", "money"),
    "implementationBudget": ("implementation_budget", "money"),
    "budgetShownToClient": ("budget_shown_to_client", "money"),
    "estimatedDurationHours": ("estimated_duration", "number"),
}

VENDOR_LEAD_ROLE = "vendor_lead"


def project_payload(values: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """The POST body of a new project from the plan's Baton-keyed values."""
    payload: dict[str, Any] = {}
    for key, value in values.items():
        if key in PROJECT_FIELDS and value is not None:
            api_field, kind = PROJECT_FIELDS[key]
            payload[api_field] = _convert(value, kind, timezone)
    return payload


def create_project(client: BatonClient, values: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """Create one project; returns it as Baton stored it."""
    project = client.create("projects", project_payload(values, timezone))
    log.info("created Baton project %s for %s", project.get("id"), values.get("link"))
    return project


def add_project_user(client: BatonClient, project_id: int, user_id: int, role: str) -> None:
    """Make a workspace user a member of a project in a role."""
    client.create("project_users", {"project": project_id, "user": user_id, "role": role})


def create_link_field(client: BatonClient) -> int:
    """Create the text custom field that names each project's Salesforce record."""
    created = client.create(
        "custom_fields", {"title": LINK_FIELD_TITLE, "type": "text", "required": False}
    )
    log.info("created Baton custom field %r", LINK_FIELD_TITLE)
    return int(created["id"])


def set_link(client: BatonClient, field_id: int, project_id: int, key: str) -> None:
    """Write the project's side of the link: `<rule>/<record id>`."""
    client.create(
        "custom_field_values", {"project": project_id, "field": field_id, "value_text": key}
    )
    log.info("linked Baton project %s to %s", project_id, key)


def _convert(value: Any, kind: str, timezone: str) -> Any:
    if kind == "date":
        return _midnight(value, timezone)
    if kind == "money":
        return _decimal_text(value)
    if kind == "number":
        return float(value) if not isinstance(value, int) else value
    return str(value)


def _midnight(value: Any, timezone: str) -> str:
    """A Salesforce date as the start of that day in the connection's timezone, in UTC."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if isinstance(day, datetime):
        day = day.date()
    moment = datetime.combine(day, time.min, ZoneInfo(timezone))
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal_text(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except InvalidOperation as exc:
        raise BatonError(f"'{value}' is not a number", hint="map a Number field") from exc
