"""Fixtures that drive the real `baton-sf` command against a running emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_SEED = REPO / "examples" / "emulator-seed.yaml"
SPECS = REPO / "specs"


@dataclass
class Result:
    """One finished run of the command."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Cli = Callable[..., Result]


def run_cli(
    args: list[str],
    env: dict[str, str],
    cwd: Path,
    stdin: str | None = None,
    timeout: float = 120,
) -> Result:
    """Run `baton-sf` as a user would, in its own process."""
    command = [sys.executable, "-c", "from reconciler.cli.main import run; run()", *args]
    completed = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, input=stdin, timeout=timeout
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A private copy of the example spec, free to edit."""
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target


@pytest.fixture
def demo(make_emulator: Callable[..., Any]) -> Any:
    """An emulator seeded with the demo data."""
    return make_emulator(seed=DEMO_SEED)


@pytest.fixture
def cli(demo: Any, tmp_path: Path) -> Iterator[Cli]:
    """`baton-sf` with the emulator's variables set, run in a scratch directory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(demo.env)
    env["NO_COLOR"] = "1"

    def invoke(
        *args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None
    ) -> Result:
        return run_cli(list(args), {**env, **(extra_env or {})}, tmp_path, stdin)

    yield invoke
