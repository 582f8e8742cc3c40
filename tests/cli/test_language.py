"""The spec language commands, run as a user runs them: validate (offline, with an org
snapshot, as JSON), schema, fmt and migrate."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import reconciler
from reconciler.spec import validate_spec

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
RECORDED = Path(reconciler.__file__).parent / "emulator" / "schema"

# Registers a test-only baton-sf/v0 (which called instanceUrl `instance`), then runs the
# command: the real command, with one more migration in its registry.
WITH_V0 = """
from reconciler.spec import migrations

def instance_to_instance_url(doc):
    migrations.rename_key(doc["spec"]["salesforce"], "instance", "instanceUrl")

migrations.register("baton-sf/v0", "baton-sf/v1", instance_to_instance_url)
from reconciler.cli.main import run
run()
"""


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def baton_sf(*args: str, cwd: Path, prelude: str | None = None) -> Result:
    """Run `baton-sf` in its own process with no Salesforce or Baton variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BATON", "SF_")) and key != "REQUESTS_CA_BUNDLE"
    }
    env["NO_COLOR"] = "1"
    code = prelude or "from reconciler.cli.main import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def one_error(result: Result) -> str:
    """The one `Error:` line of a failed run."""
    assert result.code == 1, result
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A private copy of the example spec."""
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target


def demo_org() -> dict[str, Any]:
    """The describes of the org the example spec is written for: the recorded Opportunity
    and Account, with the custom fields the example's SyncBack writes."""
    opportunity = json.loads((RECORDED / "Opportunity.json").read_text())
    account = json.loads((RECORDED / "Account.json").read_text())
    template = next(f for f in opportunity["fields"] if f["name"] == "NextStep")
    for name, sf_type, extra in [
        ("Baton_Project_ID__c", "string", {"externalId": True, "unique": True}),
        ("Baton_Project_URL__c", "url", {}),
        ("Baton_Project_Title__c", "string", {}),
        ("Baton_Status__c", "string", {}),
        ("Baton_Phase__c", "string", {}),
        ("Baton_Due_Date__c", "date", {}),
        ("Baton_Contract_Value__c", "currency", {}),
    ]:
        field = copy.deepcopy(template)
        field.update(name=name, type=sf_type, custom=True, **extra)
        opportunity["fields"].append(field)
    return {"sobjects": {"Opportunity": opportunity, "Account": account}}


def write_snapshot(path: Path, snapshot: dict[str, Any]) -> Path:
    path.write_text(json.dumps(snapshot))
    return path


def test_validate_json_reports_every_diagnostic_and_exits_1(spec_dir: Path, tmp_path: Path) -> None:
    rule = spec_dir / "import" / "closed-won.yaml"
    rule.write_text(rule.read_text().replace("object: Opportunity", "objekt: Opportunity"))

    result = baton_sf("validate", str(spec_dir), "--json", cwd=tmp_path)

    assert result.code == 1
    payload = json.loads(result.stdout)
    assert payload["valid"] is False
    unknown = next(d for d in payload["diagnostics"] if d["code"] == "unknown-key")
    assert set(unknown) == {"severity", "code", "message", "file", "line", "column", "hint"}
    assert unknown["file"] == str(rule)
    line = rule.read_text().splitlines().index("  objekt: Opportunity") + 1
    assert (unknown["line"], unknown["column"]) == (line, 3)
    assert unknown["hint"] == "did you mean 'object'?"


def test_validate_with_a_snapshot_checks_the_org_schema_without_credentials(
    spec_dir: Path, tmp_path: Path
) -> None:
    # baton_sf runs with no Salesforce or Baton variable set, as a CI job without secrets.
    snapshot = write_snapshot(tmp_path / "org.json", demo_org())

    result = baton_sf("validate", str(spec_dir), "--org-snapshot", str(snapshot), cwd=tmp_path)

    assert result.code == 0, result
    assert "valid (0 error(s), 0 warning(s))" in result.stdout


