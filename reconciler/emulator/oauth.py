"""Salesforce's OAuth 2.0 endpoints: `POST /services/oauth2/token` for the JWT bearer,
refresh token and client credentials grants, and `GET /services/oauth2/userinfo`.

Clients (connected apps) come from the seed's `oauth.clients`. A JWT assertion is checked
as Salesforce checks it: RS256 signature against the client's certificate, issuer, audience,
expiry and an active user named by `sub`. Failures answer 400 with `error` and
`error_description`, in Salesforce's words.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from .builtin import INTEGRATION_USER_ID, ORGANIZATION_ID
from .describe import Schema
from .sessions import Sessions
from .settings import OAuthClient, OrgSettings
from .stats import Stats
from .store import Store
from .web import Request, Response, json_response

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")


@dataclass(frozen=True)
class Refusal(Exception):
    """A grant Salesforce refuses: the OAuth `error` and its description."""

    error: str
    description: str

    def response(self) -> Response:
        return json_response(400, {"error": self.error, "error_description": self.description})


def _unknown_client() -> Refusal:
    return Refusal("invalid_client_id", "client identifier invalid")


def _bad_secret() -> Refusal:
    return Refusal("invalid_client", "invalid client credentials")


def _bad_assertion() -> Refusal:
    return Refusal("invalid_grant", "invalid assertion")


class OAuthApi:
    """Answers `/services/oauth2/...`."""

    def __init__(
        self, schema: Schema, store: Store, sessions: Sessions, settings: OrgSettings, stats: Stats
    ) -> None:
        self.schema = schema
        self.store = store
        self.sessions = sessions
        self.settings = settings
        self.stats = stats

    def handle(self, request: Request) -> Response:
        """Answer one request under `/services/oauth2/`."""
        name = request.path.removeprefix("/services/oauth2/").rstrip("/")
        if name == "token":
            self.stats.count("salesforce", "oauth.token")
            return self._token(request)
        if name == "userinfo":
            self.stats.count("salesforce", "oauth.userinfo")
            return self._userinfo(request)
        self.stats.count("salesforce", "not_found")
        return json_response(
            404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
        )

    # token

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return Refusal("invalid_request", "must use HTTP POST").response()
        form = {
            key: values[0]
            for key, values in parse_qs(request.body.decode("utf-8", "replace")).items()
        }
        grant = form.get("grant_type")
        try:
            if grant == JWT_BEARER:
                user_id, secret = self._jwt_bearer(request, form)
            elif grant == "refresh_token":
                user_id, secret = self._refresh(form)
            elif grant == "client_credentials":
                user_id, secret = self._client_credentials(request, form)
            else:
                raise Refusal("unsupported_grant_type", "grant type not supported")
        except Refusal as refusal:
            return refusal.response()
        return json_response(200, self._grant(request, user_id, secret))

    def _grant(self, request: Request, user_id: str, secret: str) -> dict[str, Any]:
        identity = f"{request.base_url}/id/{ORGANIZATION_ID}/{user_id}"
        issued_at = str(int(time.time() * 1000))
        signature = hmac.new(
            secret.encode(), (identity + issued_at).encode(), hashlib.sha256
        ).digest()
        return {
            "access_token": self.sessions.issue(user_id),
            "signature": base64.b64encode(signature).decode("ascii"),
            "scope": "api",
            "instance_url": request.base_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
        }

    def _client(self, client_id: str | None) -> OAuthClient:
        client = self.settings.client(client_id) if client_id else None
        if client is None:
            raise _unknown_client()
        return client

    def _check_secret(self, client: OAuthClient, given: str | None) -> str:
        expected = client.client_secret
        if expected is None or given is None:
            raise _bad_secret()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise _bad_secret()
        return expected

    def _refresh(self, form: dict[str, str]) -> tuple[str, str]:
        client = self._client(form.get("client_id"))
        secret = self._check_secret(client, form.get("client_secret"))
        given = form.get("refresh_token") or ""
        for token in client.refresh_tokens:
            if hmac.compare_digest(given.encode(), token.token.encode()):
                user_id = self._user(token.username) if token.username else INTEGRATION_USER_ID
                return user_id, secret
        raise Refusal("invalid_grant", "expired access/refresh token")

    def _client_credentials(self, request: Request, form: dict[str, str]) -> tuple[str, str]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, secret = basic
        client = self._client(client_id)
        return INTEGRATION_USER_ID, self._check_secret(client, secret)

    def _jwt_bearer(self, request: Request, form: dict[str, str]) -> tuple[str, str]:
        header, claims, signed, signature = _split_jwt(form.get("assertion") or "")
        client = self._client(claims.get("iss") if isinstance(claims.get("iss"), str) else None)
        if header.get("alg") != "RS256" or client.public_key is None:
            raise _bad_assertion()
        try:
            client.public_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _bad_assertion() from None
        audiences = {request.base_url, *LOGIN_AUDIENCES}
        if str(claims.get("aud") or "").rstrip("/") not in audiences:
            raise Refusal("invalid_grant", "audience is invalid")
        if _expiry(claims.get("exp")) <= time.time():
            raise Refusal("invalid_grant", "expired authorization code")
        subject = claims.get("sub")
        user_id = self._user(subject if isinstance(subject, str) else "")
        return user_id, client.client_secret or client.client_id

    def _user(self, username: str) -> str:
        """Return the ID of the active user with a username."""
        users = self.schema.get("User")
        if users is None or not users.has_field("Username") or not username:
            raise Refusal("invalid_grant", "invalid user")
        for user_id in self.store.find_sf(users, "Username", username, case_sensitive=False):
            row = self.store.get_sf(users, user_id) or {}
            if row.get("IsActive", 1) in (0, False):
                raise Refusal("invalid_grant", "inactive user")
            return user_id
        raise Refusal("invalid_grant", "invalid user")

    # userinfo

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        user_id = self.sessions.user_of(token.strip()) if scheme.lower() == "bearer" else None
        users = self.schema.get("User")
        row = self.store.get_sf(users, user_id) if users and user_id else None
        if row is None or user_id is None:
            return Response(403, b"Bad_OAuth_Token", content_type="text/plain;charset=UTF-8")
        return json_response(200, _user_info(request.base_url, user_id, row))


def _user_info(base: str, user_id: str, row: dict[str, Any]) -> dict[str, Any]:
    identity = f"{base}/id/{ORGANIZATION_ID}/{user_id}"
    return {
        "sub": identity,
        "user_id": user_id,
        "organization_id": ORGANIZATION_ID,
        "preferred_username": row.get("Username"),
        "nickname": row.get("Alias"),
        "name": row.get("Name"),
        "email": row.get("Email"),
        "email_verified": True,
        "given_name": row.get("FirstName"),
        "family_name": row.get("LastName"),
        "zoneinfo": row.get("TimeZoneSidKey") or "GMT",
        "profile": f"{base}/{user_id}",
        "active": row.get("IsActive", 1) not in (0, False),
        "user_type": "STANDARD",
        "language": row.get("LanguageLocaleKey") or "en_US",
        "locale": "en_US",
        "utcOffset": 0,
        "updated_at": row.get("LastModifiedDate"),
        "is_app_installed": True,
        "urls": {
            "rest": f"{base}/services/data/v{{version}}/",
            "sobjects": f"{base}/services/data/v{{version}}/sobjects/",
            "query": f"{base}/services/data/v{{version}}/query/",
            "profile": f"{base}/{user_id}",
        },
    }


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = (request.header("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _split_jwt(assertion: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Return (header, claims, signed bytes, signature) of a compact JWT, or refuse it."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise _bad_assertion()
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
    except (ValueError, binascii.Error):
        raise _bad_assertion() from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _bad_assertion()
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), signature


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _expiry(value: Any) -> float:
    """Read `exp`, a number of seconds (simple-salesforce sends it as text)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
