"""Type compatibility against real describe payloads (the recorded Opportunity and Contact)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import reconciler
from reconciler.catalog import accepts, rejection_reason

# The recorded describe payloads the project keeps (see the fixtures README).
DESCRIBES = Path(reconciler.__file__).parent / "emulator" / "schema"


@cache
def describe(obj: str) -> dict[str, dict[str, Any]]:
    payload = json.loads((DESCRIBES / f"{obj}.json").read_text())
    return {field["name"]: field for field in payload["fields"]}


def field(path: str) -> dict[str, Any]:
    obj, name = path.split(".")
    return describe(obj)[name]


def custom(name: str, sf_type: str, **extra: Any) -> dict[str, Any]:
    """A custom field derived from a recorded one, as createMissingFields would make it."""
    return {**field("Opportunity.NextStep"), "name": name, "custom": True, "type": sf_type, **extra}


@pytest.mark.parametrize(
    ("key", "path"),
    [
        pytest.param("title", "Opportunity.Name", id="string"),
        pytest.param("description", "Opportunity.Description", id="textarea"),
        pytest.param("dueDate", "Opportunity.CloseDate", id="date"),
        pytest.param("contractValue", "Opportunity.Amount", id="currency"),
        pytest.param("estimatedDurationHours", "Opportunity.TotalOpportunityQuantity", id="double"),
        pytest.param("clientLeadEmail", "Contact.Email", id="email-as-text"),
        pytest.param("custom.Stage", "Opportunity.StageName", id="custom-picklist"),
        pytest.param("contractValue", "Opportunity.ExpectedRevenue", id="read-only-is-readable"),
    ],
)
def test_fields_that_can_be_imported(key: str, path: str) -> None:
    assert accepts(key, field(path), "import")


@pytest.mark.parametrize(
    ("key", "path", "reason"),
    [
        pytest.param("dueDate", "Opportunity.LastModifiedDate", "type datetime", id="datetime"),
        pytest.param("contractValue", "Opportunity.Name", "type string", id="text-for-number"),
        pytest.param("title", "Opportunity.Amount", "type currency", id="number-for-text"),
        pytest.param(
            "status", "Opportunity.StageName", "cannot be filled at import", id="sync-only"
        ),
    ],
)
def test_fields_that_cannot_be_imported(key: str, path: str, reason: str) -> None:
    assert not accepts(key, field(path), "import")
    assert reason in (rejection_reason(key, field(path), "import") or "")


@pytest.mark.parametrize(
    ("key", "target"),
    [
        pytest.param("status", field("Opportunity.NextStep"), id="text"),
        pytest.param("phase", field("Opportunity.StageName"), id="picklist"),
        pytest.param("description", field("Opportunity.Description"), id="textarea"),
        pytest.param("dueDate", field("Opportunity.CloseDate"), id="date"),
        pytest.param("completedDate", custom("Done__c", "datetime"), id="datetime"),
        pytest.param("contractValue", field("Opportunity.Amount"), id="currency"),
        pytest.param("tasksCompletePercentage", field("Opportunity.Probability"), id="percent"),
        pytest.param("projectUrl", custom("Url__c", "url"), id="url"),
        pytest.param("vendorLeadEmail", field("Opportunity.OwnerId"), id="user-lookup"),
        pytest.param(
            "clientLeadEmail", field("Opportunity.ContactId") | {"updateable": True}, id="contact"
        ),
        pytest.param(
            "projectId", custom("Id__c", "string", externalId=True, unique=True), id="link"
        ),
        pytest.param("archived", custom("Archived__c", "string"), id="archived-as-text"),
    ],
)
def test_fields_that_can_be_written(key: str, target: dict[str, Any]) -> None:
    assert accepts(key, target, "sync"), rejection_reason(key, target, "sync")


@pytest.mark.parametrize(
    ("key", "target", "reason"),
    [
        pytest.param("status", field("Opportunity.Amount"), "type currency", id="text-into-number"),
        pytest.param(
            "tasksCompletePercentage", field("Opportunity.Amount"), "percent", id="percent-only"
        ),
        pytest.param(
            "vendorLeadEmail", field("Opportunity.AccountId"), "looks up Account", id="wrong-lookup"
        ),
        pytest.param("projectId", custom("Id__c", "string"), "External ID", id="link-not-external"),
        pytest.param(
            "projectId", custom("Id__c", "string", externalId=True), "Unique", id="link-not-unique"
        ),
        pytest.param(
            "projectId",
            custom("Id__c", "string", externalId=True, unique=True, caseSensitive=True),
            "case-sensitive",
            id="link-case-sensitive",
        ),
        pytest.param("status", custom("F__c", "string", calculated=True), "formula", id="formula"),
        pytest.param("archived", custom("B__c", "boolean"), "type boolean", id="checkbox"),
        pytest.param("nonsense", field("Opportunity.Name"), "not a Baton field", id="unknown"),
    ],
)
def test_fields_that_cannot_be_written(key: str, target: dict[str, Any], reason: str) -> None:
    assert not accepts(key, target, "sync")
    assert reason in (rejection_reason(key, target, "sync") or "")


def test_a_typed_custom_field_is_checked_by_its_kind() -> None:
    date_field = field("Opportunity.CloseDate")

    assert accepts("custom.Kickoff", date_field, "sync", custom_type="date")
    assert not accepts("custom.Kickoff", date_field, "sync", custom_type="numeric")
