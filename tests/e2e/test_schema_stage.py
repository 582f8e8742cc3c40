"""From a describe-only org: plan shows the schema it will make, apply makes it, and the
next plan shows none of it, all through the real `baton-sf` command."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.conftest import DEMO_SEED, Cli, Result, run_cli

SCHEMA_RESOURCES = {
    "salesforce.customField",
    "salesforce.fieldPermission",
    "salesforce.historyTracking",
    "salesforce.pushTopic",
}
BATON_FIELDS = 7


def describe_only_seed() -> dict[str, Any]:
    """The demo seed without its custom fields: no Baton_* field exists in the org."""
    seed = YAML(typ="safe", pure=True).load(DEMO_SEED.read_text())
    seed.pop("schema")
    for record in seed["salesforce"]["Opportunity"]:
        for name in [key for key in record if key.startswith("Baton_")]:
            del record[name]
    return seed


@pytest.fixture
def org(make_emulator: Any) -> Any:
    return make_emulator(seed=describe_only_seed())


@pytest.fixture
def baton_sf(org: Any, tmp_path: Path) -> Iterator[Cli]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(org.env, NO_COLOR="1", BATON_SF_DESCRIBE_WAIT_SECONDS="20")

    def invoke(*args: str) -> Result:
        return run_cli(list(args), env, tmp_path)

    yield invoke


@pytest.fixture
def creating_spec(spec_dir: Path) -> Path:
    sync = spec_dir / "sync" / "opportunity.yaml"
    sync.write_text(
        sync.read_text()
        + "  createMissingFields: true\n  trackHistory: [Baton_Status__c, Baton_Phase__c]\n"
    )
    return spec_dir


def schema_changes(result: Result) -> list[dict[str, Any]]:
    assert result.code in (0, 2), result.output
    plan = json.loads(result.stdout)
    return [c for c in plan["changes"] if c["resource"] in SCHEMA_RESOURCES]


def test_plan_apply_plan_from_a_describe_only_org(
    baton_sf: Cli, creating_spec: Path, org: Any
) -> None:
    spec = str(creating_spec)

    first = baton_sf("plan", spec, "--env", "emulator", "--json")
    shown = baton_sf("plan", spec, "--env", "emulator")
    applied = baton_sf("apply", spec, "--env", "emulator", "--auto-approve")
    again = baton_sf("plan", spec, "--env", "emulator", "--json", "--detailed-exitcode")

    planned = schema_changes(first)
    by_resource: dict[str, list[str]] = {}
    for change in planned:
        by_resource.setdefault(change["resource"], []).append(change["address"])
    assert len(by_resource["salesforce.customField"]) == BATON_FIELDS
    assert len(by_resource["salesforce.fieldPermission"]) == BATON_FIELDS + 2
    assert sorted(by_resource["salesforce.historyTracking"]) == [
        "salesforce.historyTracking[Opportunity.Baton_Phase__c]",
        "salesforce.historyTracking[Opportunity.Baton_Status__c]",
    ]
    assert len(by_resource["salesforce.pushTopic"]) == 1
    assert json.loads(first.stdout)["summary"]["schema"] >= len(planned)
    assert "create Salesforce custom field Opportunity.Baton_Project_ID__c" in shown.stdout
    assert "turn on field history tracking of Opportunity.Baton_Status__c" in shown.stdout
    assert applied.code == 0, applied.output
    assert schema_changes(again) == []
    assert again.code == 0, again.output
    sf = org.sf()
    names = {f["name"] for f in sf.Opportunity.describe()["fields"]}
    assert {c["field"].split(".")[1] for c in planned if c.get("field")} <= names
    linked = sf.query("SELECT Id FROM Opportunity WHERE Baton_Project_ID__c != null")
    assert linked["totalSize"] >= 1


def test_without_create_missing_fields_the_plan_names_the_missing_field(
    baton_sf: Cli, spec_dir: Path
) -> None:
    result = baton_sf("plan", str(spec_dir), "--env", "emulator")

    assert result.code == 1
    assert "Traceback" not in result.output
    assert "Baton_Project_ID__c" in result.stderr
    assert "createMissingFields: true" in result.stderr


def test_a_prune_apply_deletes_the_topic_of_a_removed_rule(
    baton_sf: Cli, creating_spec: Path, org: Any
) -> None:
    spec = str(creating_spec)
    assert baton_sf("apply", spec, "--env", "emulator", "--auto-approve").code == 0
    rule = creating_spec / "import" / "closed-won.yaml"
    rule.write_text(rule.read_text().replace("name: closed-won", "name: won-deals"))
    sync = creating_spec / "sync" / "opportunity.yaml"
    sync.write_text(sync.read_text().replace("rule: closed-won", "rule: won-deals"))

    kept = baton_sf("apply", spec, "--env", "emulator", "--auto-approve")
    pruned = baton_sf("apply", spec, "--env", "emulator", "--auto-approve", "--prune")

    assert kept.code == 0, kept.output
    assert "skipped: salesforce.pushTopic[BatonSF_closed_won_" in kept.stdout
    assert pruned.code == 0, pruned.output
    topics = org.sf().query("SELECT Name FROM PushTopic")["records"]
    assert [t["Name"][:15] for t in topics] == ["BatonSF_won_dea"]
