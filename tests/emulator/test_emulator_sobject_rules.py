"""Rules Salesforce enforces beyond field types: PushTopic queries, rights taken from the
integration user, and validation rules declared in the seed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from emulator_seeds import CUSTOM_FIELDS
from simple_salesforce.exceptions import SalesforceMalformedRequest

_numbers = itertools.count(1)

SEED: dict[str, Any] = {
    "schema": {
        **CUSTOM_FIELDS,
        "Account": [
            {"name": "Score__c", "type": "double", "calculated": True},
            {"name": "Notes__c", "type": "textarea", "length": 1000},
        ],
    },
    "userPermissions": {
        "Contact": {"create": False, "delete": False, "read": True},
        "PermissionSet": {"read": False},
    },
    "validationRules": [
        {
            "object": "Opportunity",
            "field": "Baton_Status__c",
            "rejectValue": "Blocked",
            "message": "Status Blocked needs an approval first",
        }
    ],
}


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=SEED)


def _codes(raised: pytest.ExceptionInfo[SalesforceMalformedRequest]) -> list[str]:
    return [error["errorCode"] for error in raised.value.content]


def _topic(sf: Any, query: str, **fields: Any) -> Any:
    body = {"Name": f"Topic{next(_numbers)}", "Query": query, "ApiVersion": 62.0, **fields}
    return sf.PushTopic.create(body)


def test_a_valid_push_topic_is_created_read_and_deleted(org: Any) -> None:
    sf = org.sf()

    created = _topic(
        sf, "SELECT Id, Name, StageName FROM Opportunity WHERE StageName NOT IN ('Closed Lost')"
    )
    read = sf.PushTopic.get(created["id"])
    status = sf.PushTopic.delete(created["id"])

    assert created["id"].startswith("0IF")
    assert read["NotifyForFields"] == "Referenced" and read["IsActive"] is True
    assert status == 204
    assert sf.query(f"SELECT Id FROM PushTopic WHERE Id = '{created['id']}'")["totalSize"] == 0


@pytest.mark.parametrize(
    ("query", "code", "named"),
    [
        ("SELECT Id FROM Opportunity ORDER BY Name", "FIELD_INTEGRITY_EXCEPTION", "ORDER BY"),
        ("SELECT Id FROM Opportunity LIMIT 5", "FIELD_INTEGRITY_EXCEPTION", "LIMIT"),
        ("SELECT Id FROM Opportunity GROUP BY Id", "FIELD_INTEGRITY_EXCEPTION", "GROUP BY"),
        ("SELECT COUNT() FROM Opportunity", "FIELD_INTEGRITY_EXCEPTION", "aggregate"),
        ("SELECT Id, MAX(Amount) FROM Opportunity", "FIELD_INTEGRITY_EXCEPTION", "aggregate"),
        (
            "SELECT Id FROM Opportunity WHERE AccountId IN (SELECT Id FROM Account)",
            "FIELD_INTEGRITY_EXCEPTION",
            "semi-joins",
        ),
        (
            "SELECT Id FROM Opportunity WHERE NOT Name = 'x'",
            "FIELD_INTEGRITY_EXCEPTION",
            "NOT is not allowed",
        ),
        ("SELECT Name FROM Opportunity", "FIELD_INTEGRITY_EXCEPTION", "must select Id"),
        ("SELECT Id FROM User", "FIELD_INTEGRITY_EXCEPTION", "does not support the object User"),
        ("SELECT Id, Account.Name FROM Opportunity", "INVALID_FIELD", "relationship field"),
        ("SELECT Id, Colour__c FROM Opportunity", "INVALID_FIELD", "Colour__c"),
        ("SELECT Id FROM Account WHERE Score__c > 5", "INVALID_FIELD", "formula field"),
        ("SELECT Id FROM Account WHERE Notes__c = 'x'", "INVALID_FIELD", "Text Area"),
        ("SELEC Id FROM Account", "INVALID_FIELD", "not valid SOQL"),
    ],
)
def test_a_push_topic_query_breaking_a_rule_is_refused_naming_it(
    org: Any, query: str, code: str, named: str
) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        _topic(org.sf(), query)

    assert _codes(raised) == [code]
    assert named in raised.value.content[0]["message"]
    assert raised.value.content[0]["fields"] == ["Query"]


def test_a_push_topic_on_a_custom_object_name_is_checked_against_the_schema(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        _topic(org.sf(), "SELECT Id FROM Widget__c")

    assert _codes(raised) == ["FIELD_INTEGRITY_EXCEPTION"]
    assert "Widget__c" in raised.value.content[0]["message"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        pytest.param({"Name": "N" * 26}, "STRING_TOO_LONG", id="name over 25"),
        pytest.param({"ApiVersion": 19.0}, "FIELD_INTEGRITY_EXCEPTION", id="api version"),
        pytest.param(
            {"Query": "SELECT Id FROM Opportunity WHERE Name = '" + "x" * 1300 + "'"},
            "STRING_TOO_LONG",
            id="query over 1300",
        ),
    ],
)
def test_push_topic_fields_are_checked(org: Any, fields: dict[str, Any], code: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        _topic(org.sf(), "SELECT Id FROM Opportunity", **fields)

    assert _codes(raised) == [code]


def test_push_topic_names_are_unique(org: Any) -> None:
    sf = org.sf()
    query = "SELECT Id FROM Account"
    sf.PushTopic.create({"Name": "OnlyOnce", "Query": query, "ApiVersion": 62.0})

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PushTopic.create({"Name": "onlyonce", "Query": query, "ApiVersion": 62.0})

    assert _codes(raised) == ["DUPLICATE_VALUE"]


def test_an_update_to_a_bad_query_is_refused_too(org: Any) -> None:
    sf = org.sf()
    created = _topic(sf, "SELECT Id FROM Opportunity")

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PushTopic.update(created["id"], {"Query": "SELECT Id FROM Opportunity LIMIT 1"})

    assert _codes(raised) == ["FIELD_INTEGRITY_EXCEPTION"]


def test_rights_taken_from_the_user_show_in_describe(org: Any) -> None:
    sf = org.sf()

    contact = sf.Contact.describe()
    listed = next(e for e in sf.describe()["sobjects"] if e["name"] == "Contact")

    assert contact["createable"] is False and contact["deletable"] is False
    assert contact["updateable"] is True and contact["queryable"] is True
    assert listed["createable"] is False
    assert sf.Account.describe()["createable"] is True


def test_a_write_without_the_right_is_insufficient_access(org: Any) -> None:
    sf = org.sf()

    with pytest.raises(SalesforceMalformedRequest) as created:
        sf.Contact.create({"LastName": "Nope"})
    answer = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"records": [{"attributes": {"type": "Contact"}, "LastName": "Nope"}]},
    )

    assert _codes(created) == ["INSUFFICIENT_ACCESS_OR_READONLY"]
    assert answer[0]["errors"][0]["statusCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_without_read_the_object_cannot_be_queried(org: Any) -> None:
    sf = org.sf()

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT Id FROM PermissionSet")

    assert _codes(raised) == ["INVALID_TYPE"]
    assert sf.PermissionSet.describe()["queryable"] is False


def test_an_object_that_never_allows_a_write_refuses_it_for_everyone(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        org.sf().Organization.create({"Name": "Other"})

    assert _codes(raised) == ["INVALID_TYPE_FOR_OPERATION"]


def test_a_validation_rule_refuses_the_record_with_its_message(org: Any) -> None:
    sf = org.sf()
    body = {"Name": "Rule check", "StageName": "Prospecting", "CloseDate": "2026-01-01"}

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Opportunity.create({**body, "Baton_Status__c": "Blocked"})
    created = sf.Opportunity.create({**body, "Baton_Status__c": "Doing"})
    answer = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "Opportunity"}, "id": created["id"], "Baton_Status__c": s}
                for s in ("Blocked", "Done")
            ]
        },
    )

    assert raised.value.content == [
        {
            "message": "Status Blocked needs an approval first",
            "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "fields": ["Baton_Status__c"],
        }
    ]
    assert answer[0]["success"] is False
    assert answer[0]["errors"][0]["statusCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert answer[1]["success"] is True
    assert sf.Opportunity.get(created["id"])["Baton_Status__c"] == "Done"
