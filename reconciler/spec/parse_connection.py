"""Reading a Connection document into the Connection model."""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, date, datetime, time
from typing import Any, Final

from reconciler.spec.connection import (
    DEFAULT_API_VERSION,
    AuthMethod,
    BatonSettings,
    Connection,
    SalesforceAuth,
    SalesforceSettings,
)
from reconciler.spec.diagnostics import DiagnosticLog, nearest
from reconciler.spec.documents import Document
from reconciler.spec.references import Value
from reconciler.spec.sections import Section, build_model
from reconciler.spec.values import check_url, read_value
from reconciler.spec.yamltree import YMap, YScalar

SPEC_KEYS: Final = ("salesforce", "baton", "goLive", "timezone")
SALESFORCE_KEYS: Final = ("instanceUrl", "apiVersion", "auth", "caBundle")
BATON_KEYS: Final = ("url", "apiKey", "caBundle", "requestsPerMinute")
AUTH_KEYS: Final = (
    "method",
    "username",
    "clientId",
    "privateKey",
    "clientSecret",
    "refreshToken",
    "accessToken",
    "loginUrl",
)
SECRET_KEYS: Final = frozenset({"privateKey", "clientSecret", "refreshToken", "accessToken"})
# Per method: the keys it needs, then the keys it may have.
METHOD_KEYS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "jwt-bearer": (("username", "clientId", "privateKey"), ("loginUrl",)),
    "refresh-token": (("clientId", "clientSecret", "refreshToken"), ("loginUrl",)),
    "client-credentials": (("clientId", "clientSecret"), ()),
    "access-token": (("accessToken",), ()),
}
_AUTH_FIELDS: Final = {
    "username": "username",
    "clientId": "client_id",
    "privateKey": "private_key",
    "clientSecret": "client_secret",
    "refreshToken": "refresh_token",
    "accessToken": "access_token",
    "loginUrl": "login_url",
}
_API_VERSION: Final = re.compile(r"^(\d{2,3})\.0$")
# sObject Collections upsert by external ID, which writes use, needs API 46.0.
MIN_API_VERSION: Final = 46
BATON_RATE_LIMIT: Final = 1000


def parse_connection(doc: Document, log: DiagnosticLog) -> Connection | None:
    """The Connection in `doc`, or None when it has errors (all reported to `log`)."""
    assert doc.spec is not None
    errors = log.error_count()
    spec = Section(doc.spec, log, "spec", SPEC_KEYS, at=doc.spec_loc)
    zone = _timezone(spec)
    salesforce = _salesforce(spec)
    baton = _baton(spec)
    go_live = _go_live(spec, zone or "UTC")
    if log.error_count() > errors or salesforce is None or baton is None:
        return None
    return build_model(
        log,
        doc.name_loc,
        "the Connection",
        lambda: Connection(
            name=doc.name,
            location=doc.name_loc,
            salesforce=salesforce,
            baton=baton,
            go_live=go_live,
            timezone=zone or "UTC",
        ),
    )


def _value(section: Section, key: str, *, required: bool = False) -> Value | None:
    node = section.required(key) if required else section.value(key)
    if node is None:
        return None
    return read_value(
        node, section.path(key), section.log, secret=key in SECRET_KEYS or key == "apiKey"
    )


def _literal_only(section: Section, key: str) -> bool:
    """False (and reported) when a key that is checked offline holds a reference."""
    node = section.value(key)
    if isinstance(node, YMap) and set(node.entries) & {"env", "file"}:
        section.log.error(
            "reference-not-allowed",
            f"{section.path(key)} cannot be a reference: it is checked without the environment",
            node.loc,
            hint="write the value itself",
        )
        return False
    return True


def _salesforce(spec: Section) -> SalesforceSettings | None:
    section = spec.section("salesforce", SALESFORCE_KEYS, required=True)
    if section is None:
        return None
    instance_url = _value(section, "instanceUrl", required=True)
    check_url(instance_url, section.path("instanceUrl"), section.value_loc("instanceUrl"), spec.log)
    api_version = _api_version(section)
    auth = _auth(section)
    ca_bundle = _value(section, "caBundle")
    if instance_url is None or api_version is None or auth is None:
        return None
    return SalesforceSettings(
        instance_url=instance_url, api_version=api_version, auth=auth, ca_bundle=ca_bundle
    )


