"""The Baton field table against SPEC.md's "Baton fields", and the importable objects."""

from __future__ import annotations

import pytest

from reconciler.catalog import (
    BATON_FIELDS,
    CUSTOM_FIELD_KINDS,
    IMPORTABLE_OBJECTS,
    STATUS_TO_SALESFORCE,
    baton_field,
    importable_keys,
    is_importable,
    syncable_keys,
)

# SPEC.md, "Baton fields": key, Baton field, import from, sync back to ("-" = not at all).
SPEC_TABLE = [
    ("projectId", "Project ID", "-", "Text(255), External ID, Unique, case-insensitive"),
    ("projectUrl", "Project URL", "-", "URL(255)"),
    ("title", "Project Title", "Text", "Text"),
    ("privateNotes", "Project Private Notes", "Text", "Text"),
    ("description", "Project Description", "Text", "Text"),
    ("dueDate", "Project Due Date", "Date", "Date"),
    ("startDate", "Project Start Date", "Date", "Date"),
    ("projectedDueDate", "Projected Project Due Date", "-", "Date"),
    ("startedDate", "Project Started Date", "-", "Date"),
    ("completedDate", "Project Completed Date", "-", "Date"),
    ("status", "Project Status", "-", "Text"),
    ("phase", "Project Phase", "-", "Text"),
    ("archived", "Project Archived", "-", "Text"),
    ("riskStatus", "Project Risk Status", "-", "Text"),
    ("health", "Project Health", "-", "Text"),
    ("healthNote", "Project Health Note", "-", "Text"),
    ("vendorLeadEmail", "Vendor Lead Email Address", "-", "Lookup(User, Group)"),
    ("clientLeadEmail", "Client Lead Email Address", "Text", "Lookup(Contact)"),
    ("averageMilestoneFeedback", "Average Milestone Feedback", "-", "Number(3, 1)"),
    ("tasksCompletePercentage", "Tasks Complete Percentage", "-", "Percent(3, 0)"),
    ("hoursUsedPercentage", "Hours Used Percentage", "-", "Percent(3, 0)"),
    ("budgetUsedPercentage", "Budget Used Percentage", "-", "Percent(3, 0)"),
    ("contractValue", "Contract Value", "Number", "Number"),
    ("implementationBudget", "Implementation Budget", "Number", "Number"),
    ("budgetShownToClient", "Budget Shown To Client", "Number", "Number"),
    ("estimatedDurationHours", "Estimated Duration (Hours)", "Number", "Number"),
]
CUSTOM_TABLE = [
    ("dropdown", "Custom Field: Drop Down", "Picklist, Text"),
    ("numeric", "Custom Field: Numeric", "Number"),
    ("text", "Custom Field: Text", "Text"),
    ("date", "Custom Field: Date", "Date"),
]
# SPEC.md's type names as describe names them.
DESCRIBE_TYPES = {
    "Text": {"string", "textarea"},
    "Number": {"double", "int", "currency", "percent"},
    "Date": {"date"},
    "Picklist": {"picklist"},
}


def test_the_table_has_every_field_of_spec_md_in_order() -> None:
    assert list(BATON_FIELDS) == [row[0] for row in SPEC_TABLE]


@pytest.mark.parametrize(
    ("key", "label", "imported", "synced"), SPEC_TABLE, ids=[r[0] for r in SPEC_TABLE]
)
def test_each_field_matches_its_row(key: str, label: str, imported: str, synced: str) -> None:
    field = BATON_FIELDS[key]

    assert field.label == label
    assert field.importable == (imported != "-")
    assert field.syncable
    for name in imported.split(", ") if imported != "-" else ():
        assert DESCRIBE_TYPES[name] <= field.import_types, (key, name)
    assert field.source


@pytest.mark.parametrize(
    ("key", "types"),
    [
        pytest.param("projectUrl", {"url", "string"}, id="url"),
        pytest.param(
            "title", {"string", "textarea", "picklist", "multipicklist", "combobox"}, id="text"
        ),
        pytest.param("dueDate", {"date", "datetime"}, id="date"),
        pytest.param("contractValue", {"double", "int", "currency", "percent"}, id="number"),
        pytest.param("tasksCompletePercentage", {"percent"}, id="percent"),
        pytest.param("vendorLeadEmail", {"reference"}, id="lookup"),
    ],
)
def test_sync_types_follow_spec_md(key: str, types: set[str]) -> None:
    assert BATON_FIELDS[key].sync_types == types


def test_lookups_name_their_objects() -> None:
    assert BATON_FIELDS["vendorLeadEmail"].lookup_objects == {"User", "Group"}
    assert BATON_FIELDS["clientLeadEmail"].lookup_objects == {"Contact"}


@pytest.mark.parametrize(
    ("kind", "label", "imported"), CUSTOM_TABLE, ids=[r[0] for r in CUSTOM_TABLE]
)
def test_custom_field_kinds_match_spec_md(kind: str, label: str, imported: str) -> None:
    field = CUSTOM_FIELD_KINDS[kind]

    assert field.label == label
    assert field.importable and field.syncable
    for name in imported.split(", "):
        assert DESCRIBE_TYPES[name] <= field.import_types
        assert DESCRIBE_TYPES[name] <= field.sync_types


def test_a_custom_key_gives_a_custom_entry() -> None:
    untyped = baton_field("custom.Region")
    typed = baton_field("custom.Region", "numeric")

    assert untyped is not None and typed is not None
    assert untyped.key == typed.key == "custom.Region"
    assert untyped.baton_type == "custom"
    assert {"date", "double", "picklist", "string"} <= untyped.sync_types
    assert typed.sync_types == {"double", "int", "currency", "percent"}


@pytest.mark.parametrize("key", ["custom.", "custom. ", "Title", "projectid", "nope"])
def test_unknown_keys_have_no_entry(key: str) -> None:
    assert baton_field(key) is None


def test_a_custom_field_of_an_unknown_kind_has_no_entry() -> None:
    assert baton_field("custom.Region", "checkbox") is None


def test_key_lists_split_import_from_sync() -> None:
    assert importable_keys() == (
        "title",
        "privateNotes",
        "description",
        "dueDate",
        "startDate",
        "clientLeadEmail",
        "contractValue",
        "implementationBudget",
        "budgetShownToClient",
        "estimatedDurationHours",
    )
    assert len(syncable_keys()) == len(SPEC_TABLE)


def test_status_translation_matches_the_product() -> None:
    assert dict(STATUS_TO_SALESFORCE) == {
        "missing_required_info": "Missing Required Info",
        "planning": "Planning",
        "doing": "Doing",
        "done": "Done",
    }


def test_the_importable_objects_are_the_eighteen_of_spec_md() -> None:
    assert len(IMPORTABLE_OBJECTS) == 18
    assert {
        "Opportunity",
        "Account",
        "WorkOrderLineItem",
        "UserServicePresence",
    } <= IMPORTABLE_OBJECTS


@pytest.mark.parametrize(
    ("name", "importable"),
    [
        ("Opportunity", True),
        ("Project__c", True),
        ("ns__Project__c", True),
        ("OpportunityLineItem", False),
        ("User", False),
        ("opportunity", False),
        ("Project__C", False),
        ("__c", False),
        ("Project__History", False),
    ],
)
def test_is_importable(name: str, importable: bool) -> None:
    assert is_importable(name) is importable
