"""Seed data shared by the emulator tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Recorded describe payloads of real orgs, shared by every part of the project.
FIXTURES = Path("/work/shared/fixtures/salesforce/describe")

ACME = "001000000000001AAA"
GLOBEX = "001000000000002AAA"
INITECH = "001000000000003AAA"
PAT = "003000000000001AAA"
TRICKY_NAME = "O'Brien \\' OR Name != '"

CUSTOM_FIELDS: dict[str, list[dict[str, Any]]] = {
    "Opportunity": [
        {
            "name": "Baton_Project_ID__c",
            "type": "string",
            "length": 255,
            "externalId": True,
            "unique": True,
        },
        {"name": "Baton_Status__c", "type": "string", "length": 20},
        {"name": "Primary_Contact__c", "type": "reference", "referenceTo": ["Contact"]},
        {"name": "Ready_for_Implementation__c", "type": "boolean"},
        {"name": "Baton_Tasks_Complete__c", "type": "percent", "precision": 3, "scale": 0},
        {"name": "Baton_Due__c", "type": "datetime"},
    ]
}


def _opportunity(name: str, **fields: Any) -> dict[str, Any]:
    return {"Name": name, "StageName": "Prospecting", "CloseDate": "2026-06-30", **fields}


STANDARD_SEED: dict[str, Any] = {
    "schema": CUSTOM_FIELDS,
    "salesforce": {
        "Account": [
            {"Id": "001000000000001", "Name": "Acme", "BillingCountry": "US"},
            {"Id": "001000000000002", "Name": "Globex", "BillingCountry": "Germany"},
            {"Id": "001000000000003", "Name": "Initech"},
        ],
        "Contact": [
            {
                "Id": "003000000000001",
                "FirstName": "Pat",
                "LastName": "Lee",
                "Email": "pat@acme.example",
                "AccountId": ACME,
            },
        ],
        "Opportunity": [
            _opportunity(
                "Acme - Renewal",
                AccountId=ACME,
                StageName="Closed Won",
                Type="New Customer",
                Amount=15000,
                CloseDate="2026-01-31",
                Primary_Contact__c=PAT,
                Baton_Project_ID__c="101",
                Ready_for_Implementation__c=True,
                LastModifiedDate="2026-02-01T10:00:00Z",
                Baton_Due__c="2026-03-01T09:30:00+02:00",
            ),
            _opportunity(
                "Globex - Expansion",
                AccountId=GLOBEX,
                StageName="Closed Won",
                Type="Existing Customer - Upgrade",
                Amount=120000,
                CloseDate="2026-03-15",
            ),
            _opportunity("Initech - Pilot", AccountId=INITECH, Amount=5000),
            _opportunity(TRICKY_NAME, Amount=None),
            _opportunity("50%_off deal", Amount=700),
            _opportunity("50 percent off", Amount=800),
            _opportunity("acme - renewal (copy)", StageName="Closed Lost", Amount=15000),
        ],
    },
    "baton": {
        "companies": [{"id": 1, "name": "Acme"}],
        "users": [
            {"id": 1, "first_name": "Pat", "last_name": "Lee", "email": "pm@acme.example"},
            {
                "id": 2,
                "first_name": "Sam",
                "last_name": "Ortiz",
                "email": "sam@acme.example",
                "company": 1,
            },
        ],
        "phases": [{"id": 2, "name": "Kickoff", "order": 1}],
        "projects": [
            {
                "id": 10,
                "title": "Acme onboarding",
                "status": "doing",
                "phase": 2,
                "companies": [1],
                "deadline_datetime": "2026-03-01T00:00:00Z",
                "annual_contract_value": 15000,
                "risk_profiles": [
                    {"id": 1, "level": "green", "projected_golive_datetime": "2026-02-20T00:00:00Z"}
                ],
            },
            {"id": 11, "title": "Globex rollout"},
        ],
        "project_users": [{"id": 1, "project": 10, "user": 1, "role": "vendor_lead"}],
        "custom_fields": [{"id": 1, "title": "Region", "type": "dropdown"}],
        "custom_field_options": [{"id": 5, "field": 1, "value": "EMEA"}],
        "custom_field_values": [
            {"id": 1, "project": 10, "field": 1, "selected_option": 5},
        ],
        "tasks": [{"id": 1, "title": "Kickoff call", "project": 10, "status": "completed"}],
        "time_entries": [
            {
                "id": 1,
                "user": 1,
                "project": 10,
                "task": 1,
                "rate": {"hourly_rate": 150},
                "inputted_duration": 90,
                "started_at": "2026-01-05T09:00:00Z",
            },
        ],
    },
}
