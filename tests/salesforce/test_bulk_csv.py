"""Bulk API 2.0 CSV, in both directions, shaped like the REST API's JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reconciler.salesforce import bulk

TYPES = {
    "Id": "id",
    "Name": "string",
    "Amount": "currency",
    "NumberOfEmployees": "int",
    "IsWon": "boolean",
    "CloseDate": "date",
    "LastModifiedDate": "datetime",
    "Account.Name": "string",
    "Account.Owner.Email": "email",
}


def rows(text: str) -> list[dict[str, object]]:
    return list(bulk.rows_from_csv(text, TYPES.get))


def test_dotted_headers_become_nested_records() -> None:
    text = '"Id","Account.Name","Account.Owner.Email"\n"006A","Acme","o@acme.example"\n'

    assert rows(text) == [
        {"Id": "006A", "Account": {"Name": "Acme", "Owner": {"Email": "o@acme.example"}}}
    ]


def test_a_parent_with_every_column_empty_is_null_as_rest_answers() -> None:
    text = '"Id","Account.Name","Account.Owner.Email"\n"006A","",""\n'

    assert rows(text) == [{"Id": "006A", "Account": None}]


def test_values_are_typed_by_describe_and_empty_is_null() -> None:
    text = (
        '"Id","Name","Amount","NumberOfEmployees","IsWon","CloseDate","LastModifiedDate"\n'
        '"006A","O\'Brien, ""Jr""","1200.5","42","true","2026-01-31",'
        '"2026-01-31T10:00:00.000Z"\n'
        '"006B","","","","false","",""\n'
    )

    first, second = rows(text)

    assert first == {
        "Id": "006A",
        "Name": 'O\'Brien, "Jr"',
        "Amount": 1200.5,
        "NumberOfEmployees": 42,
        "IsWon": True,
        "CloseDate": "2026-01-31",
        "LastModifiedDate": "2026-01-31T10:00:00.000+0000",
    }
    assert second == {
        "Id": "006B",
        "Name": None,
        "Amount": None,
        "NumberOfEmployees": None,
        "IsWon": False,
        "CloseDate": None,
        "LastModifiedDate": None,
    }


def test_line_breaks_inside_quoted_values_survive() -> None:
    text = '"Id","Name"\n"006A","two\nlines"\n'

    assert rows(text) == [{"Id": "006A", "Name": "two\nlines"}]


def test_an_empty_page_has_no_records() -> None:
    assert rows("") == []
    assert rows('"Id","Name"\n') == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        pytest.param(None, "#N/A", id="null-clears"),
        pytest.param("", "#N/A", id="empty-text-clears"),
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(120000.0, "120000", id="whole-float"),
        pytest.param(12.5, "12.5", id="float"),
        pytest.param(Decimal("1.10"), "1.10", id="decimal"),
        pytest.param(date(2026, 1, 31), "2026-01-31", id="date"),
        pytest.param("Doing", "Doing", id="text"),
    ],
)
def test_csv_cells_for_ingest(value: object, cell: str) -> None:
    assert bulk.csv_value(value) == cell


def test_ingest_rows_give_every_row_every_column() -> None:
    records = [{"id": "006A", "A__c": 1}, {"id": "006B", "B__c": None}]

    assert bulk.ingest_rows(records) == [
        {"Id": "006A", "A__c": "1", "B__c": "#N/A"},
        {"Id": "006B", "A__c": "#N/A", "B__c": "#N/A"},
    ]


def test_failed_results_carry_the_record_code_message_and_fields() -> None:
    text = (
        '"sf__Id","sf__Error","Id","Name"\n'
        '"006A","STRING_TOO_LONG:Name: data value too large:Name --","006A","x"\n'
        '"006B","FIELD_CUSTOM_VALIDATION_EXCEPTION:Stage is locked","006B","y"\n'
        '"","MALFORMED_ID:bad id: 12","12","z"\n'
    )

    failures = bulk.failed_records(text)

    assert failures == [
        bulk.FailedRecord("006A", "STRING_TOO_LONG", "Name: data value too large", ("Name",)),
        bulk.FailedRecord("006B", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Stage is locked", ()),
        bulk.FailedRecord("12", "MALFORMED_ID", "bad id: 12", ()),
    ]


def test_bulk_soql_drops_a_trailing_order_by_and_finds_the_object() -> None:
    soql = "SELECT Id, Account.Name FROM Opportunity WHERE Name = 'FROM X' ORDER BY Id"

    assert bulk.bulk_soql(soql) == "SELECT Id, Account.Name FROM Opportunity WHERE Name = 'FROM X'"
    assert bulk.object_of(soql) == "Opportunity"


def test_a_failure_without_a_field_list_names_the_columns_its_message_names() -> None:
    text = (
        '"sf__Id","sf__Error","Id","Baton_Status__c","Baton_Phase__c"\n'
        '"006A","STRING_TOO_LONG:Baton_Status__c: data value too large","006A","x","y"\n'
    )

    (failure,) = bulk.failed_records(text)

    assert failure.fields == ("Baton_Status__c",)


def test_records_of_a_page_share_one_string_for_a_repeated_value() -> None:
    text = '"Id","StageName"\n"006A","Closed Won"\n"006B","Closed Won"\n'

    first, second = rows(text)

    assert first["StageName"] == second["StageName"] == "Closed Won"
    assert first["StageName"] is second["StageName"]
