"""SOQL through simple-salesforce: operators, parent paths, escaping, ordering, paging and
Salesforce's error answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from emulator_seeds import ACME, PAT, TRICKY_NAME
from simple_salesforce.exceptions import SalesforceMalformedRequest
from simple_salesforce.format import format_soql

ALL_NAMES = {
    "Acme - Renewal",
    "Globex - Expansion",
    "Initech - Pilot",
    TRICKY_NAME,
    "50%_off deal",
    "50 percent off",
    "acme - renewal (copy)",
}


def _names(emulator: Any, where: str) -> set[str]:
    answer = emulator.sf().query_all(f"SELECT Name FROM Opportunity WHERE {where}")
    return {record["Name"] for record in answer["records"]}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param("Name = 'ACME - RENEWAL'", {"Acme - Renewal"}, id="= ignores case"),
        pytest.param(
            "StageName != 'Prospecting'",
            {"Acme - Renewal", "Globex - Expansion", "acme - renewal (copy)"},
            id="!=",
        ),
        pytest.param(
            "StageName <> 'Prospecting' AND StageName <> 'Closed Won'",
            {"acme - renewal (copy)"},
            id="<>",
        ),
        pytest.param("Amount = 15000", {"Acme - Renewal", "acme - renewal (copy)"}, id="= number"),
        pytest.param("Amount > 15000", {"Globex - Expansion"}, id=">"),
        pytest.param(
            "Amount >= 15000",
            {"Acme - Renewal", "Globex - Expansion", "acme - renewal (copy)"},
            id=">=",
        ),
        pytest.param("Amount < 800", {"50%_off deal"}, id="<"),
        pytest.param("Amount <= 800", {"50%_off deal", "50 percent off"}, id="<="),
        pytest.param("Amount = null", {TRICKY_NAME}, id="= null"),
        pytest.param(
            "Amount != null AND Amount < 1000", {"50%_off deal", "50 percent off"}, id="!= null"
        ),
        pytest.param(
            "Amount != 15000 AND Amount > 1000",
            {"Globex - Expansion", "Initech - Pilot"},
            id="!= number",
        ),
        pytest.param(
            "Type != 'New Customer' AND Amount > 100000",
            {"Globex - Expansion"},
            id="!= keeps nulls",
        ),
        pytest.param(
            "Type IN ('New Customer', 'existing customer - upgrade')",
            {"Acme - Renewal", "Globex - Expansion"},
            id="IN",
        ),
        pytest.param(
            "Type NOT IN ('New Customer') AND Amount >= 5000",
            {"Globex - Expansion", "Initech - Pilot", "acme - renewal (copy)"},
            id="NOT IN keeps nulls",
        ),
        pytest.param(
            "Name LIKE 'acme%'", {"Acme - Renewal", "acme - renewal (copy)"}, id="LIKE ignores case"
        ),
        pytest.param("Name LIKE 'acme - renewal_%'", {"acme - renewal (copy)"}, id="LIKE with _"),
        pytest.param("Name LIKE '50%'", {"50%_off deal", "50 percent off"}, id="LIKE 50%"),
        pytest.param(r"Name LIKE '50\%\_%'", {"50%_off deal"}, id="LIKE escaped wildcards"),
        pytest.param(
            "(StageName = 'Closed Won' OR Amount = 700) AND Amount > 1000",
            {"Acme - Renewal", "Globex - Expansion"},
            id="parentheses",
        ),
        pytest.param(
            "NOT Name LIKE '%acme%' AND Amount > 1000",
            {"Globex - Expansion", "Initech - Pilot"},
            id="NOT",
        ),
        pytest.param(
            "NOT (Amount > 1000)",
            {TRICKY_NAME, "50%_off deal", "50 percent off"},
            id="NOT keeps nulls",
        ),
        pytest.param("CloseDate < 2026-02-01", {"Acme - Renewal"}, id="date literal"),
        pytest.param(
            "CloseDate >= 2026-03-15 AND CloseDate <= 2026-03-15",
            {"Globex - Expansion"},
            id="date range",
        ),
        pytest.param(
            "Baton_Due__c = 2026-03-01T07:30:00Z", {"Acme - Renewal"}, id="datetime in UTC"
        ),
        pytest.param(
            "Baton_Due__c = 2026-03-01T02:30:00-05:00",
            {"Acme - Renewal"},
            id="datetime with offset",
        ),
        pytest.param(
            "LastModifiedDate < 2026-02-02T00:00:00Z",
            {"Acme - Renewal"},
            id="seeded LastModifiedDate",
        ),
        pytest.param("Ready_for_Implementation__c = true", {"Acme - Renewal"}, id="boolean"),
        pytest.param(f"AccountId = '{ACME[:15]}'", {"Acme - Renewal"}, id="15-character id"),
        pytest.param("Account.Name = 'globex'", {"Globex - Expansion"}, id="parent field"),
        pytest.param(
            "Account.BillingCountry = null AND AccountId != null",
            {"Initech - Pilot"},
            id="parent null",
        ),
        pytest.param(
            "Primary_Contact__r.Email LIKE '%@acme.example'",
            {"Acme - Renewal"},
            id="custom relationship",
        ),
    ],
)
def test_where_operators_select_the_right_records(
    standard: Any, where: str, expected: set[str]
) -> None:
    assert _names(standard, where) == expected


def test_a_value_with_quotes_and_backslashes_matches_only_its_own_record(standard: Any) -> None:
    query = format_soql("SELECT Id, Name FROM Opportunity WHERE Name = {}", TRICKY_NAME)

    records = standard.sf().query(query)["records"]

    assert [record["Name"] for record in records] == [TRICKY_NAME]


def test_parents_come_back_nested_with_attributes(standard: Any) -> None:
    answer = standard.sf().query(
        "SELECT Id, Name, Account.Name, Account.Owner.Username, Primary_Contact__r.Email, "
        "Primary_Contact__r.Name FROM Opportunity WHERE Name LIKE '%Renewal'"
    )

    record = answer["records"][0]
    assert list(record) == ["attributes", "Id", "Name", "Account", "Primary_Contact__r"]
    assert record["attributes"] == {
        "type": "Opportunity",
        "url": f"/services/data/v62.0/sobjects/Opportunity/{record['Id']}",
    }
    assert record["Account"]["attributes"]["url"].endswith(f"/Account/{ACME}")
    assert record["Account"]["Name"] == "Acme"
    assert record["Account"]["Owner"]["Username"] == "integration@emulated-org.example.com"
    assert record["Primary_Contact__r"]["attributes"]["url"].endswith(f"/Contact/{PAT}")
    assert record["Primary_Contact__r"]["Email"] == "pat@acme.example"
    assert record["Primary_Contact__r"]["Name"] == "Pat Lee"


def test_an_empty_lookup_comes_back_as_null(standard: Any) -> None:
    answer = standard.sf().query(
        "SELECT Name, Account.Name FROM Opportunity WHERE Name = '50 percent off'"
    )

    assert answer["records"][0]["Account"] is None


def test_values_come_back_in_salesforce_json_form(standard: Any) -> None:
    record = standard.sf().query(
        "SELECT Amount, CloseDate, Ready_for_Implementation__c, Baton_Due__c, CreatedDate, "
        "IsDeleted FROM Opportunity WHERE Name = 'Acme - Renewal'"
    )["records"][0]

    assert record["Amount"] == 15000.0
    assert record["CloseDate"] == "2026-01-31"
    assert record["Ready_for_Implementation__c"] is True
    assert record["Baton_Due__c"] == "2026-03-01T07:30:00.000+0000"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", record["CreatedDate"])
    assert record["IsDeleted"] is False


def test_order_by_limit_and_offset(standard: Any) -> None:
    sf = standard.sf()

    descending = sf.query("SELECT Name FROM Opportunity ORDER BY Amount DESC, Name LIMIT 3")
    ascending = sf.query("SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST")
    offset = sf.query("SELECT Name FROM Opportunity ORDER BY Name LIMIT 2 OFFSET 1")

    assert [r["Name"] for r in descending["records"]] == [
        "Globex - Expansion",
        "Acme - Renewal",
        "acme - renewal (copy)",
    ]
    assert descending["totalSize"] == 3
    assert [r["Name"] for r in ascending["records"]][:2] == ["50%_off deal", "50 percent off"]
    assert ascending["records"][-1]["Name"] == TRICKY_NAME
    assert [r["Name"] for r in offset["records"]] == ["50%_off deal", "Acme - Renewal"]


def test_order_by_a_parent_field(standard: Any) -> None:
    answer = standard.sf().query(
        "SELECT Name FROM Opportunity WHERE AccountId != null ORDER BY Account.Name DESC"
    )

    assert [r["Name"] for r in answer["records"]] == [
        "Initech - Pilot",
        "Globex - Expansion",
        "Acme - Renewal",
    ]


def test_count_answers_the_total_without_records(standard: Any) -> None:
    answer = standard.sf().query("SELECT COUNT() FROM Opportunity WHERE Amount > 1000")

    assert answer == {"totalSize": 4, "done": True, "records": []}


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        pytest.param(
            "SELECT Foo FROM Opportunity",
            "INVALID_FIELD",
            "No such column 'Foo' on entity 'Opportunity'",
            id="unknown field",
        ),
        pytest.param(
            "SELECT Account.Foo FROM Opportunity",
            "INVALID_FIELD",
            "No such column 'Foo' on entity 'Account'",
            id="unknown parent field",
        ),
        pytest.param(
            "SELECT Acount.Name FROM Opportunity",
            "INVALID_FIELD",
            "Didn't understand relationship 'Acount'",
            id="unknown relationship",
        ),
        pytest.param(
            "SELECT Campaign.Name FROM Opportunity",
            "INVALID_FIELD",
            "add its describe with --schema",
            id="relationship to an object not emulated",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE Nmae = 'x'",
            "INVALID_FIELD",
            "No such column 'Nmae' on entity 'Opportunity'",
            id="unknown field in where",
        ),
        pytest.param(
            "SELECT Id FROM Widget", "INVALID_TYPE", "sObject type 'Widget'", id="unknown object"
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE",
            "MALFORMED_QUERY",
            "unexpected token",
            id="truncated",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE Amount = 1 AND Name = 'a' OR Id = null",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
            id="mixed and or",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-31'",
            "INVALID_FIELD",
            "must be of type date",
            id="date in quotes",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE Amount = '5'",
            "INVALID_FIELD",
            "must be of type number",
            id="number in quotes",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE Name = 5",
            "INVALID_FIELD",
            "must be of type string",
            id="string without quotes",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE Description = 'x'",
            "INVALID_FIELD",
            "can not be filtered",
            id="long text in where",
        ),
        pytest.param(
            "SELECT Id FROM Opportunity WHERE AccountId = 'abc'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: abc",
            id="bad id",
        ),
        pytest.param(
            r"SELECT Id FROM Opportunity WHERE Name = '50\%'",
            "MALFORMED_QUERY",
            "only allowed in LIKE",
            id="LIKE escape outside LIKE",
        ),
    ],
)
def test_bad_queries_get_salesforce_error_answers(
    standard: Any, query: str, code: str, message: str
) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        standard.sf().query(query)

    assert raised.value.status == 400
    [error] = raised.value.content
    assert error["errorCode"] == code
    assert message in error["message"]


def test_a_missing_query_locator_is_refused(standard: Any) -> None:
    sf = standard.sf()

    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query_more("/services/data/v62.0/query/01g000000000000AAA-2000", True)

    assert raised.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


@pytest.fixture(scope="module")
def many(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator with 4,500 opportunities (a JSON seed: quick to read)."""
    records = [
        {
            "Name": f"Deal {n:05d}",
            "StageName": "Prospecting",
            "CloseDate": "2026-06-30",
            "Amount": n,
        }
        for n in range(4500)
    ]
    return make_shared_emulator(seed={"salesforce": {"Opportunity": records}}, fmt="json")


