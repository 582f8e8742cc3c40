"""`reconcile` loops plan and apply; `import` brings one record in now."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Cli


def _legacy_id(demo: Any) -> str:
    records = demo.sf().query_all("SELECT Id FROM Opportunity WHERE Name = 'Legacy Migration'")
    return str(records["records"][0]["Id"])


def test_import_brings_in_a_record_from_before_go_live(cli: Cli, spec_dir: Path, demo: Any) -> None:
    record_id = _legacy_id(demo)

    result = cli(
        "import", str(spec_dir), "--env", "emulator", "--id", record_id, "--rule", "closed-won"
    )

    assert result.code == 0, result.output
    assert demo.baton_get("projects/")["count"] == 2
    linked = demo.sf().Opportunity.get(record_id)
    assert linked["Baton_Project_ID__c"] is not None


def test_import_of_a_record_that_does_not_match_is_refused(
    cli: Cli, spec_dir: Path, demo: Any
) -> None:
    lost = demo.sf().query_all("SELECT Id FROM Opportunity WHERE StageName = 'Closed Lost'")
    record_id = lost["records"][0]["Id"]

    result = cli(
        "import", str(spec_dir), "--env", "emulator", "--id", record_id, "--rule", "closed-won"
    )

    assert result.code == 1
    assert "does not import" in result.stderr
    assert demo.baton_get("projects/")["count"] == 1


def test_reconcile_once_converges(cli: Cli, spec_dir: Path, demo: Any) -> None:
    result = cli("reconcile", str(spec_dir), "--env", "emulator", "--once")
    again = cli("plan", str(spec_dir), "--env", "emulator", "--detailed-exitcode")

    assert result.code == 0, result.output
    assert again.code == 0, again.output


def test_reconcile_stops_cleanly_on_sigterm(demo: Any, spec_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, **demo.env, "NO_COLOR": "1"}
    command = [
        sys.executable,
        "-c",
        "from reconciler.cli.main import run; run()",
        "reconcile",
        str(spec_dir),
        "--env",
        "emulator",
        "--import-every",
        "1s",
        "--every",
        "1h",
    ]
    loop = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(8)
    loop.send_signal(signal.SIGTERM)
    out, err = loop.communicate(timeout=60)

    assert loop.returncode == 0, err
    assert "Stopped" in out
    history = subprocess.run(
        [sys.executable, "-c", "from reconciler.cli.main import run; run()", "locks", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(history.stdout) == []
