"""Operating commands: history of applies, and the apply lock."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer

from reconciler.apply.home import home
from reconciler.apply.journal import open_journal
from reconciler.apply.lock import open_locks
from reconciler.cli import console

JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")


def register(app: typer.Typer) -> None:
    """Add the operating commands to the application."""
    app.command("history")(history)
    app.command("locks")(locks)
    app.command("force-unlock")(force_unlock)


def history(
    limit: int = typer.Option(20, "--limit", min=1, help="How many applies to list."),
    as_json: bool = JsonOption,
) -> None:
    """List past applies from the journal, newest first."""
    journal = open_journal(home())
    try:
        marked = journal.mark_crashed()
        records = journal.history(limit)
    finally:
        journal.close()
    if as_json:
        console.plain(json.dumps([asdict(r) for r in records], indent=2, default=dict) + "\n")
        return
    if marked:
        console.warn(f"{marked} apply(s) ended without finishing; they are listed as crashed")
    if not records:
        console.out.print("No applies recorded yet.")
    for record in records:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(record.counts.items())) or "-"
        env = f" --env {record.environment}" if record.environment else ""
        console.plain(
            f"{record.id}  {record.started_at}  {record.status:<9}  "
            f"{record.spec_dir}{env}  {counts}\n"
        )


def locks(as_json: bool = JsonOption) -> None:
    """List the apply locks held now."""
    table = open_locks(home())
    try:
        held = table.held()
    finally:
        table.close()
    if as_json:
        console.plain(json.dumps([asdict(info) for info in held], indent=2) + "\n")
        return
    if not held:
        console.out.print("No locks are held.")
    for info in held:
        console.plain(info.describe() + "\n")


def force_unlock(
    lock_id: str = typer.Argument(..., help="The lock's ID, as the refusing apply named it."),
    as_json: bool = JsonOption,
) -> None:
    """Remove an apply lock whose holder is known to be gone."""
    table = open_locks(home())
    try:
        removed = table.force_unlock(lock_id)
    finally:
        table.close()
    if as_json:
        console.plain(json.dumps({"removed": asdict(removed)}) + "\n")
    else:
        console.out.print(f"Removed {removed.describe()}")
