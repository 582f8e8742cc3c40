"""The Connection document: how to reach Salesforce and Baton, and when the rules go live."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from reconciler.spec.diagnostics import Location
from reconciler.spec.references import Value

AuthMethod = Literal["jwt-bearer", "refresh-token", "client-credentials", "access-token"]

DEFAULT_API_VERSION: Final = "62.0"
DEFAULT_LOGIN_URL: Final = "https://login.salesforce.com"
DEFAULT_REQUESTS_PER_MINUTE: Final = 1000


class SalesforceAuth(BaseModel):
    """How the reconciler obtains a Salesforce access token; keys depend on `method`."""

    model_config = ConfigDict(frozen=True)

    method: AuthMethod
    username: Value | None = None
    client_id: Value | None = None
    private_key: Value | None = None
    client_secret: Value | None = None
    refresh_token: Value | None = None
    access_token: Value | None = None
    login_url: Value | None = None


class SalesforceSettings(BaseModel):
    """The Salesforce org. `ca_bundle` names a PEM bundle to trust (the local emulator's
    CA); `resolve_path` gives its path, a relative one being relative to the spec directory."""

    model_config = ConfigDict(frozen=True)

    instance_url: Value
    api_version: str = DEFAULT_API_VERSION
    auth: SalesforceAuth
    ca_bundle: Value | None = None


class BatonSettings(BaseModel):
    """The Baton workspace; `requests_per_minute` is the client's own ceiling, and
    `ca_bundle` is read as `SalesforceSettings.ca_bundle` is."""

    model_config = ConfigDict(frozen=True)

    url: Value
    api_key: Value
    ca_bundle: Value | None = None
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE


class Connection(BaseModel):
    """Both systems, the go-live moment (aware, UTC) and the timezone dates are cut in."""

    model_config = ConfigDict(frozen=True)

    name: str
    location: Location
    salesforce: SalesforceSettings
    baton: BatonSettings
    go_live: datetime | None = None
    timezone: str = "UTC"
