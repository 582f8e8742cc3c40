"""`baton-sf emulator ...`: the local stand-in for Salesforce and Baton."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from reconciler.cli import console
from reconciler.emulator import control
from reconciler.emulator.errors import EmulatorError
from reconciler.errors import EmulatorCommandError

DEFAULT_STATE = Path(".baton-sf/emulator")

emulator_app = typer.Typer(help="Start, stop and inspect the local emulator.", no_args_is_help=True)

StateOption = typer.Option(DEFAULT_STATE, "--state", help="The emulator instance's directory.")


@emulator_app.command("up")
def up(
    state: Path = StateOption,
    port: int | None = typer.Option(
        None, "--port", help="Port on 127.0.0.1 (default: a free one)."
    ),
    schema: Path | None = typer.Option(None, "--schema", help="Directory of describe JSON files."),
    seed: Path | None = typer.Option(None, "--seed", help="YAML seed of records and objects."),
    faults: Path | None = typer.Option(None, "--faults", help="YAML file of faults to inject."),
) -> None:
    """Start the emulator in the background; returns once it answers with its data."""
    try:
        info = control.up(state, port=port, schema_dir=schema, seed=seed, faults=faults)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    console.out.print(f"emulator up at {info.url} (pid {info.pid}, state {info.state_dir})")


@emulator_app.command("down")
def down(state: Path = StateOption) -> None:
    """Stop the emulator of a state directory (nothing running is not an error)."""
    try:
        stopped = control.down(state)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    console.out.print("emulator stopped" if stopped else "no emulator was running")


@emulator_app.command("status")
def status(state: Path = StateOption) -> None:
    """Say whether the emulator runs, and where."""
    info = control.status(state)
    if info is None:
        console.out.print(f"no emulator running for {state}")
        raise typer.Exit(3)
    console.out.print(f"emulator running at {info.url} (pid {info.pid})")


@emulator_app.command("env")
def env(state: Path = StateOption) -> None:
    """Print shell `export` lines that point baton-sf at the running emulator."""
    try:
        variables = control.env(state)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    for name, value in variables.items():
        console.plain(f"export {name}={shlex.quote(value)}\n")