def test_validate_with_a_snapshot_names_each_finding_where_it_is_written(
    spec_dir: Path, tmp_path: Path
) -> None:
    sync = spec_dir / "sync" / "opportunity.yaml"
    text = sync.read_text().replace("Baton_Phase__c:", "Baton_Phse__c:")
    sync.write_text(text + "  trackHistory: [Baton_Status__c]\n")
    org = demo_org()
    org["historyTracked"] = {"Opportunity": [f"Field_{n}__c" for n in range(20)]}
    snapshot = write_snapshot(tmp_path / "org.json", org)

    result = baton_sf(
        "validate", str(spec_dir), "--org-snapshot", str(snapshot), "--json", cwd=tmp_path
    )

    assert result.code == 1
    missing, history = json.loads(result.stdout)["diagnostics"]
    lines = sync.read_text().splitlines()
    assert missing["code"] == "unknown-field"
    assert (missing["file"], missing["line"], missing["column"]) == (
        str(sync),
        lines.index("    Baton_Phse__c: phase") + 1,
        5,
    )
    assert "did you mean 'Baton_Phase__c'?" in missing["hint"]
    assert history["code"] == "too-many-history-fields"
    assert (history["line"], history["column"]) == (len(lines), 3)
    assert history["message"].startswith(
        "Opportunity would track the history of 21 fields: 20 the org tracks already"
    )


