"""The Salesforce adapter: client construction, describe, reads and writes.

It wraps an unmodified simple-salesforce client whose requests session verifies TLS
against the connection's CA bundle (or the system's trust store). Reads use the REST query
API and switch to Bulk API 2.0 when the first page says the result is large; record writes
use sObject Collections and switch to a Bulk API 2.0 ingest job above a size.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.util import exception_handler

from reconciler import tls
from reconciler.errors import SalesforceError
from reconciler.retry import with_retries
from reconciler.salesforce import bulk
from reconciler.salesforce.auth import sign_in
from reconciler.salesforce.errors import call, first_error
from reconciler.spec import Spec, resolve

log = logging.getLogger(__name__)

COLLECTION_SIZE: Final = 200
# The REST API answers 2,000 records a page; above this many a Bulk API 2.0 query job is
# cheaper in API calls. The first REST page's totalSize decides, so a small result costs
# no extra call (a large one costs the one page it throws away).
BULK_READ_THRESHOLD: Final = 10_000
# Above this many records per object a write is one Bulk API 2.0 ingest job.
BULK_WRITE_THRESHOLD: Final = 2_000
# The first look at a Bulk API 2.0 job's state comes this long after it starts; simple-salesforce
# then waits a little longer before each next look.
BULK_POLL_SECONDS: Final = 0.5
_TIMEOUT: Final = 60


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


@dataclass(frozen=True)
class UserInfo:
    """The user the access token acts as."""

    user_id: str
    username: str
    organization_id: str | None


@dataclass
class SalesforceClient:
    """A connected Salesforce org; `calls` counts every HTTP request made through it."""

    sf: Salesforce
    instance_url: str
    api_version: str
    _describes: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: int = 0
    bulk_read_threshold: int = BULK_READ_THRESHOLD
    bulk_write_threshold: int = BULK_WRITE_THRESHOLD
    bulk_poll_seconds: float = BULK_POLL_SECONDS

    def __post_init__(self) -> None:
        self.sf.session.hooks["response"].append(self._count)

    def describe(self, object_name: str) -> dict[str, Any]:
        """The object's describe payload, read once per run (see `forget_describe`)."""
        if object_name not in self._describes:
            sobject = getattr(self.sf, object_name)
            payload = self._call(f"describe {object_name}", sobject.describe)
            self._describes[object_name] = dict(payload)
        return self._describes[object_name]

    def forget_describe(self, object_name: str) -> None:
        """Drop a cached describe, so the next `describe` reads the org again."""
        self._describes.pop(object_name, None)

    def query(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every record a query selects: REST pages, or one Bulk API 2.0 job when the first
        page reports more than `bulk_read_threshold` records."""
        log.debug("query: %s", soql)
        page = self._call("run a query", lambda: self.sf.query(soql))
        if int(page.get("totalSize") or 0) > self.bulk_read_threshold:
            log.info("query of %s records goes through Bulk API 2.0", page.get("totalSize"))
            yield from self.bulk_query(soql)
            return
        while True:
            yield from page.get("records", [])
            if page.get("done", True):
                return
            locator = page["nextRecordsUrl"]
            page = self._call(
                "read the next page of a query",
                lambda locator=locator: self.sf.query_more(locator, identifier_is_url=True),
            )

    def bulk_query(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every record a query selects, read by a Bulk API 2.0 query job, in REST's form."""
        object_name = bulk.object_of(soql)
        if object_name is None:
            raise SalesforceError(f"cannot tell which object '{soql[:80]}' reads")
        job = getattr(self.sf.bulk2, object_name)
        pages = self._call(
            f"start a Bulk API 2.0 query of {object_name}",
            lambda: job.query(bulk.bulk_soql(soql), wait=self._poll_wait()),
        )
        while True:
            text = self._call(
                f"read Bulk API 2.0 results of {object_name}", lambda: next(pages, None)
            )
            if text is None:
                return
            yield from bulk.rows_from_csv(str(text), lambda path: self.path_type(object_name, path))

    def path_type(self, object_name: str, path: str) -> str | None:
        """The describe type of a field path such as `Amount` or `Account.Owner.Name`."""
        head, _, rest = path.partition(".")
        fields = self.describe(object_name).get("fields", [])
        if not rest:
            return next((str(f["type"]) for f in fields if f.get("name") == head), None)
        for entry in fields:
            targets = entry.get("referenceTo") or []
            if entry.get("relationshipName") == head and targets:
                return self.path_type(str(targets[0]), rest)
        return None

    def organization_id(self) -> str | None:
        """The org's 18-character ID, or None when the Organization object is not readable."""
        records = list(self.query("SELECT Id FROM Organization"))
        return str(records[0]["Id"]) if records else None

    def user_info(self) -> UserInfo:
        """The user the access token acts as (the OAuth userinfo endpoint)."""
        info = self._call(
            "read the signed-in user (oauth2/userinfo)", lambda: self.sf.oauth2("userinfo")
        )
        if not isinstance(info, Mapping) or not info.get("user_id"):
            raise SalesforceError(
                "Salesforce's userinfo answer names no user",
                hint="check that the access token has the api and openid scopes",
            )
        return UserInfo(
            user_id=str(info["user_id"]),
            username=str(info.get("preferred_username") or info.get("email") or ""),
            organization_id=str(info["organization_id"]) if info.get("organization_id") else None,
        )

    def tooling_query(self, soql: str) -> list[dict[str, Any]]:
        """Every record of a Tooling API query."""
        log.debug("tooling query: %s", soql)
        page = self._call(
            "run a Tooling API query", lambda: self.sf.restful("tooling/query/", params={"q": soql})
        )
        records = list(page.get("records", [])) if page else []
        while page and not page.get("done", True):
            locator = page["nextRecordsUrl"]
            page = self._call(
                "read the next page of a Tooling API query",
                lambda locator=locator: self.sf.query_more(locator, identifier_is_url=True),
            )
            records.extend(page.get("records", []))
        return records

    def rest(self, what: str, path: str, method: str = "GET", body: Any = None) -> Any:
        """One REST call under /services/data/vNN.N/ (`tooling/...` for the Tooling API)."""
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        return self._call(what, lambda: self.sf.restful(path, method=method, **kwargs))

    def versions(self) -> list[str]:
        """The API versions the org serves (GET /services/data/)."""
        answer = self._call("list the API versions", lambda: self._get("/services/data/"))
        return [str(item.get("version")) for item in answer if isinstance(item, Mapping)]

    def limits(self) -> dict[str, Any]:
        """The org's limits (GET limits/)."""
        return dict(self._call("read the org's limits", self.sf.limits))

    def update(self, object_name: str, records: Sequence[Mapping[str, Any]]) -> WriteResult:
        """Update records, reporting each failure: sObject Collections of 200, or one Bulk
        API 2.0 ingest job above `bulk_write_threshold` records."""
        if len(records) > self.bulk_write_threshold:
            return self.bulk_update(object_name, records)
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

    def bulk_update(self, object_name: str, records: Sequence[Mapping[str, Any]]) -> WriteResult:
        """Update records through one Bulk API 2.0 ingest job, reporting each failure."""
        if not records:
            return WriteResult((), ())
        job = getattr(self.sf.bulk2, object_name)
        rows = bulk.ingest_rows(records)
        results = self._call(
            f"update {len(rows)} {object_name} records with Bulk API 2.0",
            lambda: job.update(records=rows, wait=self._poll_wait()),
        )
        errors: list[RecordError] = []
        for result in results:
            job_id = str(result["job_id"])
            failed = self._call(
                "read a Bulk API 2.0 job's failed records",
                lambda job_id=job_id: job.get_failed_records(job_id),
            )
            errors.extend(
                RecordError(item.record_id, item.code, item.message, item.fields)
                for item in bulk.failed_records(str(failed))
            )
            if int(result["numberRecordsProcessed"]) < int(result["numberRecordsTotal"]):
                errors.extend(self._unprocessed(job, job_id))
        refused = {error.record_id[:15] for error in errors}
        written = tuple(row["Id"] for row in rows if row["Id"][:15] not in refused)
        return WriteResult(written, tuple(errors))

    def _unprocessed(self, job: Any, job_id: str) -> list[RecordError]:
        text = self._call(
            "read a Bulk API 2.0 job's unprocessed records",
            lambda: job.get_unprocessed_records(job_id),
        )
        return [
            RecordError(record_id, "UNPROCESSED", "the Bulk API job stopped before this record")
            for record_id in bulk.unprocessed_ids(str(text))
        ]

    def _get(self, path: str) -> Any:
        """GET a path outside the versioned API, raising simple-salesforce's errors."""
        url = f"https://{self.sf.sf_instance}{path}"
        response = self.sf.session.get(url, headers=self.sf.headers, timeout=_TIMEOUT)
        if response.status_code >= 300:
            exception_handler(response, path)
        return response.json()

    def _poll_wait(self) -> Any:
        # simple-salesforce types the wait as int but sleeps on any number.
        return self.bulk_poll_seconds

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1

    def _call(self, what: str, fn: Any) -> Any:
        return with_retries(lambda: call(what, self.instance_url, fn), what=what)


def connect(spec: Spec) -> SalesforceClient:
    """A signed-in client for the spec's org, with references resolved from the environment."""
    settings = spec.connection.salesforce
    ca_bundle = None
    if settings.ca_bundle is not None:
        ca_bundle = _ca_bundle(resolve(settings.ca_bundle, spec.directory))
    session = tls.session(ca_bundle)
    signed = sign_in(spec, session)
    sf = Salesforce(
        instance_url=signed.instance_url,
        session_id=signed.access_token,
        session=session,
        version=settings.api_version,
    )
    return SalesforceClient(
        sf=sf,
        instance_url=_origin(signed.instance_url),
        api_version=settings.api_version,
        bulk_read_threshold=_setting("BATON_SF_BULK_READ_THRESHOLD", BULK_READ_THRESHOLD),
        bulk_write_threshold=_setting("BATON_SF_BULK_WRITE_THRESHOLD", BULK_WRITE_THRESHOLD),
        bulk_poll_seconds=float(_setting("BATON_SF_BULK_POLL_SECONDS", BULK_POLL_SECONDS)),
    )


def _setting(name: str, default: float) -> Any:
    """A number from the environment, or `default` when the variable is unset."""
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text) if isinstance(default, float) else int(text)
    except ValueError:
        raise SalesforceError(
            f"environment variable {name} is '{text}', not a number",
            hint=f"set it to a number such as {default}, or unset it",
        ) from None
    if value < 0:
        raise SalesforceError(f"environment variable {name} is negative", hint="use 0 or more")
    return value


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
