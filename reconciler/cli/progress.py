"""A progress bar for long applies, shown on a terminal only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reconciler.cli import console


@contextmanager
def progress_bar(total: int, *, enabled: bool) -> Iterator[Callable[[], None]]:
    """Yield a function that advances the bar by one; a no-op off a terminal."""
    if not enabled or total == 0 or not console.err.is_terminal:
        yield lambda: None
        return
    columns = (
        TextColumn("applying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console.err, transient=True) as progress:
        task = progress.add_task("apply", total=total)
        yield lambda: progress.advance(task)
