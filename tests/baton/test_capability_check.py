"""A plan that needs a Baton write the workspace's swagger.json does not list stops before it
is shown, with one line naming the missing operation."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.baton.support import SpecDir, rule_document, sync_document
from tests.e2e.conftest import Result, run_cli

SEED = {
    "schema": {
        "Opportunity": [
            {
                "name": "Baton_Project_ID__c",
                "type": "string",
                "length": 255,
                "externalId": True,
                "unique": True,
            }
        ]
    },
    "salesforce": {
        "Opportunity": [
            {
                "Id": "006000000000031",
                "Name": "Rollout",
                "StageName": "Closed Won",
                "Type": "New Customer",
                "CloseDate": "2027-01-31",
                "LastModifiedDate": "2026-11-20T10:00:00.000+0000",
            }
        ]
    },
    "baton": {
        "writable": ["projects", "custom_fields", "custom_field_values"],
        "users": [{"id": 1, "email": "pat@acme.example"}],
    },
}


def cli(emulator: Any, tmp_path: Path, *args: str) -> Result:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(emulator.env, NO_COLOR="1")
    return run_cli(list(args), env, tmp_path)


def test_a_lead_the_workspace_cannot_add_stops_the_plan_naming_the_operation(
    make_emulator: Callable[..., Any], tmp_path: Path
) -> None:
    emulator = make_emulator(seed=SEED)
    spec_dir = SpecDir(tmp_path / "spec").write(
        rule=rule_document(extra="  projectLead: pat@acme.example\n"),
        sync=sync_document("opp", {"Baton_Project_ID__c": "projectId"}),
    )

    result = cli(emulator, tmp_path, "plan", str(spec_dir))

    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:")
    assert "POST /api/project_users/" in lines[0]
    assert "baton.project[won/006000000000031AAA]" in lines[0]
    assert "/api/swagger.json" in lines[0]
    assert emulator.baton_get("projects/")["count"] == 0


def test_without_a_lead_the_same_workspace_imports_reading_swagger_once_per_run(
    make_emulator: Callable[..., Any], tmp_path: Path
) -> None:
    emulator = make_emulator(seed=SEED)
    spec_dir = SpecDir(tmp_path / "spec").write(
        rule=rule_document(), sync=sync_document("opp", {"Baton_Project_ID__c": "projectId"})
    )

    result = cli(emulator, tmp_path, "apply", str(spec_dir), "--auto-approve")

    assert result.code == 0, result.output
    assert "create Baton project" in result.stdout
    assert emulator.baton_get("projects/")["count"] == 1
    assert emulator.stats()["baton"]["baton.swagger"] == 1
