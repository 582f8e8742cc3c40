"""The benchmark's workloads and the emulator seeds they start from, generated in code.

Every workload holds N won Opportunities that the bench spec's rule matches, all modified
after its goLive. The first import starts with no projects; the other three start from a
converged state (every Opportunity linked to its project on both sides, every sync-back
field holding the project's value), where a share of the projects has moved on since the
last sync: none, 1 % or all of them. A moved project is one whose Baton status and phase
differ from what the Opportunity holds, so the plan writes two fields of that record.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reconciler.emulator.ids import to_18
from reconciler.salesforce.push_topics import topic_name

RULE = "won"
PROJECT_LEAD = "pm@bench.example"
LINK_FIELD_TITLE = "Salesforce Link"
ACCOUNTS_PER_OPPORTUNITY = 10
"""One Account for every ten Opportunities: the title template reads Account.Name."""

MODIFIED = "2026-03-02T09:00:00.000+0000"
"""Every record's LastModifiedDate, after the bench spec's goLive (2026-01-01)."""

SYNC_FIELDS = (
    {"name": "Baton_Project_ID__c", "type": "string", "length": 255, "externalId": True,
     "unique": True},
    {"name": "Baton_Project_URL__c", "type": "url", "length": 255},
    {"name": "Baton_Status__c", "type": "string", "length": 255},
    {"name": "Baton_Phase__c", "type": "string", "length": 255},
    {"name": "Baton_Due_Date__c", "type": "date"},
)  # fmt: skip
PHASES = ({"id": 1, "name": "Kickoff", "order": 1}, {"id": 2, "name": "Configuration", "order": 2})

# (Baton status, phase id) of a project as last synced, and after it moved on; with the
# values its Opportunity holds for them (Salesforce's translation of the status).
SYNCED = ("doing", 1, "Doing", "Kickoff")
MOVED = ("done", 2, "Done", "Configuration")


@dataclass(frozen=True)
class Workload:
    """One scenario the suite measures."""

    name: str
    description: str
    changed_share: float | None
    """Share of linked projects that moved on; None for a first import (no projects)."""

    def changed(self, size: int) -> int:
        """How many records the plan should write (creates, for the first import)."""
        if self.changed_share is None:
            return size
        return math.ceil(size * self.changed_share)


WORKLOADS = (
    Workload("first-import", "first import: N projects created and linked", None),
    Workload("no-change", "no-change reconcile of N linked projects", 0.0),
    Workload("one-percent", "1 % of N linked projects changed", 0.01),
    Workload("all-changed", "every one of N linked projects changed", 1.0),
)


def workload(name: str) -> Workload:
    """Return the workload of a name; raise ValueError listing the names."""
    for candidate in WORKLOADS:
        if candidate.name == name:
            return candidate
    raise ValueError(f"no workload {name!r}; use one of {', '.join(w.name for w in WORKLOADS)}")


def opportunity_id(index: int) -> str:
    """The 18-character ID of generated Opportunity number `index` (from 0)."""
    return to_18(f"006B{index:011d}")


def account_id(index: int) -> str:
    """The 18-character ID of generated Account number `index` (from 0)."""
    return to_18(f"001B{index:011d}")


def project_id(index: int) -> int:
    """The Baton id of the project linked to Opportunity number `index`."""
    return index + 1


def moved_indexes(size: int, count: int) -> set[int]:
    """Which records' projects moved on: `count` of them, spread evenly over the N."""
    if count <= 0:
        return set()
    step = size / count
    return {min(size - 1, int(position * step)) for position in range(count)}


