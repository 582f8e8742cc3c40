"""Bad input of every kind ends in one line naming the cause and the fix, and exit 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import down
from tests.e2e.conftest import Cli


def _one_clean_error(result: Any) -> str:
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:")
    return str(lines[0])


def test_missing_spec_directory(cli: Cli, tmp_path: Path) -> None:
    line = _one_clean_error(cli("plan", str(tmp_path / "nowhere"), "--env", "emulator"))

    assert "nowhere" in line


def test_yaml_syntax_error_names_file_and_line(cli: Cli, spec_dir: Path) -> None:
    broken = spec_dir / "import" / "closed-won.yaml"
    broken.write_text(broken.read_text().replace("object: Opportunity", "object: [Opportunity"))

    line = _one_clean_error(cli("plan", str(spec_dir), "--env", "emulator"))

    assert "closed-won.yaml:" in line


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_unreachable_emulator(cli: Cli, spec_dir: Path, demo: Any, command: str) -> None:
    down(demo.state_dir)
    args = [command, str(spec_dir), "--env", "emulator"]
    if command == "apply":
        args.append("--auto-approve")

    line = _one_clean_error(cli(*args))

    assert "cannot reach" in line


def test_missing_environment_variable_is_named(cli: Cli, spec_dir: Path) -> None:
    line = _one_clean_error(
        cli("plan", str(spec_dir), "--env", "emulator", extra_env={"BATON_SF_BATON_API_KEY": ""})
    )

    assert "BATON_SF_BATON_API_KEY" in line


def test_damaged_plan_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text("{not json")

    line = _one_clean_error(cli("apply", str(plan_file)))

    assert "plan.json" in line
