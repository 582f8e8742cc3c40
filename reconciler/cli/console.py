"""The one console that all user-facing output goes through; tests capture it."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.markup import escape

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def reset() -> None:
    """Rebuild the consoles (after tests swap stdout/stderr or change NO_COLOR)."""
    global out, err
    no_color = bool(os.environ.get("NO_COLOR"))
    out = Console(highlight=False, soft_wrap=True, no_color=no_color)
    err = Console(stderr=True, highlight=False, soft_wrap=True, no_color=no_color)


def error(message: str) -> None:
    """One red line on stderr."""
    err.print(f"[bold red]Error:[/] {escape(message)}", markup=True, highlight=False)


def warn(message: str) -> None:
    err.print(f"[yellow]Warning:[/] {escape(message)}", markup=True)


def plain(text: str | bytes) -> None:
    """Text written as it is: no markup, no wrapping (large JSON plans stay fast). UTF-8
    bytes go straight to the output's buffer when it has one."""
    if isinstance(text, bytes):
        buffer = getattr(out.file, "buffer", None)
        if buffer is None:
            text = text.decode()
        else:
            out.file.flush()
            buffer.write(text)
            buffer.flush()
            return
    out.file.write(text)
    out.file.flush()


@contextmanager
def binary() -> Iterator[IO[bytes]]:
    """Standard output as a binary stream for large UTF-8 output written in pieces: the
    output's own buffer when it has one, else a buffer decoded onto it at the end."""
    out.file.flush()
    buffer = getattr(out.file, "buffer", None)
    if buffer is not None:
        yield buffer
        buffer.flush()
        return
    collected = io.BytesIO()
    yield collected
    plain(collected.getvalue().decode())
