"""Every sync-back field of the product's table, end to end: a seeded project with known tasks,
time entries, rates, feedback, risk profiles, phase, users and custom values gives, in
`plan --json`, the value computed by hand below, written to a Salesforce field of a type
the field accepts; apply writes them and a second plan finds nothing to change."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Result, run_cli

OPP = "006000000000001AAA"
PAT_USER = "005000000000002AAA"
CARA_CONTACT = "003000000000001AAA"

# The Salesforce field of each Baton key, and its type (as describe names it).
FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "projectId": (
        "Baton_Project_ID__c",
        {"type": "string", "length": 255, "externalId": True, "unique": True},
    ),
    "projectUrl": ("Baton_Project_URL__c", {"type": "url", "length": 255}),
    "title": ("Baton_Title__c", {"type": "string", "length": 255}),
    "privateNotes": ("Baton_Private_Notes__c", {"type": "textarea", "length": 32768}),
    "description": ("Baton_Description__c", {"type": "string", "length": 255}),
    "dueDate": ("Baton_Due_Date__c", {"type": "date"}),
    "startDate": ("Baton_Start_Date__c", {"type": "date"}),
    "startedDate": ("Baton_Started_Date__c", {"type": "date"}),
    "completedDate": ("Baton_Completed__c", {"type": "datetime"}),
    "projectedDueDate": ("Baton_Projected_Due__c", {"type": "date"}),
    "riskStatus": ("Baton_Risk__c", {"type": "string", "length": 255}),
    "status": (
        "Baton_Status__c",
        {"type": "picklist", "values": ["Missing Required Info", "Planning", "Doing", "Done"]},
    ),
    "phase": ("Baton_Phase__c", {"type": "string", "length": 255}),
    "archived": ("Baton_Archived__c", {"type": "string", "length": 10}),
    "health": ("Baton_Health__c", {"type": "string", "length": 255}),
    "healthNote": ("Baton_Health_Note__c", {"type": "textarea", "length": 32768}),
    "vendorLeadEmail": ("Baton_Vendor_Lead__c", {"type": "reference", "referenceTo": ["User"]}),
    "clientLeadEmail": (
        "Baton_Client_Lead__c",
        {"type": "reference", "referenceTo": ["Contact"]},
    ),
    "averageMilestoneFeedback": (
        "Baton_Feedback__c",
        {"type": "double", "precision": 3, "scale": 1},
    ),
    "tasksCompletePercentage": (
        "Baton_Tasks_Complete__c",
        {"type": "percent", "precision": 3, "scale": 0},
    ),
    "hoursUsedPercentage": ("Baton_Hours_Used__c", {"type": "percent", "precision": 3, "scale": 0}),
    "budgetUsedPercentage": (
        "Baton_Budget_Used__c",
        {"type": "percent", "precision": 3, "scale": 0},
    ),
    "contractValue": ("Baton_Contract_Value__c", {"type": "currency", "precision": 18, "scale": 2}),
    "implementationBudget": ("Baton_Budget__c", {"type": "currency", "precision": 18, "scale": 2}),
    "budgetShownToClient": (
        "Baton_Budget_Shown__c",
        {"type": "currency", "precision": 18, "scale": 2},
    ),
    "estimatedDurationHours": ("Baton_Hours__c", {"type": "double", "precision": 8, "scale": 1}),
    "custom.Region": ("Baton_Region__c", {"type": "picklist", "values": ["EMEA", "APAC"]}),
    "custom.Seats": ("Baton_Seats__c", {"type": "double", "precision": 6, "scale": 0}),
    "custom.Notes": ("Baton_Notes__c", {"type": "string", "length": 255}),
    "custom.Kickoff": ("Baton_Kickoff__c", {"type": "date"}),
}

# The hand computation. The connection's timezone is America/New_York (UTC-5 in winter),
# so a date-time is cut to the New York date.
EXPECTED: dict[str, Any] = {
    "projectId": "42",
    "projectUrl": "{url}/projects/42",  # the workspace URL and the project's path
    "title": "Acme - Rollout",
    "privateNotes": "VIP customer",
    "description": "Three sites",
    # 2027-03-01T04:59Z is 2027-02-28 23:59 in New York
    "dueDate": "2027-02-28",
    # 2026-12-01T14:00Z is 09:00 in New York
    "startDate": "2026-12-01",
    "startedDate": "2026-12-02",
    # 2027-01-15T03:00Z is 2027-01-14 22:00 in New York; a datetime field takes midnight of
    # that New York date, 2027-01-14T00:00-05:00 = 2027-01-14T05:00:00Z
    "completedDate": "2027-01-14T05:00:00Z",
    # risk profiles 1 (green), 3 (yellow), 2 (red): the newest is id 3, projected
    # 2027-03-04T12:00Z
    "projectedDueDate": "2027-03-04",
    "riskStatus": "yellow",
    "status": "Done",  # done -> Done
    "phase": "Configuration",
    "archived": "false",
    "health": "at_risk",
    "healthNote": "Waiting on SSO",
    # project users: vendor_lead pat (id 3) and sam (id 9): the first is pat, whose
    # active Salesforce User is 005000000000002
    "vendorLeadEmail": PAT_USER,
    # client_lead cara, the one Contact with her email
    "clientLeadEmail": CARA_CONTACT,
    # ratings 4, 5, 4 and one without a rating: 13 / 3 = 4.333 -> 4.3
    "averageMilestoneFeedback": 4.3,
    # 3 of 8 tasks completed: 37.5 % -> 38
    "tasksCompletePercentage": 38,
    # entry 1: inputted 90 min (wins over calculated 95); entry 2: 09:00-11:00 = 120 min
    # (computed by Baton); entry 3: inputted 30 min. 240 min = 4 h of 40 h = 10 %
    "hoursUsedPercentage": 10,
    # 1.5 h x 150 + 2 h x 100 + 0.5 h x (no rate) = 425 of 20,000.00 = 2.125 % -> 2
    "budgetUsedPercentage": 2,
    "contractValue": 120000.0,
    "implementationBudget": 20000.0,
    "budgetShownToClient": 18000.0,
    "estimatedDurationHours": 40.0,
    "custom.Region": "EMEA",
    "custom.Seats": 250,  # value_numeric 250.00 into a field of scale 0
    "custom.Notes": "Bring badges",
    "custom.Kickoff": "2026-12-03",
}

SEED: dict[str, Any] = {
    "schema": {
        "Opportunity": [{"name": name, **describe} for name, describe in FIELDS.values()],
    },
    "salesforce": {
        "User": [
            {
                "Id": "005000000000002",
                "Username": "pat@acme.example.sf",
                "LastName": "Lee",
                "Email": "pat@acme.example",
                "IsActive": True,
            },
            {
                "Id": "005000000000003",
                "Username": "old-pat@acme.example.sf",
                "LastName": "Lee (left)",
                "Email": "pat@acme.example",
                "IsActive": False,
            },
        ],
        "Contact": [{"Id": "003000000000001", "LastName": "Cara", "Email": "cara@client.example"}],
        "Account": [{"Id": "001000000000001", "Name": "Acme Corp"}],
        "Opportunity": [
            {
                "Id": "006000000000001",
                "Name": "Rollout",
                "AccountId": "001000000000001AAA",
                "StageName": "Closed Won",
                "Type": "New Customer",
                "Amount": 120000,
                "CloseDate": "2026-11-20",
                "LastModifiedDate": "2026-11-21T15:00:00.000+0000",
            }
        ],
    },
    "baton": {
        "users": [
            {"id": 1, "email": "pat@acme.example"},
            {"id": 2, "email": "sam@acme.example"},
            {"id": 3, "email": "cara@client.example"},
        ],
        "phases": [{"id": 2, "name": "Configuration", "order": 2}],
        "custom_fields": [
            {"id": 1, "title": "Salesforce Link", "type": "text"},
            {"id": 2, "title": "Region", "type": "dropdown"},
            {"id": 3, "title": "Seats", "type": "numeric"},
            {"id": 4, "title": "Notes", "type": "text"},
            {"id": 5, "title": "Kickoff", "type": "date"},
        ],
        "custom_field_options": [
            {"id": 1, "field": 2, "value": "EMEA"},
            {"id": 2, "field": 2, "value": "APAC"},
        ],
        "projects": [
            {
                "id": 42,
                "title": "Acme - Rollout",
                "private_notes": "VIP customer",
                "description": "Three sites",
                "status": "done",
                "archived": False,
                "phase": 2,
                "start_datetime": "2026-12-01T14:00:00Z",
                "started_datetime": "2026-12-02T15:30:00Z",
                "deadline_datetime": "2027-03-01T04:59:00Z",
                "completed_datetime": "2027-01-15T03:00:00Z",
                "annual_contract_value": "120000.00",
                "implementation_budget": "20000.00",
                "budget_shown_to_client": "18000.00",
                "estimated_duration": 40,
                "health": "at_risk",
                "health_note": "Waiting on SSO",
                "risk_profiles": [
                    {
                        "id": 1,
                        "level": "green",
                        "projected_golive_datetime": "2027-02-20T00:00:00Z",
                    },
                    {
                        "id": 3,
                        "level": "yellow",
                        "projected_golive_datetime": "2027-03-04T12:00:00Z",
                    },
                    {"id": 2, "level": "red", "projected_golive_datetime": "2027-04-01T00:00:00Z"},
                ],
            }
        ],
        "project_users": [
            {"id": 3, "project": 42, "user": 1, "role": "vendor_lead"},
            {"id": 7, "project": 42, "user": 3, "role": "client_lead"},
            {"id": 9, "project": 42, "user": 2, "role": "vendor_lead"},
        ],
        "milestones": [{"id": 1, "title": "Go-live", "project": 42}],
        "milestone_feedback": [
            {"id": 1, "project": 42, "milestone": 1, "rating": 4},
            {"id": 2, "project": 42, "milestone": 1, "rating": 5},
            {"id": 3, "project": 42, "milestone": 1, "rating": 4},
            {"id": 4, "project": 42, "milestone": 1, "comment": "no rating"},
        ],
        "tasks": [
            {"id": n, "title": f"Task {n}", "project": 42, "status": status}
            for n, status in enumerate(["completed"] * 3 + ["in_progress"] * 4 + ["stuck"], start=1)
        ],
        "time_entries": [
            {
                "id": 1,
                "project": 42,
                "user": 1,
                "inputted_duration": 90,
                "calculated_duration": 95,
                "rate": {"hourly_rate": "150.00"},
            },
            {
                "id": 2,
                "project": 42,
                "user": 1,
                "started_at": "2026-12-03T09:00:00Z",
                "ended_at": "2026-12-03T11:00:00Z",
                "rate": {"hourly_rate": "100.00"},
            },
            {"id": 3, "project": 42, "user": 2, "inputted_duration": 30},
        ],
        "custom_field_values": [
            {"id": 1, "project": 42, "field": 1, "value_text": f"won/{OPP}"},
            {"id": 2, "project": 42, "field": 2, "selected_option": 1},
            {"id": 3, "project": 42, "field": 3, "value_numeric": "250.00"},
            {"id": 4, "project": 42, "field": 4, "value_text": "Bring badges"},
            {"id": 5, "project": 42, "field": 5, "value_date": "2026-12-03"},
        ],
    },
}

CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: fields}
spec:
  salesforce:
    instanceUrl: {env: BATON_SF_SALESFORCE_URL}
    auth: {method: access-token, accessToken: {env: BATON_SF_SALESFORCE_TOKEN}}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  baton:
    url: {env: BATON_SF_BATON_URL}
    apiKey: {env: BATON_SF_BATON_API_KEY}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  goLive: 2026-11-01T00:00:00Z
  timezone: America/New_York
"""
RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
  projectLead: pat@acme.example
