"""Every write baton-sf makes to Baton, in one module.

Baton's public reference does not confirm its write operations (see the Known limits), so
each path and payload shape lives here and nowhere else; the capability check
(`reconciler.baton.capabilities`) confirms them against the workspace before a plan that
needs them is shown or applied.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from reconciler.baton.assumptions import TEMPLATE_RELATION
from reconciler.baton.client import BatonClient
from reconciler.baton.directory import CustomField
from reconciler.catalog import from_salesforce
from reconciler.errors import BatonError

log = logging.getLogger(__name__)

LINK_FIELD_TITLE = "Salesforce Link"

# Baton field key -> the project API field a value imported from Salesforce is written to.
PROJECT_FIELDS: Mapping[str, str] = {
    "title": "title",
    "privateNotes": "private_notes",
    "description": "description",
    "dueDate": "deadline_datetime",
    "startDate": "start_datetime",
    "contractValue": "annual_contract_value",
    "implementationBudget": "implementation_budget",
    "budgetShownToClient": "budget_shown_to_client",
    "estimatedDurationHours": "estimated_duration",
}

_CUSTOM_VALUE_FIELDS: Mapping[str, str] = {
    "numeric": "value_numeric",
    "text": "value_text",
    "date": "value_date",
}


def project_payload(
    values: Mapping[str, Any], timezone: str, template_id: int | None = None
) -> dict[str, Any]:
    """The POST body of a new project from the plan's Baton-keyed values.

    Known limit: a project made from a template names it in `created_from_template`; the
    public API reference does not confirm that a create applies the template's phases,
    milestones and tasks.
    """
    payload: dict[str, Any] = {}
    for key, value in values.items():
        if key in PROJECT_FIELDS and value is not None:
            payload[PROJECT_FIELDS[key]] = from_salesforce(key, value, None, timezone)
    if template_id is not None:
        payload[TEMPLATE_RELATION] = template_id
    return payload


def create_project(
    client: BatonClient, values: Mapping[str, Any], timezone: str, template_id: int | None = None
) -> dict[str, Any]:
    """Create one project; returns it as Baton stored it."""
    project = client.create("projects", project_payload(values, timezone, template_id))
    if project.get("id") is None:
        raise BatonError(
            "Baton created a project but did not answer with its id",
            hint="check the workspace for a project titled " + repr(values.get("title")),
        )
    log.info("created Baton project %s for %s", project.get("id"), values.get("link"))
    return project


def add_project_user(
    client: BatonClient, project_id: int, user_id: int, role: str
) -> dict[str, Any]:
    """Make a workspace user a member of a project in a role."""
    member = client.create("project_users", {"project": project_id, "user": user_id, "role": role})
    log.info("added user %s to Baton project %s as %s", user_id, project_id, role)
    return member


def create_link_field(client: BatonClient) -> int:
    """Create the text custom field that names each project's Salesforce record."""
    created = client.create(
        "custom_fields", {"title": LINK_FIELD_TITLE, "type": "text", "required": False}
    )
    log.info("created Baton custom field %r", LINK_FIELD_TITLE)
    return int(created["id"])


def set_link(client: BatonClient, field_id: int, project_id: int, key: str) -> dict[str, Any]:
    """Write the project's side of the link: `<rule>/<record id>`."""
    value = client.create(
        "custom_field_values", {"project": project_id, "field": field_id, "value_text": key}
    )
    log.info("linked Baton project %s to %s", project_id, key)
    return value


def custom_value_body(field: CustomField, value: Any, timezone: str) -> dict[str, Any]:
    """The part of a custom field value's body that holds `value` (a Salesforce value).

    A drop-down takes the option whose value is the text; numbers, text and dates take
    the value converted to Baton's form.
    """
    # Known limit: a multi-select drop-down gets the one option whose value is the whole
    # Salesforce text; `A;B` is not split into two options.
    key = f"custom.{field.title}"
    converted = from_salesforce(key, value, None, timezone, custom_type=field.type)
    if field.type == "dropdown":
        option = field.option_id(str(converted))
        if option is None:
            raise BatonError(
                f"the drop-down custom field {field.title!r} has no option {converted!r}",
                hint=f"add the option in Baton or map another value; options: "
                f"{', '.join(sorted(field.options)) or 'none'}",
            )
        return {"selected_option": option}
    return {_CUSTOM_VALUE_FIELDS.get(field.type, "value_text"): converted}


def set_custom_value(
    client: BatonClient, field: CustomField, project_id: int, value: Any, timezone: str
) -> dict[str, Any]:
    """Give a project its value of one custom field."""
    body = {"project": project_id, "field": field.id, **custom_value_body(field, value, timezone)}
    created = client.create("custom_field_values", body)
    log.info("set Baton custom field %r of project %s", field.title, project_id)
    return created
