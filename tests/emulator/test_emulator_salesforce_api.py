"""The Salesforce REST API through the real simple-salesforce over verified TLS:
describe, authentication, versions, limits and the request counters."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from emulator_seeds import FIXTURES
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceResourceNotFound,
)

from reconciler.emulator.describe import DEFAULT_SCHEMA_DIR, FIELD_TEMPLATE, is_object_describe

BUILTINS = {
    "User",
    "Organization",
    "PushTopic",
    "PermissionSet",
    "FieldPermissions",
    "PermissionSetAssignment",
}


@pytest.fixture(scope="module")
def recorded(make_shared_emulator: Callable[..., Any], describe_dir: Path) -> Any:
    """An emulator whose schema is the directory of recorded describes (Global.json too)."""
    return make_shared_emulator(schema_dir=describe_dir)


def _object_describes() -> list[str]:
    """Name every object describe among the recorded payloads (Global.json is not one)."""
    directory = FIXTURES if FIXTURES.is_dir() else DEFAULT_SCHEMA_DIR
    return sorted(
        path.stem
        for path in directory.glob("*.json")
        if is_object_describe(json.loads(path.read_text()))
    )


@pytest.mark.parametrize("name", _object_describes())
def test_every_recorded_describe_comes_back_as_loaded(
    recorded: Any, describe_dir: Path, name: str
) -> None:
    payload = json.loads((describe_dir / f"{name}.json").read_text())

    served = getattr(recorded.sf(), name).describe()

    assert served == payload
    assert [f["name"] for f in served["fields"]] == [f["name"] for f in payload["fields"]]


def test_seeded_custom_fields_extend_the_recorded_describe(
    standard: Any, describe_dir: Path
) -> None:
    recorded_fields = json.loads((describe_dir / "Opportunity.json").read_text())["fields"]

    fields = standard.sf().Opportunity.describe()["fields"]

    assert fields[: len(recorded_fields)] == recorded_fields
    added = {f["name"]: f for f in fields[len(recorded_fields) :]}
    assert list(added) == [
        "Baton_Project_ID__c",
        "Baton_Status__c",
        "Primary_Contact__c",
        "Ready_for_Implementation__c",
        "Baton_Tasks_Complete__c",
        "Baton_Due__c",
    ]
    assert all(set(f) == set(FIELD_TEMPLATE) for f in added.values())
    assert added["Baton_Project_ID__c"]["externalId"] is True
    assert added["Primary_Contact__c"]["relationshipName"] == "Primary_Contact__r"


def test_global_describe_lists_the_schema_and_the_builtin_objects(standard: Any) -> None:
    answer = standard.sf().describe()

    assert answer["encoding"] == "UTF-8"
    assert answer["maxBatchSize"] == 200
    names = {entry["name"] for entry in answer["sobjects"]}
    assert names == {"Account", "Contact", "Opportunity"} | BUILTINS
    account = next(entry for entry in answer["sobjects"] if entry["name"] == "Account")
    assert account["keyPrefix"] == "001"
    assert account["urls"]["describe"] == "/services/data/v62.0/sobjects/Account/describe"


def test_an_unknown_object_is_not_found(standard: Any) -> None:
    with pytest.raises(SalesforceResourceNotFound) as raised:
        standard.sf().Widget__c.describe()

    assert raised.value.status == 404
    assert raised.value.content == [
        {"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}
    ]


def test_a_wrong_token_is_refused_with_invalid_session_id(standard: Any) -> None:
    standard_sf = standard.sf()
    standard_sf.session_id = "00Dwrong!token"
    standard_sf.headers["Authorization"] = "Bearer 00Dwrong!token"

    with pytest.raises(SalesforceExpiredSession) as raised:
        standard_sf.describe()

    assert raised.value.status == 401
    assert raised.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_a_request_without_a_token_is_refused(standard: Any) -> None:
    response = standard.session().get(f"{standard.url}/services/data/v62.0/sobjects")

    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert response.headers["Sforce-Limit-Info"].startswith("api-usage=")


def test_versions_31_to_62_are_listed_and_served(standard: Any) -> None:
    sf = standard.sf()

    versions = sf.session.get(f"{standard.url}/services/data/", headers=sf.headers).json()

    assert [v["version"] for v in versions] == [f"{n}.0" for n in range(31, 63)]
    assert versions[-1] == {
        "label": "Winter '25",
        "url": "/services/data/v62.0",
        "version": "62.0",
    }
    assert versions[0]["label"] == "Summer '14"
    assert standard.sf(version="31.0").Account.describe()["name"] == "Account"


@pytest.mark.parametrize("version", ["30.0", "63.0"])
def test_versions_outside_the_range_are_not_found(standard: Any, version: str) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        standard.sf(version=version).describe()


def test_every_answer_carries_the_api_usage(standard: Any) -> None:
    sf = standard.sf()

    sf.describe()
    first = sf.api_usage["api-usage"]
    sf.query("SELECT Id FROM Account")
    second = sf.api_usage["api-usage"]
    limits = sf.limits()

    assert first.total == 100_000
    assert second.used == first.used + 1
    assert limits["DailyApiRequests"] == {"Max": 100_000, "Remaining": 100_000 - second.used - 1}


def test_the_integration_user_and_the_org_are_built_in(standard: Any) -> None:
    sf = standard.sf()

    users = sf.query("SELECT Id, Name, IsActive, Username FROM User")["records"]
    orgs = sf.query("SELECT Id, Name FROM Organization")["records"]

    assert len(users) == 1
    assert users[0]["Id"].startswith("005") and users[0]["IsActive"] is True
    assert users[0]["Name"] == "Integration User"
    assert len(orgs) == 1 and orgs[0]["Id"].startswith("00D")


def test_a_schema_payload_replaces_a_builtin_describe_but_keeps_its_records(
    make_emulator: Callable[..., Any], tmp_path: Path, describe_dir: Path
) -> None:
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    (schema_dir / "Account.json").write_bytes((describe_dir / "Account.json").read_bytes())
    user = {
        "name": "User",
        "label": "User",
        "keyPrefix": "005",
        "fields": [
            {"name": "Id", "type": "id", "createable": False, "updateable": False},
            {
                "name": "Username",
                "type": "string",
                "length": 80,
                "nillable": False,
                "createable": True,
            },
            {"name": "Department", "type": "string", "length": 80, "createable": True},
        ],
    }
    (schema_dir / "User.json").write_text(json.dumps(user))

    emulator = make_emulator(schema_dir=schema_dir)
    sf = emulator.sf()

    assert [f["name"] for f in sf.User.describe()["fields"]] == ["Id", "Username", "Department"]
    users = sf.query("SELECT Id, Username, Department FROM User")["records"]
    assert [u["Username"] for u in users] == ["integration@emulated-org.example.com"]
    names = {entry["name"] for entry in sf.describe()["sobjects"]}
    assert names == {"Account"} | BUILTINS


def test_requests_are_counted_by_service_and_kind(standard: Any) -> None:
    sf = standard.sf()
    before = standard.stats()

    sf.Opportunity.describe()
    sf.query("SELECT Id FROM Account")
    standard.baton_get("projects/")
    after = standard.stats()

    def grew(service: str, kind: str) -> int:
        return int(after[service].get(kind, 0)) - int(before[service].get(kind, 0))

    assert grew("salesforce", "describe") == 1
    assert grew("salesforce", "query") == 1
    assert grew("baton", "baton.list") == 1
    assert after["total"]["salesforce"] - before["total"]["salesforce"] == 2
