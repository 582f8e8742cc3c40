"""Custom fields are created typed for the Baton field they receive."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.salesforce.custom_fields import NotCreatable, field_spec, label_of

TEXT_255 = {"type": "Text", "length": 255}


@pytest.mark.parametrize(
    ("key", "typed", "describe_type"),
    [
        pytest.param(
            "projectId",
            {
                "type": "Text",
                "length": 255,
                "externalId": True,
                "unique": True,
                "caseSensitive": False,
            },
            "string",
            id="link-field",
        ),
        pytest.param("projectUrl", {"type": "Url"}, "url", id="url"),
        pytest.param(
            "tasksCompletePercentage",
            {"type": "Percent", "precision": 3, "scale": 0},
            "percent",
            id="percent",
        ),
        pytest.param(
            "averageMilestoneFeedback",
            {"type": "Number", "precision": 3, "scale": 1},
            "double",
            id="feedback",
        ),
        pytest.param("projectedDueDate", {"type": "Date"}, "date", id="date"),
        pytest.param("status", TEXT_255, "string", id="text"),
        pytest.param(
            "description",
            {"type": "LongTextArea", "length": 32768, "visibleLines": 3},
            "textarea",
            id="long-text",
        ),
        pytest.param(
            "contractValue",
            {"type": "Number", "precision": 18, "scale": 2},
            "double",
            id="number",
        ),
        pytest.param("custom.Region", TEXT_255, "string", id="custom"),
    ],
)
def test_each_baton_field_gets_its_salesforce_type(
    key: str, typed: dict[str, Any], describe_type: str
) -> None:
    spec = field_spec("Opportunity", "Baton_X__c", key)

    assert {k: v for k, v in spec.metadata.items() if k not in ("label", "description")} == typed
    assert spec.describe_entry["type"] == describe_type
    assert spec.describe_entry["updateable"] is True
    assert spec.full_name == "Opportunity.Baton_X__c"


def test_the_link_field_is_an_external_id_in_describe() -> None:
    entry = field_spec("Opportunity", "Baton_Project_ID__c", "projectId").describe_entry

    assert entry["externalId"] and entry["unique"] and not entry["caseSensitive"]
    assert entry["length"] == 255


@pytest.mark.parametrize("key", ["vendorLeadEmail", "clientLeadEmail"])
def test_lookups_are_not_created(key: str) -> None:
    with pytest.raises(NotCreatable, match="does not create lookup fields"):
        field_spec("Opportunity", "Baton_Lead__c", key)


@pytest.mark.parametrize("name", ["Baton_Status", "Baton__Status__c", "1Status__c", "A b__c"])
def test_names_that_are_not_custom_field_names_are_refused(name: str) -> None:
    with pytest.raises(NotCreatable, match="not a custom field name"):
        field_spec("Opportunity", name, "status")


def test_labels_come_from_the_api_name() -> None:
    assert label_of("Baton_Project_ID__c") == "Baton Project ID"
