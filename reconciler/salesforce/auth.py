"""Signing in to Salesforce: each `auth.method` of a Connection, turned into an access token.

`jwt-bearer` signs an RS256 assertion with the connected app's private key, `refresh-token`
trades a refresh token, `client-credentials` asks the org's own My Domain, and
`access-token` uses a token as given. Every token request goes through the caller's pinned
TLS session. Messages name the method, the URL and the fix, never a secret.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from reconciler.errors import ConnectionFailed, SalesforceError
from reconciler.salesforce.errors import shorten
from reconciler.spec import SalesforceAuth, Spec, Value, resolve
from reconciler.spec.connection import DEFAULT_LOGIN_URL

TOKEN_PATH: Final = "/services/oauth2/token"
JWT_GRANT: Final = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS: Final = 180
_TIMEOUT: Final = 30

# What to do about each OAuth error, by method; the error names come from Salesforce.
_HINTS: Final[dict[tuple[str, str], str]] = {
    ("jwt-bearer", "invalid_grant"): "check that the user exists and is active, that the "
    "connected app holds the certificate of this private key, and that the user's profile or "
    "a permission set is pre-authorized for the app (Admin approved users are pre-authorized)",
    ("jwt-bearer", "invalid_client"): "check auth.clientId: it is the connected app's consumer key",
    ("refresh-token", "invalid_grant"): "the refresh token was revoked or expired; authorize "
    'the app again and set its Refresh Token Policy to "valid until revoked"',
    ("refresh-token", "invalid_client"): "check auth.clientId and auth.clientSecret against "
    "the connected app",
    ("client-credentials", "invalid_grant"): "enable the Client Credentials Flow on the "
    "connected app and choose its Run As user",
    ("client-credentials", "invalid_client"): "check auth.clientId and auth.clientSecret "
    "against the connected app",
}

_ERROR_HINTS: Final[dict[str, str]] = {
    "invalid_client_id": "check auth.clientId: it is the connected app's consumer key",
    "unsupported_grant_type": "enable this OAuth flow on the connected app",
    "inactive_user": "activate the integration user, or sign in as another one",
    "inactive_org": "the org is locked, deleted or suspended; contact its administrator",
}


@dataclass(frozen=True)
class SignedIn:
    """An access token and the instance URL that the API calls go to."""

    access_token: str = field(repr=False)
    instance_url: str
    method: str


# Known limit: sign-in happens once per run; a token that expires during a long run is not
# renewed.
def sign_in(spec: Spec, http: requests.Session) -> SignedIn:
    """An access token for the spec's org, by the Connection's auth method."""
    settings = spec.connection.salesforce
    auth = settings.auth
    instance_url = resolve(settings.instance_url, spec.directory).rstrip("/")
    if auth.method == "access-token":
        token = _required(auth.access_token, "accessToken", auth.method, spec)
        return SignedIn(token, instance_url, auth.method)
    if auth.method == "client-credentials":
        form = {
            "grant_type": "client_credentials",
            "client_id": _required(auth.client_id, "clientId", auth.method, spec),
            "client_secret": _required(auth.client_secret, "clientSecret", auth.method, spec),
        }
        return _exchange(http, instance_url, form, auth.method, instance_url)
    login_url = login_url_of(auth, spec)
    if auth.method == "refresh-token":
        form = {
            "grant_type": "refresh_token",
            "client_id": _required(auth.client_id, "clientId", auth.method, spec),
            "client_secret": _required(auth.client_secret, "clientSecret", auth.method, spec),
            "refresh_token": _required(auth.refresh_token, "refreshToken", auth.method, spec),
        }
        return _exchange(http, login_url, form, auth.method, instance_url)
    form = {"grant_type": JWT_GRANT, "assertion": jwt_assertion(auth, spec, login_url)}
    return _exchange(http, login_url, form, auth.method, instance_url)


def login_url_of(auth: SalesforceAuth, spec: Spec) -> str:
    """The login URL of the Connection, https://login.salesforce.com by default."""
    if auth.login_url is None:
        return DEFAULT_LOGIN_URL
    return resolve(auth.login_url, spec.directory).rstrip("/")