def _api_version(section: Section) -> str | None:
    node = section.value("apiVersion")
    if node is None:
        return DEFAULT_API_VERSION
    if not _literal_only(section, "apiVersion"):
        return None
    value = node.value if isinstance(node, YScalar) else None
    text = (
        f"{value:.1f}" if isinstance(value, int | float) and not isinstance(value, bool) else value
    )
    match = _API_VERSION.match(text) if isinstance(text, str) else None
    if match is None:
        section.log.error(
            "bad-api-version",
            f'{section.path("apiVersion")} must be a Salesforce API version such as "62.0"',
            node.loc,
            hint=f'write apiVersion: "{DEFAULT_API_VERSION}"',
        )
        return None
    if int(match[1]) < MIN_API_VERSION:
        section.log.error(
            "salesforce-api-too-old",
            f"Salesforce API {text} is older than {MIN_API_VERSION}.0, which the writes need",
            node.loc,
            hint=f'use "{MIN_API_VERSION}.0" or newer; the default is "{DEFAULT_API_VERSION}"',
        )
        return None
    return match[0]


def _auth(salesforce: Section) -> SalesforceAuth | None:
    section = salesforce.section("auth", AUTH_KEYS, required=True)
    if section is None:
        return None
    method = section.choice("method", METHOD_KEYS) if _literal_only(section, "method") else None
    if section.value("method") is None:
        section.missing("method", hint="one of: " + ", ".join(METHOD_KEYS))
    values: dict[str, Any] = {}
    for key in AUTH_KEYS[1:]:
        if section.has(key):
            values[_AUTH_FIELDS[key]] = _value(section, key)
    if method is None:
        return None
    _check_method_keys(section, method)
    check_url(
        values.get("login_url"),
        section.path("loginUrl"),
        section.value_loc("loginUrl"),
        section.log,
    )
    chosen: AuthMethod = method  # type: ignore[assignment]
    return SalesforceAuth(method=chosen, **values)


def _check_method_keys(section: Section, method: str) -> None:
    needed, optional = METHOD_KEYS[method]
    for key in needed:
        if not section.has(key):
            section.missing(key, hint=f"auth method {method} needs {', '.join(needed)}")
    for key in AUTH_KEYS[1:]:
        if section.has(key) and key not in needed + optional:
            section.log.error(
                "key-not-for-method",
                f"{section.path(key)} is not used by auth method {method}",
                section.key_loc(key),
                hint=f"remove it; {method} uses " + ", ".join(needed + optional),
            )


def _baton(spec: Section) -> BatonSettings | None:
    section = spec.section("baton", BATON_KEYS, required=True)
    if section is None:
        return None
    url = _value(section, "url", required=True)
    check_url(url, section.path("url"), section.value_loc("url"), spec.log)
    api_key = _value(section, "apiKey", required=True)
    ca_bundle = _value(section, "caBundle")
    rate = _requests_per_minute(section)
    if url is None or api_key is None or rate is None:
        return None
    return BatonSettings(url=url, api_key=api_key, ca_bundle=ca_bundle, requests_per_minute=rate)


def _requests_per_minute(section: Section) -> int | None:
    if not section.has("requestsPerMinute"):
        return BATON_RATE_LIMIT
    if not _literal_only(section, "requestsPerMinute"):
        return None
    rate = section.integer("requestsPerMinute")
    at = section.value_loc("requestsPerMinute")
    if rate is not None and rate < 1:
        section.log.error(
            "bad-value", f"{section.path('requestsPerMinute')} must be at least 1", at
        )
        return None
    if rate is not None and rate > BATON_RATE_LIMIT:
        section.log.warning(
            "above-rate-limit",
            f"{section.path('requestsPerMinute')} is {rate}, above Baton's limit",
            at,
            hint=f"at most {BATON_RATE_LIMIT}, or requests will be refused with HTTP 429",
        )
    return rate


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone(spec: Section) -> str | None:
    if not spec.has("timezone") or not _literal_only(spec, "timezone"):
        return None
    name = spec.text("timezone")
    if name is None or name == "UTC" or name in _known_zones():
        return name
    close = nearest(name, _known_zones())
    spec.log.error(
        "unknown-timezone",
        f"spec.timezone '{name}' is not an IANA timezone",
        spec.value_loc("timezone"),
        hint=f"did you mean '{close}'?"
        if close
        else "use a name such as America/New_York, Europe/Paris or UTC",
    )
    return None


def _go_live(spec: Section, zone: str) -> datetime | None:
    node = spec.value("goLive")
    if node is None or not _literal_only(spec, "goLive"):
        return None
    value = node.value if isinstance(node, YScalar) else None
    if isinstance(value, str):
        value = _parse_moment(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            spec.log.error(
                "bad-value",
                "spec.goLive has no UTC offset, so the moment it names is ambiguous",
                node.loc,
                hint="add the offset, e.g. 2026-12-15T00:00:00Z",
            )
            return None
        return value.astimezone(UTC)
    if isinstance(value, date):
        # A bare date goes live at midnight in the connection's timezone.
        return datetime.combine(value, time(0), tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)
    spec.wrong_type("goLive", node, "a date-time", hint="e.g. 2026-12-15T00:00:00Z")
    return None


def _parse_moment(text: str) -> datetime | date | None:
    try:
        return date.fromisoformat(text) if len(text.strip()) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None
