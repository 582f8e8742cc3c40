"""Objects every emulated org has, whatever `--schema` says, and their first records.

The reconciler itself needs these: User (the integration user owns the access token),
Organization, PushTopic, PermissionSet, FieldPermissions and PermissionSetAssignment.
The describes are minimal but shaped like real ones. A `--schema` payload of the same name
replaces the describe here; the built-in records stay.
"""

from __future__ import annotations

from typing import Any

from . import ids
from .describe import JsonDict, complete_field

INTEGRATION_USER_ID = ids.make_id("005", 1)
ORGANIZATION_ID = ids.make_id("00D", 1)


def _field(name: str, field_type: str, **keys: Any) -> JsonDict:
    return complete_field({"name": name, "type": field_type, **keys}, custom=False)


def _read_only(name: str, field_type: str, **keys: Any) -> JsonDict:
    return _field(name, field_type, createable=False, updateable=False, **keys)


def _id_field(label: str) -> JsonDict:
    return _read_only(
        "Id", "id", label=f"{label} ID", nillable=False, defaultedOnCreate=True, idLookup=True
    )


def _audit_fields(*, deletable: bool) -> list[JsonDict]:
    """Return the system fields every object has: who and when created and changed."""
    stamp = {"nillable": False, "defaultedOnCreate": True}
    user = {"referenceTo": ["User"], "nillable": False, "defaultedOnCreate": True}
    fields = [
        _read_only("CreatedDate", "datetime", label="Created Date", **stamp),
        _read_only("CreatedById", "reference", label="Created By ID", **user),
        _read_only("LastModifiedDate", "datetime", label="Last Modified Date", **stamp),
        _read_only("LastModifiedById", "reference", label="Last Modified By ID", **user),
        _read_only("SystemModstamp", "datetime", label="System Modstamp", **stamp),
    ]
    fields[1]["relationshipName"] = "CreatedBy"
    fields[3]["relationshipName"] = "LastModifiedBy"
    if deletable:
        fields.insert(0, _read_only("IsDeleted", "boolean", label="Deleted"))
    return fields


