"""The main job end to end: validate, plan, apply, and a second plan with nothing to do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Cli


def test_demo_spec_validates(cli: Cli, spec_dir: Path) -> None:
    result = cli("validate", str(spec_dir))

    assert result.code == 0, result.output
    assert "valid" in result.stdout


def test_plan_shows_creates_and_field_writes_without_changing_anything(
    cli: Cli, spec_dir: Path, demo: Any
) -> None:
    before = demo.stats()

    result = cli("plan", str(spec_dir), "--env", "emulator", "--json")

    assert result.code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["formatVersion"] == "1"
    assert plan["summary"]["create"] >= 1
    assert plan["summary"]["fieldWrites"] >= 1
    creates = [c for c in plan["changes"] if c["resource"] == "baton.project"]
    assert {c["record"]["object"] for c in creates} == {"Opportunity"}
    assert demo.baton_get("projects/")["count"] == 1
    assert _writes(demo.stats()) == _writes(before)


def test_apply_then_plan_reports_no_changes(cli: Cli, spec_dir: Path, demo: Any) -> None:
    planned = json.loads(cli("plan", str(spec_dir), "--env", "emulator", "--json").stdout)

    applied = cli("apply", str(spec_dir), "--env", "emulator", "--auto-approve")
    again = cli("plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode")

    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert "No changes" in again.stdout
    projects = demo.baton_get("projects/", page_size=100)
    assert projects["count"] == 1 + planned["summary"]["create"]


def test_every_created_project_is_linked_on_both_sides(cli: Cli, spec_dir: Path, demo: Any) -> None:
    assert cli("apply", str(spec_dir), "--env", "emulator", "--auto-approve").code == 0

    sf = demo.sf()
    linked = sf.query_all(
        "SELECT Id, Baton_Project_ID__c, Baton_Status__c FROM Opportunity "
        "WHERE Baton_Project_ID__c != null"
    )["records"]
    values = demo.baton_get("custom_field_values/", page_size=100)["results"]
    baton_links = {
        v["value_text"]: str(v["project"]).rstrip("/").rsplit("/", 1)[-1] for v in values
    }
    for record in linked:
        assert baton_links[f"closed-won/{record['Id']}"] == record["Baton_Project_ID__c"]
        assert record["Baton_Status__c"] in {"Planning", "Doing", "Done", "Missing Required Info"}
    assert len(linked) == len(baton_links)


def test_saved_plan_applies_exactly_and_show_renders_it(
    cli: Cli, spec_dir: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(spec_dir), "--env", "emulator", "--out", str(plan_file)).code == 0

    shown = cli("show", str(plan_file))
    applied = cli("apply", str(plan_file))
    again = cli("plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode")

    assert shown.code == 0 and "create Baton project" in shown.stdout
    assert applied.code == 0, applied.output
    assert again.code == 0, again.output


def test_plan_detailed_exitcode_is_two_when_there_are_changes(cli: Cli, spec_dir: Path) -> None:
    result = cli("plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode")

    assert result.code == 2, result.output


def test_apply_without_a_terminal_asks_for_auto_approve(
    cli: Cli, spec_dir: Path, demo: Any
) -> None:
    result = cli("apply", str(spec_dir), "--env", "emulator", stdin="")

    assert result.code == 1
    assert "--auto-approve" in result.stderr
    assert demo.baton_get("projects/")["count"] == 1


def _writes(stats: dict[str, Any]) -> int:
    """Requests that change data, as the emulator counted them."""
    total = 0
    for service in stats.values():
        if isinstance(service, dict):
            total += sum(n for kind, n in service.items() if _is_write(kind))
    return total


def _is_write(kind: str) -> bool:
    return any(
        word in kind for word in ("create", "update", "composite", "patch", "post", "delete")
    )
