"""The Baton API client: api_key authentication, DRF paging, a request ceiling, retries.

The API key travels as the `api_key` query parameter, as Baton requires. It never reaches a
message: URLs are redacted, errors are raised outside the handler of the HTTP library's
exception (so no chained exception carries a URL), and the HTTP stack's debug lines pass
through a redacting filter.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

from reconciler import tls
from reconciler.baton.capabilities import Capabilities, parse_swagger
from reconciler.baton.errors import (
    BatonApiError,
    BatonAuthError,
    BatonRateLimited,
    ReadAbandoned,
    api_error,
    transport_error,
)
from reconciler.baton.ratelimit import SlidingWindow
from reconciler.baton.redaction import redact, register_secret
from reconciler.baton.retry import DEFAULT_RETRY, RetryPolicy, retry_after_seconds
from reconciler.errors import BatonError, BatonSfError
from reconciler.spec import Spec, resolve

__all__ = [
    "PAGE_SIZE",
    "BatonApiError",
    "BatonAuthError",
    "BatonClient",
    "BatonRateLimited",
    "connect",
    "redact",
]

log = logging.getLogger(__name__)

PAGE_SIZE = 100
_IDEMPOTENT = frozenset({"GET", "PATCH"})
# Answers that mean the request was not processed, so even a create may be sent again.
_NOT_PROCESSED = frozenset({429, 502, 503, 504})
_TIMEOUT = (10.0, 60.0)


@dataclass
class _Answer:
    status: int
    body: Any
    text: str
    retry_after: str | None


@dataclass
class BatonClient:
    """A Baton workspace reached over its REST API.

    `calls` counts every request sent (retries included) and `calls_by_kind` counts them by
    `(method, collection)`, so that a run can report what it cost.
    """

    url: str
    api_key: str = field(repr=False)
    requests_per_minute: int = 1000
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    retry: RetryPolicy = DEFAULT_RETRY
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)
    calls: int = 0
    calls_by_kind: Counter[tuple[str, str]] = field(default_factory=Counter, repr=False)
    _window: SlidingWindow = field(init=False, repr=False)
    _capabilities: Capabilities | None = field(default=None, init=False, repr=False)
    _abandoned: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        register_secret(self.api_key)
        self._window = SlidingWindow(self.requests_per_minute, clock=self.clock, sleep=self.sleep)

    # reads

    def list(self, collection: str) -> Iterator[dict[str, Any]]:
        """Every object of a collection, read in pages of 100 by following `next`."""
        url: str | None = self._url(f"{collection}/")
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        seen: set[str] = set()
        while url is not None:
            seen.add(url)
            page = self._request("GET", url, collection, what=f"list {collection}", params=params)
            if isinstance(page, list):
                yield from page
                return
            yield from _results(page, collection)
            url = self._next_url(page.get("next"), collection, seen)
            params = {}

    def get(self, collection: str, object_id: int) -> dict[str, Any]:
        """One object of a collection."""
        url = self._url(f"{collection}/{object_id}/")
        return _mapping(
            self._request("GET", url, collection, what=f"read {collection}/{object_id}")
        )

    def capabilities(self) -> Capabilities:
        """The operations the workspace's `/api/swagger.json` lists, read once per client."""
        if self._capabilities is None:
            source = f"{self.url}/api/swagger.json"
            try:
                document = self._request(
                    "GET", self._url("swagger.json"), "swagger.json", what="read /api/swagger.json"
                )
            except BatonApiError as error:
                if error.status != 404:
                    raise
                log.warning("the Baton workspace has no /api/swagger.json; writes are refused")
                self._capabilities = Capabilities(frozenset(), source, published=False)
            else:
                self._capabilities = parse_swagger(document, source)
        return self._capabilities

    # writes (reconciler.baton.writes is the one module that calls these)

    def create(self, collection: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create one object and return it as Baton stored it."""
        url = self._url(f"{collection}/")
        answer = self._request("POST", url, collection, what=f"create in {collection}", json=body)
        return _mapping(answer)

    def update(self, collection: str, object_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change some fields of one object and return it as Baton stored it."""
        url = self._url(f"{collection}/{object_id}/")
        what = f"update {collection}/{object_id}"
        return _mapping(self._request("PATCH", url, collection, what=what, json=body))

    def abandon(self) -> None:
        """Refuse every later request: the run this client serves has failed, and a read
        still going on another thread stops at its next request."""
        self._abandoned = True

    # the request loop

    def _url(self, path: str) -> str:
        return f"{self.url}/api/{path}"

    def _request(
        self,
        method: str,
        url: str,
        collection: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        query = {**dict(params or {}), "api_key": self.api_key}
        attempt = 1
        while True:
            answer, failure = self._send(method, url, collection, query, json, what)
            if answer is not None and answer.status < 300:
                return answer.body
            error = failure if failure is not None else self._error(what, answer)
            delay = self._delay(method, answer, error, attempt, what)
            if delay is None:
                raise error
            log.info(
                "Baton: %s failed (%s); retry %d in %.1fs", what, error.message, attempt, delay
            )
            self.sleep(delay)
            attempt += 1

    def _send(
        self,
        method: str,
        url: str,
        collection: str,
        query: Mapping[str, Any],
        body: Any,
        what: str,
    ) -> tuple[_Answer | None, BatonSfError | None]:
        """One request; the HTTP library's exception is turned into ours *outside* its
        handler, so that no chained exception carries the URL and its API key."""
        if self._abandoned:
            raise ReadAbandoned(f"{what} was abandoned: the run failed")
        self._window.acquire()
        self.calls += 1
        self.calls_by_kind[(method, collection)] += 1
        log.debug("Baton %s %s", method, redact(url))
        failure: str | None = None
        tls_failure = False
        try:
            response = self.session.request(
                method, url, params=query, json=body, timeout=_TIMEOUT, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            failure = type(exc).__name__
            tls_failure = isinstance(exc, requests.exceptions.SSLError)
        finally:
            self._window.release()
        if failure is not None:
            return None, transport_error(redact(self.url), what, failure, tls=tls_failure)
        return self._answer(response, what)

    def _answer(
        self, response: requests.Response, what: str
    ) -> tuple[_Answer | None, BatonSfError | None]:
        text = response.text
        retry_after = response.headers.get("Retry-After")
        if not text.strip():
            return _Answer(response.status_code, {}, text, retry_after), None
        try:
            body = response.json()
        except ValueError:
            body = None
        if body is None and response.status_code < 300:
            return None, BatonError(
                f"Baton answered '{what}' with something that is not JSON "
                f"(HTTP {response.status_code}, {redact(text[:80])!r})",
                hint="check that baton.url is the workspace URL, e.g. https://acme.hellobaton.com",
            )
        return _Answer(response.status_code, body, text, retry_after), None

    def _error(self, what: str, answer: _Answer | None) -> BatonSfError:
        assert answer is not None
        return api_error(what, answer.status, redact(answer.text), answer.retry_after)

    def _delay(
        self, method: str, answer: _Answer | None, error: BatonSfError, attempt: int, what: str
    ) -> float | None:
        """Seconds to wait before trying again, or None when the error is final."""
        if attempt >= self.retry.attempts or not error.retryable:
            return None
        # Known limit: a create answered with HTTP 500, or whose connection drops, is not
        # sent again, since Baton may have stored it; the apply reports it and the next plan
        # retries the import.
        if answer is None:
            return self.retry.backoff(attempt, self.rng) if method in _IDEMPOTENT else None
        if method not in _IDEMPOTENT and answer.status not in _NOT_PROCESSED:
            return None
        wait = retry_after_seconds(answer.retry_after)
        if wait is None:
            return self.retry.backoff(attempt, self.rng)
        if wait > self.retry.max_retry_after:
            log.warning("Baton asks to wait %.0fs before trying to %s again", wait, what)
            return None
        return wait

    def _next_url(self, link: Any, collection: str, seen: set[str]) -> str | None:
        """The next page's URL without its api_key (the client adds its own), refusing a
        link to another host, which would receive the API key."""
        if not link:
            return None
        parts = urlsplit(urljoin(f"{self.url}/", str(link)))
        own = urlsplit(self.url)
        if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
            raise BatonError(
                f"Baton's next page of {collection} points at {parts.scheme}://{parts.netloc}, "
                f"not at {own.scheme}://{own.netloc}; the API key is not sent there",
                hint="check baton.url: it must be the URL the workspace itself uses",
            )
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "api_key"
        ]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
        if url in seen:
            raise BatonError(
                f"Baton's pages of {collection} link back to a page already read",
                hint="the workspace's paging is broken; run again later",
            )
        return url


def _results(page: Any, collection: str) -> list[dict[str, Any]]:
    results = page.get("results") if isinstance(page, Mapping) else None
    if not isinstance(results, list):
        raise BatonError(
            f"Baton's list of {collection} has no 'results'",
            hint="check that baton.url is the workspace URL, e.g. https://acme.hellobaton.com",
        )
    return [dict(item) for item in results if isinstance(item, Mapping)]


def _mapping(body: Any) -> dict[str, Any]:
    return dict(body) if isinstance(body, Mapping) else {}


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
        url=resolve(settings.url, spec.directory),
        api_key=resolve(settings.api_key, spec.directory),
        requests_per_minute=settings.requests_per_minute,
        session=tls.session(ca_bundle),
        retry=DEFAULT_RETRY,
    )
