"""Lead emails resolved to Salesforce IDs in batches, and sync-back into related records
(`target.via`): each related record read once, agreeing projects written, disagreeing ones
reported per field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.catalog import canonical_id
from reconciler.plan.model import Plan
from reconciler.salesforce.client import SalesforceClient
from tests.baton.support import InProcess, SpecDir, rule_document, sync_document

PAT, SAM = "005000000000011AAA", "005000000000012AAA"
CARA = "003000000000011AAA"
A1, A2 = "001000000000011AAA", "001000000000012AAA"


def opp(number: int, account: str | None) -> dict[str, Any]:
    return {
        "Id": f"00600000000{number:04d}",
        "Name": f"Deal {number}",
        "AccountId": account,
        "StageName": "Closed Won",
        "Type": "New Customer",
        "CloseDate": "2026-11-20",
        "LastModifiedDate": "2026-10-01T00:00:00.000+0000",
    }


def opp_id(number: int) -> str:
    found = canonical_id(f"00600000000{number:04d}")
    assert found is not None
    return found


# project -> (region, health, vendor lead email, client lead email, account of its record)
PROJECTS: dict[int, tuple[str, str, str, str | None, str | None]] = {
    1: ("EMEA", "green", "pat@acme.example", "cara@client.example", A1),
    2: ("EMEA", "red", "pat@acme.example", "dup@client.example", A1),
    3: ("APAC", "green", "sam@acme.example", "nobody@client.example", A2),
    4: ("EMEA", "green", "ghost@acme.example", None, A1),
    5: ("EMEA", "amber", "pat@acme.example", None, None),
}


def seed() -> dict[str, Any]:
    emails = sorted({lead for _, _, lead, _, _ in PROJECTS.values()} | {"cara@client.example"})
    emails += ["dup@client.example", "nobody@client.example"]
    user_ids = {email: n for n, email in enumerate(emails, start=1)}
    members = []
    for project, (_, _, vendor, client, _) in PROJECTS.items():
        members.append({"project": project, "user": user_ids[vendor], "role": "vendor_lead"})
        if client:
            members.append({"project": project, "user": user_ids[client], "role": "client_lead"})
    return {
        "schema": {
            "Opportunity": [
                {"name": "Baton_Lead__c", "type": "reference", "referenceTo": ["User"]},
                {"name": "Baton_Client__c", "type": "reference", "referenceTo": ["Contact"]},
            ],
            "Account": [
                {"name": "Baton_Region__c", "type": "string", "length": 80},
                {"name": "Baton_Health__c", "type": "string", "length": 80},
                {"name": "Baton_Lead__c", "type": "reference", "referenceTo": ["User"]},
            ],
        },
        "salesforce": {
            "User": [
                _user("005000000000011", "pat@acme.example"),
                _user("005000000000012", "Sam@Acme.example"),
                _user("005000000000013", "sam@acme.example", active=False),
            ],
            "Contact": [
                {"Id": "003000000000011", "LastName": "Cara", "Email": "cara@client.example"},
                {"Id": "003000000000012", "LastName": "Dup 1", "Email": "dup@client.example"},
                {"Id": "003000000000013", "LastName": "Dup 2", "Email": "dup@client.example"},
            ],
            "Account": [
                {"Id": "001000000000011", "Name": "Acme"},
                {"Id": "001000000000012", "Name": "Globex"},
                {"Id": "001000000000013", "Name": "Initech"},
            ],
            "Opportunity": [opp(n, account) for n, (*_, account) in PROJECTS.items()],
        },
        "baton": {
            "users": [{"id": n, "email": email} for email, n in user_ids.items()],
            "custom_fields": [
                {"id": 1, "title": "Salesforce Link", "type": "text"},
                {"id": 2, "title": "Region", "type": "dropdown"},
            ],
            "custom_field_options": [
                {"id": 1, "field": 2, "value": "EMEA"},
                {"id": 2, "field": 2, "value": "APAC"},
            ],
            "projects": [
                {"id": n, "title": f"Project {n}", "health": health}
                for n, (_, health, *_) in PROJECTS.items()
            ],
            "project_users": members,
            "custom_field_values": [
                *({"project": n, "field": 1, "value_text": f"won/{opp_id(n)}"} for n in PROJECTS),
                *(
                    {"project": n, "field": 2, "selected_option": 1 if region == "EMEA" else 2}
                    for n, (region, *_) in PROJECTS.items()
                ),
            ],
        },
    }


def _user(record_id: str, email: str, *, active: bool = True) -> dict[str, Any]:
    return {
        "Id": record_id,
        "Username": f"{record_id}@users.example",
        "LastName": email.split("@")[0],
        "Email": email,
        "IsActive": active,
    }


@pytest.fixture(scope="module")
def emulator(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=seed())


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SOQL statement the real Salesforce client runs."""
    seen: list[str] = []
    original = SalesforceClient.query

    def spy(self: SalesforceClient, soql: str) -> Iterator[dict[str, Any]]:
        seen.append(soql)
        return original(self, soql)

    monkeypatch.setattr(SalesforceClient, "query", spy)
    yield seen


