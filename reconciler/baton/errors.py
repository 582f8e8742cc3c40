"""Baton's answers and transport failures as baton-sf errors, mapped in one place.

Every message names what was being done and what to do next; bodies are shortened and
arrive here already redacted.
"""

from __future__ import annotations

from reconciler.errors import BatonError, ConnectionFailed

_BODY_LIMIT = 300


class BatonApiError(BatonError):
    """Baton answered with an error status."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.retryable = status == 429 or status >= 500


class BatonAuthError(BatonApiError):
    """Baton refused the API key."""


class BatonRateLimited(BatonApiError):
    """Baton kept answering 429 Too Many Requests."""


class ReadAbandoned(BatonError):
    """A request of a client whose run has already failed; nobody reports it."""


def api_error(what: str, status: int, body: str, retry_after: str | None) -> BatonApiError:
    """The error for an answer with status `status` to the request that tried to `what`."""
    text = " ".join(body.split())
    if len(text) > _BODY_LIMIT:
        text = text[:_BODY_LIMIT] + "..."
    message = f"Baton refused to {what}: HTTP {status}" + (f" {text}" if text else "")
    if status in (401, 403):
        return BatonAuthError(
            message, status=status, hint="check baton.apiKey: Baton refused the API key"
        )
    if status == 429:
        wait = f" (it asked to wait {retry_after}s)" if retry_after else ""
        return BatonRateLimited(
            message + wait,
            status=status,
            hint="lower baton.requestsPerMinute, or run again in a minute",
        )
    return BatonApiError(message, status=status, hint=_hint(status))


def _hint(status: int) -> str | None:
    if 300 <= status < 400:
        return "Baton redirected the request; check baton.url (the workspace URL, no path)"
    if status == 404:
        return "the workspace does not have this path or object; check baton.url"
    if status == 405:
        return "the workspace does not offer this operation; see its /api/swagger.json"
    if status == 400:
        return "Baton refused the values; the fields it names say which"
    if status >= 500:
        return "Baton is failing; run again later"
    return None


def transport_error(url: str, what: str, failure: str, *, tls: bool) -> ConnectionFailed:
    """The error for a request that got no answer (`failure` names the library's error)."""
    if tls:
        error = ConnectionFailed(
            f"TLS verification failed for Baton at {url} while trying to {what}",
            hint="point baton.caBundle at the CA that signed the server's certificate",
        )
        error.retryable = False
        return error
    return ConnectionFailed(
        f"cannot reach Baton at {url} to {what}: {failure}",
        hint="check baton.url and that the workspace (or the emulator) is up",
    )
