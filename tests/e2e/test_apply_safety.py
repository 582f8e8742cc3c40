"""Apply in CI: stale saved plans, one writer at a time, crashes, faults, per-record errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from ruamel.yaml import YAML

from reconciler.apply.lock import lock_scope, open_locks
from tests.e2e.conftest import DEMO_SEED, Cli, run_cli

LINKED = "006000000000001AAA"


def _demo_seed() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(DEMO_SEED.read_text())
    return data


def _many_matching(count: int) -> dict[str, Any]:
    seed = _demo_seed()
    for index in range(count):
        seed["salesforce"]["Opportunity"].append(
            {
                "Name": f"Rollout {index:03d}",
                "AccountId": "001000000000001AAA",
                "StageName": "Closed Won",
                "Type": "New Customer",
                "Amount": 20000 + index,
                "LeadSource": "Web",
                "CloseDate": "2027-03-01",
            }
        )
    return seed


def _page(emulator: Any, path: str, page: int) -> dict[str, Any]:
    """One page of a Baton list, asked again while injected faults refuse it."""
    for _ in range(50):
        try:
            response = emulator.baton("GET", path, params={"page_size": 100, "page": page})
        except requests.exceptions.ConnectionError:
            continue
        if response.status_code < 500 and response.status_code != 429:
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result
        time.sleep(0.1)
    raise AssertionError(f"{path} page {page} kept failing")


def _projects(emulator: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = _page(emulator, "projects/", page)
        found.extend(answer["results"])
        if not answer["next"]:
            return found
        page += 1


def _links(emulator: Any) -> list[str]:
    found: list[str] = []
    page = 1
    while True:
        answer = _page(emulator, "custom_field_values/", page)
        found.extend(v["value_text"] for v in answer["results"] if v.get("value_text"))
        if not answer["next"]:
            return found
        page += 1


def test_a_plan_saved_before_its_record_changed_is_refused(
    cli: Cli, spec_dir: Path, tmp_path: Path, demo: Any
) -> None:
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(spec_dir), "--env", "emulator", "--out", str(plan_file)).code == 0
    demo.sf().Opportunity.update(LINKED, {"Baton_Status__c": "Done by hand"})

    result = cli("apply", str(plan_file))

    assert result.code == 1
    assert "stale" in result.stderr and LINKED in result.stderr
    assert len(_projects(demo)) == 1


def test_a_plan_saved_before_an_unrelated_record_changed_is_applied(
    cli: Cli, spec_dir: Path, tmp_path: Path, demo: Any
) -> None:
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(spec_dir), "--env", "emulator", "--out", str(plan_file)).code == 0
    planned = json.loads(plan_file.read_text())
    touched = {c["record"]["id"] for c in planned["changes"] if "record" in c}
    sf = demo.sf()
    other = next(
        r["Id"]
        for r in sf.query_all("SELECT Id FROM Opportunity")["records"]
        if r["Id"] not in touched
    )
    sf.Opportunity.update(other, {"Description": "edited after the plan"})

    result = cli("apply", str(plan_file))

    assert result.code == 0, result.output
    assert len(_projects(demo)) == 1 + planned["summary"]["create"]


def test_a_second_apply_fails_naming_the_holder(
    cli: Cli, spec_dir: Path, tmp_path: Path, demo: Any
) -> None:
    plan = json.loads(cli("plan", str(spec_dir), "--env", "emulator", "--json").stdout)
    target = plan["targets"]["salesforce"]["organizationId"]
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    locks = open_locks(tmp_path / ".baton-sf")
    try:
        locks._db.execute(
            "INSERT INTO locks VALUES (?, 'held0001', 'ci-runner', ?, ?, '2026-12-03T10:00:00', "
            "'apply', 'specs')",
            (lock_scope(str(spec_dir), target), os.uname().nodename, holder.pid),
        )

        result = cli("apply", str(spec_dir), "--env", "emulator", "--auto-approve")
    finally:
        holder.kill()
        holder.wait()
        locks.close()

    assert result.code == 1
    assert "ci-runner" in result.stderr and "force-unlock held0001" in result.stderr
    assert len(_projects(demo)) == 1


def test_concurrent_applies_neither_duplicates(
    make_emulator: Any, spec_dir: Path, tmp_path: Path
) -> None:
    emulator = make_emulator(seed=_many_matching(30))
    env = {**os.environ, **emulator.env, "NO_COLOR": "1"}
    args = [
        sys.executable,
        "-c",
        "from reconciler.cli.main import run; run()",
        "apply",
        str(spec_dir),
        "--env",
        "emulator",
        "--auto-approve",
        "--lock-timeout",
        "120",
    ]

    first = subprocess.Popen(
        args,
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = subprocess.run(
        args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    first_err = first.communicate(timeout=300)[1]

    codes = sorted([first.returncode, second.returncode])
    assert codes[0] == 0, first_err + second.stderr
    if codes[1] != 0:
        assert "stale" in first_err + second.stderr
    titles = [p["title"] for p in _projects(emulator)]
    assert len(titles) == len(set(titles)) == 1 + 34
    assert len(_links(emulator)) == len(set(_links(emulator)))


@pytest.mark.parametrize("kill_after", [0.8, 1.6, 2.4, 3.5])
def test_an_apply_killed_at_any_point_converges_on_the_next(
    make_emulator: Any, spec_dir: Path, tmp_path: Path, kill_after: float
) -> None:
    emulator = make_emulator(seed=_many_matching(40))
    env = {**os.environ, **emulator.env, "NO_COLOR": "1"}
    args = ["apply", str(spec_dir), "--env", "emulator", "--auto-approve"]
    victim = subprocess.Popen(
        [sys.executable, "-c", "from reconciler.cli.main import run; run()", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(kill_after)
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    again = run_cli(args, env, tmp_path)
    final = run_cli(
        ["plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode"], env, tmp_path
    )

    assert again.code == 0, again.output
    assert final.code == 0, final.output
    titles = [p["title"] for p in _projects(emulator)]
    assert len(titles) == len(set(titles)) == 1 + 44
    links = _links(emulator)
    assert len(links) == len(set(links)) == 1 + 44


def test_a_permanent_record_error_leaves_the_others_applied(
    make_emulator: Any, spec_dir: Path, tmp_path: Path
) -> None:
    seed = _demo_seed()
    seed["validationRules"] = [
        {
            "object": "Opportunity",
            "field": "Baton_Project_Title__c",
            "rejectValue": "Globex - EU Expansion",
            "message": "EU titles need legal review",
        }
    ]
    emulator = make_emulator(seed=seed)
    env = {**os.environ, **emulator.env, "NO_COLOR": "1"}

    result = run_cli(
        ["apply", str(spec_dir), "--env", "emulator", "--auto-approve", "--json"], env, tmp_path
    )

    assert result.code == 1
    report = json.loads(result.stdout)
    failed = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert len(failed) == 1
    assert failed[0]["code"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert "EU titles need legal review" in failed[0]["message"]
    assert report["applied"] >= 8
    text = run_cli(["apply", str(spec_dir), "--env", "emulator", "--auto-approve"], env, tmp_path)
    assert text.code == 1
    assert "Failed changes" in text.stdout
    assert "FIELD_CUSTOM_VALIDATION_EXCEPTION" in text.stdout


def test_one_apply_converges_through_transient_faults(
    make_emulator: Any, spec_dir: Path, tmp_path: Path
) -> None:
    count = 500
    faults = tmp_path / "faults.yaml"
    faults.write_text(
        "seed: 7\nsalesforce: {errorRate: 0.1, lockRate: 0.05, partialRate: 0.05}\n"
        "baton: {errorRate: 0.1, ratePerMinute: 100000}\ndropRate: 0.02\n"
    )
    emulator = make_emulator(seed=_many_matching(count), faults=faults)
    env = {**os.environ, **emulator.env, "NO_COLOR": "1"}
    overlay = spec_dir / "environments" / "emulator" / "connection.yaml"
    text = overlay.read_text()
    overlay.write_text(text.replace("  baton:\n", "  baton:\n    requestsPerMinute: 100000\n", 1))

    applied = run_cli(
        ["apply", str(spec_dir), "--env", "emulator", "--auto-approve"], env, tmp_path, timeout=600
    )

    again = run_cli(
        ["plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode"],
        env,
        tmp_path,
        timeout=600,
    )

    assert applied.code == 0, applied.output[-3000:]
    assert again.code == 0, again.output[-3000:]
    titles = [p["title"] for p in _projects(emulator)]
    assert len(titles) == len(set(titles)) == 1 + count + 4
    links = _links(emulator)
    assert len(links) == len(set(links)) == 1 + count + 4


def test_max_api_calls_stops_before_spending_more(cli: Cli, spec_dir: Path, demo: Any) -> None:
    result = cli(
        "apply", str(spec_dir), "--env", "emulator", "--auto-approve", "--max-api-calls", "1"
    )

    assert result.code == 1
    assert "--max-api-calls 1 is spent" in result.stderr
    assert len(_projects(demo)) == 1
