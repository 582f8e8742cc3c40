"""One place that turns simple-salesforce and requests failures into baton-sf errors.

Bodies are shortened and access tokens never reach a message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from simple_salesforce.exceptions import SalesforceError as LibrarySalesforceError
from simple_salesforce.exceptions import SalesforceOperationError

from reconciler.errors import ConnectionFailed, SalesforceError

T = TypeVar("T")

TRANSIENT_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE"})
_BODY_LIMIT = 300


class SalesforceApiError(SalesforceError):
    """Salesforce answered a request with an error status."""

    def __init__(self, message: str, *, status: int, code: str | None, hint: str | None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.retryable = status >= 500 or status == 429 or code in TRANSIENT_CODES


def call(what: str, url: str, fn: Callable[[], T]) -> T:
    """Run one request to Salesforce, mapping every library failure to our own errors."""
    try:
        return fn()
    except LibrarySalesforceError as exc:
        raise _api_error(what, exc) from exc
    except SalesforceOperationError as exc:
        raise SalesforceError(
            f"a Bulk API 2.0 job failed while trying to {what}: {shorten(str(exc))}",
            hint="see the job under Setup > Bulk Data Load Jobs; run again once it is fixed",
        ) from exc
    except requests.exceptions.SSLError as exc:
        raise ConnectionFailed(
            f"TLS verification failed for Salesforce at {url} while trying to {what}",
            hint="point salesforce.caBundle at the CA that signed the server's certificate",
        ) from exc
    except requests.exceptions.RequestException as exc:
        failure = ConnectionFailed(
            f"cannot reach Salesforce at {url} to {what}: {type(exc).__name__}",
            hint="check salesforce.instanceUrl and that the org (or the emulator) is up",
        )
        failure.retryable = not _refused(exc)
        raise failure from exc


def first_error(content: Any) -> tuple[str | None, str]:
    """The (errorCode, message) of a Salesforce error body, whatever its shape."""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        entry = content[0]
        return entry.get("errorCode"), str(entry.get("message", ""))
    if isinstance(content, dict):
        return content.get("errorCode") or content.get("error"), str(
            content.get("message") or content.get("error_description") or ""
        )
    return None, shorten(content)


def shorten(content: Any) -> str:
    """A body cut to a readable length for a one-line message."""
    text = content if isinstance(content, str) else json.dumps(content, default=str)
    return text if len(text) <= _BODY_LIMIT else text[:_BODY_LIMIT] + "..."


def _api_error(what: str, exc: LibrarySalesforceError) -> SalesforceApiError:
    code, message = first_error(exc.content)
    status = int(exc.status)
    hint = _hint(status, code)
    text = f"Salesforce refused to {what}: {code or status} {message}".rstrip()
    return SalesforceApiError(text, status=status, code=code, hint=hint)


def _hint(status: int, code: str | None) -> str | None:
    if status == 401:
        return "the access token is invalid or expired; renew it and run again"
    if code == "REQUEST_LIMIT_EXCEEDED":
        return "the org's daily API allowance is spent; wait for it to reset"
    if code == "INVALID_FIELD":
        return "check the field names in the spec against the org (baton-sf validate)"
    if status >= 500:
        return "a transient Salesforce failure; run again"
    return None


def _refused(exc: requests.exceptions.RequestException) -> bool:
    """A connection that was never made (nothing listens) is not worth retrying."""
    text = str(exc)
    return "Connection refused" in text or "NewConnectionError" in text
