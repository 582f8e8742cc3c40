"""Field-level security: a field created through the Tooling API is invisible to the
integration user until a permission set assigned to the user grants it, and reaches
describe only after the configured delay; seeded fields are visible from the start."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from emulator_seeds import STANDARD_SEED
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

_numbers = itertools.count(1)
USERNAME = "integration@emulated-org.example.com"


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=STANDARD_SEED)


def _new_field(sf: Any, object_name: str = "Opportunity") -> str:
    name = f"Secured_{next(_numbers)}__c"
    body = {
        "FullName": f"{object_name}.{name}",
        "Metadata": {"label": "Secured", "type": "Text", "length": 50, "externalId": True},
    }
    sf.restful("tooling/sobjects/CustomField/", method="POST", json=body)
    return name


def _user_id(sf: Any) -> str:
    return str(sf.query(f"SELECT Id FROM User WHERE Username = '{USERNAME}'")["records"][0]["Id"])


def _permission_set(sf: Any, *, assign: bool = True) -> str:
    number = next(_numbers)
    created = sf.PermissionSet.create({"Name": f"Fls_{number}", "Label": f"FLS {number}"})
    if assign:
        sf.PermissionSetAssignment.create(
            {"AssigneeId": _user_id(sf), "PermissionSetId": created["id"]}
        )
    return str(created["id"])


def _grant(sf: Any, permission_set: str, field: str, *, edit: bool) -> str:
    answer = sf.FieldPermissions.create(
        {
            "ParentId": permission_set,
            "SobjectType": "Opportunity",
            "Field": f"Opportunity.{field}",
            "PermissionsRead": True,
            "PermissionsEdit": edit,
        }
    )
    return str(answer["id"])


def _fields(sf: Any) -> dict[str, Any]:
    return {field["name"]: field for field in sf.Opportunity.describe()["fields"]}


def _codes(raised: pytest.ExceptionInfo[SalesforceMalformedRequest]) -> list[str]:
    return [error["errorCode"] for error in raised.value.content]


def _opportunity(sf: Any) -> str:
    return str(sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"])


def test_a_new_field_is_hidden_from_describe_queries_and_writes(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)
    record_id = _opportunity(sf)

    with pytest.raises(SalesforceMalformedRequest) as queried:
        sf.query(f"SELECT Id, {field} FROM Opportunity")
    with pytest.raises(SalesforceMalformedRequest) as written:
        sf.Opportunity.update(record_id, {field: "x"})
    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.get_by_custom_id(field, "x")

    assert field not in _fields(sf)
    assert _codes(queried) == ["INVALID_FIELD"]
    assert _codes(written) == ["INVALID_FIELD"]
    assert field not in sf.Opportunity.get(record_id)


def test_read_access_shows_the_field_read_only(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)
    _grant(sf, _permission_set(sf), field, edit=False)
    record_id = _opportunity(sf)

    described = _fields(sf)[field]
    rows = sf.query(f"SELECT Id, {field} FROM Opportunity")["records"]
    with pytest.raises(SalesforceMalformedRequest) as written:
        sf.Opportunity.update(record_id, {field: "x"})

    assert described["createable"] is False and described["updateable"] is False
    assert rows and all(row[field] is None for row in rows)
    assert _codes(written) == ["INVALID_FIELD_FOR_INSERT_UPDATE"]


def test_edit_access_makes_the_field_writable(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)
    _grant(sf, _permission_set(sf), field, edit=True)
    record_id = _opportunity(sf)

    sf.Opportunity.update(record_id, {field: "granted"})

    assert _fields(sf)[field]["updateable"] is True
    assert sf.Opportunity.get(record_id)[field] == "granted"
    assert sf.Opportunity.get_by_custom_id(field, "granted")["Id"] == record_id


def test_a_grant_to_an_unassigned_permission_set_shows_nothing(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)

    _grant(sf, _permission_set(sf, assign=False), field, edit=True)

    assert field not in _fields(sf)


def test_deleting_the_grant_hides_the_field_again(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)
    grant = _grant(sf, _permission_set(sf), field, edit=True)
    assert field in _fields(sf)

    sf.FieldPermissions.delete(grant)

    assert field not in _fields(sf)


def test_field_permissions_on_a_missing_field_are_invalid_field(org: Any) -> None:
    sf = org.sf()

    with pytest.raises(SalesforceMalformedRequest) as raised:
        _grant(sf, _permission_set(sf), "No_Such_Field__c", edit=False)

    assert _codes(raised) == ["INVALID_FIELD"]
    assert "Opportunity.No_Such_Field__c" in raised.value.content[0]["message"]


def test_edit_without_read_is_refused(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.FieldPermissions.create(
            {
                "ParentId": _permission_set(sf),
                "SobjectType": "Opportunity",
                "Field": f"Opportunity.{field}",
                "PermissionsRead": False,
                "PermissionsEdit": True,
            }
        )

    assert _codes(raised) == ["FIELD_INTEGRITY_EXCEPTION"]


def test_a_second_grant_of_the_same_field_in_a_set_is_a_duplicate(org: Any) -> None:
    sf = org.sf()
    field = _new_field(sf)
    permission_set = _permission_set(sf)
    first = _grant(sf, permission_set, field, edit=False)

    with pytest.raises(SalesforceMalformedRequest) as raised:
        _grant(sf, permission_set, field, edit=True)

    assert _codes(raised) == ["DUPLICATE_VALUE"]
    assert first in raised.value.content[0]["message"]


def test_a_second_assignment_of_the_same_set_is_a_duplicate(org: Any) -> None:
    sf = org.sf()
    permission_set = _permission_set(sf)

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PermissionSetAssignment.create(
            {"AssigneeId": _user_id(sf), "PermissionSetId": permission_set}
        )

    assert _codes(raised) == ["DUPLICATE_VALUE"]


def test_seeded_and_schema_fields_are_visible_without_grants(org: Any) -> None:
    fields = _fields(org.sf())

    assert fields["Baton_Status__c"]["updateable"] is True
    assert "StageName" in fields


def test_a_new_field_reaches_describe_after_the_delay(
    make_faulty_emulator: Callable[..., Any],
) -> None:
    emulator = make_faulty_emulator({"salesforce": {"describeDelaySeconds": 1.0}})
    sf = emulator.sf()
    field = _new_field(sf, "Account")
    permission_set = sf.PermissionSet.create({"Name": "Late", "Label": "Late"})
    sf.PermissionSetAssignment.create(
        {"AssigneeId": _user_id(sf), "PermissionSetId": permission_set["id"]}
    )
    sf.FieldPermissions.create(
        {
            "ParentId": permission_set["id"],
            "SobjectType": "Account",
            "Field": f"Account.{field}",
            "PermissionsRead": True,
            "PermissionsEdit": True,
        }
    )

    early = [f["name"] for f in sf.Account.describe()["fields"]]
    time.sleep(1.1)
    late = [f["name"] for f in sf.Account.describe()["fields"]]

    assert field not in early
    assert field in late
