"""Values between Baton and Salesforce: dates cut in the connection's timezone, numbers
rounded to the field's scale, percentages, text, lookups and status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from reconciler.catalog import ConversionError, from_salesforce, to_salesforce

NEW_YORK = "America/New_York"
DATE = {"name": "Due__c", "type": "date"}
DATETIME = {"name": "Due_At__c", "type": "datetime"}
CURRENCY = {"name": "Amount", "type": "currency", "precision": 18, "scale": 2}
NUMBER_3_1 = {"name": "Feedback__c", "type": "double", "precision": 3, "scale": 1}
PERCENT_3_0 = {"name": "Done__c", "type": "percent", "precision": 3, "scale": 0}
INT = {"name": "Count__c", "type": "int", "digits": 9}
TEXT_10 = {"name": "Short__c", "type": "string", "length": 10}
PICKLIST = {"name": "Status__c", "type": "picklist", "length": 255}
LOOKUP = {"name": "OwnerId", "type": "reference", "referenceTo": ["User"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-03-10T03:30:00Z", "2026-03-09", id="utc-early-is-previous-day"),
        pytest.param("2026-03-10T04:30:00Z", "2026-03-10", id="utc-after-midnight-edt"),
        pytest.param(datetime(2026, 1, 1, 4, 59, tzinfo=UTC), "2025-12-31", id="new-year-est"),
        pytest.param("2026-06-30T23:59:00-07:00", "2026-07-01", id="offset-late-is-next-day"),
        pytest.param(date(2026, 5, 1), "2026-05-01", id="a-date-stays"),
        pytest.param("2026-05-01", "2026-05-01", id="iso-date-text"),
        pytest.param(datetime(2026, 5, 1, 12), "2026-05-01", id="naive-is-utc"),
    ],
)
def test_date_times_are_cut_to_a_date_in_the_timezone(value: Any, expected: str) -> None:
    assert to_salesforce("dueDate", value, DATE, NEW_YORK) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-01-15", "2026-01-15T05:00:00Z", id="winter"),
        pytest.param("2026-07-15", "2026-07-15T04:00:00Z", id="summer"),
        pytest.param("2026-07-15T02:00:00Z", "2026-07-14T04:00:00Z", id="cut-then-midnight"),
    ],
)
def test_a_datetime_field_takes_midnight_in_the_timezone(value: str, expected: str) -> None:
    assert to_salesforce("completedDate", value, DATETIME, NEW_YORK) == expected


def test_in_utc_the_date_is_the_utc_date() -> None:
    assert to_salesforce("dueDate", "2026-03-10T03:30:00Z", DATE, "UTC") == "2026-03-10"


@pytest.mark.parametrize(
    ("key", "value", "describe", "expected"),
    [
        pytest.param("contractValue", "1234.565", CURRENCY, 1234.57, id="decimal-string-half-up"),
        pytest.param("contractValue", 1234.5, CURRENCY, 1234.5, id="float"),
        pytest.param("contractValue", Decimal("10"), CURRENCY, 10.0, id="decimal"),
        pytest.param("averageMilestoneFeedback", 4.25, NUMBER_3_1, 4.3, id="number-3-1"),
        pytest.param("averageMilestoneFeedback", 4.249, NUMBER_3_1, 4.2, id="number-3-1-down"),
        pytest.param("tasksCompletePercentage", 66.666, PERCENT_3_0, 67, id="percent-whole"),
        pytest.param("tasksCompletePercentage", 100, PERCENT_3_0, 100, id="percent-hundred"),
        pytest.param("estimatedDurationHours", 12.5, INT, 13, id="int-field"),
        pytest.param("contractValue", "42.10", None, 42.1, id="no-describe-keeps-value"),
        pytest.param("hoursUsedPercentage", 12.5, None, 13, id="no-describe-percent"),
    ],
)
def test_numbers_round_to_the_field_scale(
    key: str, value: Any, describe: dict[str, Any] | None, expected: float
) -> None:
    result = to_salesforce(key, value, describe, "UTC")

    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "describe"),
    [
        pytest.param(100.0, NUMBER_3_1, id="too-big-for-3-1"),
        pytest.param("abc", CURRENCY, id="not-a-number"),
        pytest.param(True, CURRENCY, id="boolean"),
        pytest.param(float("nan"), CURRENCY, id="nan"),
    ],
)
def test_numbers_that_do_not_fit_are_refused(value: Any, describe: dict[str, Any]) -> None:
    with pytest.raises(ConversionError):
        to_salesforce("averageMilestoneFeedback", value, describe, "UTC")


@pytest.mark.parametrize(
    ("key", "value", "describe", "expected"),
    [
        pytest.param("status", "doing", PICKLIST, "Doing", id="status-translated"),
        pytest.param(
            "status", "missing_required_info", PICKLIST, "Missing Required Info", id="status-draft"
        ),
        pytest.param("archived", True, PICKLIST, "true", id="archived-true"),
        pytest.param("archived", False, TEXT_10, "false", id="archived-false"),
        pytest.param("description", "A much longer description", TEXT_10, "A much lon", id="cut"),
        pytest.param("riskStatus", "green", None, "green", id="no-describe"),
        pytest.param("custom.Tier", 3.0, TEXT_10, "3", id="number-as-text"),
        pytest.param("projectId", 4711, TEXT_10, "4711", id="project-id"),
    ],
)
def test_text(key: str, value: Any, describe: dict[str, Any] | None, expected: str) -> None:
    assert to_salesforce(key, value, describe, "UTC") == expected


def test_none_stays_none() -> None:
    assert to_salesforce("dueDate", None, DATE, NEW_YORK) is None
    assert from_salesforce("dueDate", None) is None


def test_a_lookup_takes_an_id_in_its_18_character_form() -> None:
    assert (
        to_salesforce("vendorLeadEmail", "005A0000006Vm9r", LOOKUP, "UTC") == "005A0000006Vm9rIAC"
    )


def test_a_lookup_refuses_an_unresolved_email() -> None:
    with pytest.raises(ConversionError, match="record ID"):
        to_salesforce("vendorLeadEmail", "pm@acme.com", LOOKUP, "UTC")


@pytest.mark.parametrize(
    ("key", "describe", "message"),
    [
        pytest.param("status", {"name": "Flag__c", "type": "boolean"}, "type boolean", id="type"),
        pytest.param("nonsense", DATE, "not a Baton field", id="key"),
    ],
)
def test_unwritable_targets_are_refused(key: str, describe: dict[str, Any], message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        to_salesforce(key, "x", describe, "UTC")


def test_an_unknown_timezone_is_refused() -> None:
    with pytest.raises(ConversionError, match="timezone"):
        to_salesforce("dueDate", "2026-01-01", DATE, "Mars/Olympus")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        pytest.param("title", "Acme - Renewal", "Acme - Renewal", id="text"),
        pytest.param("clientLeadEmail", "ana@acme.com", "ana@acme.com", id="email"),
        pytest.param("dueDate", "2026-01-31", "2026-01-31T05:00:00Z", id="due-date-midnight"),
        pytest.param("contractValue", 50000.0, "50000.00", id="money-decimal-string"),
        pytest.param("implementationBudget", 1234.565, "1234.57", id="money-rounded"),
        pytest.param("estimatedDurationHours", 40.0, 40, id="hours"),
        pytest.param("estimatedDurationHours", 12.5, 12.5, id="fractional-hours"),
        pytest.param("custom.Kickoff", "2026-02-01", "2026-02-01", id="custom-date"),
        pytest.param("custom.Seats", 25.0, 25, id="custom-number"),
        pytest.param("custom.Region", "EMEA", "EMEA", id="custom-text"),
    ],
)
def test_from_salesforce_gives_baton_values(key: str, value: Any, expected: Any) -> None:
    custom_type = {"custom.Kickoff": "date", "custom.Seats": "numeric"}.get(key)

    assert from_salesforce(key, value, None, NEW_YORK, custom_type=custom_type) == expected


def test_from_salesforce_reads_the_kind_of_an_untyped_custom_field() -> None:
    assert from_salesforce("custom.Kickoff", "2026-02-01", {"type": "date"}) == "2026-02-01"
    assert from_salesforce("custom.Seats", 25.0, {"type": "double"}) == 25
    assert from_salesforce("custom.Region", "EMEA", {"type": "string"}) == "EMEA"


def test_from_salesforce_refuses_a_non_number() -> None:
    with pytest.raises(ConversionError, match="not a number"):
        from_salesforce("contractValue", "lots")