@pytest.fixture
def plan(
    emulator: Any, in_process: Callable[[Any], InProcess], tmp_path: Path, queries: list[str]
) -> Plan:
    opportunity = {"Baton_Lead__c": "vendorLeadEmail", "Baton_Client__c": "clientLeadEmail"}
    account = {
        "Baton_Region__c": "custom.Region",
        "Baton_Health__c": "health",
        "Baton_Lead__c": "vendorLeadEmail",
    }
    spec_dir = SpecDir(tmp_path).write(
        rule=rule_document(),
        opportunity=sync_document("opportunity", opportunity),
        account=sync_document("account", account, target="Account", via="AccountId"),
    )
    return in_process(emulator).plan(spec_dir)[2]


def writes(plan: Plan) -> dict[str, dict[str, Any]]:
    return {
        change.record.id: {name: item.after for name, item in (change.fields or {}).items()}
        for change in plan.changes
        if change.resource == "salesforce.record" and change.record is not None
    }


def test_related_records_get_the_values_their_projects_agree_on(plan: Plan) -> None:
    written = writes(plan)

    # A1: projects 1, 2 and 4 agree on EMEA; the lead of 4 has no User, 1 and 2 agree on pat;
    # their health (green, red, green) disagrees, so it is not written.
    assert written[A1] == {"Baton_Region__c": "EMEA", "Baton_Lead__c": PAT}
    assert written[A2] == {
        "Baton_Region__c": "APAC",
        "Baton_Health__c": "green",
        "Baton_Lead__c": SAM,
    }
    assert "001000000000013AAA" not in written


def test_a_disagreement_is_reported_for_its_field_and_record(plan: Plan) -> None:
    conflicts = [d for d in plan.diagnostics if d.code == "related-conflict"]

    assert len(conflicts) == 1
    message = conflicts[0].message
    assert "Baton_Health__c" in message and A1 in message
    assert "project 1: 'green'" in message and "project 2: 'red'" in message


def test_each_related_record_is_read_once_and_emails_in_one_query_per_object(
    plan: Plan, queries: list[str]
) -> None:
    account_reads = [q for q in queries if "FROM Account" in q]
    user_reads = [q for q in queries if "FROM User" in q]
    contact_reads = [q for q in queries if "FROM Contact" in q]

    assert len(account_reads) == 1
    assert account_reads[0].count("'001") == 2
    assert len(user_reads) == 1 and "IsActive = true" in user_reads[0]
    assert len(contact_reads) == 1


def test_lead_lookups_write_ids_and_warn_where_no_single_record_matches(plan: Plan) -> None:
    written = writes(plan)
    warned = {(d.code, d.record.id if d.record else None) for d in plan.diagnostics}

    assert written[opp_id(1)] == {"Baton_Lead__c": PAT, "Baton_Client__c": CARA}
    assert written[opp_id(2)] == {"Baton_Lead__c": PAT}
    assert written[opp_id(3)] == {"Baton_Lead__c": SAM}
    assert opp_id(4) not in written
    assert ("lookup-ambiguous", opp_id(2)) in warned
    assert ("lookup-not-found", opp_id(3)) in warned
    assert ("lookup-not-found", opp_id(4)) in warned
    assert ("lookup-not-found", A1) in warned


def test_many_lead_emails_cost_one_query_per_batch_of_200(
    make_emulator: Callable[..., Any],
    in_process: Callable[[Any], InProcess],
    tmp_path: Path,
    queries: list[str],
) -> None:
    count = 250
    emulator = make_emulator(
        seed={
            "schema": {
                "Opportunity": [
                    {"name": "Baton_Lead__c", "type": "reference", "referenceTo": ["User"]}
                ]
            },
            "salesforce": {
                "User": [_user(f"005{n:012d}", f"lead{n}@acme.example") for n in range(1, count)],
                "Opportunity": [opp(n, None) for n in range(1, count + 1)],
            },
            "baton": {
                "users": [{"id": n, "email": f"lead{n}@acme.example"} for n in range(1, count + 1)],
                "custom_fields": [{"id": 1, "title": "Salesforce Link", "type": "text"}],
                "projects": [{"id": n, "title": f"P{n}"} for n in range(1, count + 1)],
                "project_users": [
                    {"project": n, "user": n, "role": "vendor_lead"} for n in range(1, count + 1)
                ],
                "custom_field_values": [
                    {"project": n, "field": 1, "value_text": f"won/{opp_id(n)}"}
                    for n in range(1, count + 1)
                ],
            },
        },
        fmt="json",
    )
    spec_dir = SpecDir(tmp_path).write(
        rule=rule_document(), sync=sync_document("opp", {"Baton_Lead__c": "vendorLeadEmail"})
    )

    plan = in_process(emulator).plan(spec_dir)[2]

    user_reads = [q for q in queries if "FROM User" in q]
    assert len(user_reads) == 2
    assert [q.count("@acme.example") for q in user_reads] == [200, 50]
    written = writes(plan)
    assert len(written) == count - 1
    assert written[opp_id(7)] == {"Baton_Lead__c": canonical_id(f"005{7:012d}")}
    assert [d.record.id for d in plan.diagnostics if d.record] == [opp_id(count)]
