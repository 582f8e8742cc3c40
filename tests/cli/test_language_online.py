"""The commands that read the org's schema live, against the emulator seeded with the demo
data: `org snapshot`, `validate --online`, and the schema check that stops `plan`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.spec import check_against_org, load_spec
from reconciler.spec.org_snapshot import read_snapshot

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
DEMO_SEED = REPO / "examples" / "emulator-seed.yaml"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def demo(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator with the demo data; these tests only read from it."""
    return make_shared_emulator(seed=DEMO_SEED)


# Twenty fields of Opportunity whose history the org tracks already: its limit.
TRACKED = [
    "AccountId",
    "Amount",
    "CampaignId",
    "CloseDate",
    "Description",
    "ForecastCategoryName",
    "IsPrivate",
    "LeadSource",
    "Name",
    "NextStep",
    "OwnerId",
    "Pricebook2Id",
    "Probability",
    "StageName",
    "TotalOpportunityQuantity",
    "Type",
    "Baton_Project_ID__c",
    "Baton_Project_URL__c",
    "Baton_Phase__c",
    "Baton_Due_Date__c",
]


@pytest.fixture(scope="module")
def tracking(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator with the demo data whose org tracks TRACKED on Opportunity."""
    seed = YAML(typ="safe", pure=True).load(DEMO_SEED.read_text())
    seed["historyTracked"] = {"Opportunity": TRACKED}
    return make_shared_emulator(seed=seed)


def runner(emulator: Any, cwd: Path) -> Run:
    """`baton-sf` with the emulator's variables set, in directory `cwd`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(emulator.env)
    env["NO_COLOR"] = "1"

    def run(*args: str, unset: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from reconciler.cli.main import run; run()", *args]
        used = {key: value for key, value in env.items() if key != unset}
        return subprocess.run(
            command, env=used, cwd=cwd, capture_output=True, text=True, timeout=120
        )

    return run


@pytest.fixture
def baton_sf(demo: Any, tmp_path: Path) -> Run:
    """`baton-sf` against the demo emulator, in a scratch directory."""
    return runner(demo, tmp_path)


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `needle` in the file at `path`."""
    text = path.read_text()
    return text.count("\n", 0, text.index(needle)) + 1


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_a_snapshot_holds_the_describes_the_spec_needs_and_validates_offline(
    baton_sf: Run, spec_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "org.json"

    made = baton_sf("org", "snapshot", str(spec_dir), "--env", "emulator", "--out", str(out))

    assert made.returncode == 0, made
    assert f"Wrote the describes of 2 object(s) to {out}: Account, Opportunity" in made.stdout
    data = json.loads(out.read_text())
    assert list(data) == ["sobjects"]
    assert list(data["sobjects"]) == ["Account", "Opportunity"]
    names = {field["name"] for field in data["sobjects"]["Opportunity"]["fields"]}
    assert {"StageName", "Baton_Project_ID__c", "Baton_Contract_Value__c"} <= names
    snapshot = read_snapshot(out)
    assert check_against_org(load_spec(spec_dir), snapshot.describes) == []


def test_validate_online_checks_the_live_schema(baton_sf: Run, spec_dir: Path) -> None:
    rule = spec_dir / "import" / "closed-won.yaml"
    rule.write_text(rule.read_text().replace("dueDate: CloseDate", "dueDate: Close_Date"))

    online = baton_sf("validate", str(spec_dir), "--env", "emulator", "--online", "--json")

    assert online.returncode == 1, online
    (found,) = json.loads(online.stdout)["diagnostics"]
    assert found["code"] == "unknown-field"
    assert (found["file"], found["line"], found["column"]) == (
        str(rule),
        line_of(rule, "Close_Date"),
        14,
    )
    assert found["hint"] == "did you mean 'CloseDate'?"


def test_an_object_the_org_does_not_have_is_reported_not_raised(
    baton_sf: Run, spec_dir: Path
) -> None:
    rule = spec_dir / "import" / "closed-won.yaml"
    rule.write_text(rule.read_text().replace("object: Opportunity", "object: Project__c"))
    (spec_dir / "sync" / "opportunity.yaml").unlink()

    result = baton_sf("validate", str(spec_dir), "--env", "emulator", "--online")

    assert result.returncode == 1, result
    at = f"{rule}:{line_of(rule, 'Project__c')}:11"
    assert f"{at}: error: import rule 'closed-won' imports Project__c" in result.stdout


def test_plan_stops_at_a_target_field_the_org_lacks_naming_where_it_is(
    baton_sf: Run, spec_dir: Path
) -> None:
    sync = spec_dir / "sync" / "opportunity.yaml"
    sync.write_text(sync.read_text().replace("Baton_Phase__c:", "Baton_Stage__c:"))

    line = error_line(baton_sf("plan", str(spec_dir), "--env", "emulator"))

    at = f"{sync}:{line_of(sync, 'Baton_Stage__c')}:5"
    assert line.startswith(f"Error: the spec has 1 error; the first is at {at}: ")
    assert "Opportunity has no field 'Baton_Stage__c' to write phase into" in line


def test_a_snapshot_resolves_references_and_names_a_missing_variable(
    baton_sf: Run, spec_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "org.json"

    line = error_line(
        baton_sf(
            "org",
            "snapshot",
            str(spec_dir),
            "--env",
            "emulator",
            "--out",
            str(out),
            unset="BATON_SF_SALESFORCE_TOKEN",
        )
    )

    assert "BATON_SF_SALESFORCE_TOKEN" in line
    assert not out.exists()


def test_the_history_the_live_org_tracks_counts_online_and_in_the_snapshot(
    tracking: Any, spec_dir: Path, tmp_path: Path
) -> None:
    baton_sf = runner(tracking, tmp_path)
    sync = spec_dir / "sync" / "opportunity.yaml"
    sync.write_text(sync.read_text() + "  trackHistory: [Baton_Status__c, Baton_Phase__c]\n")
    out = tmp_path / "org.json"
    at = f"{sync}:{line_of(sync, 'trackHistory')}:3: error: "
    message = (
        "Opportunity would track the history of 21 fields: 20 the org tracks already and 1 more"
    )

    online = baton_sf("validate", str(spec_dir), "--env", "emulator", "--online")
    made = baton_sf("org", "snapshot", str(spec_dir), "--env", "emulator", "--out", str(out))

    assert online.returncode == 1, online
    assert at + message in online.stdout
    assert made.returncode == 0, made
    snapshot = read_snapshot(out)
    assert sorted((snapshot.history_tracked or {})["Opportunity"]) == sorted(TRACKED)
    (offline,) = check_against_org(
        load_spec(spec_dir), snapshot.describes, snapshot.history_tracked
    )
    assert str(offline).startswith(at.replace(": error: ", ": error [too-many-history-fields] "))
