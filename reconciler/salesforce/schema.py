"""Reading the parts of the org's schema that baton-sf manages.

What a plan needs to decide on schema changes: the describes of the SyncBack targets, the
custom fields that exist even where the integration user cannot see them yet (Tooling
API), which fields track their history, the PushTopics baton-sf made, and the managed
permission set with its assignment and field permissions. Each part is read only when
the spec uses the feature it serves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient, UserInfo
from reconciler.salesforce.push_topics import MANAGED_FIELDS, is_managed
from reconciler.spec import Spec

log = logging.getLogger(__name__)

PERMISSION_SET_NAME: Final = "Baton_SF_Integration"
PERMISSION_SET_LABEL: Final = "Baton SF Integration"


@dataclass(frozen=True)
class SchemaState:
    """The managed parts of the org's schema, as one plan sees them."""

    describes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    custom_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Object -> custom field name -> Tooling API ID, whether the user can see it or not."""
    tracked: Mapping[str, frozenset[str]] = field(default_factory=dict)
    push_topics: tuple[Mapping[str, Any], ...] = ()
    user: UserInfo | None = None
    permission_set_id: str | None = None
    assigned: bool = False
    granted: frozenset[str] = frozenset()
    """`Object.Field` names the managed permission set lets the user read and edit."""

    def visible(self, object_name: str, name: str) -> Mapping[str, Any] | None:
        """The describe entry of a field the integration user can see, or None."""
        for entry in self.describes.get(object_name, {}).get("fields", []):
            if str(entry.get("name", "")).lower() == name.lower():
                return dict(entry)
        return None

    def field_names(self, object_name: str) -> list[str]:
        """Every field name of an object's describe."""
        return [str(e["name"]) for e in self.describes.get(object_name, {}).get("fields", [])]

    def tooling_id(self, object_name: str, name: str) -> str | None:
        """The Tooling API ID of a custom field, or None when it does not exist."""
        for known, tooling_id in self.custom_fields.get(object_name, {}).items():
            if known.lower() == name.lower():
                return tooling_id
        return None


def read_schema(spec: Spec, sf: SalesforceClient) -> SchemaState:
    """Read what the spec's SyncBacks and import rules need to plan schema changes."""
    targets = sorted({sync.target.object for sync in spec.sync_backs})
    creating = any(sync.create_missing_fields for sync in spec.sync_backs)
    tracking = any(sync.track_history for sync in spec.sync_backs)
    tracked_objects = sorted({s.target.object for s in spec.sync_backs if s.track_history})
    user = sf.user_info() if creating else None
    permission_set_id = _permission_set_id(sf) if creating else None
    return SchemaState(
        describes={name: sf.describe(name) for name in targets},
        custom_fields={name: custom_fields(sf, name) for name in targets}
        if creating or tracking
        else {},
        tracked={name: tracked_fields(sf, name) for name in tracked_objects},
        push_topics=managed_topics(sf) if spec.import_rules else (),
        user=user,
        permission_set_id=permission_set_id,
        assigned=_assigned(sf, permission_set_id, user),
        granted=_granted(sf, permission_set_id),
    )


# Known limit: custom fields are found by TableEnumOrId equal to the object's API name, which
# is how the Tooling API names standard objects; for a custom object it holds the object's ID,
# so a field of a custom object that the integration user cannot see is not found.
def custom_fields(sf: SalesforceClient, object_name: str) -> dict[str, str]:
    """Every custom field of an object by name (Tooling API), visible to the user or not."""
    where = f"TableEnumOrId = {soql.literal(object_name, 'string')}"
    rows = sf.tooling_query(f"SELECT Id, DeveloperName FROM CustomField WHERE {where}")
    return {f"{row['DeveloperName']}__c": str(row["Id"]) for row in rows}


def tracked_fields(sf: SalesforceClient, object_name: str) -> frozenset[str]:
    """The fields of an object whose history Salesforce tracks (FieldDefinition)."""
    where = f"EntityDefinitionId = {soql.literal(object_name, 'string')}"
    rows = sf.tooling_query(
        f"SELECT QualifiedApiName, IsFieldHistoryTracked FROM FieldDefinition WHERE {where}"
    )
    return frozenset(
        str(row["QualifiedApiName"]) for row in rows if row.get("IsFieldHistoryTracked")
    )


def managed_topics(sf: SalesforceClient) -> tuple[dict[str, Any], ...]:
    """The PushTopics baton-sf made, by name prefix, ordered by name."""
    names = ", ".join(("Id", "Name", *MANAGED_FIELDS))
    rows = sf.query(f"SELECT {names} FROM PushTopic")
    topics = [_plain(row) for row in rows if is_managed(str(row.get("Name", "")))]
    return tuple(sorted(topics, key=lambda topic: str(topic["Name"])))


def _permission_set_id(sf: SalesforceClient) -> str | None:
    name = soql.literal(PERMISSION_SET_NAME, "string")
    rows = list(sf.query(f"SELECT Id FROM PermissionSet WHERE Name = {name}"))
    return str(rows[0]["Id"]) if rows else None


def _assigned(sf: SalesforceClient, permission_set_id: str | None, user: UserInfo | None) -> bool:
    if permission_set_id is None or user is None:
        return False
    where = soql.conjunction(
        [
            f"PermissionSetId = {soql.literal(permission_set_id, 'id')}",
            f"AssigneeId = {soql.literal(user.user_id, 'id')}",
        ]
    )
    return bool(list(sf.query(f"SELECT Id FROM PermissionSetAssignment WHERE {where}")))


def _granted(sf: SalesforceClient, permission_set_id: str | None) -> frozenset[str]:
    if permission_set_id is None:
        return frozenset()
    parent = soql.literal(permission_set_id, "id")
    rows = sf.query(
        "SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions "
        f"WHERE ParentId = {parent}"
    )
    return frozenset(
        str(row["Field"])
        for row in rows
        if row.get("PermissionsRead") and row.get("PermissionsEdit")
    )


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "attributes"}
