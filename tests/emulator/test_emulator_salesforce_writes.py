"""Record writes through simple-salesforce: create, read, update, upsert, sObject
Collections, and the validation errors Salesforce answers with."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from emulator_seeds import ACME, PAT
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from reconciler.emulator import ids

_numbers = itertools.count(1)


def _new_opportunity(sf: Any, **fields: Any) -> str:
    body = {
        "Name": f"Write test {next(_numbers)}",
        "StageName": "Prospecting",
        "CloseDate": "2026-05-01",
        **fields,
    }
    answer = sf.Opportunity.create(body)
    assert answer["success"] is True and answer["errors"] == []
    return str(answer["id"])


def _errors(raised: pytest.ExceptionInfo[SalesforceMalformedRequest]) -> list[tuple[str, Any]]:
    return [(error["errorCode"], error.get("fields")) for error in raised.value.content]


def test_a_created_record_reads_back_with_system_fields(writable: Any) -> None:
    sf = writable.sf()

    record_id = _new_opportunity(sf, AccountId=ACME[:15], Amount="1234.567", Baton_Status__c="")
    record = sf.Opportunity.get(record_id)

    assert ids.to_18(record_id) == record_id and record_id.startswith("006")
    assert record["attributes"] == {
        "type": "Opportunity",
        "url": f"/services/data/v62.0/sobjects/Opportunity/{record_id}",
    }
    assert record["AccountId"] == ACME
    assert record["Amount"] == 1234.57
    assert record["Baton_Status__c"] is None
    assert record["Ready_for_Implementation__c"] is False
    assert record["OwnerId"].startswith("005")
    assert record["CreatedDate"] == record["LastModifiedDate"] == record["SystemModstamp"]


def test_get_can_ask_for_some_fields(writable: Any) -> None:
    sf = writable.sf()
    record_id = _new_opportunity(sf)

    record = sf.Opportunity.get(record_id, params={"fields": "Name,StageName"})

    assert list(record) == ["attributes", "Name", "StageName"]


def test_an_update_changes_fields_and_last_modified(writable: Any) -> None:
    sf = writable.sf()
    record_id = _new_opportunity(sf)
    before = sf.Opportunity.get(record_id)

    status = sf.Opportunity.update(record_id, {"baton_status__c": "Doing", "Amount": 10})
    after = sf.Opportunity.get(record_id)

    assert status == 204
    assert after["Baton_Status__c"] == "Doing" and after["Amount"] == 10.0
    assert after["LastModifiedDate"] >= before["LastModifiedDate"]
    assert after["CreatedDate"] == before["CreatedDate"]


@pytest.mark.parametrize(
    ("body", "code", "fields"),
    [
        pytest.param({"Colour__c": "red"}, "INVALID_FIELD", [], id="unknown field"),
        pytest.param(
            {"IsWon": True}, "INVALID_FIELD_FOR_INSERT_UPDATE", ["IsWon"], id="not updateable"
        ),
        pytest.param({"Name": "x" * 121}, "STRING_TOO_LONG", ["Name"], id="too long"),
        pytest.param({"AccountId": "not-an-id"}, "MALFORMED_ID", ["AccountId"], id="bad id"),
        pytest.param(
            {"AccountId": PAT},
            "FIELD_INTEGRITY_EXCEPTION",
            ["AccountId"],
            id="lookup to the wrong object",
        ),
        pytest.param(
            {"AccountId": "001000000000999"},
            "INVALID_CROSS_REFERENCE_KEY",
            ["AccountId"],
            id="lookup to a missing record",
        ),
        pytest.param(
            {"StageName": None}, "REQUIRED_FIELD_MISSING", ["StageName"], id="required set to null"
        ),
        pytest.param(
            {"Baton_Tasks_Complete__c": 1000},
            "NUMBER_OUTSIDE_VALID_RANGE",
            ["Baton_Tasks_Complete__c"],
            id="number too large",
        ),
        pytest.param(
            {"Baton_Project_ID__c": "101"},
            "DUPLICATE_VALUE",
            ["Baton_Project_ID__c"],
            id="duplicate external id",
        ),
    ],
)
def test_bad_updates_get_salesforce_error_codes(
    writable: Any, body: dict[str, Any], code: str, fields: list[str]
) -> None:
    sf = writable.sf()
    record_id = _new_opportunity(sf)

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Opportunity.update(record_id, body)

    assert _errors(raised) == [(code, fields)]
    assert sf.Opportunity.get(record_id)["Name"].startswith("Write test")


def test_a_create_without_required_fields_names_them(writable: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        writable.sf().Opportunity.create({"Name": "Incomplete"})

    [error] = raised.value.content
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["message"] == "Required fields are missing: [StageName, CloseDate]"


def test_a_create_may_not_set_formula_or_system_fields(writable: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        writable.sf().Opportunity.create(
            {
                "Name": "x",
                "StageName": "Prospecting",
                "CloseDate": "2026-01-01",
                "CreatedDate": "2020-01-01T00:00:00Z",
            }
        )

    assert _errors(raised) == [("INVALID_FIELD_FOR_INSERT_UPDATE", ["CreatedDate"])]


def test_a_wrongly_typed_value_is_a_parser_error(writable: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        writable.sf().Opportunity.create(
            {"Name": "x", "StageName": "Prospecting", "CloseDate": "31/01/2026"}
        )

    assert _errors(raised) == [("JSON_PARSER_ERROR", ["CloseDate"])]


def test_unique_values_compare_without_case(writable: Any) -> None:
    sf = writable.sf()
    _new_opportunity(sf, Baton_Project_ID__c="P-77")

    with pytest.raises(SalesforceMalformedRequest) as raised:
        _new_opportunity(sf, Baton_Project_ID__c="p-77")

    assert _errors(raised) == [("DUPLICATE_VALUE", ["Baton_Project_ID__c"])]


def test_a_missing_record_is_not_found(writable: Any) -> None:
    sf = writable.sf()
    missing = ids.make_id("006", 999_999)

    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.get(missing)
    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.update(missing, {"Name": "x"})
    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.get("not-an-id")


def test_upsert_by_external_id_creates_then_updates(writable: Any) -> None:
    sf = writable.sf()

    created = sf.Opportunity.upsert(
        "Baton_Project_ID__c/P-500",
        {"Name": "Upserted", "StageName": "Prospecting", "CloseDate": "2026-01-01"},
        raw_response=True,
    )
    updated = sf.Opportunity.upsert(
        "Baton_Project_ID__c/p-500", {"Baton_Status__c": "Done"}, raw_response=True
    )
    fetched = sf.Opportunity.get_by_custom_id("Baton_Project_ID__c", "P-500")

    assert created.status_code == 201 and created.json()["created"] is True
    assert updated.status_code == 200 and updated.json()["created"] is False
    assert updated.json()["id"] == created.json()["id"] == fetched["Id"]
    assert fetched["Baton_Status__c"] == "Done"


def _collection(sf: Any, records: list[dict[str, Any]], all_or_none: bool = False) -> Any:
    return sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={"allOrNone": all_or_none, "records": records},
    )


def _patch(record_id: str | None, **fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Opportunity"}, "id": record_id, **fields}


def test_a_collection_update_answers_per_record_in_order(writable: Any) -> None:
    sf = writable.sf()
    first, second = _new_opportunity(sf), _new_opportunity(sf)

    answer = _collection(
        sf,
        [
            _patch(first, Baton_Status__c="Doing"),
            _patch(second, Baton_Status__c="x" * 21),
            _patch("006000000000xyz"[:14]),
            _patch(None, Name="no id"),
            {"attributes": {"type": "Widget__c"}, "id": first},
            _patch(second[:15], Amount=5),
        ],
    )

    assert [item["success"] for item in answer] == [True, False, False, False, False, True]
    assert answer[0] == {"id": first, "success": True, "errors": []}
    assert [item["errors"][0]["statusCode"] for item in answer[1:5]] == [
        "STRING_TOO_LONG",
        "MALFORMED_ID",
        "MISSING_ARGUMENT",
        "INVALID_TYPE",
    ]
    assert answer[1]["errors"][0]["fields"] == ["Baton_Status__c"]
    assert answer[5]["id"] == second
    assert sf.Opportunity.get(first)["Baton_Status__c"] == "Doing"
    assert sf.Opportunity.get(second)["Amount"] == 5.0


def test_all_or_none_rolls_every_record_back(writable: Any) -> None:
    sf = writable.sf()
    good, bad = _new_opportunity(sf), _new_opportunity(sf)

    answer = _collection(
        sf,
        [_patch(good, Baton_Status__c="Doing"), _patch(bad, Colour__c="red")],
        all_or_none=True,
    )

    assert answer[0]["id"] == good and answer[0]["success"] is False
    assert answer[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert answer[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
    assert sf.Opportunity.get(good)["Baton_Status__c"] is None


def test_a_collection_of_more_than_200_records_is_refused(writable: Any) -> None:
    sf = writable.sf()
    record_id = _new_opportunity(sf)

    accepted = _collection(sf, [_patch(record_id, Amount=n) for n in range(200)])
    with pytest.raises(SalesforceMalformedRequest) as raised:
        _collection(sf, [_patch(record_id, Amount=n) for n in range(201)])

    assert len(accepted) == 200 and all(item["success"] for item in accepted)
    assert raised.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert sf.Opportunity.get(record_id)["Amount"] == 199.0


def test_a_collection_create_returns_new_ids(writable: Any) -> None:
    sf = writable.sf()

    answer = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {
                    "attributes": {"type": "PushTopic"},
                    "Name": "BatonOpps",
                    "Query": "SELECT Id FROM Opportunity",
                    "ApiVersion": 62.0,
                },
                {
                    "attributes": {"type": "PushTopic"},
                    "Name": "BatonOpps",
                    "Query": "SELECT Id FROM Opportunity",
                    "ApiVersion": 62.0,
                },
            ],
        },
    )

    assert answer[0]["success"] is True and answer[0]["id"].startswith("0IF")
    assert answer[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    topic = sf.PushTopic.get(answer[0]["id"])
    assert topic["NotifyForFields"] == "Referenced" and topic["IsActive"] is True


def test_field_permissions_are_ordinary_records(writable: Any) -> None:
    sf = writable.sf()
    permission_set = sf.PermissionSet.create({"Name": "Baton_Sync", "Label": "Baton Sync"})

    sf.FieldPermissions.create(
        {
            "ParentId": permission_set["id"],
            "SobjectType": "Opportunity",
            "Field": "Opportunity.Baton_Status__c",
            "PermissionsRead": True,
            "PermissionsEdit": True,
        }
    )
    rows = sf.query(
        "SELECT Field, PermissionsEdit, Parent.Name FROM FieldPermissions "
        "WHERE SobjectType = 'Opportunity'"
    )["records"]

    assert [(r["Field"], r["PermissionsEdit"], r["Parent"]["Name"]) for r in rows] == [
        ("Opportunity.Baton_Status__c", True, "Baton_Sync")
    ]
