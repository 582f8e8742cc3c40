"""Errors of the policy phase."""

from __future__ import annotations

from reconciler.errors import BatonSfError


class PolicyError(BatonSfError):
    """Policies cannot be read or run: a missing directory, or documents with errors."""


class ExpressionError(Exception):
    """A CEL expression that cannot be parsed or evaluated; `line` and `column` are 1-based
    positions inside the expression, known for syntax errors only.

    It never leaves the policy package: the loader turns it into a diagnostic and the
    evaluator into a finding.
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