def _object(
    name: str, plural: str, key_prefix: str, fields: list[JsonDict], **flags: bool
) -> JsonDict:
    createable = flags.get("createable", True)
    deletable = flags.get("deletable", True)
    base = f"/services/data/v62.0/sobjects/{name}"
    return {
        "activateable": False,
        "associateEntityType": None,
        "associateParentEntity": None,
        "childRelationships": [],
        "createable": createable,
        "custom": False,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "fields": [_id_field(name), *fields, *_audit_fields(deletable=deletable)],
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": key_prefix,
        "label": name,
        "labelPlural": plural,
        "layoutable": False,
        "mergeable": False,
        "mruEnabled": False,
        "name": name,
        "queryable": True,
        "recordTypeInfos": [],
        "replicateable": True,
        "retrieveable": True,
        "searchable": False,
        "triggerable": False,
        "undeletable": False,
        "updateable": flags.get("updateable", True),
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def _defaulted(name: str, field_type: str, **keys: Any) -> JsonDict:
    return _field(name, field_type, defaultedOnCreate=True, **keys)


def _user() -> JsonDict:
    return _object(
        "User",
        "Users",
        "005",
        [
            _field("Username", "string", length=80, nillable=False, unique=True, idLookup=True),
            _field("LastName", "string", label="Last Name", length=80, nillable=False),
            _field("FirstName", "string", label="First Name", length=40),
            _read_only("Name", "string", label="Full Name", length=121, nameField=True),
            _field("CompanyName", "string", label="Company Name", length=80),
            _field("Title", "string", length=80),
            _field("Email", "email", length=128, nillable=False),
            _defaulted("Alias", "string", length=8),
            _field("IsActive", "boolean", label="Active", defaultValue=True),
            _read_only("UserType", "picklist", label="User Type", defaultedOnCreate=True),
            _defaulted("TimeZoneSidKey", "picklist", label="Time Zone", length=40),
            _defaulted("LanguageLocaleKey", "picklist", label="Language", length=40),
            _field(
                "ManagerId",
                "reference",
                label="Manager ID",
                referenceTo=["User"],
                relationshipName="Manager",
            ),
        ],
        deletable=False,
    )


def _organization() -> JsonDict:
    return _object(
        "Organization",
        "Organizations",
        "00D",
        [
            _read_only("Name", "string", label="Name", length=80, nameField=True),
            _read_only("Division", "string", length=80),
            _read_only("OrganizationType", "picklist", label="Edition", length=40),
            _read_only("InstanceName", "string", label="Instance Name", length=5),
            _read_only("IsSandbox", "boolean", label="Is Sandbox"),
            _read_only("NamespacePrefix", "string", label="Namespace Prefix", length=15),
            _read_only("TimeZoneSidKey", "picklist", label="Default Time Zone", length=40),
            _read_only("LanguageLocaleKey", "picklist", label="Language", length=40),
            _read_only("DefaultLocaleSidKey", "picklist", label="Locale", length=40),
            _read_only("Country", "string", length=80),
        ],
        createable=False,
        updateable=False,
        deletable=False,
    )


# Known limit: a PushTopic is checked (see `pushtopic.py`) and stored, but no events are
# ever pushed: there is no Streaming API.
def _push_topic() -> JsonDict:
    operations = [
        _field(f"NotifyForOperation{op}", "boolean", label=f"Notify For {op}", defaultValue=True)
        for op in ("Create", "Update", "Delete", "Undelete")
    ]
    return _object(
        "PushTopic",
        "Push Topics",
        "0IF",
        [
            _field("Name", "string", label="Topic Name", length=25, nillable=False, unique=True),
            _field("Query", "string", label="SOQL Query", length=1300, nillable=False),
            _field(
                "ApiVersion", "double", label="API Version", precision=18, scale=1, nillable=False
            ),
            _field("IsActive", "boolean", label="Is Active", defaultValue=True),
            _defaulted(
                "NotifyForFields",
                "picklist",
                label="Notify For Fields",
                length=40,
                restrictedPicklist=True,
                values=["All", "Referenced", "Select", "Where"],
                defaultValue="Referenced",
            ),
            *operations,
            _field("Description", "string", length=400),
        ],
    )


def _permission_set() -> JsonDict:
    return _object(
        "PermissionSet",
        "Permission Sets",
        "0PS",
        [
            _field("Name", "string", length=80, nillable=False, unique=True),
            _field("Label", "string", length=80, nillable=False),
            _field("Description", "string", length=255),
            _read_only("IsOwnedByProfile", "boolean", label="Is Owned By Profile"),
            _read_only("IsCustom", "boolean", label="Custom", defaultValue=True),
            _read_only("NamespacePrefix", "string", label="Namespace Prefix", length=15),
        ],
        deletable=True,
    )


def _field_permissions() -> JsonDict:
    return _object(
        "FieldPermissions",
        "Field Permissions",
        "01k",
        [
            _field(
                "ParentId",
                "reference",
                label="Parent ID",
                referenceTo=["PermissionSet"],
                relationshipName="Parent",
                nillable=False,
                updateable=False,
            ),
            _field(
                "SobjectType",
                "picklist",
                label="Sobject Type Name",
                length=40,
                nillable=False,
                updateable=False,
            ),
            _field(
                "Field", "string", label="Field Name", length=255, nillable=False, updateable=False
            ),
            _field("PermissionsEdit", "boolean", label="Edit Field"),
            _field("PermissionsRead", "boolean", label="Read Field"),
        ],
    )


def _permission_set_assignment() -> JsonDict:
    return _object(
        "PermissionSetAssignment",
        "Permission Set Assignments",
        "0Pa",
        [
            _field(
                "AssigneeId",
                "reference",
                label="Assignee ID",
                referenceTo=["User"],
                relationshipName="Assignee",
                nillable=False,
                updateable=False,
            ),
            _field(
                "PermissionSetId",
                "reference",
                label="Permission Set ID",
                referenceTo=["PermissionSet"],
                relationshipName="PermissionSet",
                nillable=False,
                updateable=False,
            ),
            _read_only("IsActive", "boolean", label="Is Active", defaultValue=True),
        ],
    )


def builtin_describes() -> list[JsonDict]:
    """Return the describe payloads of the built-in objects."""
    return [
        _user(),
        _organization(),
        _push_topic(),
        _permission_set(),
        _field_permissions(),
        _permission_set_assignment(),
    ]


def builtin_records() -> dict[str, list[JsonDict]]:
    """Return the records every org starts with, in seed form (field name to value)."""
    return {
        "User": [
            {
                "Id": INTEGRATION_USER_ID,
                "Username": "integration@emulated-org.example.com",
                "FirstName": "Integration",
                "LastName": "User",
                "Email": "integration@emulated-org.example.com",
                "Alias": "integ",
                "IsActive": True,
                "UserType": "Standard",
                "TimeZoneSidKey": "GMT",
                "LanguageLocaleKey": "en_US",
            }
        ],
        "Organization": [
            {
                "Id": ORGANIZATION_ID,
                "Name": "Emulated Org",
                "OrganizationType": "Developer Edition",
                "InstanceName": "EMU1",
                "IsSandbox": False,
                "TimeZoneSidKey": "GMT",
                "LanguageLocaleKey": "en_US",
                "DefaultLocaleSidKey": "en_US",
                "Country": "US",
            }
        ],
    }
