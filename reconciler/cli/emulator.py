"""`baton-sf emulator ...`: the local stand-in for Salesforce and Baton."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import typer

from reconciler.cli import console
from reconciler.emulator import control
from reconciler.emulator.control import EmulatorInfo
from reconciler.emulator.errors import EmulatorError
from reconciler.errors import EmulatorCommandError

DEFAULT_STATE = Path(".baton-sf/emulator")

emulator_app = typer.Typer(help="Start, stop and inspect the local emulator.", no_args_is_help=True)

StateOption = typer.Option(DEFAULT_STATE, "--state", help="The emulator instance's directory.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")


def _info_json(info: EmulatorInfo | None) -> str:
    if info is None:
        return json.dumps({"running": False}) + "\n"
    return (
        json.dumps(
            {
                "running": True,
                "url": info.url,
                "port": info.port,
                "pid": info.pid,
                "stateDir": str(info.state_dir),
                "caBundle": str(info.ca_bundle),
            }
        )
        + "\n"
    )


@emulator_app.command("up")
def up(
    state: Path = StateOption,
    port: int | None = typer.Option(
        None, "--port", help="Port on 127.0.0.1 (default: a free one)."
    ),
    schema: Path | None = typer.Option(None, "--schema", help="Directory of describe JSON files."),
    seed: Path | None = typer.Option(None, "--seed", help="YAML seed of records and objects."),
    faults: Path | None = typer.Option(None, "--faults", help="YAML file of faults to inject."),
    as_json: bool = JsonOption,
) -> None:
    """Start the emulator in the background; returns once it answers with its data."""
    try:
        info = control.up(state, port=port, schema_dir=schema, seed=seed, faults=faults)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    if as_json:
        console.plain(_info_json(info))
        return
    console.out.print(f"emulator up at {info.url} (pid {info.pid}, state {info.state_dir})")


@emulator_app.command("down")
def down(state: Path = StateOption, as_json: bool = JsonOption) -> None:
    """Stop the emulator of a state directory (nothing running is not an error)."""
    try:
        stopped = control.down(state)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    if as_json:
        console.plain(json.dumps({"stopped": stopped}) + "\n")
        return
    console.out.print("emulator stopped" if stopped else "no emulator was running")


@emulator_app.command("status")
def status(state: Path = StateOption, as_json: bool = JsonOption) -> None:
    """Say whether the emulator runs, and where."""
    info = control.status(state)
    if as_json:
        console.plain(_info_json(info))
        if info is None:
            raise typer.Exit(3)
        return
    if info is None:
        console.out.print(f"no emulator running for {state}")
        raise typer.Exit(3)
    console.out.print(f"emulator running at {info.url} (pid {info.pid})")


@emulator_app.command("env")
def env(state: Path = StateOption, as_json: bool = JsonOption) -> None:
    """Print shell `export` lines that point baton-sf at the running emulator."""
    try:
        variables = control.env(state)
    except EmulatorError as exc:
        raise EmulatorCommandError(str(exc)) from exc
    if as_json:
        console.plain(json.dumps(variables) + "\n")
        return
    for name, value in variables.items():
        console.plain(f"export {name}={shlex.quote(value)}\n")
