"""Object schemas: fixture describes, built-in objects, and custom fields from a seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator import EmulatorError
from reconciler.emulator.builtin import builtin_describes
from reconciler.emulator.describe import (
    DEFAULT_SCHEMA_DIR,
    FIELD_TEMPLATE,
    complete_field,
    load_schema_dir,
)

FIXTURES = Path("/work/shared/fixtures/salesforce/describe")


def test_the_package_carries_the_fixture_describes_unchanged() -> None:
    for name in ("Account", "Contact", "Opportunity"):
        packaged = (DEFAULT_SCHEMA_DIR / f"{name}.json").read_bytes()
        if FIXTURES.is_dir():
            assert packaged == (FIXTURES / f"{name}.json").read_bytes()
        assert json.loads(packaged)["name"] == name


def test_a_schema_directory_skips_global_describes(tmp_path: Path) -> None:
    (tmp_path / "Global.json").write_text(json.dumps({"encoding": "UTF-8", "sobjects": []}))
    (tmp_path / "Account.json").write_bytes((DEFAULT_SCHEMA_DIR / "Account.json").read_bytes())

    assert [payload["name"] for payload in load_schema_dir(tmp_path)] == ["Account"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "cannot read it as JSON", id="not json"),
        pytest.param('{"name": "X"}', "not an object describe", id="no fields"),
        pytest.param('{"name": "X", "fields": []}', "keyPrefix", id="no key prefix"),
    ],
)
def test_a_bad_schema_file_is_named_in_the_error(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "Broken.json").write_text(content)

    with pytest.raises(EmulatorError, match=message) as raised:
        load_schema_dir(tmp_path)

    assert "Broken.json" in str(raised.value)


def test_builtin_objects_have_complete_realistic_describes() -> None:
    describes = {payload["name"]: payload for payload in builtin_describes()}

    assert set(describes) == {
        "User",
        "Organization",
        "PushTopic",
        "PermissionSet",
        "FieldPermissions",
        "PermissionSetAssignment",
    }
    assert describes["User"]["keyPrefix"] == "005"
    assert describes["Organization"]["keyPrefix"] == "00D"
    for payload in describes.values():
        for field in payload["fields"]:
            assert set(field) == set(FIELD_TEMPLATE), (payload["name"], field["name"])


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        pytest.param(
            {"name": "Status__c", "type": "string"},
            {"length": 255, "soapType": "xsd:string", "label": "Status", "nillable": True},
            id="text",
        ),
        pytest.param(
            {"name": "Notes__c", "type": "textarea"},
            {"length": 32768, "filterable": False, "sortable": False},
            id="long text",
        ),
        pytest.param(
            {"name": "Done__c", "type": "percent"},
            {"precision": 18, "scale": 0, "soapType": "xsd:double"},
            id="percent",
        ),
        pytest.param(
            {"name": "Ready__c", "type": "boolean"},
            {"nillable": False, "defaultedOnCreate": True, "defaultValue": False},
            id="checkbox",
        ),
        pytest.param(
            {"name": "Primary_Contact__c", "type": "reference", "referenceTo": ["Contact"]},
            {"relationshipName": "Primary_Contact__r", "soapType": "tns:ID", "length": 18},
            id="lookup",
        ),
        pytest.param(
            {"name": "Key__c", "type": "string", "externalId": True, "unique": True},
            {"idLookup": True, "unique": True, "caseSensitive": False},
            id="external id",
        ),
        pytest.param(
            {"name": "Color__c", "type": "picklist", "values": ["Red", "Blue"]},
            {
                "picklistValues": [
                    {
                        "active": True,
                        "defaultValue": False,
                        "label": "Red",
                        "validFor": None,
                        "value": "Red",
                    },
                    {
                        "active": True,
                        "defaultValue": False,
                        "label": "Blue",
                        "validFor": None,
                        "value": "Blue",
                    },
                ]
            },
            id="picklist",
        ),
    ],
)
def test_partial_custom_fields_get_the_defaults_of_their_type(
    partial: dict[str, object], expected: dict[str, object]
) -> None:
    field = complete_field(partial)

    assert set(field) == set(FIELD_TEMPLATE)
    assert field["custom"] is True
    assert field["createable"] is True and field["updateable"] is True
    assert {key: field[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("partial", "message"),
    [
        pytest.param({"name": "Status", "type": "string"}, "must end with __c", id="no suffix"),
        pytest.param({"name": "X__c", "type": "strnig"}, "unknown field type", id="bad type"),
        pytest.param({"name": "X__c", "lenght": 5}, "unknown describe key 'lenght'", id="typo"),
        pytest.param({"name": "X__c", "type": "reference"}, "needs referenceTo", id="no target"),
        pytest.param({"type": "string"}, "needs a name", id="no name"),
    ],
)
def test_bad_custom_fields_are_explained(partial: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        complete_field(partial)
