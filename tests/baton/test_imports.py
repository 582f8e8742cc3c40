"""Import creates against the emulator: the project with the rule's fields and template, its
leads as project users, its custom values and the link (with the link field created when
missing), then sync-back values derived from what was created."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.runner import apply_plan
from reconciler.errors import PlanError
from tests.baton.support import InProcess, SpecDir, rule_document, sync_document

RULE_EXTRA = """\
  projectLead: pat@acme.example
  template: Standard Onboarding
  fields:
    title: "{{ Account.Name }} - {{ Name }}"
    dueDate: CloseDate
    contractValue: Amount
    description: Description
    clientLeadEmail: Client_Email__c
    custom:
      Region: Region__c
      Seats: Seats__c
      Kickoff: Kickoff__c
      Notes: Name
"""
SYNC_FIELDS = {
    "Baton_Project_ID__c": "projectId",
    "Baton_Title__c": "title",
    "Baton_Region__c": "custom.Region",
    "Baton_Seats__c": "custom.Seats",
    "Baton_Kickoff__c": "custom.Kickoff",
    "Baton_Lead__c": "vendorLeadEmail",
    "Baton_Client__c": "clientLeadEmail",
    "Baton_Due__c": "dueDate",
    "Baton_Value__c": "contractValue",
}


def seed(**baton: Any) -> dict[str, Any]:
    workspace = {
        "users": [
            {"id": 1, "email": "pat@acme.example"},
            {"id": 2, "email": "cara@client.example"},
        ],
        "templates": [{"id": 4, "title": "Standard Onboarding"}],
        "custom_fields": [
            {"id": 2, "title": "Region", "type": "dropdown"},
            {"id": 3, "title": "Seats", "type": "numeric"},
            {"id": 4, "title": "Kickoff", "type": "date"},
            {"id": 5, "title": "Notes", "type": "text"},
        ],
        "custom_field_options": [
            {"id": 1, "field": 2, "value": "EMEA"},
            {"id": 2, "field": 2, "value": "APAC"},
        ],
        **baton,
    }
    return {
        "schema": {
            "Opportunity": [
                {"name": "Client_Email__c", "type": "email"},
                {"name": "Region__c", "type": "picklist", "values": ["EMEA", "APAC", "LATAM"]},
                {"name": "Seats__c", "type": "double", "precision": 6, "scale": 0},
                {"name": "Kickoff__c", "type": "date"},
                {
                    "name": "Baton_Project_ID__c",
                    "type": "string",
                    "length": 255,
                    "externalId": True,
                    "unique": True,
                },
                {"name": "Baton_Title__c", "type": "string", "length": 255},
                {"name": "Baton_Region__c", "type": "string", "length": 80},
                {"name": "Baton_Seats__c", "type": "double", "precision": 6, "scale": 0},
                {"name": "Baton_Kickoff__c", "type": "date"},
                {"name": "Baton_Lead__c", "type": "reference", "referenceTo": ["User"]},
                {"name": "Baton_Client__c", "type": "reference", "referenceTo": ["Contact"]},
                {"name": "Baton_Due__c", "type": "date"},
                {"name": "Baton_Value__c", "type": "currency", "precision": 18, "scale": 2},
            ]
        },
        "salesforce": {
            "User": [
                {
                    "Id": "005000000000021",
                    "Username": "pat@users.example",
                    "LastName": "Lee",
                    "Email": "pat@acme.example",
                }
            ],
            "Contact": [
                {"Id": "003000000000021", "LastName": "Cara", "Email": "cara@client.example"}
            ],
            "Account": [{"Id": "001000000000021", "Name": "Acme"}],
            "Opportunity": [
                {
                    "Id": "006000000000021",
                    "Name": "Rollout",
                    "AccountId": "001000000000021AAA",
                    "StageName": "Closed Won",
                    "Type": "New Customer",
                    "Amount": 45000.5,
                    "CloseDate": "2027-01-31",
                    "Description": "Two sites",
                    "Client_Email__c": "cara@client.example",
                    "Region__c": "EMEA",
                    "Seats__c": 120,
                    "Kickoff__c": "2026-12-14",
                    "LastModifiedDate": "2026-11-20T10:00:00.000+0000",
                },
                {
                    "Id": "006000000000022",
                    "Name": "Expansion",
                    "AccountId": "001000000000021AAA",
                    "StageName": "Closed Won",
                    "Type": "New Customer",
                    "CloseDate": "2027-02-28",
                    "Region__c": "LATAM",
                    "LastModifiedDate": "2026-11-20T10:00:00.000+0000",
                },
            ],
        },
        "baton": workspace,
    }


def spec(tmp_path: Path, rule_extra: str = RULE_EXTRA) -> Path:
    return SpecDir(tmp_path / "spec").write(
        rule=rule_document(extra=rule_extra), sync=sync_document("opp", SYNC_FIELDS)
    )


def objects(emulator: Any, collection: str) -> list[dict[str, Any]]:
    return list(emulator.baton_get(f"{collection}/", page_size=100)["results"])


def tail_id(uri: str) -> int:
    return int(uri.rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def applied(
    make_emulator: Callable[..., Any], in_process: Callable[[Any], InProcess], tmp_path: Path
) -> tuple[Any, Any, Any]:
    emulator = make_emulator(seed=seed())
    runner = in_process(emulator)
    the_spec, clients, plan = runner.plan(spec(tmp_path))
    report = apply_plan(plan, the_spec, clients.salesforce, clients.baton)
    return emulator, plan, report


def test_the_plan_creates_the_link_field_and_warns_of_an_unknown_option(
    applied: tuple[Any, Any, Any],
) -> None:
    _, plan, _ = applied

    resources = [change.resource for change in plan.changes]
    creates = [change for change in plan.changes if change.resource == "baton.project"]
    assert resources.count("baton.customField") == 1
    assert len(creates) == 2
    assert "custom.Region" not in (creates[1].after or {})
    assert [d.code for d in plan.diagnostics if d.severity == "warning"] == ["unknown-option"]
    assert "LATAM" in plan.diagnostics[0].message


def test_a_created_project_holds_the_rule_fields_template_leads_and_custom_values(
    applied: tuple[Any, Any, Any],
) -> None:
    emulator, _, report = applied

    assert report.failed == [], report.failed
    project = next(p for p in objects(emulator, "projects") if p["title"] == "Acme - Rollout")
    assert project["deadline_datetime"] == "2027-01-31T00:00:00Z"
    assert project["annual_contract_value"] == "45000.50"
    assert project["description"] == "Two sites"
    assert tail_id(project["created_from_template"]) == 4
    members = {
        (m["role"], tail_id(m["user"]))
        for m in objects(emulator, "project_users")
        if tail_id(m["project"]) == project["id"]
    }
    assert members == {("vendor_lead", 1), ("client_lead", 2)}
    values = {
        v["field"]["title"]: v
        for v in objects(emulator, "custom_field_values")
        if tail_id(v["project"]) == project["id"]
    }
    assert values["Salesforce Link"]["value_text"] == "won/006000000000021AAA"
    assert values["Region"]["selected_option"] == {"id": 1, "value": "EMEA"}
    assert values["Seats"]["value_numeric"] == "120.00"
    assert values["Kickoff"]["value_date"] == "2026-12-14"
    assert values["Notes"]["value_text"] == "Rollout"


def test_sync_back_of_new_projects_is_written_in_the_same_apply(
    applied: tuple[Any, Any, Any], in_process: Callable[[Any], InProcess], tmp_path: Path
) -> None:
    emulator, _, _ = applied

    record = emulator.sf().query(
        "SELECT Baton_Project_ID__c, Baton_Title__c, Baton_Region__c, Baton_Seats__c, "
        "Baton_Kickoff__c, Baton_Lead__c, Baton_Client__c, Baton_Due__c, Baton_Value__c "
        "FROM Opportunity WHERE Id = '006000000000021AAA'"
    )["records"][0]
    again = in_process(emulator).plan(spec(tmp_path))[2]

    assert record["Baton_Project_ID__c"].isdigit()
    assert record["Baton_Title__c"] == "Acme - Rollout"
    assert (record["Baton_Region__c"], record["Baton_Seats__c"]) == ("EMEA", 120)
    assert record["Baton_Kickoff__c"] == "2026-12-14"
    assert record["Baton_Lead__c"] == "005000000000021AAA"
    assert record["Baton_Client__c"] == "003000000000021AAA"
    assert (record["Baton_Due__c"], record["Baton_Value__c"]) == ("2027-01-31", 45000.5)
    assert again.changes == [], [change.address for change in again.changes]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            RULE_EXTRA.replace("Standard Onboarding", "Enterprise"),
            "names the template 'Enterprise'",
            id="template",
        ),
        pytest.param(
            RULE_EXTRA.replace("Seats: Seats__c", "Licences: Seats__c"),
            "fills the custom field 'Licences'",
            id="custom field",
        ),
    ],
)
def test_a_rule_naming_what_the_workspace_lacks_stops_the_plan(
    make_emulator: Callable[..., Any],
    in_process: Callable[[Any], InProcess],
    tmp_path: Path,
    extra: str,
    message: str,
) -> None:
    emulator = make_emulator(seed=seed())

    with pytest.raises(PlanError, match=message) as caught:
        in_process(emulator).plan(spec(tmp_path, extra))

    assert emulator.baton_get("projects/")["count"] == 0
    assert "Standard Onboarding" in str(caught.value) or "Region" in str(caught.value)
