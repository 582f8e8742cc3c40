"""The `baton-sf` command: thin commands over the library, with one error boundary."""

from __future__ import annotations

import logging
import os
import sys
import traceback

import typer

from reconciler.cli import console
from reconciler.cli.commands import register
from reconciler.cli.emulator import emulator_app
from reconciler.cli.language import register_language
from reconciler.cli.loop import register as register_loop
from reconciler.cli.operations import register as register_operations
from reconciler.cli.review import register_review
from reconciler.errors import BatonSfError

app = typer.Typer(
    name="baton-sf",
    help="Run the Baton and Salesforce integration as code: validate, plan, apply.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)
app.add_typer(emulator_app, name="emulator")
register(app)
register_language(app)
register_operations(app)
register_loop(app)
register_review(app)

_state = {"debug": False}


@app.callback()
def main(
    debug: bool = typer.Option(
        False, "--debug", envvar="BATON_SF_DEBUG", help="Show tracebacks and debug logs."
    ),
) -> None:
    """Declarative reconciler for the Baton and Salesforce integration."""
    _state["debug"] = debug
    level = logging.DEBUG if debug else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def run() -> None:
    """Entry point: every failure becomes one red line and exit 1."""
    console.reset()
    try:
        app()
    except BatonSfError as exc:
        _fail(str(exc), exc)
    except KeyboardInterrupt:
        _fail("interrupted", None)
    except Exception as exc:  # the boundary: nothing escapes as a traceback
        _fail(
            f"unexpected {type(exc).__name__}: {exc}",
            exc,
            hint="run again with --debug and report the traceback",
        )


def _fail(message: str, exc: BaseException | None, hint: str | None = None) -> None:
    if exc is not None and (_state["debug"] or os.environ.get("BATON_SF_DEBUG")):
        traceback.print_exception(exc, file=sys.stderr)
    console.error(f"{message} ({hint})" if hint else message)
    sys.exit(1)