def jwt_assertion(
    auth: SalesforceAuth, spec: Spec, login_url: str, now: float | None = None
) -> str:
    """The signed JWT of the jwt-bearer flow: the app (iss) asks for the user (sub)."""
    claims = {
        "iss": _required(auth.client_id, "clientId", auth.method, spec),
        "sub": _required(auth.username, "username", auth.method, spec),
        "aud": audience(login_url),
        "exp": int((time.time() if now is None else now) + ASSERTION_LIFETIME_SECONDS),
    }
    key = private_key(_required(auth.private_key, "privateKey", auth.method, spec))
    signing_input = (
        _b64(json.dumps({"alg": "RS256"}).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)


def audience(login_url: str) -> str:
    """The `aud` claim: the login URL, except that a My Domain login answers for
    login.salesforce.com (test.salesforce.com for a sandbox), as Salesforce requires."""
    host = urlsplit(login_url).hostname or ""
    if host.endswith(".sandbox.my.salesforce.com"):
        return "https://test.salesforce.com"
    if host.endswith(".my.salesforce.com"):
        return DEFAULT_LOGIN_URL
    return login_url


def private_key(text: str) -> rsa.RSAPrivateKey:
    """The RSA key in PEM `text`, or in the file `text` names."""
    pem = text
    if "-----BEGIN" not in text and Path(text.strip()).expanduser().is_file():
        pem = Path(text.strip()).expanduser().read_text(encoding="utf-8")
    try:
        key = serialization.load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SalesforceError(
            "auth.privateKey of auth method jwt-bearer is not an unencrypted PEM RSA private key",
            hint="reference the key file with privateKey: {file: path/to/server.key} (the key "
            "whose certificate the connected app holds)",
        )
    return key


def _exchange(
    http: requests.Session, base_url: str, form: dict[str, str], method: str, instance_url: str
) -> SignedIn:
    url = base_url + TOKEN_PATH
    try:
        response = http.post(
            url, data=form, headers={"Accept": "application/json"}, timeout=_TIMEOUT
        )
    except requests.exceptions.SSLError as exc:
        raise ConnectionFailed(
            f"TLS verification failed for {url} while signing in with auth method {method}",
            hint="point salesforce.caBundle at the CA that signed the server's certificate",
        ) from exc
    except requests.exceptions.RequestException as exc:
        raise ConnectionFailed(
            f"cannot reach {url} to sign in with auth method {method}: {type(exc).__name__}",
            hint="check auth.loginUrl (or instanceUrl for client-credentials) and the network",
        ) from exc
    body = _json(response)
    if response.status_code != 200 or not isinstance(body.get("access_token"), str):
        raise _refused(method, url, response.status_code, body)
    token_instance = str(body.get("instance_url") or "").rstrip("/")
    return SignedIn(str(body["access_token"]), instance_url or token_instance, method)


def _refused(method: str, url: str, status: int, body: dict[str, Any]) -> SalesforceError:
    error = str(body.get("error") or f"HTTP {status}")
    description = shorten(str(body.get("error_description") or "")).strip()
    hint = _HINTS.get((method, error)) or _ERROR_HINTS.get(
        error, "check the auth settings of the Connection"
    )
    detail = f"{error}: {description}" if description else error
    return SalesforceError(f"Salesforce refused the {method} sign-in at {url}: {detail}", hint=hint)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _required(value: Value | None, key: str, method: str, spec: Spec) -> str:
    if value is None:
        raise SalesforceError(
            f"auth method {method} needs auth.{key}, and the Connection has none",
            hint=f"add {key} to salesforce.auth (see SPEC.md, Connection)",
        )
    return resolve(value, spec.directory)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
