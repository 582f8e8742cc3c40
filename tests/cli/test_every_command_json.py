"""Every command offers --json, so CI scripts never have to parse text."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from reconciler.cli.main import app

ROOT: Any = typer.main.get_command(app)


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            found.extend(_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


def test_the_command_tree_is_found() -> None:
    assert ("plan",) in _commands(ROOT) and ("emulator", "up") in _commands(ROOT)


@pytest.mark.parametrize("path", _commands(ROOT), ids=" ".join)
def test_command_offers_json(path: tuple[str, ...]) -> None:
    command = ROOT
    for name in path:
        command = command.commands[name]

    options = {opt for param in command.params for opt in getattr(param, "opts", [])}

    assert "--json" in options, f"baton-sf {' '.join(path)} has no --json"
