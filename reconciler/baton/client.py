"""The Baton API client: api_key authentication, DRF paging, a request ceiling, retries.

The API key travels as the `api_key` query parameter, as Baton requires; every URL that
reaches a log, an error or a plan goes through :func:`redact` first.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from reconciler import tls
from reconciler.errors import BatonError, ConnectionFailed
from reconciler.spec import Spec, resolve

log = logging.getLogger(__name__)

PAGE_SIZE = 100
_KEY_PATTERN = re.compile(r"(api_key=)[^&#\s]*")
_MAX_TRIES = 5


def redact(text: str) -> str:
    """Text with every `api_key=...` value replaced, for logs and messages."""
    return _KEY_PATTERN.sub(r"\1***", text)


class BatonApiError(BatonError):
    """Baton answered with an error status."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.retryable = status == 429 or status >= 500


@dataclass
class BatonClient:
    """A Baton workspace reached over its REST API."""

    url: str
    api_key: str
    requests_per_minute: int = 1000
    session: requests.Session = field(default_factory=requests.Session)
    calls: int = 0
    _last: float = 0.0

    def list(self, collection: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every object of a collection, read in pages of 100."""
        url: str | None = self._url(f"{collection}/")
        query: dict[str, Any] | None = {"page_size": PAGE_SIZE, **params}
        while url is not None:
            page = self._request("GET", url, params=query, what=f"list {collection}")
            yield from page.get("results", [])
            url = page.get("next")
            query = None

    def create(self, collection: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create one object and return it as Baton stored it."""
        return self._request(
            "POST", self._url(f"{collection}/"), json=body, what=f"create in {collection}"
        )

    def update(self, collection: str, object_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change some fields of one object."""
        url = self._url(f"{collection}/{object_id}/")
        return self._request("PATCH", url, json=body, what=f"update {collection}/{object_id}")

    def _url(self, path: str) -> str:
        return urljoin(self.url.rstrip("/") + "/api/", path)

    def _request(self, method: str, url: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        params = kwargs.pop("params", None)
        params = dict(params or {})
        if "api_key=" not in url:
            params["api_key"] = self.api_key
        for attempt in range(1, _MAX_TRIES + 1):
            self._pace()
            response = self._send(method, url, params, what, kwargs)
            if response.status_code < 400:
                return dict(response.json()) if response.content else {}
            error = _api_error(what, response)
            if not error.retryable or attempt == _MAX_TRIES:
                raise error
            delay = _retry_delay(response, attempt)
            log.info(
                "Baton answered %s to %s; retrying in %.1fs", response.status_code, what, delay
            )
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _send(
        self, method: str, url: str, params: dict[str, Any], what: str, kwargs: dict[str, Any]
    ) -> requests.Response:
        self.calls += 1
        log.debug("%s %s", method, redact(url))
        try:
            return self.session.request(method, url, params=params, timeout=60, **kwargs)
        except requests.exceptions.SSLError:
            raise ConnectionFailed(
                f"TLS verification failed for Baton at {self.url} while trying to {what}",
                hint="point baton.caBundle at the CA that signed the server's certificate",
            ) from None
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailed(
                f"cannot reach Baton at {self.url} to {what}: {type(exc).__name__}",
                hint="check baton.url and that the workspace (or the emulator) is up",
            ) from None

    def _pace(self) -> None:
        interval = 60.0 / max(self.requests_per_minute, 1)
        wait = self._last + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()


def _api_error(what: str, response: requests.Response) -> BatonApiError:
    status = response.status_code
    body = redact(response.text[:300])
    hint = None
    if status in (401, 403):
        hint = "check baton.apiKey: Baton refused the API key"
    elif status == 404:
        hint = "the workspace does not offer this path; check baton.url"
    elif status == 429 or status >= 500:
        hint = "Baton is busy or failing; run again later"
    return BatonApiError(f"Baton refused to {what}: HTTP {status} {body}", status=status, hint=hint)


def _retry_delay(response: requests.Response, attempt: int) -> float:
    header = response.headers.get("Retry-After")
    if header and header.isdigit():
        return float(header)
    return float(min(0.2 * 2 ** (attempt - 1), 5.0))


def connect(spec: Spec) -> BatonClient:
    """A client for the spec's Baton workspace, with references resolved."""
    settings = spec.connection.baton
    ca_bundle = None
    if settings.ca_bundle is not None:
        ca_bundle = resolve(settings.ca_bundle, spec.directory)
        if not Path(ca_bundle).is_file():
            raise BatonError(
                f"the Baton CA bundle {ca_bundle} does not exist",
                hint="start the emulator (baton-sf emulator up) or fix baton.caBundle",
            )
    return BatonClient(
        url=resolve(settings.url, spec.directory).rstrip("/"),
        api_key=resolve(settings.api_key, spec.directory),
        requests_per_minute=settings.requests_per_minute,
        session=tls.session(ca_bundle),
    )
