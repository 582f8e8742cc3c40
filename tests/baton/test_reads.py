"""What a plan reads from Baton: each needed collection once, in pages of 100, and nothing a
mapped field does not need."""

from __future__ import annotations

from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import pytest

from reconciler.baton.derive import custom_titles
from reconciler.emulator.baton_api import BY_COLLECTION
from reconciler.observe.baton_reads import values_titled, without_hyperlinks
from tests.baton.support import InProcess, SpecDir, rule_document, sync_document

PROJECTS = 250
SCHEMA = {
    "Opportunity": [
        {
            "name": "Baton_Project_ID__c",
            "type": "string",
            "length": 255,
            "externalId": True,
            "unique": True,
        },
        {"name": "Baton_Status__c", "type": "string", "length": 255},
        {"name": "Baton_Tasks__c", "type": "percent", "precision": 3, "scale": 0},
        {"name": "Baton_Hours__c", "type": "percent", "precision": 3, "scale": 0},
        {"name": "Baton_Feedback__c", "type": "double", "precision": 3, "scale": 1},
    ]
}
CHILDREN = ("tasks", "time_entries", "milestone_feedback", "project_users", "users")


@pytest.fixture(scope="module")
def workspace(make_shared_emulator: Callable[..., Any]) -> Any:
    projects = [{"id": n, "title": f"Project {n}"} for n in range(1, PROJECTS + 1)]
    tasks = [{"title": "t", "project": n, "status": "completed"} for n in range(1, 40)]
    seed = {"schema": SCHEMA, "baton": {"projects": projects, "tasks": tasks}}
    return make_shared_emulator(seed=seed)


def reads(emulator: Any) -> dict[str, int]:
    counts: dict[str, int] = emulator.stats().get(BY_COLLECTION, {})
    return {kind.split(" ", 1)[1]: n for kind, n in counts.items() if kind.startswith("GET ")}


def plan_reads(
    emulator: Any, in_process: Callable[[Any], InProcess], spec_dir: Path
) -> dict[str, int]:
    emulator.session().delete(f"{emulator.url}/__emulator/stats").raise_for_status()
    in_process(emulator).plan(spec_dir)
    return reads(emulator)


def test_projects_cost_one_list_request_per_100_and_nothing_unmapped_is_read(
    workspace: Any, in_process: Callable[[Any], InProcess], tmp_path: Path
) -> None:
    fields = {"Baton_Project_ID__c": "projectId", "Baton_Status__c": "status"}
    spec_dir = SpecDir(tmp_path).write(rule=rule_document(), sync=sync_document("opp", fields))

    counted = plan_reads(workspace, in_process, spec_dir)

    assert counted["projects"] == ceil(PROJECTS / 100) == 3
    assert all(name not in counted for name in CHILDREN), counted
    assert counted == {"projects": 3, "custom_fields": 1, "custom_field_values": 1}


def test_task_and_time_fields_read_their_collections_once(
    workspace: Any, in_process: Callable[[Any], InProcess], tmp_path: Path
) -> None:
    fields = {
        "Baton_Project_ID__c": "projectId",
        "Baton_Tasks__c": "tasksCompletePercentage",
        "Baton_Hours__c": "hoursUsedPercentage",
        "Baton_Feedback__c": "averageMilestoneFeedback",
    }
    spec_dir = SpecDir(tmp_path).write(rule=rule_document(), sync=sync_document("opp", fields))

    counted = plan_reads(workspace, in_process, spec_dir)

    assert counted["projects"] == 3
    assert counted["tasks"] == counted["time_entries"] == counted["milestone_feedback"] == 1
    assert "project_users" not in counted and "users" not in counted


def test_objects_are_kept_without_their_hyperlinks() -> None:
    project = {
        "id": 7,
        "_self": "https://acme.hellobaton.com/api/projects/7/",
        "title": "Acme onboarding",
        "phase": {"id": 2, "_self": "https://acme.hellobaton.com/api/phases/2/", "name": "Build"},
        "task_list": ["https://acme.hellobaton.com/api/tasks/1/"],
        "risk_profiles": [{"id": 3, "level": "high"}],
        "companies": [],
    }
    value = {"id": 9, "project": "https://acme.hellobaton.com/api/projects/7/", "value_text": "x"}

    assert without_hyperlinks(project) == {
        "id": 7,
        "title": "Acme onboarding",
        "phase": {"id": 2, "name": "Build"},
        "risk_profiles": [{"id": 3, "level": "high"}],
        "companies": [],
    }
    assert without_hyperlinks(value) == value


def test_only_the_custom_values_a_sync_back_maps_are_kept() -> None:
    def value(value_id: int, title: str, text: str) -> dict[str, Any]:
        field = {"id": value_id, "title": title, "type": "text"}
        return {"id": value_id, "project": 1, "field": field, "value_text": text}

    link, region = value(1, "Salesforce Link", "won/006B0000000001AAA"), value(2, "Region", "EMEA")

    titles = custom_titles(["status", "custom.region", "projectId"])

    assert titles == {"region"}
    assert values_titled([link, region], titles) == [region]
    assert values_titled([link, region], custom_titles(["status"])) == []
