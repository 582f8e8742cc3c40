from datetime import UTC, date, datetime

import pytest

from reconciler.errors import SalesforceError
from reconciler.salesforce import soql


@pytest.mark.parametrize(
    ("value", "field_type", "expected"),
    [
        pytest.param("Closed Won", "picklist", "'Closed Won'", id="text"),
        pytest.param(
            "O'Brien \\' OR Name != '",
            "string",
            "'O\\'Brien \\\\\\' OR Name != \\''",
            id="quote-injection",
        ),
        pytest.param(10000, "currency", "10000", id="number"),
        pytest.param(10000.0, "double", "10000", id="whole-float"),
        pytest.param(True, "boolean", "true", id="boolean"),
        pytest.param(None, "string", "null", id="null"),
        pytest.param(date(2026, 1, 31), "date", "2026-01-31", id="date"),
        pytest.param(
            datetime(2026, 1, 31, 10, tzinfo=UTC), "datetime", "2026-01-31T10:00:00Z", id="datetime"
        ),
        pytest.param(42, "string", "'42'", id="number-into-text-field"),
    ],
)
def test_literals_are_typed_and_escaped(value: object, field_type: str, expected: str) -> None:
    assert soql.literal(value, field_type) == expected


def test_in_list_quotes_every_member() -> None:
    assert soql.comparison("Type", "in", ["New Customer", "A'B"], "picklist") == (
        "Type IN ('New Customer', 'A\\'B')"
    )


def test_is_null_becomes_equality_with_null() -> None:
    assert soql.comparison("CloseDate", "isNull", True, "date") == "CloseDate = null"
    assert soql.comparison("CloseDate", "isNull", False, "date") == "CloseDate != null"


def test_field_names_that_are_not_identifiers_are_refused() -> None:
    with pytest.raises(SalesforceError, match="not a Salesforce field path"):
        soql.select("Opportunity", ["Name FROM User --"])


def test_select_lists_id_first_and_fields_once() -> None:
    query = soql.select("Opportunity", ["Name", "Id", "Account.Name", "Name"], "Amount > 5")
    assert query == "SELECT Id, Account.Name, Name FROM Opportunity WHERE Amount > 5"


def test_conjunction_parenthesizes_each_part() -> None:
    assert soql.conjunction(["A = 1", "B = 2 OR C = 3"], "AND") == "(A = 1) AND (B = 2 OR C = 3)"