def test_a_bad_snapshot_is_one_clear_error(spec_dir: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "org.json"
    snapshot.write_text('{"sobjects": []}')

    line = one_error(
        baton_sf("validate", str(spec_dir), "--org-snapshot", str(snapshot), cwd=tmp_path)
    )

    assert line == (
        f"Error: the org snapshot {snapshot} is not a snapshot: 'sobjects' must be an object "
        "of describes by object name (make one with: baton-sf org snapshot SPEC_DIR --out FILE)"
    )


def test_online_and_a_snapshot_together_are_refused(spec_dir: Path, tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "org.json", demo_org())

    line = one_error(
        baton_sf(
            "validate", str(spec_dir), "--online", "--org-snapshot", str(snapshot), cwd=tmp_path
        )
    )

    assert "--online and --org-snapshot were both given" in line


def test_schema_prints_the_checked_in_schema(tmp_path: Path) -> None:
    result = baton_sf("schema", cwd=tmp_path)

    assert result.code == 0, result
    assert result.stdout == (REPO / "schema" / "baton-sf-v1.json").read_text(encoding="utf-8")


MESSY_SYNC = """\
# yaml-language-server: $schema=../../schema/baton-sf-v1.json
apiVersion: baton-sf/v1
kind: SyncBack
metadata:
    name: opportunity
spec:
    rule:   closed-won   # the rule
    target: {object: Opportunity}
    fields:
        Baton_Project_ID__c: projectId
        Baton_Status__c: 'status'
"""

TIDY_SYNC = """\
# yaml-language-server: $schema=../../schema/baton-sf-v1.json
apiVersion: baton-sf/v1
kind: SyncBack
metadata:
  name: opportunity
spec:
  rule: closed-won       # the rule
  target: {object: Opportunity}
  fields:
    Baton_Project_ID__c: projectId
    Baton_Status__c: 'status'
"""

NOT_A_SPEC = "services:\n    web:   {image: nginx}\n"


def test_fmt_check_then_fmt_then_check_is_clean_and_a_second_fmt_changes_no_byte(
    spec_dir: Path, tmp_path: Path
) -> None:
    sync = spec_dir / "sync" / "opportunity.yaml"
    sync.write_text(MESSY_SYNC)
    other = spec_dir / "compose.yaml"
    other.write_text(NOT_A_SPEC)

    before = baton_sf("fmt", "--check", str(spec_dir), cwd=tmp_path)
    unchanged = sync.read_text()
    first = baton_sf("fmt", str(spec_dir), cwd=tmp_path)
    after_first = {p: p.read_bytes() for p in spec_dir.rglob("*.yaml")}
    check = baton_sf("fmt", "--check", str(spec_dir), cwd=tmp_path)
    second = baton_sf("fmt", str(spec_dir), cwd=tmp_path)

    assert before.code == 1
    assert f"would reformat {sync}" in before.stdout
    assert "1 file(s) would be reformatted, 3 already formatted" in before.stdout
    assert unchanged == MESSY_SYNC
    assert first.code == 0, first
    assert f"reformatted {sync}" in first.stdout
    assert "1 not spec files (left alone)" in first.stdout
    assert sync.read_text() == TIDY_SYNC
    assert other.read_text() == NOT_A_SPEC
    assert check.code == 0, check
    assert second.code == 0
    assert {p: p.read_bytes() for p in spec_dir.rglob("*.yaml")} == after_first


def test_fmt_reports_a_broken_file_and_formats_the_others(spec_dir: Path, tmp_path: Path) -> None:
    broken = spec_dir / "import" / "closed-won.yaml"
    broken.write_text(broken.read_text().replace("object: Opportunity", "object: [Opportunity"))
    sync = spec_dir / "sync" / "opportunity.yaml"
    sync.write_text(MESSY_SYNC)

    result = baton_sf("fmt", str(spec_dir), cwd=tmp_path)

    assert result.code == 1
    assert f"Error: {broken}:" in result.stderr
    assert "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert sync.read_text() == TIDY_SYNC


V0_CONNECTION = """\
# yaml-language-server: $schema=../schema/baton-sf-v1.json
# The connection, as v0 spelled it.
apiVersion: baton-sf/v0
kind: Connection
metadata:
  name: acme
spec:
  salesforce:
    instance: https://acme.my.salesforce.com  # the org
    apiVersion: "62.0"
    auth:
      method: access-token
      accessToken: {env: SF_ACCESS_TOKEN}
  baton:
    url: https://acme.hellobaton.com
    apiKey: {env: BATON_API_KEY}
"""


def test_migrate_rewrites_older_documents_in_place_keeping_comments(
    spec_dir: Path, tmp_path: Path
) -> None:
    connection = spec_dir / "connection.yaml"
    connection.write_text(V0_CONNECTION)
    untouched = {p: p.read_bytes() for p in spec_dir.rglob("*.yaml") if p != connection}

    result = baton_sf("migrate", str(spec_dir), cwd=tmp_path, prelude=WITH_V0)
    spec, diagnostics = validate_spec(spec_dir)

    assert result.code == 0, result
    assert f"migrated {connection}:3: baton-sf/v0 -> baton-sf/v1" in result.stdout
    text = connection.read_text()
    assert text == V0_CONNECTION.replace("baton-sf/v0", "baton-sf/v1").replace(
        "instance: https://acme.my.salesforce.com  #",
        "instanceUrl: https://acme.my.salesforce.com #",
    )
    assert {p: p.read_bytes() for p in untouched} == untouched
    assert spec is not None, diagnostics
    assert spec.connection.salesforce.instance_url == "https://acme.my.salesforce.com"


def test_migrate_refuses_a_version_it_cannot_read_and_leaves_the_file(
    spec_dir: Path, tmp_path: Path
) -> None:
    connection = spec_dir / "connection.yaml"
    text = V0_CONNECTION.replace("baton-sf/v0", "baton-sf/v7")
    connection.write_text(text)

    result = baton_sf("migrate", str(connection), cwd=tmp_path, prelude=WITH_V0)

    assert result.code == 1
    assert (
        f"Error: {connection}:3:1: apiVersion baton-sf/v7 cannot be migrated to baton-sf/v1"
        in result.stderr
    )
    assert "supported versions: baton-sf/v1, baton-sf/v0" in result.stderr
    assert connection.read_text() == text
