"""Each auth method signs in to the emulator through the real token endpoint; failures
name the method, the URL and the fix, and never a secret."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from reconciler.errors import ConnectionFailed, SalesforceError
from reconciler.salesforce.auth import audience, jwt_assertion
from reconciler.salesforce.client import connect
from reconciler.spec import validate_spec
from tests.keys import make_keys
from tests.salesforce.sf_support import write_connection

KEYS = make_keys()
OTHER_KEYS = make_keys()
SECRET = "app-secret-value-7781"
REFRESH = "refresh-token-value-5529"
USERNAME = "integration@emulated-org.example.com"


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator with one connected app that allows every flow."""
    client = {
        "clientId": "baton-sf-app",
        "clientSecret": SECRET,
        "certificate": KEYS.certificate_pem,
        "refreshTokens": [REFRESH],
    }
    return make_shared_emulator(seed={"oauth": {"clients": [client]}})


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch, org: Any) -> pytest.MonkeyPatch:
    monkeypatch.setenv("SF_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("SF_REFRESH_TOKEN", REFRESH)
    monkeypatch.setenv("SF_KEY", KEYS.private_pem)
    monkeypatch.setenv("BATON_SF_BATON_API_KEY", org.env["BATON_SF_BATON_API_KEY"])
    monkeypatch.setenv("SF_ACCESS_TOKEN", org.env["BATON_SF_SALESFORCE_TOKEN"])
    return monkeypatch


def jwt_auth(org: Any, key: str = "{env: SF_KEY}", client: str = "baton-sf-app") -> str:
    return (
        "      method: jwt-bearer\n"
        f"      username: {USERNAME}\n"
        f"      clientId: {client}\n"
        f"      privateKey: {key}\n"
        f"      loginUrl: {org.url}\n"
    )


def refresh_auth(org: Any, token: str = "{env: SF_REFRESH_TOKEN}") -> str:
    return (
        "      method: refresh-token\n"
        "      clientId: baton-sf-app\n"
        "      clientSecret: {env: SF_CLIENT_SECRET}\n"
        f"      refreshToken: {token}\n"
        f"      loginUrl: {org.url}\n"
    )


def credentials_auth(secret: str = "{env: SF_CLIENT_SECRET}") -> str:
    return (
        "      method: client-credentials\n"
        "      clientId: baton-sf-app\n"
        f"      clientSecret: {secret}\n"
    )


def signed_in_user(tmp_path: Path, org: Any, auth: str) -> str:
    client = connect(write_connection(tmp_path, org, auth))
    return client.user_info().user_id


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(jwt_auth, id="jwt-bearer"),
        pytest.param(refresh_auth, id="refresh-token"),
        pytest.param(lambda org: credentials_auth(), id="client-credentials"),
        pytest.param(
            lambda org: "      method: access-token\n      accessToken: {env: SF_ACCESS_TOKEN}\n",
            id="access-token",
        ),
    ],
)
def test_every_method_signs_in_and_its_token_reads_the_org(
    auth: Callable[[Any], str], org: Any, secrets: Any, tmp_path: Path
) -> None:
    client = connect(write_connection(tmp_path, org, auth(org)))

    user = client.user_info()
    records = list(client.query("SELECT Id, Username FROM User WHERE IsActive = true"))

    assert user.username == USERNAME
    assert user.user_id in {record["Id"] for record in records}
    assert client.organization_id() == user.organization_id


def test_jwt_private_key_may_be_a_file_reference(org: Any, secrets: Any, tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "server.key").write_text(KEYS.private_pem)

    user = signed_in_user(
        tmp_path / "spec", org, jwt_auth(org, f"{{file: {tmp_path}/keys/server.key}}")
    )

    assert user.startswith("005")


