"""Seeds: every bad seed fails with one line naming the file, the place and the fix, and
leaves no storage behind. These run the builder the server runs, in this process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from emulator_seeds import STANDARD_SEED
from ruamel.yaml import YAML

from reconciler.emulator import EmulatorError
from reconciler.emulator.describe import DEFAULT_SCHEMA_DIR
from reconciler.emulator.org import build_database


def _build(tmp_path: Path, seed: dict[str, Any] | str) -> None:
    path = tmp_path / "seed.yaml"
    if isinstance(seed, str):
        path.write_text(seed)
    else:
        with path.open("w") as handle:
            YAML(typ="safe", pure=True).dump(seed, handle)
    _, store = build_database(tmp_path / "emulator.db", None, path)
    store.close()


# Twenty-one fields of the packaged Account describe: one more than an object can track.
TWENTY_ONE = [
    field["name"]
    for field in json.loads((DEFAULT_SCHEMA_DIR / "Account.json").read_text())["fields"][:21]
]


def _opportunity(**fields: Any) -> dict[str, Any]:
    return {"Name": "X", "StageName": "Prospecting", "CloseDate": "2026-01-31", **fields}


def _sf(object_name: str, *records: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"salesforce": {object_name: list(records)}, **extra}


BAD_SEEDS = [
    pytest.param("a: [1, 2", "not valid YAML", "seed.yaml:1:", id="unreadable yaml"),
    pytest.param("- 1\n- 2\n", "a seed is a mapping", "seed.yaml", id="not a mapping"),
    pytest.param(
        {"salesfroce": {}}, "unknown top-level key 'salesfroce'", "use schema", id="unknown part"
    ),
    pytest.param(
        {"salesforce": {"Opportunity": {"Name": "x"}}},
        "salesforce.Opportunity",
        "expected a list",
        id="records not a list",
    ),
    pytest.param(
        _sf("Widget__c", {"Name": "x"}),
        "salesforce.Widget__c",
        "add its describe with --schema",
        id="unknown object",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(Colour__c="red")),
        "salesforce.Opportunity[0]",
        "No such column 'Colour__c'",
        id="unknown field",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(CloseDate="soon")),
        "salesforce.Opportunity[0].CloseDate",
        "write CloseDate as YYYY-MM-DD",
        id="bad date",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(Amount="lots")),
        "salesforce.Opportunity[0].Amount",
        "a number",
        id="bad number",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(Name="x" * 121)),
        "salesforce.Opportunity[0].Name",
        "at most 120 characters",
        id="too long",
    ),
    pytest.param(
        _sf("Opportunity", {"Name": "x"}),
        "salesforce.Opportunity[0]",
        "Required fields are missing: [StageName, CloseDate]",
        id="required missing",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(Id="006000000000001AAB")),
        "salesforce.Opportunity[0].Id",
        "wrong checksum",
        id="bad checksum",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(Id="001000000000001")),
        "salesforce.Opportunity[0].Id",
        "key prefix 006",
        id="wrong prefix",
    ),
    pytest.param(
        _sf(
            "Opportunity", _opportunity(Id="006000000000001"), _opportunity(Id="006000000000001AAA")
        ),
        "salesforce.Opportunity[1].Id",
        "used twice",
        id="duplicate id",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(AccountId="001000000000009")),
        "salesforce.Opportunity[0].AccountId",
        "no Account has ID",
        id="dangling lookup",
    ),
    pytest.param(
        _sf("Opportunity", _opportunity(AccountId="003000000000001")),
        "salesforce.Opportunity[0].AccountId",
        "id value of incorrect type",
        id="lookup to wrong object",
    ),
    pytest.param(
        _sf(
            "Opportunity",
            _opportunity(Key__c="a"),
            _opportunity(Key__c="A"),
            schema={"Opportunity": [{"name": "Key__c", "unique": True}]},
        ),
        "salesforce.Opportunity[1].Key__c",
        "is unique",
        id="duplicate unique value",
    ),
    pytest.param(
        {"schema": {"Opportunity": [{"name": "Status", "type": "string"}]}},
        "schema.Opportunity[0]",
        "must end with __c",
        id="custom field without __c",
    ),
    pytest.param(
        {"schema": {"Opportunity": [{"name": "Name__c"}, {"name": "name__c"}]}},
        "schema.Opportunity[1]",
        "already has a field",
        id="field defined twice",
    ),
    pytest.param(
        {"schema": {"Widget": [{"name": "A__c"}]}},
        "schema.Widget",
        "no object Widget",
        id="custom field on unknown object",
    ),
    pytest.param(
        {"baton": {"projetcs": []}}, "baton.projetcs", "unknown collection", id="unknown collection"
    ),
    pytest.param(
        {"baton": {"projects": [{"id": 1}]}},
        "baton.projects[0]",
        "title is required",
        id="project without title",
    ),
    pytest.param(
        {"baton": {"projects": [{"title": "x", "status": "busy"}]}},
        "baton.projects[0].status",
        "use one of missing_required_info",
        id="bad project status",
    ),
    pytest.param(
        {"baton": {"projects": [{"title": "x", "phase": 9}]}},
        "baton.projects[0].phase",
        'Invalid pk "9"',
        id="dangling relation",
    ),
    pytest.param(
        {"baton": {"users": [{"id": 1}, {"id": 1}]}},
        "baton.users[1].id",
        "used twice",
        id="duplicate baton id",
    ),
    pytest.param(
        {"baton": {"projects": [{"title": "x", "deadline_datetime": "tomorrow"}]}},
        "baton.projects[0].deadline_datetime",
        "Datetime has wrong format",
        id="bad baton datetime",
    ),
    pytest.param(
        {"oauth": {"clients": [{"clientId": "app", "certificate": "not a certificate"}]}},
        "oauth.clients[0].certificate",
        "-----BEGIN CERTIFICATE-----",
        id="bad certificate",
    ),
    pytest.param(
        {"oauth": {"clients": [{"clientSecret": "s3cret"}]}},
        "oauth.clients[0].clientId",
        "non-empty text",
        id="client without id",
    ),
    pytest.param(
        {"userPermissions": {"PushTopic": {"write": False}}},
        "userPermissions.PushTopic",
        "use create, read, edit, delete",
        id="unknown right",
    ),
    pytest.param(
        {"userPermissions": {"Widget__c": {"create": False}}},
        "userPermissions.Widget__c",
        "fix the name",
        id="rights on unknown object",
    ),
    pytest.param(
        {"historyTracked": {"Opportunity": ["Colour__c"]}},
        "historyTracked.Opportunity",
        "has no field Colour__c",
        id="tracking unknown field",
    ),
    pytest.param(
        {"historyTracked": {"Account": TWENTY_ONE}},
        "historyTracked.Account",
        "track up to 20 fields",
        id="tracking too many",
    ),
    pytest.param(
        {"validationRules": [{"object": "Opportunity", "field": "Name"}]},
        "validationRules[0]",
        "exactly object, field, rejectValue, message",
        id="incomplete rule",
    ),
    pytest.param(
        {"installedPackages": [{"namespace": "baton"}]},
        "installedPackages[0].name",
        "non-empty text",
        id="package without name",
    ),
]


@pytest.mark.parametrize(("seed", "place", "fix"), BAD_SEEDS)
def test_a_bad_seed_names_file_place_and_fix(
    tmp_path: Path, seed: dict[str, Any] | str, place: str, fix: str
) -> None:
    with pytest.raises(EmulatorError) as raised:
        _build(tmp_path, seed)

    message = str(raised.value)
    assert "\n" not in message
    assert str(tmp_path / "seed.yaml") in message
    assert place in message
    assert fix in message
    assert sorted(path.name for path in tmp_path.iterdir()) == ["seed.yaml"]


def test_the_standard_seed_builds(tmp_path: Path) -> None:
    _build(tmp_path, STANDARD_SEED)

    assert (tmp_path / "emulator.db").is_file()


def test_yaml_turns_unquoted_ids_into_numbers_and_the_seed_keeps_their_zeros(
    tmp_path: Path,
) -> None:
    seed = "salesforce:\n  Account:\n    - {Id: 001000000000001, Name: Acme}\n"
    path = tmp_path / "seed.yaml"
    path.write_text(seed)

    _, store = build_database(tmp_path / "emulator.db", None, path)
    try:
        rows = store.execute('SELECT "Id" FROM "sf_Account"').fetchall()
    finally:
        store.close()

    assert rows == [("001000000000001AAA",)]