"""


def sync_document() -> str:
    lines = [f"    {name}: {key}" for key, (name, _) in FIELDS.items()]
    return (
        "apiVersion: baton-sf/v1\nkind: SyncBack\nmetadata: {name: everything}\nspec:\n"
        "  rule: won\n  target: {object: Opportunity}\n  fields:\n" + "\n".join(lines) + "\n"
    )


def write_spec(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "connection.yaml").write_text(CONNECTION)
    (directory / "rule.yaml").write_text(RULE)
    (directory / "sync.yaml").write_text(sync_document())
    return directory


@pytest.fixture
def fields_cli(
    make_emulator: Callable[..., Any], tmp_path: Path
) -> tuple[Any, Callable[..., Result], Path]:
    emulator = make_emulator(seed=SEED)
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(emulator.env, NO_COLOR="1")
    spec = write_spec(tmp_path / "spec")

    def cli(*args: str) -> Result:
        return run_cli(list(args), env, tmp_path)

    return emulator, cli, spec


def test_every_field_of_the_table_is_planned_with_its_hand_computed_value(
    fields_cli: tuple[Any, Callable[..., Result], Path],
) -> None:
    emulator, cli, spec = fields_cli
    expected = {**EXPECTED, "projectUrl": EXPECTED["projectUrl"].format(url=emulator.url)}

    result = cli("plan", str(spec), "--json")

    assert result.code == 0, result.output
    plan = json.loads(result.stdout)
    writes = [c for c in plan["changes"] if c["resource"] == "salesforce.record"]
    assert [w["record"] for w in writes] == [{"object": "Opportunity", "id": OPP}]
    planned = {item["from"]: item["after"] for item in writes[0]["fields"].values()}
    assert planned == expected
    assert {name: item["from"] for name, item in writes[0]["fields"].items()} == {
        name: key for key, (name, _) in FIELDS.items()
    }
    assert plan["diagnostics"] == []


def test_the_planned_values_are_written_and_a_second_plan_finds_nothing(
    fields_cli: tuple[Any, Callable[..., Result], Path],
) -> None:
    emulator, cli, spec = fields_cli

    applied = cli("apply", str(spec), "--auto-approve")
    again = cli("plan", str(spec), "--detailed-exitcode")

    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    names = ", ".join(name for name, _ in FIELDS.values())
    stored = emulator.sf().query(f"SELECT {names} FROM Opportunity WHERE Id = '{OPP}'")
    record = stored["records"][0]
    assert record["Baton_Tasks_Complete__c"] == 38
    assert record["Baton_Vendor_Lead__c"] == PAT_USER
    assert record["Baton_Client_Lead__c"] == CARA_CONTACT
    assert record["Baton_Due_Date__c"] == "2027-02-28"
    assert record["Baton_Feedback__c"] == 4.3


def test_an_emptied_baton_value_clears_the_salesforce_field(
    fields_cli: tuple[Any, Callable[..., Result], Path],
) -> None:
    emulator, cli, spec = fields_cli
    assert cli("apply", str(spec), "--auto-approve").code == 0
    edit = {"estimated_duration": None, "health_note": None, "risk_profiles": []}
    emulator.baton("PATCH", "projects/42/", json=edit).raise_for_status()

    result = cli("plan", str(spec), "--json")

    plan = json.loads(result.stdout)
    fields = next(c for c in plan["changes"] if c["resource"] == "salesforce.record")["fields"]
    assert {name: (item["before"], item["after"]) for name, item in fields.items()} == {
        "Baton_Hours__c": (40.0, None),
        "Baton_Hours_Used__c": (10, None),  # nothing to divide by
        "Baton_Health_Note__c": ("Waiting on SSO", None),
        "Baton_Projected_Due__c": ("2027-03-04", None),
        "Baton_Risk__c": ("yellow", None),
    }