def test_jwt_with_a_key_the_app_does_not_hold_is_refused_without_the_secret(
    org: Any, secrets: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets.setenv("SF_KEY", OTHER_KEYS.private_pem)

    with pytest.raises(SalesforceError) as caught:
        connect(write_connection(tmp_path, org, jwt_auth(org)))

    message = str(caught.value)
    assert message.startswith(
        f"Salesforce refused the jwt-bearer sign-in at {org.url}/services/oauth2/token: "
        "invalid_grant"
    )
    assert "certificate" in message and "pre-authorized" in message
    assert "PRIVATE KEY" not in message


def test_unknown_client_id_is_named_in_the_hint(org: Any, secrets: Any, tmp_path: Path) -> None:
    with pytest.raises(SalesforceError, match=r"invalid_client_id.*check auth.clientId"):
        connect(write_connection(tmp_path, org, jwt_auth(org, client="no-such-app")))


def test_a_revoked_refresh_token_says_how_to_fix_the_policy(
    org: Any, secrets: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets.setenv("SF_REFRESH_TOKEN", "revoked-token-0001")

    with pytest.raises(SalesforceError) as caught:
        connect(write_connection(tmp_path, org, refresh_auth(org)))

    message = str(caught.value)
    assert "refresh-token sign-in" in message and "valid until revoked" in message
    assert "revoked-token-0001" not in message and SECRET not in message


def test_a_wrong_client_secret_is_refused_at_the_instance(
    org: Any, secrets: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets.setenv("SF_CLIENT_SECRET", "wrong-secret-0002")

    with pytest.raises(SalesforceError) as caught:
        connect(write_connection(tmp_path, org, credentials_auth()))

    message = str(caught.value)
    assert f"client-credentials sign-in at {org.url}/services/oauth2/token" in message
    assert "invalid_client" in message and "wrong-secret-0002" not in message


def test_an_unreachable_login_url_names_method_and_url(
    org: Any, secrets: Any, tmp_path: Path
) -> None:
    auth = jwt_auth(org).replace(f"loginUrl: {org.url}", "loginUrl: https://127.0.0.1:9")

    with pytest.raises(
        ConnectionFailed, match=r"https://127.0.0.1:9/services/oauth2/token.*jwt-bearer"
    ):
        connect(write_connection(tmp_path, org, auth))


def test_a_private_key_that_is_not_pem_is_refused(
    org: Any, secrets: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets.setenv("SF_KEY", "not a key at all")

    with pytest.raises(SalesforceError, match=r"not an unencrypted PEM RSA private key"):
        connect(write_connection(tmp_path, org, jwt_auth(org)))


def test_the_assertion_is_rs256_with_the_documented_claims(
    org: Any, secrets: Any, tmp_path: Path
) -> None:
    spec = write_connection(tmp_path, org, jwt_auth(org))
    assert spec.connection.salesforce.auth.login_url is not None

    token = jwt_assertion(spec.connection.salesforce.auth, spec, org.url, now=1_000_000)

    header, claims, signature = (_b64(part) for part in token.split("."))
    assert json.loads(header) == {"alg": "RS256"}
    assert json.loads(claims) == {
        "iss": "baton-sf-app",
        "sub": USERNAME,
        "aud": org.url,
        "exp": 1_000_180,
    }
    public = serialization.load_pem_private_key(KEYS.private_pem.encode(), None).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    signed = token.rsplit(".", 1)[0].encode()
    public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize(
    ("login_url", "aud"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com", "https://test.salesforce.com"),
        ("https://acme.my.salesforce.com", "https://login.salesforce.com"),
        ("https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
    ],
)
def test_audience_follows_salesforce_for_my_domain_logins(login_url: str, aud: str) -> None:
    assert audience(login_url) == aud


def test_validate_warns_about_the_refresh_token_policy(org: Any, tmp_path: Path) -> None:
    write_connection(tmp_path, org, refresh_auth(org))

    _, diagnostics = validate_spec(tmp_path, None)

    (warning,) = [d for d in diagnostics if d.code == "refresh-token-policy"]
    assert warning.severity == "warning"
    assert "valid until revoked" in (warning.hint or "")
    assert warning.file.endswith("connection.yaml") and warning.line == 10


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
