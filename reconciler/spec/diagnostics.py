"""Diagnostics: what is wrong (or doubtful) in a spec, where, and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reconciler.errors import SpecError

Severity = Literal["error", "warning"]


class Location(BaseModel):
    """A place in a spec file; line and column are 1-based."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Diagnostic(BaseModel):
    """One finding about a spec, with a stable `code` and, when there is one, the fix."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    code: str
    message: str
    file: str
    line: int
    column: int
    hint: str | None = None

    @property
    def location(self) -> Location:
        return Location(file=self.file, line=self.line, column=self.column)

    def __str__(self) -> str:
        text = (
            f"{self.file}:{self.line}:{self.column}: {self.severity} [{self.code}] {self.message}"
        )
        return f"{text} ({self.hint})" if self.hint else text


class SpecInvalid(SpecError):
    """The spec has at least one error; `diagnostics` holds every finding."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0] if errors else None
        count = f"{len(errors)} error" + ("" if len(errors) == 1 else "s")
        if first is None:
            super().__init__("the spec is invalid")
            return
        super().__init__(
            f"the spec has {count}; the first is at {first.file}:{first.line}:{first.column}: "
            f"{first.message}",
            hint=first.hint,
        )


def one_line(text: str) -> str:
    """`text` with its whitespace runs (newlines included) folded into single spaces."""
    return " ".join(text.split())


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word` (a case-only difference wins), or None."""
    options = list(candidates)
    folded = word.lower()
    for option in options:
        if option.lower() == folded:
            return option
    if len(folded) >= 3:
        prefixed = [option for option in options if option.lower().startswith(folded)]
        if len(prefixed) == 1:
            return prefixed[0]
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggestion(word: str, candidates: Iterable[str], noun: str = "keys") -> str:
    """A hint naming the nearest candidate, or listing them all when none is near."""
    options = sorted(set(candidates))
    close = nearest(word, options)
    if close is not None:
        return f"did you mean '{close}'?"
    if not options:
        return f"there are no {noun} here"
    return f"known {noun}: " + ", ".join(options)


def nearest_hint(word: str, candidates: Iterable[str], noun: str, shown: int = 12) -> str:
    """A hint naming the nearest candidates to `word`; when none is near, the first `shown`
    of them, so that a long list (an object's fields) stays readable."""
    options = sorted(set(candidates))
    close = nearest(word, options)
    if close is not None:
        return f"did you mean '{close}'?"
    near = difflib.get_close_matches(word, options, n=3, cutoff=0.4)
    if near:
        return f"nearest {noun}: " + ", ".join(near)
    if not options:
        return f"there are no {noun}"
    more = f", and {len(options) - shown} more" if len(options) > shown else ""
    return f"{noun}: " + ", ".join(options[:shown]) + more


class DiagnosticLog:
    """Collects the diagnostics of one load, in the order they are found."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, code: str, message: str, at: Location, hint: str | None = None) -> None:
        self._add("error", code, message, at, hint)

    def warning(self, code: str, message: str, at: Location, hint: str | None = None) -> None:
        self._add("warning", code, message, at, hint)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def error_count(self) -> int:
        return sum(1 for d in self.items if d.severity == "error")

    def _add(
        self, severity: Severity, code: str, message: str, at: Location, hint: str | None
    ) -> None:
        self.items.append(
            Diagnostic(
                severity=severity,
                code=code,
                message=one_line(message),
                file=at.file,
                line=at.line,
                column=at.column,
                hint=one_line(hint) if hint else None,
            )
        )
