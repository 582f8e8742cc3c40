"""The one exception tree of baton-sf.

Every error the tool raises derives from :class:`BatonSfError`. A message says what happened,
where, and what to do next; the CLI prints it as one line and exits 1.
"""

from __future__ import annotations


class BatonSfError(Exception):
    """Root of every error baton-sf raises on purpose."""

    retryable: bool = False
    retry_after: float | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class SpecError(BatonSfError):
    """The spec cannot be read or is invalid."""


class SecretReferenceError(SpecError):
    """An `{env: ...}` or `{file: ...}` reference cannot be resolved."""


class ConnectionFailed(BatonSfError):
    """A service cannot be reached."""

    retryable = True


class SalesforceError(BatonSfError):
    """Salesforce answered with an error."""


class BatonError(BatonSfError):
    """Baton answered with an error."""


class PlanError(BatonSfError):
    """A plan cannot be made, read or applied."""


class ApplyError(BatonSfError):
    """An apply did not complete."""


class EmulatorCommandError(BatonSfError):
    """The local emulator cannot be started, stopped or read."""
