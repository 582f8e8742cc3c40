"""The Salesforce adapter: client construction, describe, reads and writes.

It wraps an unmodified simple-salesforce client whose requests session verifies TLS
against the connection's CA bundle (or the system's trust store).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simple_salesforce.api import Salesforce

from reconciler import tls
from reconciler.errors import SalesforceError
from reconciler.salesforce.errors import call, first_error
from reconciler.spec import Spec, resolve

log = logging.getLogger(__name__)

COLLECTION_SIZE = 200


@dataclass(frozen=True)
class RecordError:
    """One record that Salesforce refused, with its own code and message."""

    record_id: str
    code: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class WriteResult:
    """The outcome of writing a set of records."""

    written: tuple[str, ...]
    errors: tuple[RecordError, ...]


@dataclass
class SalesforceClient:
    """A connected Salesforce org."""

    sf: Salesforce
    instance_url: str
    api_version: str
    _describes: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: int = 0

    def describe(self, object_name: str) -> dict[str, Any]:
        """The object's describe payload, read once per run."""
        if object_name not in self._describes:
            sobject = getattr(self.sf, object_name)
            payload = self._call(f"describe {object_name}", sobject.describe)
            self._describes[object_name] = dict(payload)
        return self._describes[object_name]

    def query(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every record a query selects, following `nextRecordsUrl` page by page."""
        log.debug("query: %s", soql)
        page = self._call("run a query", lambda: self.sf.query(soql))
        while True:
            yield from page.get("records", [])
            if page.get("done", True):
                return
            locator = page["nextRecordsUrl"]
            page = self._call(
                "read the next page of a query",
                lambda locator=locator: self.sf.query_more(locator, identifier_is_url=True),
            )

    def organization_id(self) -> str | None:
        """The org's 18-character ID, or None when the Organization object is not readable."""
        records = list(self.query("SELECT Id FROM Organization"))
        return str(records[0]["Id"]) if records else None

    def update(self, object_name: str, records: Sequence[Mapping[str, Any]]) -> WriteResult:
        """Update records through sObject Collections, 200 a call, reporting each failure."""
        written: list[str] = []
        errors: list[RecordError] = []
        for start in range(0, len(records), COLLECTION_SIZE):
            batch = records[start : start + COLLECTION_SIZE]
            body = {
                "allOrNone": False,
                "records": [{"attributes": {"type": object_name}, **rec} for rec in batch],
            }
            answer = self._call(
                f"update {len(batch)} {object_name} records",
                lambda body=body: self.sf.restful("composite/sobjects", method="PATCH", json=body),
            )
            for record, result in zip(batch, answer, strict=True):
                if result.get("success"):
                    written.append(str(record["id"]))
                else:
                    errors.append(_record_error(str(record["id"]), result.get("errors", [])))
        return WriteResult(tuple(written), tuple(errors))

    def _call(self, what: str, fn: Any) -> Any:
        self.calls += 1
        return call(what, self.instance_url, fn)


def connect(spec: Spec) -> SalesforceClient:
    """A client for the spec's org, with references resolved from the environment."""
    settings = spec.connection.salesforce
    instance_url = resolve(settings.instance_url, spec.directory)
    ca_bundle = None
    if settings.ca_bundle is not None:
        ca_bundle = _ca_bundle(resolve(settings.ca_bundle, spec.directory))
    token = _access_token(spec)
    sf = Salesforce(
        instance_url=instance_url,
        session_id=token,
        session=tls.session(ca_bundle),
        version=settings.api_version,
    )
    return SalesforceClient(
        sf=sf, instance_url=_origin(instance_url), api_version=settings.api_version
    )


def _access_token(spec: Spec) -> str:
    auth = spec.connection.salesforce.auth
    if auth.method == "access-token" and auth.access_token is not None:
        return resolve(auth.access_token, spec.directory)
    # Known limit: only the access-token method signs in; jwt-bearer, refresh-token and
    # client-credentials are refused with this message until the token exchange exists.
    raise SalesforceError(
        f"auth method '{auth.method}' cannot sign in with this build of baton-sf",
        hint="use auth.method: access-token with accessToken: {env: NAME}",
    )


def _ca_bundle(path: str) -> str:
    if not Path(path).is_file():
        raise SalesforceError(
            f"the Salesforce CA bundle {path} does not exist",
            hint="start the emulator (baton-sf emulator up) or fix salesforce.caBundle",
        )
    return path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _record_error(record_id: str, errors: Sequence[Mapping[str, Any]]) -> RecordError:
    if not errors:
        return RecordError(record_id, "UNKNOWN_ERROR", "Salesforce gave no reason")
    code, message = first_error(
        [{"errorCode": errors[0].get("statusCode"), "message": errors[0].get("message")}]
    )
    return RecordError(
        record_id, code or "UNKNOWN_ERROR", message, tuple(errors[0].get("fields") or ())
    )