def test_query_all_follows_next_records_urls_across_batches_of_2000(many: Any) -> None:
    sf = many.sf()
    before = many.stats()["salesforce"]

    first = sf.query("SELECT Id, Name FROM Opportunity ORDER BY Amount")
    everything = sf.query_all("SELECT Id, Name FROM Opportunity ORDER BY Amount")
    after = many.stats()["salesforce"]

    assert first["totalSize"] == 4500 and first["done"] is False
    assert len(first["records"]) == 2000
    assert re.fullmatch(r"/services/data/v62\.0/query/01g\w{15}-2000", first["nextRecordsUrl"])
    assert everything["totalSize"] == 4500 and everything["done"] is True
    names = [record["Name"] for record in everything["records"]]
    assert names == [f"Deal {n:05d}" for n in range(4500)]
    assert len({record["Id"] for record in everything["records"]}) == 4500
    assert after["query"] - before.get("query", 0) == 2
    assert after["query.more"] - before.get("query.more", 0) == 2


def test_the_batch_size_option_is_honoured(many: Any) -> None:
    sf = many.sf()

    answer = sf.query(
        "SELECT Id FROM Opportunity WHERE Amount < 1000",
        headers={"Sforce-Query-Options": "batchSize=300"},
    )
    rest = sf.query_more(answer["nextRecordsUrl"], True)

    assert len(answer["records"]) == 300 and answer["totalSize"] == 1000
    assert len(rest["records"]) == 700 and rest["done"] is True


def test_query_all_with_deleted_records_sees_them(writable: Any) -> None:
    sf = writable.sf()
    created = sf.Opportunity.create(
        {"Name": "Short-lived", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    )
    sf.Opportunity.delete(created["id"])

    live = sf.query("SELECT Id FROM Opportunity WHERE Name = 'Short-lived'")
    every = sf.query_all(
        "SELECT Id, IsDeleted FROM Opportunity WHERE Name = 'Short-lived'", include_deleted=True
    )

    assert live["totalSize"] == 0
    assert every["records"][0]["Id"] == created["id"] and every["records"][0]["IsDeleted"]