def seed(
    load: Workload, size: int, baton_url: str = "https://placeholder.invalid"
) -> dict[str, Any]:
    """The emulator seed of one workload at one size.

    `baton_url` is only used for the project URLs a converged Opportunity holds; the plan
    compares them with the running emulator's, so the harness passes its URL.
    """
    accounts = max(1, math.ceil(size / ACCOUNTS_PER_OPPORTUNITY))
    linked = load.changed_share is not None
    moved = moved_indexes(size, load.changed(size)) if linked else set()
    opportunities = [_opportunity(i, accounts, linked, i in moved, baton_url) for i in range(size)]
    baton: dict[str, Any] = {
        "users": [
            {"id": 1, "first_name": "Pat", "last_name": "Lee", "email": PROJECT_LEAD,
             "account_type": "admin"},
        ],
        "phases": [dict(phase) for phase in PHASES],
        "custom_fields": [
            {"id": 1, "title": LINK_FIELD_TITLE, "type": "text", "required": False,
             "multiselect": False},
        ],
    }  # fmt: skip
    if linked:
        baton.update(_linked_projects(size, moved))
    salesforce: dict[str, Any] = {
        "Account": [_account(i) for i in range(accounts)],
        "Opportunity": opportunities,
    }
    if linked:
        salesforce["PushTopic"] = [push_topic()]
    return {
        "schema": {"Opportunity": [dict(entry) for entry in SYNC_FIELDS]},
        "salesforce": salesforce,
        "baton": baton,
    }


def push_topic() -> dict[str, Any]:
    """The PushTopic an apply of the bench spec leaves behind, as a converged org holds it."""
    return {
        "Name": topic_name(RULE),
        "Query": "SELECT Id, StageName, Type FROM Opportunity WHERE (StageName = 'Closed Won') "
        "AND (Type IN ('New Customer', 'Existing Customer - Upgrade'))",
        "ApiVersion": 62.0,
        "IsActive": True,
        "NotifyForFields": "Referenced",
        "NotifyForOperationCreate": True,
        "NotifyForOperationUpdate": True,
        "NotifyForOperationDelete": False,
        "NotifyForOperationUndelete": False,
        "Description": f"baton-sf: records that may import under rule {RULE}",
    }


def write_seed(path: Path, load: Workload, size: int, baton_url: str) -> Path:
    """Write a workload's seed as JSON (the emulator reads JSON much faster than YAML)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(seed(load, size, baton_url), separators=(",", ":")))
    return path


def _account(index: int) -> dict[str, Any]:
    return {"Id": account_id(index), "Name": f"Account {index:06d}", "BillingCountry": "Canada"}


def _close_date(index: int) -> str:
    return (date(2026, 6, 1) + timedelta(days=index % 365)).isoformat()


def _opportunity(
    index: int, accounts: int, linked: bool, moved: bool, baton_url: str
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Id": opportunity_id(index),
        "Name": f"Opportunity {index:06d}",
        "AccountId": account_id(index % accounts),
        "StageName": "Closed Won",
        "Type": "New Customer" if index % 2 else "Existing Customer - Upgrade",
        "Amount": 10000 + (index % 97) * 500,
        "CloseDate": _close_date(index),
        "LastModifiedDate": MODIFIED,
    }
    if linked:
        # The values of the last sync: a moved project has since changed status and phase.
        number = project_id(index)
        record.update(
            {
                "Baton_Project_ID__c": str(number),
                "Baton_Project_URL__c": f"{baton_url}/projects/{number}",
                "Baton_Status__c": SYNCED[2],
                "Baton_Phase__c": SYNCED[3],
                "Baton_Due_Date__c": _close_date(index),
            }
        )
    return record


def _linked_projects(size: int, moved: set[int]) -> dict[str, Any]:
    projects, values, members = [], [], []
    for index in range(size):
        number = project_id(index)
        status, phase = (MOVED if index in moved else SYNCED)[:2]
        projects.append(
            {
                "id": number,
                "title": f"Account {index % max(1, math.ceil(size / 10)):06d} - "
                f"Opportunity {index:06d}",
                "status": status,
                "archived": False,
                "phase": phase,
                "deadline_datetime": f"{_close_date(index)}T00:00:00Z",
                "annual_contract_value": f"{10000 + (index % 97) * 500}.00",
            }
        )
        values.append(
            {"id": number, "project": number, "field": 1,
             "value_text": f"{RULE}/{opportunity_id(index)}"}
        )  # fmt: skip
        members.append({"id": number, "project": number, "user": 1, "role": "vendor_lead"})
    return {"projects": projects, "custom_field_values": values, "project_users": members}
