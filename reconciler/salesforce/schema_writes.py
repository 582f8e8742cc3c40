"""Changing the org's schema: custom fields (Tooling API), field-level security, history
tracking and PushTopics.

Each function makes one kind of change and is safe to repeat: a field or grant that already
exists is found and used, so a retried or resumed apply converges instead of failing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from reconciler.errors import SalesforceError
from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.custom_fields import developer_name
from reconciler.salesforce.errors import SalesforceApiError
from reconciler.salesforce.schema import PERMISSION_SET_LABEL, PERMISSION_SET_NAME

log = logging.getLogger(__name__)

_DUPLICATES: Final = frozenset({"DUPLICATE_DEVELOPER_NAME", "DUPLICATE_VALUE"})


def create_custom_field(sf: SalesforceClient, full_name: str, metadata: Mapping[str, Any]) -> str:
    """Create a custom field through the Tooling API and return its ID; an existing field
    of that name is used as it is."""
    object_name, _, name = full_name.partition(".")
    body = {"FullName": full_name, "Metadata": dict(metadata)}
    try:
        answer = sf.rest(
            f"create custom field {full_name}", "tooling/sobjects/CustomField/", "POST", body
        )
    except SalesforceApiError as exc:
        if exc.code not in _DUPLICATES:
            raise
        existing = _custom_field_id(sf, object_name, name)
        if existing is None:
            raise
        log.info("custom field %s exists already", full_name)
        return existing
    log.info("created custom field %s", full_name)
    return str(answer["id"])


def track_history(sf: SalesforceClient, full_name: str, tooling_id: str) -> None:
    """Turn on history tracking of a custom field, resending its whole metadata, since the
    Tooling API replaces a field's metadata on update."""
    path = f"tooling/sobjects/CustomField/{tooling_id}"
    current = sf.rest(f"read custom field {full_name}", path) or {}
    metadata = {k: v for k, v in dict(current.get("Metadata") or {}).items() if v is not None}
    metadata["trackHistory"] = True
    sf.rest(f"turn on history tracking of {full_name}", path, "PATCH", {"Metadata": metadata})
    log.info("turned on history tracking of %s", full_name)


def ensure_permission_set(sf: SalesforceClient) -> str:
    """The ID of the managed permission set, created when the org does not have it."""
    name = soql.literal(PERMISSION_SET_NAME, "string")
    rows = list(sf.query(f"SELECT Id FROM PermissionSet WHERE Name = {name}"))
    if rows:
        return str(rows[0]["Id"])
    body = {
        "Name": PERMISSION_SET_NAME,
        "Label": PERMISSION_SET_LABEL,
        "Description": "Field access for the fields baton-sf creates; managed by baton-sf.",
    }
    answer = sf.rest("create the permission set", "sobjects/PermissionSet/", "POST", body)
    log.info("created permission set %s", PERMISSION_SET_NAME)
    return str(answer["id"])


def assign_permission_set(sf: SalesforceClient, permission_set_id: str, user_id: str) -> None:
    """Assign the managed permission set to a user, unless it is assigned already."""
    body = {"PermissionSetId": permission_set_id, "AssigneeId": user_id}
    _create_once(
        lambda: sf.rest(
            "assign the permission set", "sobjects/PermissionSetAssignment/", "POST", body
        )
    )
    log.info("assigned permission set %s to user %s", PERMISSION_SET_NAME, user_id)


def grant_field(sf: SalesforceClient, permission_set_id: str, full_name: str) -> None:
    """Let the permission set read and edit a field; an existing grant is raised to both."""
    object_name = full_name.partition(".")[0]
    body = {
        "ParentId": permission_set_id,
        "SobjectType": object_name,
        "Field": full_name,
        "PermissionsRead": True,
        "PermissionsEdit": True,
    }
    created = _create_once(
        lambda: sf.rest(f"grant access to {full_name}", "sobjects/FieldPermissions/", "POST", body)
    )
    if not created:
        where = soql.conjunction(
            [
                f"ParentId = {soql.literal(permission_set_id, 'id')}",
                f"Field = {soql.literal(full_name, 'string')}",
            ]
        )
        for row in sf.query(f"SELECT Id FROM FieldPermissions WHERE {where}"):
            path = f"sobjects/FieldPermissions/{row['Id']}"
            access = {"PermissionsRead": True, "PermissionsEdit": True}
            sf.rest(f"grant access to {full_name}", path, "PATCH", access)
    log.info("granted read and edit on %s", full_name)


def wait_until_visible(
    sf: SalesforceClient,
    fields: Mapping[str, set[str]],
    timeout: float,
    interval: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, set[str]]:
    """Poll describe (never from the cache) until every field shows; return those that did
    not within `timeout` seconds, by object."""
    deadline = time.monotonic() + timeout
    missing = {name: set(names) for name, names in fields.items() if names}
    while True:
        for object_name in list(missing):
            sf.forget_describe(object_name)
            shown = {str(e["name"]).lower() for e in sf.describe(object_name).get("fields", [])}
            missing[object_name] = {n for n in missing[object_name] if n.lower() not in shown}
            if not missing[object_name]:
                del missing[object_name]
        if not missing or time.monotonic() >= deadline:
            return missing
        sleep(min(interval, max(0.0, deadline - time.monotonic())))


def create_push_topic(sf: SalesforceClient, record: Mapping[str, Any]) -> str:
    """Create a PushTopic and return its ID."""
    answer = sf.rest(
        f"create PushTopic {record['Name']}", "sobjects/PushTopic/", "POST", dict(record)
    )
    log.info("created PushTopic %s", record["Name"])
    return str(answer["id"])


def update_push_topic(sf: SalesforceClient, topic_id: str, record: Mapping[str, Any]) -> None:
    """Update a PushTopic's managed fields (its name stays)."""
    body = {key: value for key, value in record.items() if key != "Name"}
    sf.rest(
        f"update PushTopic {record.get('Name', topic_id)}",
        f"sobjects/PushTopic/{topic_id}",
        "PATCH",
        body,
    )
    log.info("updated PushTopic %s", record.get("Name", topic_id))


def delete_push_topic(sf: SalesforceClient, topic_id: str, name: str) -> None:
    """Delete a PushTopic."""
    sf.rest(f"delete PushTopic {name}", f"sobjects/PushTopic/{topic_id}", "DELETE")
    log.info("deleted PushTopic %s", name)


def _create_once(create: Callable[[], Any]) -> bool:
    """Run a create; False when Salesforce says the record exists already."""
    try:
        create()
    except SalesforceApiError as exc:
        if exc.code in _DUPLICATES:
            return False
        raise
    return True


def _custom_field_id(sf: SalesforceClient, object_name: str, name: str) -> str | None:
    where = soql.conjunction(
        [
            f"TableEnumOrId = {soql.literal(object_name, 'string')}",
            f"DeveloperName = {soql.literal(developer_name(name), 'string')}",
        ]
    )
    rows = sf.tooling_query(f"SELECT Id FROM CustomField WHERE {where}")
    return str(rows[0]["Id"]) if rows else None


def require_id(value: Any, what: str) -> str:
    """An ID the plan carries, or an error saying the plan lacks it."""
    if not isinstance(value, str) or not value:
        raise SalesforceError(f"the plan does not say which {what} to change", hint="plan again")
    return value
