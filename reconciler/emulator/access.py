"""What one user may see and do: the org's schema as that user's describe shows it.

Object rights come from the describe's flags (`createable`, `queryable`, `updateable`,
`deletable`), less the rights a seed's `userPermissions` takes from the integration user.
Custom fields created through the Tooling API are hidden until a `FieldPermissions`
record of a permission set assigned to the user grants them: read makes them visible,
edit also writable. Views are cached until the schema or a permission record changes.
"""

from __future__ import annotations

from .builtin import INTEGRATION_USER_ID
from .describe import JsonDict, Schema, SObject
from .metadata import Metadata
from .settings import OrgSettings
from .store import Store, sf_table

_FLAGS = {"create": "createable", "read": "queryable", "edit": "updateable", "delete": "deletable"}
_PERMISSION_OBJECTS = frozenset(
    ("permissionset", "fieldpermissions", "permissionsetassignment", "user")
)
Grants = dict[str, tuple[bool, bool]]


class Access:
    """Builds and caches each user's view of the schema."""

    def __init__(
        self, schema: Schema, store: Store, metadata: Metadata, settings: OrgSettings
    ) -> None:
        self.schema = schema
        self.store = store
        self.metadata = metadata
        self.settings = settings
        self._views: dict[str, Schema] = {}
        self.generation = 0

    def invalidate(self) -> None:
        """Forget every view: the schema or a permission changed."""
        self._views.clear()
        self.generation += 1

    def on_write(self, sobject: SObject) -> None:
        """Forget the views when a record that grants or assigns permissions changes."""
        if sobject.name.lower() in _PERMISSION_OBJECTS:
            self.invalidate()

    def schema_for(self, user_id: str) -> Schema:
        """Return the schema as a user sees it."""
        view = self._views.get(user_id)
        if view is None:
            view = self._build(user_id)
            self._views[user_id] = view
        return view

    def _build(self, user_id: str) -> Schema:
        grants = self._grants(user_id)
        rights = self.settings.user_permissions if user_id == INTEGRATION_USER_ID else {}
        lowered = {name.lower(): taken for name, taken in rights.items()}
        objects = []
        for sobject in self.schema.objects.values():
            protected = self.metadata.protected(sobject.name)
            taken = lowered.get(sobject.name.lower(), {})
            if not protected and all(taken.values()):
                objects.append(sobject)
                continue
            hidden: set[str] = set()
            read_only: set[str] = set()
            for record in protected:
                read, edit = grants.get(record.full_name.lower(), (False, False))
                if not (read or edit):
                    hidden.add(record.field_name.lower())
                elif not edit:
                    read_only.add(record.field_name.lower())
            objects.append(_restrict(sobject, hidden, read_only, taken))
        return Schema.of(objects)

    def _grants(self, user_id: str) -> Grants:
        """Return `object.field` (lower case) -> (read, edit) from the user's permission sets."""
        permissions = self.schema.get("FieldPermissions")
        assignments = self.schema.get("PermissionSetAssignment")
        if permissions is None or assignments is None:
            return {}
        needed = (
            (permissions, ("Field", "ParentId", "PermissionsRead", "PermissionsEdit")),
            (assignments, ("AssigneeId", "PermissionSetId")),
        )
        if not all(s.has_field(name) for s, names in needed for name in names):
            return {}
        sql = (
            'SELECT fp."Field", fp."PermissionsRead", fp."PermissionsEdit" '
            f"FROM {sf_table(permissions)} fp JOIN {sf_table(assignments)} a "
            'ON a."PermissionSetId" = fp."ParentId" WHERE a."AssigneeId" = ?'
        )
        for alias, sobject in (("fp", permissions), ("a", assignments)):
            if sobject.has_field("IsDeleted"):
                sql += f' AND {alias}."IsDeleted" = 0'
        grants: Grants = {}
        for field, read, edit in self.store.execute(sql, [user_id]).fetchall():
            before = grants.get(str(field).lower(), (False, False))
            grants[str(field).lower()] = (before[0] or bool(read), before[1] or bool(edit))
        return grants


def _restrict(
    sobject: SObject, hidden: set[str], read_only: set[str], taken: dict[str, bool]
) -> SObject:
    """Return a user's version of an object: fewer fields, some read-only, fewer rights."""
    fields: list[JsonDict] = []
    for entry in sobject.payload["fields"]:
        name = str(entry["name"]).lower()
        if name in hidden:
            continue
        if name in read_only:
            entry = {**entry, "createable": False, "updateable": False}
        fields.append(entry)
    payload = {**sobject.payload, "fields": fields}
    denied = set()
    for right, allowed in taken.items():
        flag = _FLAGS[right]
        if not allowed and payload.get(flag, True):
            payload[flag] = False
            denied.add(right)
    return SObject(payload, frozenset(denied))
