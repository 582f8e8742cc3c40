"""Running `baton-sf` as a user does, in its own process and directory."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def baton_sf(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the command with no BATON_SF_ or colour variables but those in `env` (NO_COLOR
    is set unless `env` sets FORCE_COLOR)."""
    skip = ("BATON_SF_", "NO_COLOR", "FORCE_COLOR")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    if "FORCE_COLOR" not in (env or {}):
        environment["NO_COLOR"] = "1"
    environment.update(env or {})
    command = [sys.executable, "-c", "from reconciler.cli.main import run; run()", *args]
    done = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )
    return Result(done.returncode, done.stdout, done.stderr)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command in this process (faster than `baton_sf`); a deliberate error is
    reported as the error boundary reports it: on stderr, exit 1."""
    from typer.testing import CliRunner

    from reconciler.cli.main import app
    from reconciler.errors import BatonSfError

    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", **(env or {})})
    if isinstance(result.exception, BatonSfError):
        return Result(1, result.stdout, result.stderr + f"Error: {result.exception}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)
