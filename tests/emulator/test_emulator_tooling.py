"""The Tooling API through unmodified simple-salesforce: creating custom fields, reading and
changing their metadata, history tracking and its limit, and setup queries."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

_numbers = itertools.count(1)
TRACKED = ["StageName", "Amount", "CloseDate"]

# Account tracks 19 fields from the start: one short of the limit.
ACCOUNT_TRACKED = [f"Track_{n}__c" for n in range(19)]

SEED: dict[str, Any] = {
    "historyTracked": {"Opportunity": TRACKED, "Account": ACCOUNT_TRACKED},
    "installedPackages": [
        {"name": "Baton for Salesforce", "namespace": "baton"},
        {"name": "Unmanaged Helpers"},
    ],
    "schema": {
        "Opportunity": [{"name": "Seeded_Note__c", "type": "string", "length": 80}],
        "Account": [{"name": name, "type": "string"} for name in ACCOUNT_TRACKED],
    },
}


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=SEED)


def _name(prefix: str = "Tool") -> str:
    return f"{prefix}_{next(_numbers)}__c"


def _create(sf: Any, full_name: str, **metadata: Any) -> Any:
    body = {"FullName": full_name, "Metadata": {"label": "A field", **metadata}}
    return sf.restful("tooling/sobjects/CustomField/", method="POST", json=body)


def _grant(sf: Any, *fields: str, edit: bool = True) -> None:
    """Grant the integration user read (and edit) on fields, through a new permission set."""
    number = next(_numbers)
    permission_set = sf.PermissionSet.create(
        {"Name": f"Grant_{number}", "Label": f"Grant {number}"}
    )
    user = sf.query("SELECT Id FROM User WHERE Username = 'integration@emulated-org.example.com'")
    sf.PermissionSetAssignment.create(
        {"AssigneeId": user["records"][0]["Id"], "PermissionSetId": permission_set["id"]}
    )
    for field in fields:
        sf.FieldPermissions.create(
            {
                "ParentId": permission_set["id"],
                "SobjectType": field.split(".")[0],
                "Field": field,
                "PermissionsRead": True,
                "PermissionsEdit": edit,
            }
        )


def _describe_field(sf: Any, object_name: str, field_name: str) -> dict[str, Any]:
    fields = getattr(sf, object_name).describe()["fields"]
    return next(field for field in fields if field["name"] == field_name)


def _errors(raised: pytest.ExceptionInfo[SalesforceMalformedRequest]) -> list[str]:
    return [error["errorCode"] for error in raised.value.content]


def test_a_created_field_answers_201_with_an_00n_id(org: Any) -> None:
    sf = org.sf()
    name = _name()

    answer = _create(sf, f"Opportunity.{name}", type="Text", length=40)

    assert answer["success"] is True and answer["errors"] == []
    assert answer["id"].startswith("00N") and len(answer["id"]) == 18


def test_toolingexecute_creates_and_reads_fields_too(org: Any) -> None:
    sf = org.sf()
    name = _name()

    answer = sf.toolingexecute(
        "sobjects/CustomField/",
        method="POST",
        data={
            "FullName": f"Account.{name}",
            "Metadata": {"label": "Region", "type": "Text", "length": 20},
        },
    )
    record = sf.toolingexecute(f"sobjects/CustomField/{answer['id']}")

    assert record["FullName"] == f"Account.{name}"
    assert record["DeveloperName"] == name.removesuffix("__c")
    assert record["TableEnumOrId"] == "Account"
    assert record["Metadata"]["length"] == 20 and record["Metadata"]["type"] == "Text"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        pytest.param(
            {
                "type": "Text",
                "length": 40,
                "externalId": True,
                "unique": True,
                "caseSensitive": True,
            },
            {
                "type": "string",
                "length": 40,
                "externalId": True,
                "idLookup": True,
                "unique": True,
                "caseSensitive": True,
            },
            id="Text",
        ),
        pytest.param(
            {"type": "LongTextArea", "length": 32768, "visibleLines": 5},
            {
                "type": "textarea",
                "length": 32768,
                "extraTypeInfo": "plaintextarea",
                "filterable": False,
            },
            id="LongTextArea",
        ),
        pytest.param({"type": "Url"}, {"type": "url", "length": 255}, id="Url"),
        pytest.param(
            {"type": "Number", "precision": 10, "scale": 2, "externalId": True},
            {"type": "double", "precision": 10, "scale": 2, "externalId": True, "idLookup": True},
            id="Number",
        ),
        pytest.param(
            {"type": "Percent", "precision": 3, "scale": 0},
            {"type": "percent", "precision": 3, "scale": 0},
            id="Percent",
        ),
        pytest.param(
            {"type": "Currency", "precision": 18, "scale": 2},
            {"type": "currency", "precision": 18, "scale": 2},
            id="Currency",
        ),
        pytest.param({"type": "Date"}, {"type": "date", "soapType": "xsd:date"}, id="Date"),
        pytest.param(
            {"type": "DateTime"}, {"type": "datetime", "soapType": "xsd:dateTime"}, id="DateTime"
        ),
        pytest.param(
            {"type": "Checkbox", "defaultValue": "true"},
            {"type": "boolean", "defaultValue": True, "nillable": False},
            id="Checkbox",
        ),
    ],
)
def test_each_field_type_joins_the_describe_with_its_properties(
    org: Any, metadata: dict[str, Any], expected: dict[str, Any]
) -> None:
    sf = org.sf()
    name = _name(metadata["type"])
    _create(sf, f"Opportunity.{name}", **metadata, inlineHelpText="Filled by Baton")
    _grant(sf, f"Opportunity.{name}")

    field = _describe_field(sf, "Opportunity", name)

    assert {key: field[key] for key in expected} == expected
    assert field["custom"] is True and field["label"] == "A field"
    assert field["inlineHelpText"] == "Filled by Baton"
    assert field["createable"] is True and field["updateable"] is True


def test_a_field_that_exists_already_is_a_duplicate_developer_name(org: Any) -> None:
    sf = org.sf()

    with pytest.raises(SalesforceMalformedRequest) as raised:
        _create(sf, "Opportunity.Seeded_Note__c", type="Text", length=10)

    assert _errors(raised) == ["DUPLICATE_DEVELOPER_NAME"]
    assert "Seeded_Note" in raised.value.content[0]["message"]


@pytest.mark.parametrize(
    ("full_name", "metadata", "named"),
    [
        pytest.param("Opportunity.Bad_1__c", {"type": "Text"}, "length", id="text without length"),
        pytest.param(
            "Opportunity.Bad_2__c", {"type": "Text", "length": 300}, "length", id="text too long"
        ),
        pytest.param(
            "Opportunity.Bad_3__c",
            {"type": "Number", "precision": 4, "scale": 6},
            "scale",
            id="scale over precision",
        ),
        pytest.param(
            "Opportunity.Bad_4__c", {"type": "Date", "length": 10}, "length", id="date with length"
        ),
        pytest.param(
            "Opportunity.Bad_5__c",
            {"type": "LongTextArea", "length": 1000},
            "visibleLines",
            id="long text without lines",
        ),
        pytest.param(
            "Opportunity.Bad_6__c", {"type": "Checkbox", "externalId": True}, "externalId", id="ext"
        ),
        pytest.param("Opportunity.Bad_7__c", {"type": "Picture"}, "type", id="unknown type"),
        pytest.param("Opportunity.Bad_8", {"type": "Date"}, "__c", id="no suffix"),
        pytest.param("Widget.Bad_9__c", {"type": "Date"}, "Widget", id="unknown object"),
        pytest.param("Opportunity.Bad__10__c", {"type": "Date"}, "underscores", id="double _"),
        pytest.param("Opportunity.Bad_11__c", {"type": "Date", "label": ""}, "label", id="label"),
    ],
)
def test_bad_metadata_is_a_field_integrity_exception_naming_the_problem(
    org: Any, full_name: str, metadata: dict[str, Any], named: str
) -> None:
    sf = org.sf()
    body = {"FullName": full_name, "Metadata": {"label": "Bad", **metadata}}

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.restful("tooling/sobjects/CustomField/", method="POST", json=body)

    assert _errors(raised) == ["FIELD_INTEGRITY_EXCEPTION"]
    assert named in raised.value.content[0]["message"]


def test_patch_merges_metadata_and_turns_on_history_tracking(org: Any) -> None:
    sf = org.sf()
    name = _name()
    created = _create(sf, f"Opportunity.{name}", type="Text", length=30, description="First")

    status = sf.restful(
        f"tooling/sobjects/CustomField/{created['id']}",
        method="PATCH",
        json={"Metadata": {"trackHistory": True, "label": "Renamed"}},
    )
    record = sf.toolingexecute(f"sobjects/CustomField/{created['id']}")
    definitions = sf.query(
        "SELECT QualifiedApiName, IsFieldHistoryTracked FROM FieldDefinition "
        f"WHERE EntityDefinitionId = 'Opportunity' AND QualifiedApiName = '{name}'"
    )

    assert status is None
    assert record["Metadata"]["trackHistory"] is True
    assert record["Metadata"]["label"] == "Renamed" and record["Metadata"]["length"] == 30
    assert record["Metadata"]["description"] == "First"
    assert definitions["records"][0]["IsFieldHistoryTracked"] is True


def test_an_unknown_custom_field_id_is_not_found(org: Any) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        org.sf().restful("tooling/sobjects/CustomField/00N000000000000AAA")


def test_tooling_query_lists_custom_fields_with_their_object(org: Any) -> None:
    sf = org.sf()
    name = _name()
    created = _create(sf, f"Contact.{name}", type="Date")

    answer = sf.toolingexecute(
        "query/?q=SELECT+Id,DeveloperName,TableEnumOrId+FROM+CustomField"
        "+WHERE+TableEnumOrId='Contact'"
    )

    assert answer["entityTypeName"] == "CustomField"
    rows = {row["DeveloperName"]: row for row in answer["records"]}
    assert rows[name.removesuffix("__c")]["Id"] == created["id"]
    assert all(row["TableEnumOrId"] == "Contact" for row in answer["records"])
    assert answer["size"] == answer["totalSize"] == len(answer["records"])


def test_full_name_comes_back_for_one_custom_field_only(org: Any) -> None:
    sf = org.sf()
    name = _name()
    created = _create(sf, f"Opportunity.{name}", type="Date")

    one = sf.restful(
        "tooling/query/",
        params={"q": f"SELECT Id, FullName FROM CustomField WHERE Id = '{created['id']}'"},
    )
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.restful("tooling/query/", params={"q": "SELECT Id, FullName FROM CustomField"})

    assert one["records"][0]["FullName"] == f"Opportunity.{name}"
    assert _errors(raised) == ["MALFORMED_QUERY"]
    assert "no more than one row" in raised.value.content[0]["message"]


def test_seeded_custom_fields_are_custom_field_records_too(org: Any) -> None:
    answer = org.sf().toolingexecute(
        "query/?q=SELECT+Id,DeveloperName+FROM+CustomField+WHERE+DeveloperName='Seeded_Note'"
    )

    assert [row["DeveloperName"] for row in answer["records"]] == ["Seeded_Note"]


@pytest.mark.parametrize("path", ["query", "tooling"])
def test_field_definitions_answer_on_both_query_paths(org: Any, path: str) -> None:
    sf = org.sf()
    soql = (
        "SELECT QualifiedApiName, DataType, IsFieldHistoryTracked, EntityDefinitionId "
        "FROM FieldDefinition WHERE EntityDefinitionId = 'Opportunity' ORDER BY QualifiedApiName"
    )

    query = sf.query if path == "query" else lambda q: sf.restful("tooling/query/", params={"q": q})
    answer = query(soql)

    rows = {row["QualifiedApiName"]: row for row in answer["records"]}
    assert rows["StageName"]["DataType"] == "Picklist"
    assert rows["StageName"]["IsFieldHistoryTracked"] is True
    assert rows["Name"]["IsFieldHistoryTracked"] is False
    assert rows["Amount"]["DataType"] == "Currency(16, 2)"
    assert rows["Seeded_Note__c"]["DataType"] == "Text(80)"
    assert {row["EntityDefinitionId"] for row in answer["records"]} == {"Opportunity"}
    assert list(rows) == sorted(rows, key=str.lower)


def test_field_definitions_can_filter_by_the_entity_name_path(org: Any) -> None:
    answer = org.sf().query(
        "SELECT QualifiedApiName, EntityDefinition.QualifiedApiName FROM FieldDefinition "
        "WHERE EntityDefinition.QualifiedApiName = 'Account' AND QualifiedApiName = 'Name'"
    )

    (row,) = answer["records"]
    assert row["EntityDefinition"]["QualifiedApiName"] == "Account"
    assert row["EntityDefinition"]["attributes"]["type"] == "EntityDefinition"


def test_field_definitions_need_a_filter_on_the_entity(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        org.sf().query("SELECT QualifiedApiName FROM FieldDefinition")

    assert _errors(raised) == ["EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION"]


def test_installed_packages_come_from_the_seed(org: Any) -> None:
    answer = org.sf().toolingexecute(
        "query/?q=SELECT+Id,SubscriberPackage.Name,SubscriberPackage.NamespacePrefix"
        "+FROM+InstalledSubscriberPackage"
    )

    packages = [
        (row["SubscriberPackage"]["Name"], row["SubscriberPackage"]["NamespacePrefix"])
        for row in answer["records"]
    ]
    assert packages == [("Baton for Salesforce", "baton"), ("Unmanaged Helpers", None)]
    assert all(row["Id"].startswith("0A3") for row in answer["records"])


def test_installed_packages_are_tooling_only(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        org.sf().query("SELECT Id FROM InstalledSubscriberPackage")

    assert _errors(raised) == ["INVALID_TYPE"]


def test_a_tooling_query_of_an_unknown_column_is_invalid_field(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        org.sf().restful("tooling/query/", params={"q": "SELECT Colour FROM CustomField"})

    assert _errors(raised) == ["INVALID_FIELD"]


def test_an_object_tracks_at_most_twenty_fields(org: Any) -> None:
    sf = org.sf()

    twentieth = _create(sf, "Account.Twentieth__c", type="Date", trackHistory=True)
    with pytest.raises(SalesforceMalformedRequest) as on_create:
        _create(sf, "Account.TwentyFirst__c", type="Date", trackHistory=True)
    untracked = _create(sf, "Account.Untracked__c", type="Date")
    with pytest.raises(SalesforceMalformedRequest) as on_patch:
        sf.restful(
            f"tooling/sobjects/CustomField/{untracked['id']}",
            method="PATCH",
            json={"Metadata": {"trackHistory": True}},
        )
    sf.restful(
        f"tooling/sobjects/CustomField/{twentieth['id']}",
        method="PATCH",
        json={"Metadata": {"trackHistory": False}},
    )
    sf.restful(
        f"tooling/sobjects/CustomField/{untracked['id']}",
        method="PATCH",
        json={"Metadata": {"trackHistory": True}},
    )

    for raised in (on_create, on_patch):
        assert _errors(raised) == ["FIELD_INTEGRITY_EXCEPTION"]
        assert "track up to 20 fields" in raised.value.content[0]["message"]
    tracked = sf.query(
        "SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinitionId = 'Account' "
        "AND IsFieldHistoryTracked = true"
    )
    assert len(tracked["records"]) == 20
